"""Entities of table cells, where the column header supplies what the cell alone does not say.

A cell "60%/60%" under "ORR/CR" is two outcomes; "6, 12 and 18" under "Cell dose (108 )" is three
doses (6e8, 1.2e9, 1.8e9 cells); "1234" under "Abstract number" is an abstract id; "FC" is the
regimen the document's footnote defines. Header words are matched with the same lexicons as prose.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.language import Language

from pipeline.fields.header import columns_of
from pipeline.knowledge.patterns import PERCENT
from pipeline.models import Column, Table
from pipeline.ner.doc_text import read
from pipeline.ner.meanings import with_document_meanings
from pipeline.ner.overlaps import resolve_overlaps

_MARKS = "*†‡§"


def _cell_outcomes(text: str, start: int, names: list[str]) -> list[dict]:
    """Split "60%/60%" or "16.7%/0" over the outcomes the header names."""
    parts = list(re.finditer(r"[^/]+", text))
    if len(parts) != len(names):
        return []
    found = []
    for name, part in zip(names, parts, strict=True):
        value = PERCENT.search(part.group()) or re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*", part.group())
        if value:
            s = start + part.start() + len(part.group()) - len(part.group().lstrip())
            e = start + part.end() - (len(part.group()) - len(part.group().rstrip()))
            found.append({"label": "OUTCOME", "start": s, "end": e, "normalized": name,
                          "value": float(value.group(1)), "unit": "%"})
    return found


def _cell_doses(text: str, start: int, scale: float, unit: str) -> list[dict]:
    """One dose per number of a scaled dose cell ("1 or 3" under "(108 )": 1e8 and 3e8 cells)."""
    return [{"label": "DOSE", "start": start + m.start(), "end": start + m.end(), "value": float(m.group()) * scale,
             "unit": unit}
            for m in re.finditer(r"\d+(?:\.\d+)?", text.rstrip(_MARKS + " "))]


def _defined(text: str, start: int, short_forms: dict[str, tuple[str, str]]) -> list[dict]:
    """Short forms the document defines, inside a cell, with the label of their long form."""
    found = []
    for m in re.finditer(r"[\w/-]+", text):
        meaning = short_forms.get(m.group())
        if meaning is not None:
            label, normalized = meaning
            found.append({"label": label, "start": start + m.start(), "end": start + m.end(), "normalized": normalized})
    return found


CELL_SEPARATOR = " ;\n; "


def _recognise(cells: list[str], nlp: Language) -> list[list[dict]]:
    """The recognisers' candidates of each cell, offsets into the cell.

    The cells are read as one Doc, joined by a separator no term spans and no value search
    crosses (a semicolon ends every context window), which costs one pipeline call per table
    instead of one per cell; a candidate that still straddles two cells is dropped.
    """
    if not cells:
        return []
    starts, at = [], 0
    for cell in cells:
        starts.append(at)
        at += len(cell) + len(CELL_SEPARATOR)
    # The last component only resolves overlaps and sets doc.ents, which nothing reads here.
    doc = read(nlp, CELL_SEPARATOR.join(cells), skip=("sentencizer", "confmine_entities"))
    found: list[list[dict]] = [[] for _ in cells]
    for entity in resolve_overlaps(doc._.confmine_entities or []):
        index = bisect_right(starts, entity["start"]) - 1
        offset = starts[index]
        if entity["end"] <= offset + len(cells[index]):
            found[index].append({**entity, "start": entity["start"] - offset, "end": entity["end"] - offset})
    return found


def table_cell_entities(text: str, table: Table, nlp: Language,
                        short_forms: dict[str, tuple[str, str]]) -> list[dict]:
    """Entities of every printed (not inherited) cell of ``table``, offsets into ``text``; those read
    as text carry their cell's start (``cell``), where no phrase of the entity can begin earlier."""
    cells = [
        (col, span)
        for row in table.cell_spans
        for col, span in enumerate(row)
        if span is not None and span[1] > span[0]
    ]
    found: list[dict] = []
    texts = [text[s:e].replace("\n", " ") for _col, (s, e) in cells]
    columns = columns_of(table)
    for (col, (start, _end)), cell, recognised in zip(cells, texts, _recognise(texts, nlp), strict=True):
        column = columns[col] if col < len(columns) else Column(name="")
        outcomes, role = column.outcomes, column.field
        if outcomes and ("%" in cell or (len(outcomes) > 1 and "/" in cell)):
            found.extend(_cell_outcomes(cell, start, outcomes))
        elif column.scale and role == "doses":
            found.extend(_cell_doses(cell, start, column.scale, column.unit))
        elif role == "abstract_number" and re.fullmatch(r"\s*\d{1,5}\s*", cell):
            m = re.search(r"\d+", cell)
            found.append({"label": "ABSTRACT_ID", "start": start + m.start(), "end": start + m.end(),  # type: ignore[union-attr]
                          "normalized": m.group()})  # type: ignore[union-attr]
        else:
            placed = [{**e, "start": e["start"] + start, "end": e["end"] + start, "cell": start} for e in recognised]
            found.extend(with_document_meanings(text, placed, short_forms))
            found.extend(_defined(cell, start, short_forms))
    return found

"""Entities of table cells, where the column header supplies what the cell alone does not say.

A cell "60%/60%" under "ORR/CR" is two outcomes; "6, 12 and 18" under "Cell dose (108 )" is a dose
list of 6e8, 1.2e9 and 1.8e9 cells. Header words are matched with the same outcome lexicon as prose.
"""

from __future__ import annotations

import re

from spacy.language import Language

from pipeline.models import Table
from pipeline.ner.lexicon import lookup
from pipeline.ner.patterns import PERCENT
from pipeline.ner.quantities import header_scale, header_unit, split_levels

_DOSE_HEADER = re.compile(r"\bdoses?\b", re.I)


def header_outcomes(header: str) -> list[str]:
    """Outcome names a header announces, in order: "ORR/CR" -> ["ORR", "CR"]."""
    names = []
    for part in re.split(r"\s*/\s*|\s*,\s*|\s+and\s+", header.strip()):
        entry = lookup(part.strip(), "OUTCOME")
        if entry:
            names.append(entry.normalized)
    return names


def _cell_outcomes(text: str, start: int, names: list[str]) -> list[dict]:
    """Split "60%/60%" or "16.7%/0" over the outcomes the header names."""
    parts = list(re.finditer(r"[^/]+", text))
    if len(parts) != len(names):
        return []
    found = []
    for name, part in zip(names, parts, strict=True):
        value = PERCENT.search(part.group()) or re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*", part.group())
        if value:
            number = float(value.group(1) if value.re is not PERCENT else value.group("value"))
            s = start + part.start() + len(part.group()) - len(part.group().lstrip())
            e = start + part.end() - (len(part.group()) - len(part.group().rstrip()))
            found.append({"label": "OUTCOME", "start": s, "end": e, "normalized": name, "value": number, "unit": "%"})
    return found


def _cell_doses(text: str, start: int, scale: float, header: str) -> list[dict]:
    levels = split_levels(re.sub(r"[*†‡§]+", "", text))
    if not levels:
        return []
    stripped = text.rstrip("*†‡§ ")
    return [{"label": "DOSE", "start": start, "end": start + len(stripped), "value": levels[0] * scale,
             "values": [level * scale for level in levels], "unit": header_unit(header)}]


def table_cell_entities(text: str, table: Table, nlp: Language) -> list[dict]:
    """Entities of every printed (not inherited) cell of ``table``, offsets into ``text``."""
    cells = [
        (col, span)
        for row in table.cell_spans
        for col, span in enumerate(row)
        if span is not None and span[1] > span[0]
    ]
    found: list[dict] = []
    docs = nlp.pipe(text[s:e] for _col, (s, e) in cells)
    for (col, (start, _end)), cell_doc in zip(cells, docs, strict=True):
        header = table.header[col] if col < len(table.header) else ""
        cell = cell_doc.text
        outcomes = header_outcomes(header)
        scale = table.column_scales.get(header) or header_scale(header)
        if outcomes and "%" in cell or (outcomes and len(outcomes) > 1 and "/" in cell):
            found.extend(_cell_outcomes(cell, start, outcomes))
            continue
        if scale and _DOSE_HEADER.search(header):
            found.extend(_cell_doses(cell, start, scale, header))
            continue
        for entity in cell_doc._.confmine_entities:
            found.append({**entity, "start": entity["start"] + start, "end": entity["end"] + start})
    return found

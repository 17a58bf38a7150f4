"""Turn the parts a layout parser found (spans of caption, footnotes, header and row cells) into a
``Table``: cell strings, inherited cells of continuation rows, column scales, warnings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from pipeline.fields.header import LongForm, read_header, typed_columns
from pipeline.knowledge.lexicon import lookup
from pipeline.knowledge.patterns import CAPTION_LABEL
from pipeline.models import IngestedText, Table
from pipeline.tables.columns import normalise
from pipeline.tables.segment import RowParse, Slot
from pipeline.tables.vocabulary import ARM_COLUMNS, CORNER_WORDS, ColumnType


@dataclass
class HeaderName:
    """A header cell as the document gives it; ``start`` is -1 for a name the layout implies
    (the empty corner of a transposed table)."""

    text: str
    start: int = -1
    end: int = -1


@dataclass
class Body:
    """What an upright layout parser found under the caption."""

    header: list[HeaderName]
    rows: list[RowParse]
    notes: list[tuple[int, int]] = field(default_factory=list)
    end: int = 0
    warnings: list[str] = field(default_factory=list)
    kinds: list[ColumnType] = field(default_factory=list)


@dataclass
class TableParts:
    number: int
    orientation: Literal["upright", "rotated"]
    caption: tuple[int, int]
    header: list[HeaderName]
    rows: list[RowParse]
    footnotes: list[tuple[int, int]] = field(default_factory=list)
    end: int = 0
    warnings: list[str] = field(default_factory=list)
    caption_text: str | None = None
    kinds: list[ColumnType] = field(default_factory=list)


def build_table(doc: IngestedText, parts: TableParts, long_form: LongForm | None = None) -> Table:
    """The table of ``parts``, its columns typed by their headers (``long_form`` gives what the document's
    abbreviations stand for, so that a header "LD" the document defines names its column)."""
    text = doc.text
    header = [name.text for name in parts.header]
    rows: list[list[str]] = []
    spans: list[list[tuple[int, int] | None]] = []
    warnings = list(parts.warnings)
    previous: list[str] | None = None
    kinds = parts.kinds or [ColumnType.TEXT] * len(header)
    for row in parts.rows:
        values, row_spans = _row(text, row, previous, kinds)
        rows.append(values)
        spans.append(row_spans)
        previous = values
    caption = parts.caption_text if parts.caption_text is not None else normalise(text[slice(*parts.caption)])
    caption = CAPTION_LABEL.sub("", caption)
    start = parts.caption[0]
    end = max([parts.end, parts.caption[1]] + [b for _, b in parts.footnotes])
    # A PDF reader that saw the table printed rotated says so by its caption.
    rotated = {" ".join(CAPTION_LABEL.sub("", c).split()).lower() for c in doc.rotated_captions}
    orientation = "rotated" if " ".join(caption.split()).lower() in rotated else parts.orientation
    table = Table(
        number=parts.number,
        caption=caption,
        header=header,
        rows=rows,
        orientation=orientation,
        footnotes=[normalise(text[a:b]) for a, b in parts.footnotes],
        page=doc.page_of(start),
        start=start,
        end=end,
        columns=typed_columns(header, long_form),
        continuation=[row.continuation for row in parts.rows],
        cell_spans=spans,
        ambiguous=[(i, col) for i, row in enumerate(parts.rows) for col in sorted(row.ambiguous)],
        warnings=warnings,
    )
    return with_study_view(table, long_form)


def with_study_view(table: Table, long_form: LongForm | None) -> Table:
    """``table`` with the study view its printed grid calls for (none for a table printed upright);
    made again whenever the grid changes, as when a table continued on the next page is joined."""
    return table.model_copy(update={"study_view": _study_view(table, long_form)})


# A transposed table's first column holds row labels; it is taken for one when this many of them
# name a column (fewer may be a first column of study names over an empty corner cell).
MIN_NAMED_LABELS = 3


def _study_view(table: Table, long_form: LongForm | None) -> Table | None:
    """A transposed table (studies as columns, attributes as rows: "Trial | ZUMA-7 | BELINDA") turned so
    that each study is a row, as every other table has it; ``None`` for a table that is not transposed.

    It is recognised by its first column: row labels of which at least ``MIN_NAMED_LABELS`` are column
    names ("Trial", "Target antigen", "Overall response") under a corner cell that is empty, calls them
    labels ("Parameter", "Characteristic") or names the studies ("Trial"), beside header cells of which
    most name no field (they are the studies: "ZUMA-5 | ELARA"; a table whose header names its columns
    is upright, whatever its first column holds).
    """
    labels = [row[0] for row in table.rows if row]
    if len(table.header) < 2 or not labels or not _corner(table.header[0], long_form):
        return None
    if sum(1 for label in labels if read_header(label, long_form).field is not None) < MIN_NAMED_LABELS:
        return None
    names = table.header[1:]
    if 2 * sum(1 for name in names if read_header(name, long_form).field is not None) >= len(names):
        return None
    # "FT596, regimen A": a product named first, the arm after a comma or in brackets.
    leads = [_LEAD.split(name, maxsplit=1)[0] for name in names]
    studies_are_products = all(lookup(lead, "PRODUCT") or lookup(lead, "AGENT") for lead in leads if lead)
    header = ["Product" if studies_are_products else "Study", *labels]
    rows = [[name] + [row[j + 1] if j + 1 < len(row) else "" for row in table.rows] for j, name in enumerate(names)]
    columns = typed_columns(header, long_form)
    return table.model_copy(update={"header": header, "rows": rows, "columns": columns, "cell_spans": [],
                                    "continuation": [], "ambiguous": []})


_LEAD = re.compile(r"\s*[,(]")


def _corner(name: str, long_form: LongForm | None) -> bool:
    """Whether a header's first cell can be the corner of a transposed table: empty, a word for the row
    labels ("Parameter", ``CORNER_WORDS``), or the studies' own column name ("Trial"). Any other cell may
    be a study's name over a first column of studies."""
    if not name or name.lower() in CORNER_WORDS:
        return True
    named = read_header(name, long_form).field
    return named is not None and named.type is ColumnType.TRIAL


def _row(text: str, row: RowParse, previous: list[str] | None,
         kinds: list[ColumnType]) -> tuple[list[str], list[tuple[int, int] | None]]:
    """A row's cell strings and spans; a continuation row takes the cells it does not print from the
    row above, except the arm's own columns after its last printed cell, which stay empty."""
    values: list[str] = []
    spans: list[tuple[int, int] | None] = []
    printed = [col for col, slot in enumerate(row.slots) if slot.kind not in ("inherited", "blank")]
    last_printed = max(printed) if printed else -1
    for col, slot in enumerate(row.slots):
        if slot.kind == "inherited" and col > last_printed and kinds[col] in ARM_COLUMNS:
            values.append("")
            spans.append(None)
            continue
        value, span = _cell(text, slot, previous, col)
        if col in row.extra:
            value = " ".join([value] + [normalise(text[a:b]) for a, b in row.extra[col]]).strip()
            span = span or row.extra[col][0]
        values.append(value)
        spans.append(span)
    return values, spans


def _cell(text: str, slot: Slot, previous: list[str] | None, col: int) -> tuple[str, tuple[int, int] | None]:
    if slot.kind == "text":
        return normalise(text[slot.start:slot.end]), (slot.start, slot.end)
    if slot.kind == "inherited":
        return (previous[col] if previous else ""), None
    return "", None

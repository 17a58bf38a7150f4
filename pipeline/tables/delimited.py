"""Upright tables whose cells the text delimits: pipe tables, aligned columns, one cell per line.

No segmentation is needed: a pipe, a run of spaces or a line break ends each cell. What remains is to
find the header, the rows, the footnotes after them, and to read "/" or "–" as an empty cell.
"""

from __future__ import annotations

import re

from pipeline.fields.evidence import DocContext
from pipeline.tables import footnotes
from pipeline.tables.aligned import is_aligned, kinds_of, parse_aligned
from pipeline.tables.build import Body, HeaderName
from pipeline.tables.columns import EMPTY_MARKERS, normalise
from pipeline.tables.header import score_header_cell
from pipeline.tables.layout import Line, footnote_line, is_prose, trailing_notes
from pipeline.tables.segment import CellCache, RowParse, Slot, segment_rows
from pipeline.tables.vocabulary import ColumnType

_PIPE_LINE = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*:?-{2,}:?\s*$")


def _pipe_cells(text: str, line: Line) -> list[tuple[int, int]]:
    bars = [line.start + m.start() for m in re.finditer(r"\|", line.text(text))]
    cells = []
    for a, b in zip(bars, bars[1:], strict=False):
        a, b = _strip(text, a + 1, b)
        cells.append((a, b))
    return cells


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def slot(text: str, span: tuple[int, int]) -> Slot:
    """The slot of a delimited cell: text, an empty marker ("/", "–"), or nothing."""
    value = normalise(text[span[0]:span[1]])
    if not value:
        return Slot("blank")
    if value in EMPTY_MARKERS:
        return Slot("empty", *span)
    return Slot("text", *span)


def pipe(text: str, blocks: list[list[Line]], ctx: DocContext) -> Body | None:
    lines = [line for block in blocks for line in block]
    first = next((i for i, line in enumerate(lines) if _PIPE_LINE.match(line.text(text))), None)
    if first is None:
        return None
    table = []
    index = first
    while index < len(lines) and _PIPE_LINE.match(lines[index].text(text)):
        table.append(lines[index])
        index += 1
    header_spans = _pipe_cells(text, table[0])
    header = [HeaderName(normalise(text[a:b]), a, b) for a, b in header_spans]
    rows: list[RowParse] = []
    warnings: list[str] = []
    for line in table[1:]:
        spans = _pipe_cells(text, line)
        if all(_PIPE_RULE.match(text[a:b]) or a == b for a, b in spans):
            continue
        if len(spans) != len(header):
            warnings.append(f"pipe row with {len(spans)} cells for {len(header)} columns: {line.text(text)[:40]!r}")
            spans = (spans + [(line.end, line.end)] * len(header))[: len(header)]
        rows.append(RowParse([slot(text, span) for span in spans], False))
    end = table[-1].end
    notes = _notes_after(text, lines, index)
    return Body(header, rows, notes, end, warnings)


def _notes_after(text: str, lines: list[Line], index: int) -> list[tuple[int, int]]:
    """Footnotes in the paragraph right after line ``index - 1`` (same block or the next one)."""
    if index >= len(lines):
        return []
    paragraph = [lines[index]]
    for line in lines[index + 1:]:
        if line.start - paragraph[-1].end > 1:
            break
        paragraph.append(line)
    if not footnote_line(text, paragraph, 0):
        return []
    return footnotes.split_footnotes(text, paragraph[0].start, paragraph[-1].end)


def aligned(text: str, blocks: list[list[Line]], ctx: DocContext) -> Body | None:
    lines = [line for block in blocks for line in block]
    if not is_aligned(text, lines):
        return None
    parsed = parse_aligned(text, lines, ctx)
    if parsed is None:
        return None
    header, rows, notes, end = parsed
    return Body(header, rows, notes, end, [], kinds_of(header, ctx))


def cell_per_line(text: str, blocks: list[list[Line]], ctx: DocContext) -> Body | None:
    head = blocks[0]
    k = len(head)
    if k < 3 or len(blocks) < 2:
        return None
    names = [normalise(line.text(text)) for line in head]
    scored = [score_header_cell(name, ctx) for name in names]
    if sum(1 for s in scored if s and s[2]) < max(2, (k + 1) // 2) or any(len(n) > 60 for n in names):
        return None
    kinds = [s[1] if s else ColumnType.TEXT for s in scored]
    header = [HeaderName(name, line.start, line.end) for name, line in zip(names, head, strict=True)]
    rows: list[RowParse] = []
    warnings: list[str] = []
    cache = CellCache(text, ctx)
    end = head[-1].end
    rest = blocks[1:]
    for position, block in enumerate(rest):
        if footnotes.is_footnote(text[block[0].start:block[-1].end]) or is_prose(text[block[0].start:block[-1].end]):
            return Body(header, rows, trailing_notes(text, rest[position:]), end, warnings) if rows else None
        if len(block) == k:
            rows.append(RowParse([slot(text, (line.start, line.end)) for line in block], False))
        else:
            cuts = [line.start for line in block] + [block[-1].end]
            grid = segment_rows(cache, cuts, kinds, allow_continuation=False)
            if grid is None or len(grid.rows) != 1:
                break
            warnings.append(f"row {len(rows) + 1}: {len(block)} lines for {k} columns")
            rows.append(grid.rows[0])
        end = block[-1].end
    return Body(header, rows, [], end, warnings) if rows else None

"""One reader for an upright table region whose cells the text does not delimit.

A region is the text between a caption and the table's footnotes (or, for a caption printed below its
table, the text above the caption). Extractors lay it out in one of two reading orders, and the reader
tries both with the same typed-column model (the header's names type the columns; ``columns.py``
scores a piece of text as a cell of each type; ``segment.py`` cuts text into cells):

* **visual lines** (pdfplumber's ``extract_text``, ``pdftotext`` without ``-layout``): each line is a
  line of the printed table, its cells joined by single spaces; a cell that wraps leaves its later
  lines below the row, beside the later lines of other wrapped cells, and a header name that wraps
  ("Treated," / "n") does the same under the header. A line that parses as a whole row (its first
  column filled) starts a row; a line that fills the later columns of a row and leaves the first ones
  empty starts a continuation row (another arm of the study above: "+ ibrutinib 19 ..."); any other
  line is attached, piece by piece, to the cells above it (``wrap.py``).
* **a stream of cells** (pypdfium2, cells printed one per line or separated by blank lines): the cells
  come in reading order, a wrapped cell's lines together; cuts fall at word starts, line breaks and
  blank lines are evidence of a cell end, and the segmenter reads rows column by column.

Each reading gives a grid; the one whose cells fit their columns better is the table. The header is
found as a chain of column names in either case (``header.py``), and every chain the header line
allows is tried: the chain whose rows read best wins (a data cell can look like a name, rows cannot
lie).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.fields.evidence import DocContext
from pipeline.tables.build import Body, HeaderName
from pipeline.tables.columns import bracket_depth, normalise, score_cell
from pipeline.tables.header import HeaderChain, find_header_chains, line_chains, score_header_cell
from pipeline.tables.layout import Line, word_cuts
from pipeline.tables.quality import cross_check, refine_blanks, usable
from pipeline.tables.segment import NEG, CellCache, GridParse, RowParse, SegmentSettings, Slot, segment_rows
from pipeline.tables.vocabulary import ColumnType
from pipeline.tables.wrap import attach

BLANK_LINE_CELL_BONUS = 1.0
NEWLINE_CELL_BONUS = 0.2
BLANK_LINE_ROW_BONUS = 0.5
MIN_ROW_CELL_SCORE = 1.5
MAX_HEADER_CHAINS = 3
# Readings of a header line this much below the best are not worth reading rows for.
CHAIN_MARGIN = 1.0
# A continuation row (another arm of the study above) fills at least this many columns.
MIN_CONTINUATION_CELLS = 3
# What a column left empty costs in the quality of a grid (cells score about -3 to 7).
EMPTY_QUALITY = -1.0
# What a header name cut short by its line end ("Treated,") loses against the whole name.
UNFINISHED_NAME = 1.5
_ANCHORS = frozenset({ColumnType.TRIAL})


@dataclass
class Reading:
    body: Body
    quality: float


def read_region(text: str, blocks: list[list[Line]], notes: list[tuple[int, int]], ctx: DocContext) -> Body | None:
    """The table of a region given as blocks of lines (a blank line between blocks); ``notes`` are its
    footnotes, already read into ``ctx``."""
    readings: list[Reading] = []
    if len(blocks) == 1:
        lines = _visual_lines(text, blocks[0], notes, ctx)
        if lines is not None:
            if not lines.body.warnings:
                return lines.body  # every line placed: a reading of visual lines (the stream reads them as cells)
            readings.append(lines)
    stream = _stream(text, blocks, notes, ctx)
    if stream is not None:
        readings.append(stream)
    if not readings:
        return None
    return max(readings, key=lambda reading: reading.quality).body


def quality(text: str, body: Body, kinds: Sequence[ColumnType], ctx: DocContext) -> float:
    """How well a grid's cells fit their columns: the mean over every cell of the grid (an empty cell
    counts ``EMPTY_QUALITY``; a cell inherited from the row above counts nothing)."""
    total, count = fit(text, body, kinds, ctx)
    return total / count if count else NEG


def fit(text: str, body: Body, kinds: Sequence[ColumnType], ctx: DocContext) -> tuple[float, int]:
    """The sum of a grid's cell scores (see ``quality``) and how many cells it has."""
    total, count = 0.0, 0
    for row in body.rows:
        for col, slot in enumerate(row.slots):
            if slot.kind == "inherited":
                continue
            count += 1
            if slot.kind == "blank":
                total += EMPTY_QUALITY
                continue
            value = _row_value(text, row, col)
            score = score_cell(kinds[col], value, ctx) if value else None
            total += score if score is not None else EMPTY_QUALITY * 3
    return total, count


# --- visual lines -------------------------------------------------------------------------------------


def header_chains(text: str, line: Line, ctx: DocContext, top: int = 8) -> list[HeaderChain]:
    """The chains of names that cover a whole line (a name may be the first line of a wrapped one)."""
    cuts = word_cuts(text, line.start, line.end)
    chains = find_header_chains(text, cuts, ctx, lambda pos: pos == line.start, allow_open=True, top=top)
    end = line.start + len(text[line.start:line.end].rstrip())
    return [chain for chain in chains if chain.end == end]


def _visual_lines(text: str, lines: list[Line], notes: list[tuple[int, int]], ctx: DocContext) -> Reading | None:
    line = lines[0]
    end = line.start + len(text[line.start:line.end].rstrip())
    chains = line_chains(text, word_cuts(text, line.start, end), ctx, MAX_HEADER_CHAINS)
    # Only readings of the names that are nearly as good as the best need their rows read.
    chains = [chain for chain in chains if chain.score >= chains[0].score - CHAIN_MARGIN]
    cache = CellCache(text, ctx, SegmentSettings(partial_cells=True))
    best: tuple[float, Reading] | None = None
    for chain in chains:
        if len(chain.cells) < 2:
            continue
        body = _lines_body(cache, lines, chain, notes)
        if body is None:
            continue
        # Between the header's readings, the names and every cell count (a column more is a reading
        # more only when its cells fit it); between this reading and the stream, the mean.
        total, count = fit(text, body, body.kinds, ctx)
        reading = Reading(body, total / count if count else NEG)
        if best is None or chain.score + total > best[0]:
            best = (chain.score + total, reading)
    return best[1] if best else None




def _lines_body(cache: CellCache, lines: list[Line], chain: HeaderChain, notes: list[tuple[int, int]]) -> Body | None:
    text, ctx = cache.text, cache.ctx
    names = [cell.text for cell in chain.cells]
    kinds = [cell.kind for cell in chain.cells]
    rows: list[RowParse] = []
    warnings: list[str] = []
    for line in lines[1:]:
        row = _line_row(cache, line, kinds)
        if row is not None:
            rows.append(row)
            continue
        cuts = word_cuts(text, line.start, line.end)
        if not rows:
            pieces = attach(text, cuts, names, lambda col, value: _header_fit(value, ctx), ctx)
            if pieces is None:
                return None
            for piece in pieces:
                names[piece.column] = f"{names[piece.column]} {normalise(text[piece.start:piece.end])}"
            continue
        continued = _continuation_row(cache, line, kinds)
        if continued is not None:
            rows.append(continued)
            continue
        row = rows[-1]
        current = [_row_value(text, row, col) for col in range(len(kinds))]
        # Each column's words so far (its name and the cells of the rows above): a wrapped piece goes
        # where its words are at home ("CAR+ cells" under the dose column).
        profile = [" ".join([names[col]] + [_row_value(text, above, col) for above in rows[:-1]])
                   for col in range(len(kinds))]
        pieces = attach(text, cuts, current,
                        lambda col, value: score_cell(kinds[col], value, ctx, partial=True) if value else 0.0, ctx,
                        profile)
        if pieces is None:
            warnings.append(f"line not placed in the table: {line.text(text)[:40]!r}")
            continue
        for piece in pieces:
            row.extra.setdefault(piece.column, []).append((piece.start, piece.end))
    if not rows:
        return None
    # The names are read again now that they are whole ("Treated," + "n" is a count column).
    kinds = [_name_kind(name, kind, ctx) for name, kind in zip(names, kinds, strict=True)]
    header = [HeaderName(normalise(name), cell.start, cell.end) for name, cell in zip(names, chain.cells, strict=True)]
    return Body(header, rows, notes, lines[-1].end, warnings, kinds)


def _name_kind(name: str, kind: ColumnType, ctx: DocContext) -> ColumnType:
    scored = score_header_cell(normalise(name), ctx, allow_open=True)
    return scored[1] if scored is not None and scored[2] else kind


def _header_fit(value: str, ctx: DocContext) -> float | None:
    """A header name's fit as the wrapped lines of the header are attached to it: a name cut short
    ("Treated,", "CRS, any / ≥3,") fits less than the whole one, so that its next line goes to it."""
    scored = score_header_cell(value, ctx, allow_open=True)
    if scored is None:
        return None
    return scored[0] - (UNFINISHED_NAME if value[-1] in ",/(-–&+:;" or bracket_depth(value) else 0.0)


def _row_value(text: str, row: RowParse, col: int) -> str:
    slot = row.slots[col]
    parts = [(slot.start, slot.end)] if slot.kind in ("text", "empty") else []
    parts += row.extra.get(col, [])
    return " ".join(normalise(text[a:b]) for a, b in parts)


def _line_row(cache: CellCache, line: Line, kinds: list[ColumnType]) -> RowParse | None:
    """A line read as the first line of a row: its first column filled, at most one other left empty."""
    cuts = word_cuts(cache.text, line.start, line.end)
    if len(cuts) < 2:
        return None
    grid = segment_rows(cache, cuts, kinds, allow_continuation=False)
    if grid is None or len(grid.rows) != 1:
        return None
    row = grid.rows[0]
    filled = [slot for slot in row.slots if slot.kind in ("text", "empty")]
    blanks = len(row.slots) - len(filled)
    if row.slots[0].kind != "text" or blanks > 1:
        return None
    mean = (grid.score + cache.settings.blank_penalty * blanks) / len(filled) + cache.settings.cell_cost
    return row if mean >= MIN_ROW_CELL_SCORE else None


def _continuation_row(cache: CellCache, line: Line, kinds: list[ColumnType]) -> RowParse | None:
    """A line read as a continuation row: the study's leading columns left to the row above, the
    line's cells filling later columns (at most one of them left empty between filled ones)."""
    cuts = word_cuts(cache.text, line.start, line.end)
    k = len(kinds)
    if len(cuts) < 2 or k < MIN_CONTINUATION_CELLS + 1:
        return None
    best: tuple[float, int, GridParse] | None = None
    for first in range(1, k - MIN_CONTINUATION_CELLS + 1):
        if kinds[first] in _ANCHORS:
            continue
        grid = segment_rows(cache, cuts, kinds[first:], allow_continuation=False)
        if grid is None or len(grid.rows) != 1:
            continue
        row = grid.rows[0]
        filled = sum(1 for slot in row.slots if slot.kind in ("text", "empty"))
        blanks = len(row.slots) - filled
        if row.slots[0].kind != "text" or blanks > 1 or filled < MIN_CONTINUATION_CELLS:
            continue
        mean = (grid.score + cache.settings.blank_penalty * blanks) / filled + cache.settings.cell_cost
        if mean < MIN_ROW_CELL_SCORE:
            continue
        if best is None or mean > best[0]:
            best = (mean, first, grid)
    if best is None:
        return None
    _, first, grid = best
    slots = [Slot("inherited")] * first + grid.rows[0].slots
    return RowParse(slots, True, grid.score)


# --- a stream of cells --------------------------------------------------------------------------------


def _stream(text: str, blocks: list[list[Line]], notes: list[tuple[int, int]], ctx: DocContext) -> Reading | None:
    """Cells in reading order, a wrapped cell's lines together; blank lines and line breaks are where
    cells likely end."""
    start, end = blocks[0][0].start, blocks[-1][-1].end
    cuts = word_cuts(text, start, end)
    cell_bonus: dict[int, float] = {}
    row_bonus: dict[int, float] = {}
    for pos in cuts[1:-1]:
        gap = text[:pos].rstrip(" \t")
        if gap.endswith("\n\n"):
            cell_bonus[pos] = BLANK_LINE_CELL_BONUS
            row_bonus[pos] = BLANK_LINE_ROW_BONUS
        elif gap.endswith("\n"):
            cell_bonus[pos] = NEWLINE_CELL_BONUS
    chains = find_header_chains(text, cuts, ctx, lambda pos: pos == start)
    barriers = [start + m.end() for m in re.finditer(r"\n[ \t]*\n\s*", text[start:end])]
    cache = CellCache(text, ctx, SegmentSettings(), cell_bonus, barriers)
    best: tuple[float, HeaderChain, GridParse] | None = None
    for chain in chains:
        row_cuts = [chain.end] + [c for c in cuts if c > chain.end]
        kinds = [cell.kind for cell in chain.cells]
        grid = segment_rows(cache, row_cuts, kinds, row_bonus)
        if grid is None or not usable(grid, cache, kinds):
            continue
        total = chain.score + grid.score
        if best is None or total > best[0]:
            best = (total, chain, grid)
    if best is None:
        return None
    _, chain, grid = best
    warnings = refine_blanks(cache, grid, chain.cells) + cross_check(cache, grid, chain.cells)
    header = [HeaderName(cell.text, cell.start, cell.end) for cell in chain.cells]
    kinds = [cell.kind for cell in chain.cells]
    body = Body(header, grid.rows, notes, end, warnings, kinds)
    return Reading(body, quality(text, body, kinds, ctx))

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
  line is attached, piece by piece, to the cells above it (``wrap.py``), as a cell printed from the
  top of its row allows: under cells the line above has, and through every line down to the last
  line the cell reaches.
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.fields.evidence import DocContext
from pipeline.tables.build import Body, HeaderName
from pipeline.tables.columns import bracket_depth, normalise, score_cell
from pipeline.tables.header import HeaderChain, find_header_chains, line_chains, score_header_cell
from pipeline.tables.layout import Line, word_cuts
from pipeline.tables.quality import cross_check, refine_blanks, usable
from pipeline.tables.segment import NEG, CellCache, GridParse, RowParse, SegmentSettings, Slot, segment_rows
from pipeline.tables.vocabulary import ColumnType
from pipeline.tables.wrap import Lines, Piece, attach

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
    wrapped: list[list[Line]] = []  # each row's lines below its first
    for line in lines[1:]:
        row = _line_row(cache, line, kinds)
        if row is None and rows:
            row = _continuation_row(cache, line, kinds)
        if row is not None:
            rows.append(row)
            wrapped.append([])
            continue
        if rows:
            wrapped[-1].append(line)
            continue
        cuts = word_cuts(text, line.start, line.end)
        pieces = attach(text, cuts, names, lambda col, value: _header_fit(value, ctx), ctx)
        if pieces is None:
            return None
        for piece in pieces:
            names[piece.column] = f"{names[piece.column]} {normalise(text[piece.start:piece.end])}"
    if not rows:
        return None
    warnings: list[str] = []
    for index, (row, below) in enumerate(zip(rows, wrapped, strict=True)):
        warnings += _attach_wrapped(cache, row, below, rows[:index], names, kinds)
    # The names are read again now that they are whole ("Treated," + "n" is a count column).
    kinds = [_name_kind(name, kind, ctx) for name, kind in zip(names, kinds, strict=True)]
    header = [HeaderName(normalise(name), cell.start, cell.end) for name, cell in zip(names, chain.cells, strict=True)]
    return Body(header, rows, notes, lines[-1].end, warnings, kinds)


def _attach_wrapped(cache: CellCache, row: RowParse, below: list[Line], above: list[RowParse], names: list[str],
                    kinds: list[ColumnType]) -> list[str]:
    """Give the lines below a row's first line to its cells, piece by piece; the warnings of lines that
    fit no cell.

    A cell printed from the top of its row reaches a lower line only through every line above it
    (``wrap.Lines``): each line's pieces go under cells the line above has, and the cells of the last
    line are cells of every line above it. Two readings keep to that: from the first line down, each
    line under the cells of the line above; and from the last line up, each line filling at least the
    cells of the line below (a short last line, "(NCT01234567)", places the longer ones above it).
    Of the two, the one whose cells fit their columns best is kept. When neither reads (cells not
    printed from the top of their row, a first line misread), each line is placed on its own.
    """
    text, ctx = cache.text, cache.ctx
    k = len(kinds)
    first = [_row_value(text, row, col) for col in range(k)]
    filled = frozenset(col for col, slot in enumerate(row.slots) if slot.kind in ("text", "empty"))
    # Each column's words so far (its name and the cells of the rows above): a wrapped piece goes
    # where its words are at home ("CAR+ cells" under the dose column).
    profile = [" ".join([names[col]] + [_row_value(text, other, col) for other in above]) for col in range(k)]

    def fit(col: int, value: str) -> float | None:
        return score_cell(kinds[col], value, ctx, partial=True) if value else 0.0

    readings = [_placed_down(cache, below, first, filled, fit, profile),
                _placed_up(cache, below, first, filled, fit, profile)]
    if all(placed is None for placed in readings):
        readings.append(_placed_down(cache, below, first, None, fit, profile))
    best: tuple[float, list[list[Piece] | None]] | None = None
    for placed in readings:
        if placed is None:
            continue
        values = list(first)
        for pieces in placed:
            for piece in pieces or []:
                values[piece.column] = f"{values[piece.column]} {normalise(text[piece.start:piece.end])}".strip()
        total = sum(_cell_fit(kind, value, ctx) for kind, value in zip(kinds, values, strict=True))
        if best is None or total > best[0]:
            best = (total, placed)
    assert best is not None  # the reading that places each line on its own always reads
    warnings = []
    for line, pieces in zip(below, best[1], strict=True):
        if pieces is None:
            warnings.append(f"line not placed in the table: {line.text(text)[:40]!r}")
        for piece in pieces or []:
            row.extra.setdefault(piece.column, []).append((piece.start, piece.end))
    return warnings


def _cell_fit(kind: ColumnType, value: str, ctx: DocContext) -> float:
    """A whole cell's fit, as ``fit`` counts it."""
    if not value:
        return EMPTY_QUALITY
    score = score_cell(kind, value, ctx)
    return score if score is not None else EMPTY_QUALITY * 3


Fit = Callable[[int, str], "float | None"]


def _placed_down(cache: CellCache, below: list[Line], first: list[str], filled: frozenset[int] | None, fit: Fit,
                 profile: list[str]) -> list[list[Piece] | None] | None:
    """The pieces of each line below a row's first, from the top: under the cells of the line above
    (``filled``: the first line's cells), or anywhere (``filled`` None, a line that fits nowhere left
    out as ``None``); ``None`` when a line cannot be placed under the line above."""
    text, ctx = cache.text, cache.ctx
    current = list(first)
    allowed = filled
    placed: list[list[Piece] | None] = []
    for line in below:
        pieces = attach(text, word_cuts(text, line.start, line.end), current, fit, ctx, profile, Lines(allowed))
        placed.append(pieces)
        if pieces is None:
            if filled is not None:
                return None
            continue
        if filled is not None:
            allowed = frozenset(piece.column for piece in pieces)
        for piece in pieces:
            current[piece.column] = f"{current[piece.column]} {normalise(text[piece.start:piece.end])}".strip()
    return placed


def _placed_up(cache: CellCache, below: list[Line], first: list[str], filled: frozenset[int], fit: Fit,
               profile: list[str]) -> list[list[Piece] | None] | None:
    """The pieces of each line below a row's first, read from the last line up, each line under the
    first line's cells and filling at least the cells of the line below; ``None`` when a line cannot
    be placed so."""
    text, ctx = cache.text, cache.ctx
    after = [""] * len(first)
    required: frozenset[int] = frozenset()
    placed: list[list[Piece] | None] = []
    for line in reversed(below):
        pieces = attach(text, word_cuts(text, line.start, line.end), first, fit, ctx, profile,
                        Lines(filled, required, after))
        if pieces is None:
            return None
        required = frozenset(piece.column for piece in pieces)
        for piece in pieces:
            after[piece.column] = " ".join(filter(None, [normalise(text[piece.start:piece.end]), after[piece.column]]))
        placed.append(pieces)
    placed.reverse()
    return placed


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

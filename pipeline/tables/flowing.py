"""Upright tables that came out as flowing text: the cells of a row separated only by spaces.

Two shapes. In the ``stream`` one the blocks hold the cells in column order, a wrapped cell kept
together ("Hematological and solid\\ntumors"), blank lines between some cells; it is read like a
shredded rotated table, with the header finder and the segmenter cutting at word starts. In the
``lines`` one each line is a visual line of the table, so a wrapped cell leaves its second line below
the row, next to the second lines of other cells; a line that parses as a whole row starts a row,
the others are attached to the cells above them (``wrap.py``).
"""

from __future__ import annotations

import re

from pipeline.fields.evidence import DocContext
from pipeline.tables import footnotes
from pipeline.tables.build import Body, HeaderName
from pipeline.tables.columns import normalise, score_cell
from pipeline.tables.header import HeaderChain, find_header_chains, score_header_cell
from pipeline.tables.layout import Line, footnote_line, is_prose, trailing_notes, word_cuts
from pipeline.tables.quality import cross_check, refine_blanks, usable
from pipeline.tables.segment import CellCache, GridParse, RowParse, SegmentSettings, segment_rows
from pipeline.tables.vocabulary import ColumnType
from pipeline.tables.wrap import attach

BLANK_LINE_CELL_BONUS = 1.0
NEWLINE_CELL_BONUS = 0.2
BLANK_LINE_ROW_BONUS = 0.5
MIN_ROW_CELL_SCORE = 1.5


def header_line(text: str, line: Line, ctx: DocContext) -> HeaderChain | None:
    """The chain of names covering a whole line, if the line is a header line."""
    cuts = word_cuts(text, line.start, line.end)
    chains = find_header_chains(text, cuts, ctx, lambda pos: pos == line.start, allow_open=True, top=8)
    end = line.start + len(text[line.start:line.end].rstrip())
    for chain in chains:
        if chain.end == end:
            return chain
    return None


def flowing(text: str, blocks: list[list[Line]], ctx: DocContext) -> Body | None:
    table, notes = _table_blocks(text, blocks)
    if not table:
        return None
    if len(table) > 1:
        return _stream(text, table, notes, ctx)
    return _by_lines(text, table[0], notes, ctx)


def _table_blocks(text: str, blocks: list[list[Line]]) -> tuple[list[list[Line]], list[tuple[int, int]]]:
    """The blocks that hold the table, and the footnotes that close it (prose after them is not ours).

    A footnote may start inside the last table block (no blank line before it)."""
    table: list[list[Line]] = []
    notes: list[tuple[int, int]] = []
    for position, block in enumerate(blocks):
        chunk = text[block[0].start:block[-1].end]
        if is_prose(chunk) and table:
            break
        start_note = next((i for i in range(len(block)) if footnote_line(text, block, i)), None)
        if start_note is not None:
            if start_note:
                table.append(block[:start_note])
            notes = footnotes.split_footnotes(text, block[start_note].start, block[-1].end)
            notes += trailing_notes(text, blocks[position + 1:])
            break
        table.append(block)
    return table, notes


def _stream(text: str, blocks: list[list[Line]], notes: list[tuple[int, int]], ctx: DocContext) -> Body | None:
    """Cells in column order, wrapped cells contiguous, blank lines between some cells (Table 1 style)."""
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
    return Body(header, grid.rows, notes, end, warnings, [cell.kind for cell in chain.cells])


def _by_lines(text: str, lines: list[Line], notes: list[tuple[int, int]], ctx: DocContext) -> Body | None:
    """Each line a visual line of the table: a row starts on a line that parses as a full row; the
    lines below it carry the wrapped parts of its cells (and the header's, before the first row)."""
    chain = header_line(text, lines[0], ctx)
    if chain is None or len(chain.cells) < 2:
        return None
    kinds = [cell.kind for cell in chain.cells]
    names = [cell.text for cell in chain.cells]
    cache = CellCache(text, ctx, SegmentSettings(partial_cells=True))
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
        row = rows[-1]
        current = [_row_value(text, row, col) for col in range(len(kinds))]
        pieces = attach(text, cuts, current,
                        lambda col, value: score_cell(kinds[col], value, ctx, partial=True) if value else 0.0, ctx,
                        names)
        if pieces is None:
            warnings.append(f"line not placed in the table: {line.text(text)[:40]!r}")
            continue
        for piece in pieces:
            row.extra.setdefault(piece.column, []).append((piece.start, piece.end))
    if not rows:
        return None
    header = [HeaderName(normalise(name), cell.start, cell.end) for name, cell in zip(names, chain.cells, strict=True)]
    return Body(header, rows, notes, lines[-1].end, warnings)


def _header_fit(value: str, ctx: DocContext) -> float | None:
    scored = score_header_cell(value, ctx, allow_open=True)
    return scored[0] if scored else None


def _row_value(text: str, row: RowParse, col: int) -> str:
    slot = row.slots[col]
    parts = [(slot.start, slot.end)] if slot.kind in ("text", "empty") else []
    parts += row.extra.get(col, [])
    return " ".join(normalise(text[a:b]) for a, b in parts)


def _line_row(cache: CellCache, line: Line, kinds: list[ColumnType]) -> RowParse | None:
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

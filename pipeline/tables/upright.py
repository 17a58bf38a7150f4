"""Rebuild an upright table from the text after its caption, whatever layout the extractor left.

The layouts met in PDF text dumps, tried in this order:

* pipe tables ("| a | b |"): cells are given;
* one cell per line, a blank line between rows: cells are lines;
* transposed tables (the entities are columns, the attributes rows): label + values per line;
* flowing text: the cells of a row follow each other separated only by spaces. Either the blocks
  hold cells in column order with wrapped cells kept together (``stream``), or each line is a visual
  line of the table and wrapped cell parts sit on the line below (``lines``). Both use the header
  finder and the segmenter that rotated tables use, with cuts at word starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.models import IngestedText
from pipeline.tables import footnotes
from pipeline.tables.build import HeaderName, TableParts
from pipeline.tables.columns import normalise, score_cell
from pipeline.tables.context import DocContext
from pipeline.tables.header import HeaderChain, find_header_chains, score_header_cell
from pipeline.tables.layout import Line, blocks_of, footnote_line, is_prose, lines_of, word_cuts
from pipeline.tables.quality import refine_blanks, usable
from pipeline.tables.segment import CellCache, GridParse, RowParse, SegmentSettings, Slot, segment_rows
from pipeline.tables.vocabulary import DANGLING, ColumnType
from pipeline.tables.wrap import attach

CAPTION = re.compile(r"(?:Table|TABLE)\s*(\d{1,3})\b")
_PIPE_LINE = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*:?-{2,}:?\s*$")
BLANK_LINE_CELL_BONUS = 1.0
NEWLINE_CELL_BONUS = 0.2
BLANK_LINE_ROW_BONUS = 0.5
MIN_ROW_CELL_SCORE = 1.5


@dataclass
class Body:
    """What a layout parser found under the caption."""

    header: list[HeaderName]
    rows: list[RowParse]
    notes: list[tuple[int, int]] = field(default_factory=list)
    end: int = 0
    warnings: list[str] = field(default_factory=list)
    kinds: list[ColumnType] = field(default_factory=list)


def parse_upright(doc: IngestedText, start: int, limit: int, ctx: DocContext) -> TableParts | None:
    """The table whose caption line starts at ``start``; its text ends by ``limit``."""
    text = doc.text
    m = CAPTION.match(text, start)
    if not m:
        return None
    caption_end = text.find("\n", start, limit)
    caption_end = limit if caption_end < 0 else caption_end
    blocks = blocks_of(lines_of(text, caption_end + 1, limit), text)
    lead: list[tuple[int, int]] = []
    while blocks and footnote_line(text, blocks[0], 0):
        block = blocks.pop(0)
        lead += footnotes.split_footnotes(text, block[0].start, block[-1].end)
    for span in lead:
        ctx.add_abbreviations(footnotes.definitions(text, *span))
    if not blocks:
        return None
    body = (_pipe(text, blocks, ctx) or _cell_per_line(text, blocks, ctx) or _transposed(text, blocks, ctx)
            or _flowing(text, blocks, ctx))
    if body is None or not body.rows:
        return None
    return TableParts(
        number=int(m.group(1)),
        orientation="upright",
        caption=(start, _rstrip(text, start, caption_end)),
        header=body.header,
        rows=body.rows,
        footnotes=lead + body.notes,
        end=body.end,
        warnings=body.warnings,
        kinds=body.kinds,
    )


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _notes_from(text: str, block: list[Line], index: int) -> list[tuple[int, int]]:
    spans = footnotes.split_footnotes(text, block[index].start, block[-1].end)
    return spans


def _trailing_notes(text: str, blocks: list[list[Line]]) -> list[tuple[int, int]]:
    """Footnote blocks that follow the table's last block (stopping at prose)."""
    notes: list[tuple[int, int]] = []
    for block in blocks:
        chunk = text[block[0].start:block[-1].end]
        if not footnotes.is_footnote(chunk):
            break
        notes += footnotes.split_footnotes(text, block[0].start, block[-1].end)
    return notes


# ---------------------------------------------------------------- pipe tables

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


def _slot(text: str, span: tuple[int, int]) -> Slot:
    value = normalise(text[span[0]:span[1]])
    if not value:
        return Slot("blank")
    if value in ("/", "–", "—", "-", "‒", "−"):
        return Slot("empty", *span)
    return Slot("text", *span)


def _pipe(text: str, blocks: list[list[Line]], ctx: DocContext) -> Body | None:
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
        rows.append(RowParse([_slot(text, span) for span in spans], False))
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


# ---------------------------------------------------------------- one cell per line

def _cell_per_line(text: str, blocks: list[list[Line]], ctx: DocContext) -> Body | None:
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
            return Body(header, rows, _trailing_notes(text, rest[position:]), end, warnings) if rows else None
        if len(block) == k:
            rows.append(RowParse([_slot(text, (line.start, line.end)) for line in block], False))
        else:
            cuts = [line.start for line in block] + [block[-1].end]
            grid = segment_rows(cache, cuts, kinds, allow_continuation=False)
            if grid is None or len(grid.rows) != 1:
                break
            warnings.append(f"row {len(rows) + 1}: {len(block)} lines for {k} columns")
            rows.append(grid.rows[0])
        end = block[-1].end
    return Body(header, rows, [], end, warnings) if rows else None


# ---------------------------------------------------------------- transposed tables

_VALUE_START = re.compile(r"[\dA-Z≤≥<>~\u0370-\u03ff]|\(\d")


def _value_ok(value: str) -> bool:
    if not value or not _VALUE_START.match(value) or value[-1] in ",;(/":
        return False
    if value.split()[-1].lower() in DANGLING or value.count("(") != value.count(")"):
        return False
    return True


def _shape(value: str) -> str:
    return re.sub(r"[A-Za-zζ]+", "a", re.sub(r"\d+(?:\.\d+)?", "0", value))


def _split_label(tokens: list[str], n: int) -> tuple[int, list[int]] | None:
    """(label length, value group sizes) for a line of a transposed table, by value shapes."""
    best: tuple[float, int, list[int]] | None = None
    if not tokens[0][0].isupper():
        return None
    for label in range(1, len(tokens) - n + 1):
        if tokens[label - 1][-1] in "/(-–+&" or tokens[label - 1].lower() in DANGLING:
            continue
        for sizes in _compositions(len(tokens) - label, n):
            values, pos = [], label
            for size in sizes:
                values.append(" ".join(tokens[pos:pos + size]))
                pos += size
            if not all(_value_ok(v) for v in values):
                continue
            shapes = [_shape(v) for v in values]
            common = max(shapes.count(s) for s in shapes)
            score = (common if common >= 2 else 0) - 0.1 * sum(sizes) + 0.05 * label
            if best is None or score > best[0]:
                best = (score, label, sizes)
    return (best[1], best[2]) if best else None


def _compositions(total: int, parts: int) -> list[list[int]]:
    if parts == 1:
        return [[total]] if total >= 1 else []
    out = []
    for first in range(1, total - parts + 2):
        out += [[first] + rest for rest in _compositions(total - first, parts - 1)]
    return out


def _transposed(text: str, blocks: list[list[Line]], ctx: DocContext) -> Body | None:
    lines = [line for block in blocks for line in block]
    first = lines[0]
    names = first.text(text).split()
    if not 2 <= len(names) <= 8 or _header_line(text, first, ctx):
        return None
    labelled = sum(1 for line in lines[1:8] if _starts_with_name(line.text(text), ctx))
    if labelled < 3:
        return None
    header = [HeaderName("")] + [HeaderName(m.group(), first.start + m.start(), first.start + m.end())
                                 for m in re.finditer(r"\S+", first.text(text))]
    n = len(names)
    rows: list[RowParse] = []
    end = first.end
    for index, line in enumerate(lines[1:], start=1):
        if footnote_line(text, lines, index) or is_prose(line.text(text)):
            return Body(header, rows, footnotes.split_footnotes(text, line.start, _block_end(text, lines, index)),
                        end, []) if rows else None
        matches = list(re.finditer(r"\S+", line.text(text)))
        split = _split_label([m.group() for m in matches], n) if len(matches) > n else None
        if split is None:
            if not rows:
                return None
            row = rows[-1]
            row.extra.setdefault(0, []).append((line.start, line.end))
        else:
            label, sizes = split
            slots = [Slot("text", line.start + matches[0].start(), line.start + matches[label - 1].end())]
            pos = label
            for size in sizes:
                slots.append(_slot(text, (line.start + matches[pos].start(), line.start + matches[pos + size - 1].end())))
                pos += size
            rows.append(RowParse(slots, False))
        end = line.end
    return Body(header, rows, [], end, []) if rows else None


def _block_end(text: str, lines: list[Line], index: int) -> int:
    end = lines[index].end
    for line in lines[index + 1:]:
        if line.start - end > 1:
            break
        end = line.end
    return end


def _starts_with_name(line: str, ctx: DocContext) -> bool:
    tokens = line.split()
    for size in range(1, min(4, len(tokens)) + 1):
        scored = score_header_cell(" ".join(tokens[:size]).rstrip(","), ctx, allow_open=True)
        if scored and scored[2]:
            return True
    return False


def _header_line(text: str, line: Line, ctx: DocContext) -> HeaderChain | None:
    """The chain of names covering a whole line, if the line is a header line."""
    cuts = word_cuts(text, line.start, line.end)
    chains = find_header_chains(text, cuts, ctx, lambda pos: pos == line.start, allow_open=True, top=8)
    end = _rstrip(text, line.start, line.end)
    for chain in chains:
        if chain.end == end:
            return chain
    return None


# ---------------------------------------------------------------- flowing text

def _flowing(text: str, blocks: list[list[Line]], ctx: DocContext) -> Body | None:
    table, notes = _table_blocks(text, blocks)
    if not table:
        return None
    for span in notes:
        ctx.add_abbreviations(footnotes.definitions(text, *span))
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
            notes = _notes_from(text, block, start_note) + _trailing_notes(text, blocks[position + 1:])
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
    warnings = refine_blanks(cache, grid, chain.cells)
    header = [HeaderName(cell.text, cell.start, cell.end) for cell in chain.cells]
    return Body(header, grid.rows, notes, end, warnings, [cell.kind for cell in chain.cells])


def _by_lines(text: str, lines: list[Line], notes: list[tuple[int, int]], ctx: DocContext) -> Body | None:
    """Each line a visual line of the table: a row starts on a line that parses as a full row; the
    lines below it carry the wrapped parts of its cells (and the header's, before the first row)."""
    chain = _header_line(text, lines[0], ctx)
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

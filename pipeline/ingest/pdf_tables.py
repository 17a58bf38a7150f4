"""Tables of a PDF page as grids of cell strings, and their pipe-table rendering for the text stage.

Two finders feed one model:

- ruled tables: pdfplumber's table finder (its "lines" strategy, run on the page's rules as pdfium
  reads them, ``pdf_rules``) gives cell boxes on the display; the boxes are turned into the frame of
  the text inside them, so a table printed at 90° comes out with its own rows as rows;
- aligned tables (no ruling): lines with several short segments in a row, their columns found as white
  gutters shared by every full row, in the frame where the text reads upright.

A table is emitted after its caption as a pipe table (``| a | b |``, a ``|---|`` line under the first
row), the form the table stage reads; a cell that spans several lines is joined with spaces.
"""

from __future__ import annotations

import bisect
import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pipeline.ingest.normalize import HYPHEN_BREAK, document_vocabulary, keeps_hyphen
from pipeline.ingest.pdf_glyphs import UPRIGHT, Box, Glyph, Orient, frame_box, to_frame
from pipeline.ingest.pdf_lines import Line, Word, build_lines, line_segments, sub_line
from pipeline.ingest.pdf_settings import PdfSettings
from pipeline.knowledge.patterns import CAPTION


@dataclass
class TableGrid:
    """A table as rows of cell strings (multi-line cells keep ``\\n``), placed in its frame."""

    rows: list[list[str]]
    orient: Orient
    source: Literal["ruled", "aligned"]
    top: float = 0.0
    bottom: float = 0.0
    x0: float = 0.0
    x1: float = 0.0
    caption: str = ""
    display_cells: list[Box] = field(default_factory=list)
    row_bands: list[tuple[float, float]] = field(default_factory=list)
    col_bands: list[tuple[float, float]] = field(default_factory=list)

    @property
    def orientation(self) -> Literal["upright", "rotated"]:
        return "upright" if self.orient == UPRIGHT else "rotated"

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)


# --- rendering -------------------------------------------------------------------------------------


Vocabulary = tuple[Counter[str], set[str]]
"""Words and hyphenated compounds of a text (``normalize.document_vocabulary``)."""


def cell_text(cell: str, vocabulary: Vocabulary | None = None) -> str:
    """A cell as it sits in a pipe table: one line, no pipe of its own.

    Its lines join with a space, or without one after a line-end hyphen, which stays or goes as the
    text path decides for the lines of a page (``normalize.keeps_hyphen``): the typesetter's goes
    ("periph-" / "eral"), a compound's stays ("iPSC-" / "derived"). ``vocabulary`` is the text the
    decision draws on: the page's (``render_pipe``), or else the cell's own.
    """
    words, compounds = vocabulary or document_vocabulary(cell)

    def join(m: re.Match[str]) -> str:
        keep = keeps_hyphen(m.group("left"), m.group("right"), words, compounds)
        return f"{m.group('left')}{'-' if keep else ''}{m.group('right')}"

    joined = re.sub(r"(?<=\w-)\n(?=\w)", "", HYPHEN_BREAK.sub(join, cell))
    return " ".join(joined.split()).replace("|", "\\|")


def render_pipe(grid: TableGrid, vocabulary: Vocabulary | None = None) -> list[str]:
    """The table as pipe-table lines: header row, separator, body rows (``vocabulary``: see
    ``cell_text``)."""
    width = grid.n_cols
    out = []
    for i, row in enumerate(grid.rows):
        cells = [cell_text(c, vocabulary) for c in row] + [""] * (width - len(row))
        out.append("|" + "|".join(f" {c} " if c else " " for c in cells) + "|")
        if i == 0:
            out.append("|" + "|".join(["---"] * width) + "|")
    return out


def parse_pipe_row(line: str) -> list[str] | None:
    """Cells of a pipe-table line, or None for a separator or a line that is not a table row."""
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.endswith("|")) or re.fullmatch(r"[|\-: ]+", stripped):
        return None
    cells = re.split(r"(?<!\\)\|", stripped[1:-1])
    return [c.strip().replace("\\|", "|") for c in cells]


# --- aligned tables --------------------------------------------------------------------------------


@dataclass
class TableSpan:
    """Lines ``start:end`` of a flow form a table; ``caption`` is the index of its caption line."""

    start: int
    end: int
    caption: int | None = None


def _is_row_line(line: Line, settings: PdfSettings) -> bool:
    """A line that looks like a table row: several segments, each a few words."""
    segs = line_segments(line, settings.segment_gap_em)
    if len(segs) < settings.table_min_cells:
        return False
    counts = [len(s) for s in segs]
    return statistics.median(counts) <= settings.table_max_cell_words and \
        max(counts) <= settings.table_max_segment_words


def is_caption(line: Line) -> bool:
    return bool(CAPTION.match(line.text))


def find_aligned_tables(lines: Sequence[Line], settings: PdfSettings) -> list[TableSpan]:
    """Runs of row-like lines (a caption may open them) with at least ``table_min_rows`` rows."""
    rows = [_is_row_line(line, settings) for line in lines]
    spans: list[TableSpan] = []
    i = 0
    while i < len(lines):
        caption = i if is_caption(lines[i]) else None
        start = i + 1 if caption is not None else i
        while caption is not None and start < len(lines) and _continues_caption(lines[start - 1], lines[start],
                                                                                 settings):
            start += 1  # the caption's wrapped lines are the caption's, not the table's first row
        if caption is None and not rows[i]:
            i += 1
            continue
        end, n_rows, gap = start, 0, 0
        j = start
        while j < len(lines):
            if is_caption(lines[j]) or _ends_table(lines, j, settings):
                break
            if rows[j]:
                n_rows, gap, end = n_rows + 1, 0, j + 1
            else:
                gap += 1
                if gap > (settings.table_max_gap_lines if n_rows else settings.table_header_lines):
                    break
            j += 1
        if n_rows >= settings.table_min_rows:
            end = _last_row_end(lines, start, end, rows, settings)
            spans.append(TableSpan(start, end, caption))
            i = end
        else:
            i += 1
    return spans


CAPTION_SIZE_TOLERANCE = 0.25
"""Points by which a caption's wrapped line may differ in size from its first (the same face, rounding)."""


def _continues_caption(above: Line, line: Line, settings: PdfSettings) -> bool:
    """A caption's next line: set in the caption's size right under it, one segment, after a caption line
    that does not end its sentence (a table's header is set smaller, or in several segments)."""
    return (abs(line.size - above.size) <= CAPTION_SIZE_TOLERANCE and not above.text.rstrip().endswith(".")
            and len(line_segments(line, settings.segment_gap_em)) == 1
            and line.top - above.bottom <= line.size)


def _ends_table(lines: Sequence[Line], j: int, settings: PdfSettings) -> bool:
    """A long single-segment line (a footnote, prose) or a wide vertical gap closes a table."""
    line = lines[j]
    segs = line_segments(line, settings.segment_gap_em)
    if len(segs) == 1 and len(line.words) >= settings.table_footnote_words:
        return True
    if j > 0:
        gap = line.top - lines[j - 1].bottom
        return gap > settings.table_end_gap_em * line.size
    return False


FOOTNOTE_MARKS = frozenset("*\u2020\u2021\u00a7\u00b6#^")
"""What a footnote line opens with (``^`` is a raised digit, see ``pdf_lines``)."""


def _last_row_end(lines: Sequence[Line], start: int, end: int, rows: Sequence[bool], settings: PdfSettings
                  ) -> int:
    """The end of the table at ``lines[start:end]`` moved past the wrapped lines of its last row.

    The run of row-like lines stops at the last line with ``table_min_cells`` segments, but the cells
    of the last row may wrap onto lines with fewer ("editing  BCL11B" under "Genome  Incomplete"):
    nothing below the last row says where the table ends. A line joins while it continues the row
    (``_continues_row``); the first that does not (a footnote, a caption, prose) ends the table.
    """
    if end >= len(lines) or end - start < 2:
        return end
    table = lines[start:end]
    gutters = _gutters(table, settings)
    usual = _wrap_gap(lines, start, end, rows)
    size = statistics.median(line.size for line in table)
    extent = (min(line.x0 for line in table), max(line.x1 for line in table))
    filled = _filled_columns(lines[end - 1], gutters, settings)
    while end < len(lines) and not is_caption(lines[end]) and not _ends_table(lines, end, settings):
        line = lines[end]
        gap = line.top - lines[end - 1].bottom
        if gap > usual + settings.wrap_gap_tolerance_em * size or line.size < settings.wrap_size_ratio * size:
            break
        if not _continues_row(line, gutters, filled, extent, settings):
            break
        end += 1
    return end


def _wrap_gap(lines: Sequence[Line], start: int, end: int, rows: Sequence[bool]) -> float:
    """The table's usual white space above a line: above its wrapped lines (lines after the first full
    row that are not full rows) when it has some, otherwise above any of its lines."""
    first = next((j for j in range(start, end) if rows[j]), start)
    gaps = [(lines[j].top - lines[j - 1].bottom, rows[j]) for j in range(first + 1, end)]
    wrapped = [gap for gap, full in gaps if not full]
    every = [gap for gap, _ in gaps] or [0.0]
    return statistics.median(wrapped or every)


def _filled_columns(line: Line, gutters: list[tuple[float, float]], settings: PdfSettings) -> set[int]:
    cells, _ = _line_cells(line, gutters, settings)
    return {k for k, cell in enumerate(cells) if cell}


def _continues_row(line: Line, gutters: list[tuple[float, float]], filled: set[int], extent: tuple[float, float],
                   settings: PdfSettings) -> bool:
    """Whether ``line`` can be the wrapped part of a row whose cells fill the columns ``filled``.

    A wrapped line lies inside the table, each of its phrases within one column, under a cell the row
    has (a cell empty on the row's first line does not wrap); a footnote opens with its mark, and
    prose runs across the gutters.
    """
    if not line.words or line.words[0].text[:1] in FOOTNOTE_MARKS:
        return False
    slack = settings.segment_gap_em * line.size
    if line.x0 < extent[0] - slack or line.x1 > extent[1] + slack:
        return False
    cells, spanning = _line_cells(line, gutters, settings)
    return not spanning and {k for k, cell in enumerate(cells) if cell} <= filled


def _gutters(lines: Sequence[Line], settings: PdfSettings) -> list[tuple[float, float]]:
    """White x-intervals between the columns of a table.

    An interval is white when at most a few full rows cross it (``table_gutter_crossings``): header
    cells are often wider than their column and nearly touch. Words lying wholly inside such an
    interval are a sparse column of their own, so the interval is split around them.
    """
    full = [line for line in lines if _is_row_line(line, settings)] or list(lines)
    line_words = [line.words for line in full]
    words = [w for line in full for w in line.words]
    lo, hi = min(w.x0 for w in words), max(w.x1 for w in words)
    min_width = settings.table_gutter_em * statistics.median(w.size for w in words)
    allowed = max(1, int(settings.table_gutter_crossings * len(full)))
    gutters: list[tuple[float, float]] = []
    for g0, g1 in _sparse_intervals(words, allowed):
        inner = _sparse_column(line_words, g0, g1, settings.sparse_column_lines)
        reach = g0
        for x0, x1 in [*inner, (g1, g1)]:
            if x0 - reach >= min_width and lo < reach and x0 < hi:
                gutters.append((reach, x0))
            reach = max(reach, x1)
    return gutters


def _sparse_column(line_words: Sequence[Sequence[Word]], g0: float, g1: float, min_lines: int
                   ) -> list[tuple[float, float]]:
    """Extents of the words lying wholly inside ``(g0, g1)``, when they come from ``min_lines`` lines
    or more (a sparse column); a lone word there is a stray piece of a header, not a column."""
    inner = [[(w.x0, w.x1) for w in words if w.x0 >= g0 and w.x1 <= g1] for words in line_words]
    inner = [spans for spans in inner if spans]
    return sorted(span for spans in inner for span in spans) if len(inner) >= min_lines else []


def _sparse_intervals(words: Sequence[Word], allowed: int) -> list[tuple[float, float]]:
    """Maximal x-intervals covered by at most ``allowed`` words (a sweep over word edges)."""
    events = sorted([(w.x0, 1) for w in words] + [(w.x1, -1) for w in words])
    out: list[tuple[float, float]] = []
    depth, start = 0, None
    for x, step in events:
        depth += step
        if depth <= allowed and start is None:
            start = x
        elif depth > allowed and start is not None:
            if x > start:
                out.append((start, x))
            start = None
    return out


def _column_of(x0: float, x1: float, bounds: list[float]) -> int:
    """Index of the column (between consecutive gutter midpoints) that a span overlaps most."""
    best, best_overlap = 0, -1.0
    edges = [-1e9, *bounds, 1e9]
    for k in range(len(edges) - 1):
        overlap = min(x1, edges[k + 1]) - max(x0, edges[k])
        if overlap > best_overlap:
            best, best_overlap = k, overlap
    return best


def _split_at_gutters(words: list[Word], gutters: list[tuple[float, float]]) -> list[list[Word]]:
    """Split a phrase where a gutter falls between two of its words and the phrase goes on past the
    gutter (tight header cells, the second over the next column); keep it whole otherwise. A phrase
    that ends inside a gutter is a long cell reaching into it (the crossing the gutter allowed), not
    two cells, however its word spaces fall."""
    pieces = [[words[0]]]
    end = words[-1].x1
    for a, b in zip(words, words[1:], strict=False):
        if any(a.x1 <= g1 < end and b.x0 >= g0 and min(b.x0, g1) - max(a.x1, g0) > 0 for g0, g1 in gutters):
            pieces.append([b])
        else:
            pieces[-1].append(b)
    return pieces


def _line_cells(line: Line, gutters: list[tuple[float, float]], settings: PdfSettings
                ) -> tuple[list[str], bool]:
    """A line's text per column, and whether one of its phrases spans a gutter.

    Phrases of a full row are split where a gutter falls between two words (tight header cells);
    other lines (a heading over several columns) keep their phrases whole.
    """
    bounds = [(g0 + g1) / 2 for g0, g1 in gutters]
    cells = [""] * (len(gutters) + 1)
    spanning = False
    full = _is_row_line(line, settings)
    for phrase in line_segments(line, settings.phrase_gap_em):
        for piece in _split_at_gutters(phrase, gutters) if full else [phrase]:
            x0, x1 = piece[0].x0, piece[-1].x1
            if any(x0 < g0 and x1 > g1 for g0, g1 in gutters):
                spanning = True
            k = _column_of(x0, x1, bounds)
            text = " ".join(w.text for w in piece)
            cells[k] = f"{cells[k]} {text}".strip()
    return cells, spanning


def _merge(into: list[str], cells: list[str]) -> list[str]:
    return [f"{a}\n{b}" if a and b else a or b for a, b in zip(into, cells, strict=True)]


def aligned_grid(lines: Sequence[Line], orient: Orient, settings: PdfSettings) -> TableGrid:
    """Rows of a word-aligned table.

    A line whose first column is empty continues the row above (a wrapped cell), and so does a line
    with a first cell of its own when it is a wrapped row label (``_wraps_label``). Above the first
    full row, lines with an empty first column are header lines stacked over it (``Any / modern /
    method``) and join it, except lines whose phrases span columns ("Modern method" over five
    columns) or that are set apart from it rather than at the leading (a transposed table's names of
    studies over an empty corner, a rule and padding under them), which stay a row.
    """
    gutters = _gutters(lines, settings)
    read = [_line_cells(line, gutters, settings) for line in lines]
    # The white space above the first line is not the table's: taken as wide as a row's, so that a header
    # line that wraps (its next line at the leading) is read as wrapped like any other row.
    gaps = [math.inf, *(b.top - a.bottom for a, b in zip(lines, lines[1:], strict=False))]
    spacing = _row_spacing(gaps, [cells for cells, _ in read], settings)
    margin = settings.row_spacing_em * statistics.median(line.size for line in lines)
    rows: list[list[str]] = []
    opened = 0.0  # the white space above the first line of rows[-1]
    pending: list[str] | None = None
    in_header = True
    for i, (line, (cells, spanning)) in enumerate(zip(lines, read, strict=True)):
        keyed = bool(cells[0])
        if in_header and spanning:
            if pending:
                rows.append(pending)
                pending = None
            rows.append(cells)
            continue
        if in_header and not keyed:
            pending = cells if pending is None else _merge(pending, cells)
            continue
        if in_header and pending is not None:
            # Stacked header lines sit at the type's leading over the first row; set apart from it (by
            # padding, a rule), they are a row of their own (the studies over a transposed table's corner).
            if _is_row_line(line, settings) and gaps[i] <= margin:
                cells = _merge(pending, cells)
            else:
                rows.append(pending)
            pending = None
        elif not in_header and keyed and rows and spacing is not None:
            keyed = not _wraps_label(cells, rows[-1], gaps[i], min(opened, spacing) - margin)
        in_header = False
        if not keyed and rows:
            rows[-1] = _merge(rows[-1], cells)
        else:
            rows.append(cells)
            opened = gaps[i]
    if pending is not None:
        rows.append(pending)
    rows = drop_empty(rows)
    return TableGrid(
        rows=rows,
        orient=orient,
        source="aligned",
        top=min(line.top for line in lines),
        bottom=max(line.bottom for line in lines),
        x0=min(line.x0 for line in lines),
        x1=max(line.x1 for line in lines),
    )


def _row_spacing(gaps: Sequence[float], cells: Sequence[list[str]], settings: PdfSettings) -> float | None:
    """The usual white space above a row of the table body: above its full rows, after the first one
    (whose gap is the header's). None when the body has no such lines after the first.

    A full row has a first cell and fills ``table_min_cells`` columns and ``full_row_share`` of the
    most any line fills: the wrapped lines of a row with long cells may fill three columns of nine
    and have a first cell of their own (a product name over its registry id), and taking them for
    rows would make the type's leading the row spacing, so that no wrapped line is ever seen.
    """
    fills = [sum(1 for text in row if text) for row in cells]
    least = max(settings.table_min_cells, settings.full_row_share * max(fills, default=0))
    full = [i for i, row in enumerate(cells) if row[0] and fills[i] >= least]
    return statistics.median(gaps[i] for i in full[1:]) if len(full) > 1 else None


def _wraps_label(cells: list[str], row: list[str], gap: float, limit: float) -> bool:
    """Whether a line with a first cell of its own is the wrapped part of ``row``: a row label (or
    several cells) too long for its column, continued on the next line.

    Its cells lie under cells the row has (a cell empty on the row's first line does not wrap), and
    it sits closer to the line above than rows sit to each other, both usually and above this row
    (``limit``, already less ``row_spacing_em``): wrapped lines are set at the type's leading, rows
    are set apart. Tables whose rows sit at the leading keep "a first cell starts a row", and so does
    a row after the extra space that opens a group of rows.
    """
    ours = {k for k, text in enumerate(cells) if text}
    theirs = {k for k, text in enumerate(row) if text}
    return gap <= limit and ours <= theirs


# --- ruled tables ----------------------------------------------------------------------------------


def dominant_orient(glyphs: Sequence[Glyph]) -> Orient:
    counts = Counter(g.orient for g in glyphs if not g.text.isspace())
    return counts.most_common(1)[0][0] if counts else UPRIGHT


def read_cell(glyphs: Sequence[Glyph], settings: PdfSettings) -> str:
    """A cell's text: each orientation's glyphs read upright in their own frame, lines joined by \\n."""
    by_orient: dict[Orient, list[Glyph]] = {}
    for g in glyphs:
        by_orient.setdefault(g.orient, []).append(g)
    parts = []
    for orient, group in sorted(by_orient.items(), key=lambda kv: -len(kv[1])):
        lines = build_lines(to_frame(group, orient), settings)
        parts.extend(line.text for line in lines if line.text)
    return "\n".join(parts)


def _snap(values: Iterable[float], tolerance: float) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def _nearest(edges: list[float], v: float) -> int:
    k = bisect.bisect_left(edges, v)
    if k == len(edges) or (k > 0 and v - edges[k - 1] < edges[k] - v):
        return k - 1
    return k


class CellIndex:
    """Which cell box a point falls in, by bisection on the grid lines the boxes share."""

    def __init__(self, cells: Sequence[Box], snap: float) -> None:
        self.xs = _snap((v for c in cells for v in (c[0], c[2])), snap)
        self.ys = _snap((v for c in cells for v in (c[1], c[3])), snap)
        self.slots: dict[tuple[int, int], int] = {}
        for k, c in enumerate(cells):
            for i in range(_nearest(self.xs, c[0]), _nearest(self.xs, c[2])):
                for j in range(_nearest(self.ys, c[1]), _nearest(self.ys, c[3])):
                    self.slots[(i, j)] = k

    def find(self, x: float, y: float) -> int | None:
        i, j = bisect.bisect_right(self.xs, x) - 1, bisect.bisect_right(self.ys, y) - 1
        return self.slots.get((i, j))


def grid_from_cells(cells: Sequence[Box], glyphs: Sequence[Glyph], settings: PdfSettings) -> TableGrid:
    """Turn display-space cell boxes into rows and columns of the frame its text reads upright in.

    Glyphs go to the cell holding their centre; a merged cell's text sits in its first row and column,
    the slots it also covers stay empty (as in pdfplumber's ``extract``).
    """
    index = CellIndex(cells, settings.grid_snap)
    members: dict[int, list[Glyph]] = {}
    for g in glyphs:
        k = index.find(g.cx, g.cy)
        if k is not None:
            members.setdefault(k, []).append(g)
    orient = dominant_orient([g for group in members.values() for g in group])
    framed = [frame_box(c, orient) for c in cells]
    xs = _snap((v for c in framed for v in (c[0], c[2])), settings.grid_snap)
    ys = _snap((v for c in framed for v in (c[1], c[3])), settings.grid_snap)
    rows = [[""] * max(len(xs) - 1, 1) for _ in range(max(len(ys) - 1, 1))]
    stacks: dict[tuple[int, int], list[Line]] = {}
    for k, box in enumerate(framed):
        r, c = _nearest(ys, box[1]), _nearest(xs, box[0])
        if r < len(rows) and c < len(rows[0]) and k in members:
            rows[r][c] = read_cell(members[k], settings)
            if all(g.orient == orient for g in members[k]):
                stacks[(r, c)] = build_lines(to_frame(members[k], orient), settings)
    x0, top, x1, bottom = _union(framed)
    grid = TableGrid(
        rows=rows, orient=orient, source="ruled", top=top, bottom=bottom, x0=x0, x1=x1,
        display_cells=list(cells),
        row_bands=list(zip(ys, ys[1:], strict=False)),
        col_bands=list(zip(xs, xs[1:], strict=False)),
    )
    _unstack_rows(grid, stacks, settings)
    return grid


def _unstack_rows(grid: TableGrid, stacks: dict[tuple[int, int], list[Line]], settings: PdfSettings) -> None:
    """Split a ruled row that holds several text rows (rules drawn only every fifth row).

    The row is split when its first filled cell has k > 1 lines and most filled cells
    (``stacked_row_share``) have k lines level with those k lines, one beside each; a header whose
    cells merely wrap keeps its single row, and so does a row whose label wraps (cells of one line
    are level with the label's first line, but leave its other lines alone).
    """
    rows: list[list[str]] = []
    bands: list[tuple[float, float]] = []
    for r, (row, band) in enumerate(zip(grid.rows, grid.row_bands, strict=False)):
        split = _stacked(r, row, stacks, settings)
        if split is None:
            rows.append(row)
            bands.append(band)
            continue
        anchors, parts = split
        edges = [band[0], *((a + b) / 2 for a, b in zip(anchors, anchors[1:], strict=False)), band[1]]
        rows.extend(parts)
        bands.extend(zip(edges, edges[1:], strict=False))
    grid.rows, grid.row_bands = rows, bands


def _stacked(r: int, row: list[str], stacks: dict[tuple[int, int], list[Line]], settings: PdfSettings
             ) -> tuple[list[float], list[list[str]]] | None:
    filled = [c for c, text in enumerate(row) if text]
    if not filled or len(stacks.get((r, filled[0]), [])) < 2:
        return None
    key = stacks[(r, filled[0])]
    anchors = [(line.top + line.bottom) / 2 for line in key]
    tolerance = settings.stacked_row_tolerance * min(line.bottom - line.top for line in key)
    parts = [[""] * len(row) for _ in anchors]
    aligned = 0
    for c in filled:
        lines = stacks.get((r, c))
        if lines is None:
            parts[0][c] = row[c]
            continue
        slots = [min(range(len(anchors)), key=lambda j: abs(anchors[j] - (ln.top + ln.bottom) / 2))
                 for ln in lines]
        level = all(abs(anchors[j] - (ln.top + ln.bottom) / 2) <= tolerance for j, ln in zip(slots, lines,
                                                                                           strict=True))
        if not level or len(set(slots)) != len(slots):
            return None
        aligned += len(lines) == len(anchors)
        for j, ln in zip(slots, lines, strict=True):
            parts[j][c] = ln.text
    return (anchors, parts) if aligned >= settings.stacked_row_share * len(filled) else None


def _union(boxes: Sequence[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def ruled_tables(tables: Sequence[Sequence[Box]], glyphs: Sequence[Glyph], settings: PdfSettings
                 ) -> list[TableGrid]:
    """Tables from the cells ruling lines close (``pdf_rules.ruled_cells``, one list per table); grids
    that are boxed paragraphs or a single row or column are dropped (their text is read as text)."""
    grids = []
    for cells in tables:
        grid = grid_from_cells(cells, glyphs, settings)
        if _plausible(grid, settings):
            grids.append(grid)
    return grids


def _plausible(grid: TableGrid, settings: PdfSettings) -> bool:
    rows = drop_empty(grid.rows)
    filled = [c for row in rows for c in row if c]
    if len(rows) < settings.ruled_min_rows or not rows or len(rows[0]) < settings.ruled_min_cols:
        return False
    words = statistics.mean(len(c.split()) for c in filled)
    return words <= settings.ruled_max_cell_words


def outside_tables(glyphs: Sequence[Glyph], grids: Sequence[TableGrid], settings: PdfSettings) -> list[Glyph]:
    """Glyphs in no cell of the given tables (a glyph in a table's box but in no cell stays text)."""
    indexes = [CellIndex(g.display_cells, settings.grid_snap) for g in grids if g.display_cells]
    return [g for g in glyphs if all(ix.find(g.cx, g.cy) is None for ix in indexes)]


def absorb_neighbours(grid: TableGrid, lines: list[Line], settings: PdfSettings) -> list[Line]:
    """Give a ruled table the text its rules missed; return the lines left over.

    A segment inside the table whose cell is empty fills it (a cell drawn without all its rules);
    segments left of the table, one per row, become a first column (row labels printed without
    rules, "Alcona  963  439 ..."). Labels count only when enough rows (``row_label_share``) get
    exactly one each.
    """
    if grid.source != "ruled" or not grid.row_bands:
        return lines
    fills: list[tuple[int, int, int, list[Word]]] = []  # (line index, row, col, segment)
    labels: list[tuple[int, int, list[Word]]] = []  # (line index, row, segment)
    for i, line in enumerate(lines):
        for seg in line_segments(line, settings.phrase_gap_em):
            slot = _slot(grid, seg, settings)
            if slot is None:
                continue
            row, col = slot
            if col is None:
                labels.append((i, row, seg))
            elif not grid.rows[row][col] and all((r, c) != (row, col) for _, r, c, _ in fills):
                fills.append((i, row, col, seg))
    rows_labelled = Counter(row for _, row, _ in labels)
    share = len(rows_labelled) / max(len(drop_empty(grid.rows)), 1)
    if not labels or max(rows_labelled.values()) > 1 or share < settings.row_label_share:
        labels = []
    for _, row, col, seg in fills:
        grid.rows[row][col] = " ".join(w.text for w in seg)
    if labels:
        names = {row: " ".join(w.text for w in seg) for _, row, seg in labels}
        grid.rows = [[names.get(r, ""), *row] for r, row in enumerate(grid.rows)]
        grid.col_bands = [(grid.x0 - 1.0, grid.x0), *grid.col_bands]
    used: dict[int, set[int]] = {}
    for i, *_, seg in [*fills, *labels]:
        used.setdefault(i, set()).update(id(w) for w in seg)
    kept = []
    for i, line in enumerate(lines):
        words = [w for w in line.words if id(w) not in used.get(i, set())]
        if len(words) == len(line.words):
            kept.append(line)
        elif words:
            kept.append(sub_line(line, words))
    return kept


def _slot(grid: TableGrid, seg: list[Word], settings: PdfSettings) -> tuple[int, int | None] | None:
    """(row, column) of the table a segment belongs to; column None for a label left of the table."""
    if len(seg) > settings.table_max_segment_words:
        return None
    cx, cy = (seg[0].x0 + seg[-1].x1) / 2, (min(w.top for w in seg) + max(w.bottom for w in seg)) / 2
    row = next((r for r, (t, b) in enumerate(grid.row_bands) if t <= cy <= b), None)
    if row is None:
        return None
    if grid.x0 <= cx <= grid.x1:
        col = next((c for c, (a, b) in enumerate(grid.col_bands) if a <= cx <= b), None)
        return None if col is None else (row, col)
    return (row, None) if seg[-1].x1 <= grid.x0 else None


def drop_empty(rows: list[list[str]]) -> list[list[str]]:
    """The grid without rows and columns that hold nothing."""
    if not rows:
        return rows
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    keep = [k for k in range(width) if any(r[k] for r in rows)]
    return [[r[k] for k in keep] for r in rows if any(r[k] for k in keep)]

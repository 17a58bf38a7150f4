"""Reading order of one page: frames by text direction, columns, tables, paragraphs.

A page is split by glyph orientation into frames (upright text, text turned 90°, 270°, upside down or
mirrored); each frame is laid out upright (``pdf_glyphs.to_frame``) by the same routine:

1. lines and words (``pdf_lines``);
2. tables: ruled ones come from pdfplumber's finder, aligned ones are found here among the lines;
3. bands: consecutive lines that share a white gutter are read column by column (recursively, so three
   columns work), everything else top to bottom;
4. paragraphs: a blank line where the vertical gap is well above the band's usual leading.

The upright frame is read first, then the others, largest first: a page carrying a rotated table and
an upright running head reads head, caption, table, footnote.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.ingest.normalize import document_vocabulary
from pipeline.ingest.pdf_glyphs import UPRIGHT, Glyph, Orient, to_frame
from pipeline.ingest.pdf_lines import Line, build_lines, line_free_gaps, sub_line
from pipeline.ingest.pdf_settings import PdfSettings
from pipeline.ingest.pdf_tables import (
    TableGrid,
    absorb_neighbours,
    aligned_grid,
    drop_empty,
    find_aligned_tables,
    is_caption,
    outside_tables,
    render_pipe,
)
from pipeline.knowledge.patterns import CAPTION

_MAX_COLUMN_DEPTH = 3
_PAGE_OF = re.compile(r"\bPage\s+\d+\s+of\s+\d+(?!\d)")


@dataclass
class Break:
    """The end of a flow (a column, a band, a frame): the next line starts a new block."""


Item = Line | TableGrid | Break


@dataclass
class PageLayout:
    """A page read: its items in reading order, the tables among them, and how many words outside
    ruled tables have a raised superscript (a caret printed as a character does not count)."""

    items: list[Item] = field(default_factory=list)
    tables: list[TableGrid] = field(default_factory=list)
    superscripts: int = 0


def layout_page(glyphs: Sequence[Glyph], ruled: Sequence[TableGrid], settings: PdfSettings) -> PageLayout:
    """Read a page's glyphs (display space) around its ruled tables, frame by frame."""
    free = outside_tables(glyphs, ruled, settings)
    by_orient: dict[Orient, list[Glyph]] = {}
    for g in free:
        by_orient.setdefault(g.orient, []).append(g)
    for grid in ruled:
        by_orient.setdefault(grid.orient, [])
    order = sorted(by_orient, key=lambda o: (o != UPRIGHT, -len(by_orient[o])))
    page = PageLayout()
    for orient in order:
        grids = [g for g in ruled if g.orient == orient]
        lines = build_lines(to_frame(by_orient[orient], orient), settings)
        page.superscripts += sum(line.superscripts for line in lines)
        items = arrange(lines, grids, orient, settings)
        if page.items and items:
            page.items.append(Break())
        page.items.extend(items)
    page.tables = [item for item in page.items if isinstance(item, TableGrid)]
    return page


def arrange(lines: list[Line], tables: Sequence[TableGrid], orient: Orient, settings: PdfSettings,
            depth: int = 0) -> list[Item]:
    """Items of one frame (lines already upright) in reading order."""
    if depth == 0:
        for grid in tables:
            lines = absorb_neighbours(grid, lines, settings)
            grid.rows = drop_empty(grid.rows)
    found, lines = _take_aligned_tables(lines, orient, settings)
    if depth == 0:
        for grid in tables:
            grid.caption = grid.caption or _caption_above(grid, lines, settings)
    elements: list[Line | TableGrid] = sorted([*lines, *tables, *found], key=lambda e: (e.top, e.x0))
    out: list[Item] = []
    for band, gutter in _bands(elements, settings):
        if gutter is None or depth >= _MAX_COLUMN_DEPTH:
            out.extend(band)
            continue
        mid = (gutter[0] + gutter[1]) / 2
        for left in (True, False):
            side_lines = [part for e in band if isinstance(e, Line) if (part := _side(e, mid, left))]
            side_tables = [e for e in band if isinstance(e, TableGrid) and ((e.x0 + e.x1) / 2 < mid) == left]
            items = arrange(side_lines, side_tables, orient, settings, depth + 1)
            if out and items:
                out.append(Break())
            out.extend(items)
        out.append(Break())
    return out


def _caption_above(grid: TableGrid, lines: Sequence[Line], settings: PdfSettings) -> str:
    """The "Table N ..." line just above a ruled table, if there is one."""
    above = [line for line in lines if line.bottom <= grid.top + line.size and is_caption(line)
             and grid.top - line.bottom <= settings.caption_distance_em * line.size]
    return max(above, key=lambda line: line.bottom).text if above else ""


def _side(line: Line, mid: float, left: bool) -> Line | None:
    """The words of ``line`` on one side of a column gutter (none of them crosses it)."""
    words = [w for w in line.words if ((w.x0 + w.x1) / 2 < mid) == left]
    if not words:
        return None
    return line if len(words) == len(line.words) else sub_line(line, words)


def _take_aligned_tables(lines: list[Line], orient: Orient, settings: PdfSettings
                         ) -> tuple[list[TableGrid], list[Line]]:
    """Replace each run of aligned table lines by its grid; the caption stays a line."""
    spans = find_aligned_tables(lines, settings)
    if not spans:
        return [], lines
    grids, used = [], set()
    for span in spans:
        grid = aligned_grid(lines[span.start:span.end], orient, settings)
        if span.caption is not None:
            grid.caption = lines[span.caption].text
        grids.append(grid)
        used.update(range(span.start, span.end))
    return grids, [line for k, line in enumerate(lines) if k not in used]


Element = Line | TableGrid


def _free(e: Element, settings: PdfSettings) -> list[tuple[float, float]]:
    inner = line_free_gaps(e, settings.column_gutter_em) if isinstance(e, Line) else []
    return [(-1e9, e.x0), *inner, (e.x1, 1e9)]


def _intersect(a: list[tuple[float, float]], b: list[tuple[float, float]], width: float
               ) -> list[tuple[float, float]]:
    out = []
    for a0, a1 in a:
        for b0, b1 in b:
            lo, hi = max(a0, b0), min(a1, b1)
            if hi - lo >= width:
                out.append((lo, hi))
    return out


def _bands(elements: Sequence[Element], settings: PdfSettings
           ) -> list[tuple[list[Element], tuple[float, float] | None]]:
    """Split elements (top to bottom) into bands; a band with a gutter is read column by column.

    A band grows from a line with an inner gap while the gap stays white in the following lines; it
    counts when both sides hold ``column_min_lines`` lines and are wide enough to be columns.
    """
    bands: list[tuple[list[Element], tuple[float, float] | None]] = []
    single: list[Element] = []
    i = 0
    while i < len(elements):
        start = elements[i]
        gaps: list[tuple[float, float]] = []
        width = 0.0
        if isinstance(start, Line):
            width = settings.column_gutter_em * start.size
            gaps = [g for g in line_free_gaps(start, settings.column_gutter_em) if g[1] - g[0] >= width]
        j, best = i + 1, None
        if gaps:
            current = gaps
            while j < len(elements):
                nxt = _intersect(current, _free(elements[j], settings), width)
                if not nxt:
                    break
                current, j = nxt, j + 1
            best = _valid_gutter(elements[i:j], current, settings)
        if best is None:
            single.append(start)
            i += 1
            continue
        if single:
            bands.append((single, None))
            single = []
        bands.append((list(elements[i:j]), best))
        i = j
    if single:
        bands.append((single, None))
    return bands


def _valid_gutter(band: Sequence[Element], gutters: list[tuple[float, float]], settings: PdfSettings
                  ) -> tuple[float, float] | None:
    x0, x1 = min(e.x0 for e in band), max(e.x1 for e in band)
    for g0, g1 in sorted(gutters, key=lambda g: g[0] - g[1]):
        left = sum(1 for e in band if e.x0 < g0)
        right = sum(1 for e in band if e.x1 > g1)
        wide = min(g0 - x0, x1 - g1) >= settings.column_min_width * (x1 - x0)
        if left >= settings.column_min_lines and right >= settings.column_min_lines and wide:
            return g0, g1
    return None


# --- text ------------------------------------------------------------------------------------------


def render(items: Sequence[Item], settings: PdfSettings) -> str:
    """Items as text: a line per line, blank lines between paragraphs and around tables.

    A table cell's line-end hyphens are decided on the words of the whole page (``cell_text``), as
    the text path decides those of the page's prose on the words of the whole document; a page
    without a table needs no such vocabulary.
    """
    out: list[str] = []
    flow: list[Line] = []
    vocabulary = None
    if any(isinstance(item, TableGrid) for item in items):
        vocabulary = document_vocabulary("\n".join(
            item.text if isinstance(item, Line) else "\n".join(cell for row in item.rows for cell in row)
            for item in items if not isinstance(item, Break)))

    def flush() -> None:
        out.extend(_flow_text(flow, settings))
        flow.clear()

    for item in items:
        if isinstance(item, Line):
            flow.append(item)
            continue
        flush()
        if isinstance(item, TableGrid):
            if out and out[-1] and not CAPTION.match(out[-1]):
                out.append("")
            out.extend(render_pipe(item, vocabulary))
        out.append("")
    flush()
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def _flow_text(lines: Sequence[Line], settings: PdfSettings) -> list[str]:
    if not lines:
        return []
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:], strict=False)]
    usual = statistics.median(gaps) if gaps else 0.0
    out = [lines[0].text]
    for prev, line, gap in zip(lines, lines[1:], gaps, strict=False):
        if gap > max(usual, 0.0) + settings.paragraph_gap_em * min(prev.size, line.size) or is_caption(line):
            out.append("")
        out.append(line.text)
    return out


def page_text(layout: PageLayout, settings: PdfSettings) -> str:
    """The page's text with "Page N of M" lines moved to its end.

    The text reader takes such a line as the end of page N (extractors print the running head after
    the body); keeping that convention makes its page map agree with our form feeds.
    """
    lines = render(layout.items, settings).split("\n")
    running = [line for line in lines if _PAGE_OF.search(line)]
    if not running:
        return "\n".join(lines)
    body = [line for line in lines if not _PAGE_OF.search(line)]
    return "\n".join(body).strip("\n") + "\n\n" + "\n".join(running)

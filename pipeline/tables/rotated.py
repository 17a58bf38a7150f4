"""Rebuild a table printed rotated 90°, which the extractor shredded into 1-3-character lines.

Ingest has already joined the fragments into one line and kept the fragment breaks. That line holds,
run together: the caption ("Table 2 ..."), the footnotes, the header names and the rows. The parse:

1. caption: "Table N" at the start of the run, or the caption line just before it;
2. header: the best chains of column names (``header.py``), each tried in turn;
3. rows: the segmenter (``segment.py``) on what follows a chain, with cuts only at fragment breaks;
   the chain whose rows parse best wins (a data cell can look like a column name, rows cannot lie);
4. between caption and header: the footnotes (``footnotes.py``); a footnote paragraph right after
   the run belongs to the table too.
"""

from __future__ import annotations

import re

from pipeline.fields.evidence import DocContext
from pipeline.knowledge.patterns import CAPTION
from pipeline.models import FragmentRun, IngestedText
from pipeline.tables import footnotes
from pipeline.tables.build import HeaderName, TableParts
from pipeline.tables.header import HeaderChain, find_header_chains
from pipeline.tables.quality import cross_check, refine_blanks, usable
from pipeline.tables.segment import CellCache, GridParse, SegmentSettings, segment_rows

LINE_END_CELL_BONUS = 0.3
# In a shredded table cells meet without a space ("AMLUmbilical"): a space is a glyph inside a cell.
SPACE_SPLIT = 1.5
LINE_END_ROW_BONUS = 0.7
_TRAILING_NOTE = re.compile(rf"[{footnotes.MARKERS}]\s[A-Z][a-z]+\s[a-z]")


def parse_rotated(doc: IngestedText, run: FragmentRun, ctx: DocContext,
                  settings: SegmentSettings | None = None) -> TableParts | None:
    """The table held by a fragment run, or ``None`` when the run is not a captioned table."""
    settings = settings or SegmentSettings(space_split=SPACE_SPLIT)
    text = doc.text
    inside = caption_in_run(text, run)
    if inside:
        number, cap_start, zone = int(inside.group("number")), inside.start(), inside.end()
    else:
        outside = caption_before(text, run.start)
        if outside is None:
            return None
        number, cap_start, zone = outside[0], outside[1], run.start
    cuts = [run.start] + [b for b in run.breaks if run.start < b < run.end] + [run.end]
    cuts = ([zone] + [c for c in cuts if c > zone]) if inside else cuts
    cuts = [c for c in cuts if not inside_known_word(text, c, ctx)]
    if len(cuts) < 4:
        return None

    def start_ok(pos: int) -> bool:
        """The header follows the caption or a footnote glued to it ("...syndromeNCT number"): the
        glyph runs of a shredded table carry no space between them, the words of a caption do."""
        if pos == zone and not inside:
            return True
        if pos <= zone or text[pos - 1] in ",;" or text[pos - 1].isspace():
            return False
        before, here = text[pos - 1], text[pos]
        return before in ".)]*†‡%" or (here.isupper() and (before.islower() or before.isdigit()))

    chains = find_header_chains(text, cuts, ctx, start_ok)
    if not chains:
        return None
    cache = CellCache(text, ctx, settings, dict.fromkeys(run.line_ends, LINE_END_CELL_BONUS))
    row_bonus = dict.fromkeys(run.line_ends, LINE_END_ROW_BONUS)
    best: tuple[float, HeaderChain, GridParse, int] | None = None
    for chain in chains:
        tail = _trailing_notes(text, chain.end, run.end)
        row_cuts = [chain.end] + [c for c in cuts if chain.end < c < tail] + [tail]
        kinds = [cell.kind for cell in chain.cells]
        grid = segment_rows(cache, row_cuts, kinds, row_bonus)
        if grid is None or not usable(grid, cache, kinds):
            continue
        total = chain.score + grid.score
        if best is None or total > best[0]:
            best = (total, chain, grid, tail)
    if best is None:
        return None
    _, chain, grid, tail = best
    warnings = refine_blanks(cache, grid, chain.cells) + cross_check(cache, grid, chain.cells)
    if inside:
        cap_end = footnotes.caption_end(text, cap_start, chain.start)
        notes = footnotes.split_footnotes(text, cap_end, chain.start)
    else:
        cap_end = _line_end(text, cap_start)
        notes = footnotes.split_footnotes(text, run.start, chain.start) if chain.start > run.start else []
    if tail < run.end:
        notes += footnotes.split_footnotes(text, tail, run.end)
    notes += notes_after(text, run.end)
    return TableParts(
        number=number,
        orientation="rotated",
        caption=(cap_start, cap_end),
        header=[HeaderName(cell.text, cell.start, cell.end) for cell in chain.cells],
        rows=grid.rows,
        footnotes=notes,
        end=run.end,
        warnings=warnings,
        kinds=[cell.kind for cell in chain.cells],
    )


def inside_known_word(text: str, pos: int, ctx: DocContext) -> bool:
    """Whether a fragment break falls inside a word the document uses ("Umbi|lical"): no cell
    boundary there, so the segmenter need not consider it."""
    if not (0 < pos < len(text) and text[pos - 1].isalpha() and text[pos].isalpha() and text[pos].islower()):
        return False
    start, end = pos, pos
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[start:end].lower() in ctx.known_words


def caption_in_run(text: str, run: FragmentRun) -> re.Match[str] | None:
    """A "Table N" caption that starts the run or follows other rotated text glued to it (a side
    banner shredded next to the table: "...OncologyTable 2 ...")."""
    starts = [run.start] + [b for b in run.breaks if run.start < b < run.end]
    for pos in starts:
        m = CAPTION.match(text, pos)
        if m and (pos == run.start or not text[pos - 1].isdigit()):
            return m
    return None


def caption_before(text: str, pos: int) -> tuple[int, int] | None:
    """(number, start) of a "Table N" caption on the last non-blank line before ``pos``."""
    end = pos  # the text before ``pos`` without its trailing blanks, not copied (asked at every run)
    while end > 0 and text[end - 1].isspace():
        end -= 1
    line_start = text.rfind("\n", 0, end) + 1
    m = CAPTION.match(text, line_start, end)
    return (int(m.group("number")), line_start) if m else None


def notes_after(text: str, pos: int) -> list[tuple[int, int]]:
    """Footnotes in the paragraph that directly follows a table (up to the next blank line)."""
    start = pos
    while start < len(text) and text[start] in " \n":
        if text.startswith("\n\n", start) and start > pos:
            break
        start += 1
    end = text.find("\n\n", start)
    end = len(text) if end < 0 else end
    if start >= end or not footnotes.is_footnote(text[start:end]):
        return []
    return footnotes.split_footnotes(text, start, end)


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _trailing_notes(text: str, header_end: int, run_end: int) -> int:
    """Start of footnotes printed after the rows inside the run (else the run's end)."""
    candidates = [m.start() for m in _TRAILING_NOTE.finditer(text, header_end, run_end)]
    listed = footnotes.list_start(text, header_end, run_end)
    if listed is not None:
        candidates.append(listed)
    return min(candidates) if candidates else run_end

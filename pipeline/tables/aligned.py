"""Upright tables whose text keeps the column alignment: cells separated by runs of spaces.

Some extractors (``pdftotext -layout``) keep the page's columns as runs of two or more spaces. Then a
cell is a chunk between such gaps, and its column is the header name it sits under, so no typing or
segmentation is needed: a line that starts under the first column starts a row, any other line holds
wrapped parts of the cells above it ("Liso-cel +" / "ibrutinib"), placed by position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.fields.evidence import DocContext
from pipeline.tables import footnotes
from pipeline.tables.build import HeaderName
from pipeline.tables.columns import EMPTY_MARKERS, normalise
from pipeline.tables.header import column_type
from pipeline.tables.layout import Line, footnote_line, is_prose, paragraph_end
from pipeline.tables.segment import RowParse, Slot
from pipeline.tables.vocabulary import ColumnType

_GAP = re.compile(r" {2,}|\t+")
MIN_COLUMNS = 3


@dataclass(frozen=True)
class Chunk:
    start: int
    end: int
    column: int  # offset of the chunk in its line


def chunks(text: str, line: Line) -> list[Chunk]:
    """The pieces of a line between runs of two or more spaces."""
    out: list[Chunk] = []
    pos = line.start
    for m in [*_GAP.finditer(text, line.start, line.end), None]:
        stop = m.start() if m else line.end
        piece = text[pos:stop]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append(Chunk(pos + lead, pos + len(piece.rstrip()), pos + lead - line.start))
        if m:
            pos = m.end()
    return out


def is_aligned(text: str, lines: list[Line]) -> bool:
    """A header line of several gap-separated names, followed by lines that are gap-separated too."""
    if not lines or len(chunks(text, lines[0])) < MIN_COLUMNS:
        return False
    following = [len(chunks(text, line)) for line in lines[1:6]]
    return sum(1 for n in following if n >= MIN_COLUMNS) >= min(2, len(following))


def _column(chunk: Chunk, starts: list[int], width: int) -> int:
    """The column a chunk sits under: the one its extent overlaps most (the leftmost on a tie)."""
    best, best_overlap = 0, -1
    for j, start in enumerate(starts):
        end = starts[j + 1] if j + 1 < len(starts) else width
        overlap = min(end, chunk.column + (chunk.end - chunk.start)) - max(start, chunk.column)
        if overlap > best_overlap:
            best, best_overlap = j, overlap
    return best


def parse_aligned(text: str, lines: list[Line],
                  ctx: DocContext) -> tuple[list[HeaderName], list[RowParse], list[tuple[int, int]], int] | None:
    """(header, rows, footnotes, end) of an aligned table whose header is ``lines[0]``."""
    head = chunks(text, lines[0])
    starts = [c.column for c in head]
    width = max(line.end - line.start for line in lines)
    names = [normalise(text[c.start:c.end]) for c in head]
    header_spans = [(c.start, c.end) for c in head]
    rows: list[RowParse] = []
    notes: list[tuple[int, int]] = []
    end = lines[0].end
    for index, line in enumerate(lines[1:], start=1):
        if footnote_line(text, lines, index) or is_prose(line.text(text)):
            notes = footnotes.split_footnotes(text, line.start, paragraph_end(lines, index))
            break
        pieces = chunks(text, line)
        if not pieces:
            continue
        placed: dict[int, list[Chunk]] = {}
        for piece in pieces:
            placed.setdefault(_column(piece, starts, width), []).append(piece)
        if pieces[0].column <= starts[0] + 1 and len(pieces) >= 2:
            slots = [Slot("blank")] * len(starts)
            for col, group in placed.items():
                value = normalise(text[group[0].start:group[-1].end])
                kind = "empty" if value in EMPTY_MARKERS else "text"
                slots[col] = Slot(kind, group[0].start, group[-1].end)
            rows.append(RowParse(slots, False))
        elif rows:
            for col, group in placed.items():
                rows[-1].extra.setdefault(col, []).append((group[0].start, group[-1].end))
        else:
            for col, group in placed.items():
                names[col] = f"{names[col]} {normalise(text[group[0].start:group[-1].end])}"
        end = line.end
    if not rows:
        return None
    header = [HeaderName(name, a, b) for name, (a, b) in zip(names, header_spans, strict=True)]
    return header, rows, notes, end


def kinds_of(header: list[HeaderName], ctx: DocContext) -> list[ColumnType]:
    return [column_type(name.text, ctx) for name in header]

"""Find and rejoin runs of 1-3-character lines: text printed rotated, shredded by the extractor.

A PDF text extractor reading a page that carries a table turned 90° emits each short upright glyph
run on its own line, often with a blank line after every few. Such a run is recognised by its
statistics (many consecutive very short lines), never by position, and is joined back into one line
of text. The positions where fragments met are kept: a rotated table's cell boundary can only fall
there, which the table segmenter uses.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pipeline.offsets import Edit

MIN_FRAGMENTS = 15
MAX_FRAGMENT_CHARS = 3
MAX_FRAGMENT_LINE = 6


@dataclass
class FragmentRunSpan:
    """Where a run lies in the text it was found in, and where each fragment starts."""

    start: int
    end: int
    fragment_starts: list[int]
    line_end_starts: list[int] = field(default_factory=list)


def is_fragment(line: str) -> bool:
    """A line that can only be a shred: a few glyphs, perhaps with the spaces that sat between them."""
    stripped = line.strip()
    if not stripped:
        return False
    visible = len(stripped.replace(" ", ""))
    return len(stripped) <= MAX_FRAGMENT_CHARS or (len(line) <= MAX_FRAGMENT_LINE and visible <= 4)


def find_fragment_runs(text: str, min_fragments: int = MIN_FRAGMENTS) -> list[FragmentRunSpan]:
    """Maximal runs of fragment lines (blank lines allowed inside) with at least ``min_fragments``."""
    runs: list[FragmentRunSpan] = []
    current: list[tuple[int, int]] = []
    groups: list[int] = []
    group_size = 0

    def close() -> None:
        if len(current) >= min_fragments:
            runs.append(_span(current, groups + ([group_size] if group_size else [])))

    start = 0
    for line in text.split("\n"):  # (start, end) of each line, its "\n" excluded
        end = start + len(line)
        # a line longer than any fragment with nothing to strip at its ends is text: its length tells
        # before any copy is stripped
        if len(line) > MAX_FRAGMENT_LINE and not line[0].isspace() and not line[-1].isspace():
            close()
            current, groups, group_size = [], [], 0
        elif not line.strip():
            if group_size:
                groups.append(group_size)
            group_size = 0
        elif is_fragment(line):
            current.append((start, end))
            group_size += 1
        else:
            close()
            current, groups, group_size = [], [], 0
        start = end + 1
    close()
    return runs


def _span(lines: list[tuple[int, int]], groups: list[int]) -> FragmentRunSpan:
    starts = [start for start, _ in lines]
    line_ends: list[int] = []
    sizes = Counter(groups)
    modal = sizes.most_common(1)[0][0] if sizes else 0
    if modal >= 2:
        index = 0
        for size in groups:
            index += size
            if size < modal and index < len(starts):
                line_ends.append(starts[index])
    return FragmentRunSpan(lines[0][0], lines[-1][1], starts, line_ends)


def join_edits(text: str, run: FragmentRunSpan) -> list[Edit]:
    """Delete the line breaks and blank lines between the fragments of ``run``.

    A line holding only spaces inside a run is a shred of a space glyph: it leaves one space.
    """
    edits: list[Edit] = []
    for previous, start in zip(run.fragment_starts, run.fragment_starts[1:], strict=False):
        gap_start = text.index("\n", previous)
        gap = text[gap_start:start]
        edits.append(Edit(gap_start, start, " " if gap.strip("\n") else ""))
    return edits

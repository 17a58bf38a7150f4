"""Undo line-end hyphenation in raw text, keeping a map back to the original offsets.

Our ingester already dehyphenates, but ``find_abbreviations`` is also called on raw text (tests,
other readers, users). A long form broken as "neurotoxicity syn-\\ndrome" must read "syndrome", while
"CAR-\\nNK" or "cell-\\nassociated" keep their hyphen; the document itself is the best judge, so a
compound that is written with its hyphen elsewhere in the text keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_BREAK = re.compile(r"([A-Za-z]+)-[ \t]*\n[ \t]*([a-z]+)")
# A hyphen at a line end with the break around it: "-" once the line break is joined.
KEPT_HYPHEN = re.compile(r"-\s*\n\s*")


@dataclass(frozen=True)
class CleanText:
    """``text`` with soft hyphens removed; ``to_original[i]`` is the offset of ``text[i]`` in the
    input (one more entry for the end; a ``range`` when nothing was removed, so that the common
    case builds no table)."""

    text: str
    to_original: Sequence[int]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            return self.to_original[start], self.to_original[start]
        return self.to_original[start], self.to_original[end - 1] + 1


def join_line_breaks(text: str) -> CleanText:
    """Remove "-\\n" between two lower-case word halves unless the document writes the compound
    with a hyphen somewhere else; identity (and cheap) when there is no such break."""
    if "-\n" not in text and not re.search(r"-[ \t]+\n", text):
        return CleanText(text, range(len(text) + 1))
    pieces: list[str] = []
    mapping: list[int] = []
    pos = 0
    for m in _BREAK.finditer(text):
        left, right = m.group(1), m.group(2)
        if re.search(rf"\b{re.escape(left)}-{re.escape(right)}\b", text):
            continue
        cut_start, cut_end = m.end(1), m.start(2)
        pieces.append(text[pos:cut_start])
        mapping.extend(range(pos, cut_start))
        pos = cut_end
    pieces.append(text[pos:])
    mapping.extend(range(pos, len(text)))
    mapping.append(len(text))
    return CleanText("".join(pieces), tuple(mapping))

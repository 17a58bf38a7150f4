"""Lines, blocks and word cuts of an upright table's text, and which of them are footnotes or prose.

Upright tables come out of the extractor as lines; blank lines group them into blocks. Everything the
upright parsers need to know about that geometry is here, so that each parser only decides cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.tables import footnotes

_SENTENCE = re.compile(r"[a-z]{3,}[.!?]\s+[A-Z][a-z]")


@dataclass(frozen=True)
class Line:
    start: int
    end: int

    def text(self, text: str) -> str:
        return text[self.start:self.end]


def lines_of(text: str, start: int, end: int) -> list[Line]:
    """Every line of ``text[start:end]`` (blank ones too), without its line break."""
    out: list[Line] = []
    pos = start
    while pos < end:
        stop = text.find("\n", pos, end)
        stop = end if stop < 0 else stop
        out.append(Line(pos, stop))
        pos = stop + 1
    return out


def blocks_of(lines: list[Line], text: str) -> list[list[Line]]:
    """Maximal runs of non-blank lines."""
    blocks: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line.text(text).strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def word_cuts(text: str, start: int, end: int) -> list[int]:
    """Start of every word in ``text[start:end]`` plus ``end``: where an upright cell may begin."""
    cuts = [m.start() for m in re.finditer(r"\S+", text[start:end])]
    return [start + c for c in cuts] + [end]


def is_prose(chunk: str) -> bool:
    """Running text: long, with sentences (a table row has neither)."""
    words = chunk.split()
    return len(words) >= 12 and bool(_SENTENCE.search(chunk) or (chunk.rstrip().endswith(".") and len(words) >= 20))


def footnote_line(text: str, block: list[Line], index: int) -> bool:
    """Whether a table's footnote starts at ``block[index]`` (it then runs to the block's end)."""
    line = block[index].text(text).strip()
    if not line:
        return False
    if footnotes.is_footnote(line):
        return True
    rest = text[block[index].start:block[-1].end]
    has_definition = any(footnotes.parse_definition(item) for item in re.split(r"[;,]\s*", line))
    return len(line) >= 50 and has_definition and footnotes.is_footnote(rest)


def paragraph_end(lines: list[Line], index: int) -> int:
    """End of the paragraph (run of lines without a blank line between them) holding ``lines[index]``."""
    end = lines[index].end
    for line in lines[index + 1:]:
        if line.start - end > 1:
            break
        end = line.end
    return end


def trailing_notes(text: str, blocks: list[list[Line]]) -> list[tuple[int, int]]:
    """Footnote blocks that follow a table's last block (stopping at the first that is not one)."""
    notes: list[tuple[int, int]] = []
    for block in blocks:
        if not footnotes.is_footnote(text[block[0].start:block[-1].end]):
            break
        notes += footnotes.split_footnotes(text, block[0].start, block[-1].end)
    return notes

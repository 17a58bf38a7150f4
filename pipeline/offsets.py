"""Text that remembers where each of its characters came from.

Every normalisation step (space folding, dehyphenation, header removal, fragment joining) is a list of
edits on the previous text. Applying the edits gives a new text and a map from each new character to a
character of the old one; composing the maps takes any span of the final normalised text back to the raw
file, which is what lets every extracted value point at its evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Edit:
    """Replace ``text[start:end]`` with ``replacement``."""

    start: int
    end: int
    replacement: str = ""


@dataclass
class MappedText:
    """A text plus, for each character and the end position, the index in the raw source it came from."""

    text: str
    to_raw: list[int] = field(default_factory=list)

    @classmethod
    def identity(cls, text: str) -> MappedText:
        return cls(text, list(range(len(text) + 1)))

    def apply(self, edits: Iterable[Edit]) -> MappedText:
        """Apply non-overlapping edits; inserted characters map to the start of what they replace.

        When a replacement has the same length as what it replaces, characters map one to one, so
        a folded space still points at its own raw character.
        """
        out: list[str] = []
        mapping: list[int] = []
        pos = 0
        for edit in sorted(edits):
            if edit.start < pos:
                raise ValueError(f"overlapping edit at {edit.start}")
            out.append(self.text[pos : edit.start])
            mapping.extend(self.to_raw[pos : edit.start])
            same_length = len(edit.replacement) == edit.end - edit.start
            for i, ch in enumerate(edit.replacement):
                out.append(ch)
                mapping.append(self.to_raw[edit.start + i] if same_length else self.to_raw[edit.start])
            pos = edit.end
        out.append(self.text[pos:])
        mapping.extend(self.to_raw[pos:])
        return MappedText("".join(out), mapping)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``(start, end)`` covering the normalised span ``[start, end)``."""
        if end <= start:
            return self.to_raw[start], self.to_raw[start]
        return self.to_raw[start], self.to_raw[end - 1] + 1

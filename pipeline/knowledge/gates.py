"""Regular expressions behind a cheap test that rules most values out without running them.

The cell scorers (``columns.py``) run a dozen patterns over every candidate cell of a table, most
of which is junk the segmenter tries and drops (two cells run together, a word cut in half). A pattern that can only
match text containing one of a few literals (``CRS``, ``%``, ``grade``) need not scan a value that
contains none of them: a substring test costs a fraction of a regular-expression scan. The gate
answers exactly as the pattern does; it only skips scans that cannot find anything.

For a case-insensitive pattern the literals are compared with the lower-cased value, which is exact
only for ASCII text (Unicode case folding matches "ſ" with "s", "K" with "k"); other text is always
scanned.
"""

from __future__ import annotations

import re

_WORD_RUN = re.compile(r"\w+")


class Gate:
    """A compiled pattern and the literals one of which every match contains.

    ``needles`` must be chosen so that no match exists without one of them as a substring, or one
    of ``words`` as a whole word (a maximal run of word characters: what ``\\bNK\\b`` matches); both
    lower-case when ``fold``, for a case-insensitive pattern. ``tests/test_tables_gates.py`` checks
    the gates against the plain patterns on generated text.
    """

    __slots__ = ("pattern", "needles", "words", "fold")

    def __init__(self, pattern: re.Pattern[str], needles: tuple[str, ...], fold: bool = False,
                 words: frozenset[str] = frozenset()) -> None:
        self.pattern = pattern
        self.needles = needles
        self.words = words
        self.fold = fold

    def open(self, value: str) -> bool:
        """Whether the pattern may match ``value`` (``False`` means it certainly does not)."""
        if self.fold:
            if not value.isascii():
                return True
            value = value.lower()
        for needle in self.needles:  # noqa: SIM110 - any() over a generator costs twice the tests
            if needle in value:
                return True
        return bool(self.words) and not self.words.isdisjoint(_WORD_RUN.findall(value))

    def open_folded(self, value: str, folded: str | None) -> bool:
        """``open`` for a caller that has ``value.lower()`` already (``folded``; ``None`` for a value
        that is not ASCII, which is always scanned)."""
        if self.fold:
            if folded is None:
                return True
            value = folded
        for needle in self.needles:  # noqa: SIM110 - any() over a generator costs twice the tests
            if needle in value:
                return True
        return bool(self.words) and not self.words.isdisjoint(_WORD_RUN.findall(value))

    def search_folded(self, value: str, folded: str | None) -> re.Match[str] | None:
        """``search`` for a caller that has ``value.lower()`` already (see ``open_folded``)."""
        return self.pattern.search(value) if self.open_folded(value, folded) else None

    def findall_folded(self, value: str, folded: str | None) -> list[str]:
        """``findall`` for a caller that has ``value.lower()`` already (see ``open_folded``)."""
        return self.pattern.findall(value) if self.open_folded(value, folded) else []

    def search(self, value: str) -> re.Match[str] | None:
        return self.pattern.search(value) if self.open(value) else None

    def findall(self, value: str) -> list[str]:
        return self.pattern.findall(value) if self.open(value) else []

"""Where the long form of a defined abbreviation is printed.

The resolver reports a definition by its short form's offsets and the long form as it should read
("overall response rate" where the text says "overall response rete"); recognising the long form as
an entity needs its printed span, found word by word next to the short form.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import OSA

from pipeline.models import Abbreviation
from pipeline.occurrences import token_spans

_WORD = re.compile(r"[^\s]+")
_PUNCTUATION = re.compile(r"[^\w]+")
_SLACK = 12  # separators between a short form and its long form: " (", ", ", a tab, "= "


def _same_word(printed: str, expected: str, last: bool) -> tuple[int, bool] | None:
    """(length of ``printed`` that spells ``expected``, whether with a typo), or ``None``. A typo is
    one edit in a word of four letters or more; the last word may run into the next cell
    ("syndromeNCT")."""
    if printed.lower() == expected.lower():
        return len(printed), False
    if len(expected) >= 4 and OSA.distance(printed.lower(), expected.lower()) <= 1:
        return len(printed), True
    if last and printed.lower().startswith(expected.lower()) and printed[len(expected)].isupper():
        return len(expected), False
    return None


def _match_at(text: str, start: int, words: list[str]) -> tuple[int, int] | None:
    """The span from ``start`` whose words spell ``words``, with at most one typo in all. The
    printed words are read one at a time: most places fail at the first word."""
    if start >= len(text) or text[start].isspace():
        return None
    printed = _WORD.finditer(text, start, min(len(text), start + sum(map(len, words)) * 2 + 20))
    end, typos = start, 0
    for i, expected in enumerate(words):
        m = next(printed, None)
        if m is None:
            return None
        last = i == len(words) - 1
        matched = _same_word(m.group().rstrip(",;.)") if last else m.group(), expected, last)
        if matched is None:
            return None
        typos += matched[1]
        if typos > 1:
            return None
        end = m.start() + matched[0]
    return start, end


def _after(text: str, end: int, words: list[str]) -> tuple[int, int] | None:
    """The long form right after a short form, as in glossaries and footnote lists ("ORR overall ...")."""
    at = end
    while at < len(text) and at < end + _SLACK and not text[at].isalnum():
        at += 1
    return _match_at(text, at, words)


def _before(text: str, start: int, words: list[str], chars: int) -> tuple[int, int] | None:
    """The long form right before "(SF)" in running text. Without a "(" just before the short form
    there is none, and the words before need not be read."""
    if "(" not in text[max(0, start - _SLACK) : start]:
        return None
    window_start = max(0, start - chars - 40)
    words_before = list(_WORD.finditer(text, window_start, start))  # absolute offsets
    while words_before and _PUNCTUATION.fullmatch(words_before[-1].group()):
        words_before.pop()  # a bare "(" opening the short form is not a word of the long form
    starts = [m.start() for m in words_before]
    if len(starts) < len(words):
        return None
    candidate = _match_at(text, starts[-len(words)], words)
    if candidate is not None and start - candidate[1] <= _SLACK and "(" in text[candidate[1] : start]:
        return candidate
    return None


def long_form_spans(text: str, abbreviation: Abbreviation) -> list[tuple[int, int]]:
    """Offsets of every printed long form of ``abbreviation``: next to its definition and next to any
    other occurrence of the short form that is defined again (a table footnote repeating the text's
    definition)."""
    words = abbreviation.long_form.split()
    if not words or abbreviation.source == "lexicon":
        return []
    spans = []
    for start, end in token_spans(text, abbreviation.short_form):
        found = _after(text, end, words) or _before(text, start, words, len(abbreviation.long_form))
        if found is not None and found not in spans:
            spans.append(found)
    return spans

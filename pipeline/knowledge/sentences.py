"""Sentences of a stretch of prose, as the readers of facts and the study segmenter cut them."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from pipeline.knowledge.spans import P

# After "." or ";" before a capital or a bracket, and at a blank line (``blank``): a title or a heading line ends
# there, full stop or not.
_SENTENCE_BREAK = re.compile(r"(?<=[.;])\s+(?=[A-Z(])|(?P<blank>[ \t]*\n[ \t]*\n\s*)")
# A line that ends with one of these words, or a blank line before a word in lower case, runs on across the blank
# line (a page's footer cut the sentence: "CRS was reported in 84% of" ... "pts (grade ≥3 in 5%)").
_RUNS_ON = re.compile(r"(?:\b(?:of|in|the|a|an|and|or|to|with|for|by|at|on|from|was|were|is|are)|[,(\-–])\s*$", re.I)
_RUN_ON_REACH = 12


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]``, split after "." or ";" before a capital or bracket, and at a blank
    line that does not cut a sentence.

    Matched in place rather than on a copy of the stretch; a break cannot open the stretch (on a copy
    the look-behind saw nothing before it), so a match at ``start`` is passed over."""
    spans, s = [], start
    for m in _SENTENCE_BREAK.finditer(text, start, end):
        if m.start() == start:
            continue
        if m.group("blank") and (text[m.end() : m.end() + 1].islower()
                                 or _RUNS_ON.search(text, max(start, m.start() - _RUN_ON_REACH), m.start())):
            continue
        spans.append((s, m.start()))
        s = m.end()
    spans.append((s, end))
    return spans


def by_sentence(spans: Sequence[tuple[int, int]], items: Sequence[P]) -> list[list[P]]:
    """``items`` (anything with a ``start``) filed under the sentence of ``spans`` that holds it, in one
    pass: testing every item against every sentence made a long text's reading quadratic."""
    bounds = [s for s, _ in spans]
    filed: list[list[P]] = [[] for _ in spans]
    for item in items:
        k = bisect_right(bounds, item.start) - 1
        if k >= 0 and item.start < spans[k][1]:
            filed[k].append(item)
    return filed


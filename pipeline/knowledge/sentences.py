"""Sentences of a stretch of prose, as the readers of facts and the study segmenter cut them."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from pipeline.knowledge.spans import P

_SENTENCE_BREAK = re.compile(r"(?<=[.;])\s+(?=[A-Z(])")


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]``, split after "." or ";" before a capital or bracket.

    Matched in place rather than on a copy of the stretch; a break cannot open the stretch (on a copy
    the look-behind saw nothing before it), so a match at ``start`` is passed over."""
    spans, s = [], start
    for m in _SENTENCE_BREAK.finditer(text, start, end):
        if m.start() == start:
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


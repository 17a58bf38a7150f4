"""Where offsets fall among spans of a text, by bisection: a long text (an abstract book, a concatenated
corpus) has thousands of segments, tables and entities, and testing each against all of the others made
its reading quadratic."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar


class _Placed(Protocol):
    start: int


P = TypeVar("P", bound=_Placed)


def within(items: Sequence[P], start: int, end: int) -> list[P]:
    """The items of ``items``, sorted by start (as ``find_entities`` returns entities), that start in
    ``[start, end)``."""
    lo = bisect_left(items, start, key=lambda item: item.start)
    hi = bisect_left(items, end, lo=lo, key=lambda item: item.start)
    return list(items[lo:hi])


def _merged(spans: Sequence[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """The starts and ends of ``spans`` merged where they overlap or touch, in order."""
    starts: list[int] = []
    ends: list[int] = []
    for a, b in sorted(spans):
        if ends and a <= ends[-1]:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return starts, ends


def covered_by(spans: Sequence[tuple[int, int]]) -> Callable[[int], bool]:
    """Whether an offset lies in one of ``spans`` (a document of thousands of abstracts has thousands of
    them, asked for each of its ids)."""
    starts, ends = _merged(spans)

    def covered(at: int) -> bool:
        k = bisect_right(starts, at) - 1
        return k >= 0 and at < ends[k]

    return covered


def overlapped_by(spans: Sequence[tuple[int, int]]) -> Callable[[int, int], bool]:
    """Whether ``[start, end)`` overlaps one of ``spans`` (empty spans overlap nothing)."""
    starts, ends = _merged([(a, b) for a, b in spans if a < b])

    def overlaps(start: int, end: int) -> bool:
        k = bisect_left(starts, end) - 1  # the last span that starts before ``end``
        return start < end and k >= 0 and start < ends[k]

    return overlaps

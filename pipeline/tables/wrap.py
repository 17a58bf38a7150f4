"""Attach the pieces of a wrapped line to the cells of the line above.

In an upright table extracted line by line, a cell that wraps leaves its second line *below* the row,
next to the second lines of other wrapped cells ("domain or severe) (grade ≥3 or severe)"). Without
coordinates, the pieces are given to columns in order, each to the column where it makes the best
cell: a closing bracket goes where a bracket is open, a word goes where the document writes the two
words together ("costimulatory domain"), a registry acronym goes next to the registry id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.fields.evidence import DocContext, words

PIECE_COST = 0.5
CLOSES_BRACKET = 3.0
BIGRAM = 2.0
NAME_WORD = 1.0


def _shared_words(piece: str, name: str) -> int:
    ours = {w.lower() for w in words(piece) if w[0].isalpha() and len(w) > 2}
    return len(ours & {w.lower() for w in words(name)})


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    column: int


def _opens(value: str) -> int:
    return value.count("(") + value.count("[") - value.count(")") - value.count("]")


def _closes_at_end(piece: str) -> bool:
    """Whether the piece's first unmatched closing bracket is its last character ("or severe)")."""
    depth = 0
    for i, ch in enumerate(piece):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth < 0:
                return i == len(piece.rstrip()) - 1
    return False


def _bigram_bonus(existing: str, piece: str, ctx: DocContext) -> float:
    before, after = words(existing), words(piece)
    if not before or not after:
        return 0.0
    last, first = before[-1], after[0]
    candidates = [last]
    long = ctx.long_form(last) or ctx.long_form(last + ".")
    if long:
        candidates.append(long.split()[-1])
    return BIGRAM if any(ctx.bigram(c, first) for c in candidates) else 0.0


@dataclass(frozen=True)
class Lines:
    """What the other lines of a row say about where a wrapped line's pieces may go.

    A cell is printed from the top of its row, so a line below the row's first goes only under cells
    the line above it has (``allowed``: a cell empty on the row's first line does not wrap), and a
    cell that reaches the line below it has a piece on this line too (``required``). ``after`` is the
    text those lower lines already gave each column, read after this line's piece."""

    allowed: frozenset[int] | None = None
    required: frozenset[int] = frozenset()
    after: Sequence[str] = ()


def attach(
    text: str,
    cuts: Sequence[int],
    cells: Sequence[str],
    score: Callable[[int, str], float | None],
    ctx: DocContext,
    names: Sequence[str] = (),
    lines: Lines = Lines(),
) -> list[Piece] | None:
    """Split ``text[cuts[0]:cuts[-1]]`` into pieces given to increasing columns.

    ``cells`` are the current texts of the columns, ``score(column, value)`` the value's fit;
    ``names`` (the header, for data rows) favours the column whose name shares a word with a piece;
    ``lines`` limits the columns by the row's other lines. Returns ``None`` when no assignment gives
    every piece a column.
    """
    k, m = len(cells), len(cuts)
    after = list(lines.after) or [""] * k
    allowed = range(k) if lines.allowed is None else lines.allowed
    # first_required[c]: the first required column from c on (a piece may not jump over it)
    required = [col in lines.required for col in range(k)]
    first_required = [next((c for c in range(a, k) if required[c]), k) for a in range(k + 1)]
    base = [score(col, _joined(cells[col], "", after[col])) if cells[col] or after[col] else 0.0
            for col in range(k)]
    neg = float("-inf")
    # best[i][c]: pieces cover text up to cut i, the last piece went to column c - 1 (c = 0: none yet)
    best = [[neg] * (k + 1) for _ in range(m)]
    back: dict[tuple[int, int], tuple[int, int]] = {}
    best[0][0] = 0.0
    for i in range(m - 1):
        for c in range(k + 1):
            if best[i][c] == neg:
                continue
            for i2 in range(i + 1, m):
                piece = " ".join(text[cuts[i]:cuts[i2]].split())
                for col in range(c, min(k, first_required[c] + 1)):
                    if col not in allowed:
                        continue
                    gain = _gain(col, piece, cells, after, base, score, ctx)
                    if gain is None:
                        continue
                    if names:
                        gain += NAME_WORD * _shared_words(piece, names[col])
                    candidate = best[i][c] + gain - PIECE_COST
                    if candidate > best[i2][col + 1]:
                        best[i2][col + 1] = candidate
                        back[(i2, col + 1)] = (i, c)
    final = max((c for c in range(1, k + 1) if first_required[c] == k), key=lambda c: best[m - 1][c], default=0)
    if final == 0:
        return None
    if best[m - 1][final] == neg:
        return None
    pieces: list[Piece] = []
    state = (m - 1, final)
    while state[0] > 0:
        i, c = back[state]
        pieces.append(Piece(cuts[i], cuts[state[0]], state[1] - 1))
        state = (i, c)
    pieces.reverse()
    return pieces


def _joined(existing: str, piece: str, after: str) -> str:
    return " ".join(part for part in (existing, piece, after) if part)


def _gain(col: int, piece: str, cells: Sequence[str], after: Sequence[str], base: Sequence[float | None],
          score: Callable[[int, str], float | None], ctx: DocContext) -> float | None:
    existing = cells[col]
    scored = score(col, _joined(existing, piece, after[col]))
    if scored is None:
        return None
    before = base[col] if base[col] is not None else -3.0
    gain = scored - before
    if existing and _opens(existing) > 0 and _closes_at_end(piece):
        gain += CLOSES_BRACKET
    if existing:
        gain += _bigram_bonus(existing, piece, ctx)
    return gain

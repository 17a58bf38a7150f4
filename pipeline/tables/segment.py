"""Cut a run-together stream of table rows into cells: a dynamic programme over allowed cut points.

The stream is the text after the header (``NCT01234567ALLCord blood-derivedCD1912FC...``). A cell
boundary may only fall on an allowed cut (a fragment break of a shredded rotated table, or a gap
between words of an upright one). Rows are read column by column; each cell is scored by its column's
type (``columns.py``). Three things make a row's parse more than a plain split:

* a column may have no text at all (the PDF left it blank): allowed, at a fixed cost;
* a cell may be an empty marker ("/", "–");
* a row may be a *continuation* row: it repeats none of the leading columns (and possibly none of the
  trailing ones), because the PDF printed those as cells spanning several rows. It fills a contiguous
  block of columns and inherits the others from the row above.

The programme's states are (cut, next column, full-or-continuation row); it is linear in the number
of cuts times the number of columns times the longest cell, which keeps a table well under a second.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pipeline.fields.cell_facts import CellFacts, cell_facts, contains_id, glue_points
from pipeline.fields.evidence import DocContext
from pipeline.tables.columns import (
    EMPTY_SCORE,
    is_empty_marker,
    max_chars,
    normalise,
    score_facts,
    viable_start,
    well_formed,
)
from pipeline.tables.vocabulary import ARM_COLUMNS, ColumnType

NEG = float("-inf")
FULL, CONT = 0, 1
_NO_LONGER, _STUDY_ONLY = 2, 1  # CellCache.stop

SlotKind = Literal["text", "empty", "blank", "inherited"]
# How the programme reached a state: (operation, cut, column, row mode) of the state it came from.
Step = tuple[str, int, int, int]


@dataclass(frozen=True)
class Slot:
    """One column of a parsed row: its text span (absolute offsets, stripped) or why it has none."""

    kind: SlotKind
    start: int = -1
    end: int = -1


@dataclass
class RowParse:
    """A parsed row; ``extra`` holds the later parts of cells that wrapped below their row."""

    slots: list[Slot]
    continuation: bool
    score: float = 0.0
    extra: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    # Columns whose cell was placed by reading order alone (types could not tell the columns apart).
    ambiguous: set[int] = field(default_factory=set)


@dataclass
class GridParse:
    rows: list[RowParse]
    score: float


@dataclass(frozen=True)
class SegmentSettings:
    """Named costs of the segmenter (on the cell-score scale of ``columns.py``)."""

    cell_cost: float = 2.5
    blank_penalty: float = 5.0
    shared_blank_penalty: float = 2.0  # a continuation row (another arm) leaves a study column blank
    continuation_penalty: float = 3.5
    empty_entry_penalty: float = 2.0  # a continuation row opening with "/": it prints what changed
    empty_key_penalty: float = 3.0  # a full row whose first cell is "/": rather a continuation row
    lower_lower_split: float = 4.0
    upper_lower_split: float = 1.5
    digit_digit_split: float = 1.0
    space_split: float = 0.0
    blank_line_inside: float = 6.0
    partial_cells: bool = False


@dataclass
class CellCache:
    """Scores of text spans as cells of each column type, computed once per (type, span).

    Made for one table after its footnotes have been read into ``ctx`` (their abbreviations count in
    the scores): a score is not recomputed when ``ctx`` learns more later.
    """

    text: str
    ctx: DocContext
    settings: SegmentSettings = field(default_factory=SegmentSettings)
    cell_bonus: Mapping[int, float] = field(default_factory=dict)
    barriers: Sequence[int] = ()
    # By type, then by (start, last end): keys of plain numbers, which the garbage collector stops
    # tracking (a key holding the type stays tracked, and thousands of them per table made every
    # full collection of the process longer).
    candidates: dict[ColumnType, dict[tuple[int, int], list[tuple[int, float, bool]]]] = field(default_factory=dict)
    _scores: dict[ColumnType, dict[tuple[int, int], float | None]] = field(default_factory=dict)
    _spans: dict[tuple[int, int], tuple[int, int] | None] = field(default_factory=dict)
    # Each span's value, its type-independent penalty and its facts (None for an empty marker).
    _shapes: dict[tuple[int, int], tuple[str, float, CellFacts | None] | None] = field(default_factory=dict)
    _edges: dict[int, float] = field(default_factory=dict)
    _stops: dict[tuple[int, int], int] = field(default_factory=dict)

    def span(self, a: int, b: int) -> tuple[int, int] | None:
        key = (a, b)
        if key not in self._spans:
            chunk = self.text[a:b]
            stripped = chunk.strip()
            if not stripped:
                self._spans[key] = None
            else:
                lead = len(chunk) - len(chunk.lstrip())
                self._spans[key] = (a + lead, a + lead + len(stripped))
        return self._spans[key]

    def score(self, kind: ColumnType, a: int, b: int) -> float | None:
        scores = self._scores.get(kind)
        if scores is None:
            scores = self._scores[kind] = {}
        key = (a, b)
        if key in scores:
            return scores[key]
        shaped = self._shape(a, b)
        result: float | None = None
        if shaped is not None:
            _, shape, facts = shaped
            result = EMPTY_SCORE if facts is None else score_facts(kind, facts, self.ctx, shape)
        scores[key] = result
        return result

    def _shape(self, a: int, b: int) -> tuple[str, float, CellFacts | None] | None:
        """The span's value, its type-independent penalty and its facts (``None`` for an empty
        marker, which scores the same in every column), or ``None`` if it cannot be a cell."""
        key = (a, b)
        if key in self._shapes:
            return self._shapes[key]
        span = self.span(a, b)
        shaped: tuple[str, float, CellFacts | None] | None = None
        if span is not None:
            raw = self.text[span[0]:span[1]]
            value = normalise(raw)
            empty = is_empty_marker(value)
            shape = 0.0 if empty else well_formed(value, self.settings.partial_cells)
            if shape is not None:
                if "\n\n" in raw:
                    shape -= self.settings.blank_line_inside
                shaped = (value, shape, None if empty else cell_facts(value, self.ctx))
        self._shapes[key] = shaped
        return shaped

    def stop(self, a: int, b: int) -> int:
        """Whether a longer span from ``a`` may still be a cell: ``_NO_LONGER`` when the span already
        runs over two places where cells were glued together (then no longer span can be one),
        ``_STUDY_ONLY`` when it holds a registry id (only a study column's cell may), else 0."""
        key = (a, b)
        known = self._stops.get(key)
        if known is None:
            span = self.span(a, b)
            if span is not None and glue_points(self.text[span[0]:span[1]]) >= 2:
                known = _NO_LONGER
            else:
                known = _STUDY_ONLY if contains_id(self.text[a:b]) else 0
            self._stops[key] = known
        return known

    def edge(self, pos: int) -> float:
        """Bonus (a hinted cell end) minus cost (a cut inside a word) of a boundary at ``pos``."""
        known = self._edges.get(pos)
        if known is None:
            known = self.cell_bonus.get(pos, 0.0) - boundary_cost(self.text, pos, self.settings)
            self._edges[pos] = known
        return known

    def is_empty(self, a: int, b: int) -> bool:
        span = self.span(a, b)
        return span is not None and is_empty_marker(normalise(self.text[span[0]:span[1]]))


def boundary_cost(text: str, pos: int, settings: SegmentSettings) -> float:
    """Cost of a cell boundary at ``pos`` by the characters it separates (0 at whitespace)."""
    if pos <= 0 or pos >= len(text):
        return 0.0
    left, right = text[pos - 1], text[pos]
    if left.isspace() or right.isspace():
        return settings.space_split
    if left.islower() and right.islower():
        return settings.lower_lower_split
    if left.isupper() and right.islower():
        return settings.upper_lower_split
    if left.isdigit() and right.isdigit():
        return settings.digit_digit_split
    return 0.0


def segment_rows(
    cache: CellCache,
    cuts: Sequence[int],
    columns: Sequence[ColumnType],
    row_bonus: Mapping[int, float] | None = None,
    allow_continuation: bool = True,
) -> GridParse | None:
    """Best parse of ``text[cuts[0]:cuts[-1]]`` into rows of ``len(columns)`` cells, or ``None``.

    The scores are kept by column and row mode, each a list over cuts (``best[j][mode][i]``), and so
    are the steps that reached them (``back``): the innermost loop, which relaxes every candidate
    cell of a state, then reads and writes one list by the cut index alone.
    """
    settings = cache.settings
    row_bonus = row_bonus or {}
    m, k = len(cuts), len(columns)
    if m < 2 or k < 1:
        return None
    best: list[list[list[float]]] = [[[NEG] * m, [NEG] * m] for _ in range(k + 1)]
    back: list[list[list[Step | None]]] = [[[None] * m, [None] * m] for _ in range(k + 1)]
    best[0][FULL][0] = 0.0
    last = m - 1
    final: tuple[float, int] = (NEG, FULL)

    # A blank costs less in a continuation row where the column is the study's, not the arm's: the arm
    # shares it with the row above ("+ ibrutinib" under the product, the costimulatory domain left blank).
    blank = {FULL: [settings.blank_penalty] * k,
             CONT: [settings.blank_penalty if kind in ARM_COLUMNS else settings.shared_blank_penalty
                    for kind in columns]}
    key_penalty, entry_penalty = settings.empty_key_penalty, settings.empty_entry_penalty
    starts, ends = best[0][FULL], best[k]
    for i in range(m):
        for j in range(1, k):
            for mode in (FULL, CONT):
                s = best[j][mode][i]
                if s > NEG and s - blank[mode][j] > best[j + 1][mode][i]:
                    best[j + 1][mode][i] = s - blank[mode][j]
                    back[j + 1][mode][i] = ("blank", i, j, mode)
        for j in range(2, k):
            if best[j][CONT][i] > ends[CONT][i]:
                ends[CONT][i] = best[j][CONT][i]
                back[k][CONT][i] = ("stop", i, j, CONT)
        end_score, end_mode = max((ends[FULL][i], FULL), (ends[CONT][i], CONT))
        if end_score > NEG:
            if i == last:
                final = (end_score, end_mode)
            elif i > 0:
                candidate = end_score + row_bonus.get(cuts[i], 0.0)
                if candidate > starts[i]:
                    starts[i] = candidate
                    back[0][FULL][i] = ("row", i, k, end_mode)
        if i == last:
            break
        # The candidate cells at this cut by column type, fetched when a reachable state needs them.
        here: dict[ColumnType, list[tuple[int, float, bool]]] = {}
        for j in range(k):
            kind = columns[j]
            found = None
            for mode in (FULL, CONT):
                s = best[j][mode][i]
                if s == NEG or (mode == CONT and j == 0):
                    continue
                if found is None:
                    found = here.get(kind)
                    if found is None:
                        found = here[kind] = _at(cache, cuts, kind, i)
                # The programme's innermost loop: same order and arithmetic as a relaxation per state.
                target, steps, step = best[j + 1][mode], back[j + 1][mode], ("fill", i, j, mode)
                for offset, score, empty in found:
                    candidate = s + score
                    if empty and j == 0:
                        candidate -= key_penalty
                    if candidate > target[i + offset]:
                        target[i + offset] = candidate
                        steps[i + offset] = step
        entry = back[0][FULL][i]
        if allow_continuation and i > 0 and starts[i] > NEG and entry is not None and entry[0] == "row":
            start = starts[i] - settings.continuation_penalty
            for a in range(1, k):
                kind = columns[a]
                found = here.get(kind)
                if found is None:
                    found = here[kind] = _at(cache, cuts, kind, i)
                target, steps, step = best[a + 1][CONT], back[a + 1][CONT], ("cont", i, a, CONT)
                for offset, score, empty in found:
                    candidate = start + score
                    if empty:
                        candidate -= entry_penalty
                    if candidate > target[i + offset]:
                        target[i + offset] = candidate
                        steps[i + offset] = step

    if final[0] == NEG:
        return None
    return GridParse(_trace(cache, cuts, k, back, last, final[1], best), final[0])


def _candidates(cache: CellCache, kind: ColumnType, a: int, ends: Sequence[int]) -> list[tuple[int, float, bool]]:
    """The cells of type ``kind`` that can start at ``a``: (where the cell ends, as the position in
    ``ends`` plus one, i.e. how many cuts after ``a``; score with boundary terms; whether it is an
    empty marker).

    Memoised on the cache, so the header hypotheses of one table share the work; keyed by where the
    rows end too (``ends[-1]``), which is not the same for every hypothesis: a hypothesis whose rows
    run further must not read a list cut short at another's end. The key holds only the last end
    because the callers take ``ends`` from one table's fixed set of cuts: a start and a last end
    determine the ends between them, and so the offsets stored are the same for every caller.
    """
    memo = cache.candidates.get(kind)
    if memo is None:
        memo = cache.candidates[kind] = {}
    key = (a, ends[-1] if ends else a)
    found = memo.get(key)
    if found is not None:
        return found
    cost = cache.settings.cell_cost
    found: list[tuple[int, float, bool]] = []
    span = cache.span(a, ends[-1]) if ends else None
    if span is None or not viable_start(kind, cache.text, span[0]):
        memo[key] = found
        return found
    limit = span[0] + max_chars(kind)
    at = bisect_right(cache.barriers, span[0])
    if at < len(cache.barriers):
        limit = min(limit, cache.barriers[at])
    scores, shapes, ctx = cache._scores.get(kind), cache._shapes, cache.ctx
    if scores is None:
        scores = cache._scores[kind] = {}
    for offset, b in enumerate(ends, 1):
        if b > limit:
            break
        # cache.score() inlined (the hottest call of the segmenter): the same memo, the same value.
        cell = (a, b)
        if cell in scores:
            score = scores[cell]
            shaped = shapes.get(cell)
        else:
            shaped = cache._shape(a, b)
            if shaped is None:
                score = None
            else:
                facts = shaped[2]
                score = EMPTY_SCORE if facts is None else score_facts(kind, facts, ctx, shaped[1])
            scores[cell] = score
        if score is not None:
            found.append((offset, score - cost + cache.edge(b), shaped[2] is None))  # type: ignore[index]
        else:
            stop = cache.stop(a, b)
            if stop == _NO_LONGER or (stop == _STUDY_ONLY and kind is not ColumnType.TRIAL):
                break
    memo[key] = found
    return found


def _at(cache: CellCache, cuts: Sequence[int], kind: ColumnType, i: int) -> list[tuple[int, float, bool]]:
    """The candidates of ``kind`` at cut ``i``: the memoised list when there is one (the slice of
    the later cuts is made only to fill it)."""
    memo = cache.candidates.get(kind)
    found = None if memo is None else memo.get((cuts[i], cuts[-1]))
    return found if found is not None else _candidates(cache, kind, cuts[i], cuts[i + 1:])


def _trace(cache: CellCache, cuts: Sequence[int], k: int, back: list[list[list[Step | None]]],
           last: int, end_mode: int, best: list[list[list[float]]]) -> list[RowParse]:
    """The rows of the best parse, read backwards from its last state (``best[j][mode][i]``)."""
    rows: list[RowParse] = []
    slots: list[Slot | None] = [None] * k
    state = (last, k, end_mode)
    row_end_score = best[k][end_mode][last]
    continuation = False
    while True:
        i, j, mode = state
        if j == 0 and mode == FULL and i == 0:
            break
        step = back[j][mode][i]
        assert step is not None
        op, pi, pj, pmode = step
        if op == "row":
            state = (pi, pj, pmode)
            row_end_score = best[pj][pmode][pi]
            continue
        if op == "blank":
            slots[pj] = Slot("blank")
        elif op == "stop":
            for col in range(pj, k):
                slots[col] = Slot("inherited")
        elif op in ("fill", "cont"):
            a, b = cuts[pi], cuts[i]
            span = cache.span(a, b)
            assert span is not None
            slots[pj] = Slot("empty" if cache.is_empty(a, b) else "text", span[0], span[1])
            if op == "cont":
                for col in range(pj):
                    slots[col] = Slot("inherited")
                continuation = True
        state = (pi, 0, FULL) if op == "cont" else (pi, pj, pmode)
        if (op == "fill" and pj == 0) or op == "cont":
            start_score = best[0][FULL][pi]
            rows.append(RowParse([s or Slot("blank") for s in slots], continuation, row_end_score - start_score))
            slots = [None] * k
            continuation = False
            if pi == 0:
                break
    rows.reverse()
    return rows

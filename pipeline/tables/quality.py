"""Checks on a segmenter's parse: is it a table at all, and where does a missing cell belong.

When a row has one cell fewer than the header and the lone cell fits either of two neighbouring
columns equally well ("None" under "GVHD" or under "CRS/ICANS"), the types cannot decide. The cell is
then read in reading order (it fills the first of those columns) and a warning names the columns and
quotes what the prose about the row says (reviews describe each study before citing it, so the text
between two citations is the row's prose), for a person to check; the grid never guesses silently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.knowledge.patterns import PERCENT_NUMBER
from pipeline.tables.header import HeaderCell
from pipeline.tables.segment import CellCache, GridParse, RowParse, Slot
from pipeline.tables.vocabulary import ColumnType, header_words, is_modifier, word_type

MIN_MEAN_CELL_SCORE = 1.5
_ANCHORS = (ColumnType.ABSTRACT, ColumnType.REFERENCE, ColumnType.TRIAL)


def usable(grid: GridParse, cache: CellCache, kinds: Sequence[ColumnType]) -> bool:
    """A parse is a table when it has rows and its cells fit their columns on average."""
    if not grid.rows or len(kinds) < 2:
        return False
    scores = [cache.score(kind, slot.start, slot.end) for row in grid.rows
              for slot, kind in zip(row.slots, kinds, strict=True) if slot.kind in ("text", "empty")]
    if len(scores) < 2:
        return False
    return sum(s if s is not None else -5.0 for s in scores) / len(scores) >= MIN_MEAN_CELL_SCORE


def _subjects(name: str, cache: CellCache) -> list[str]:
    terms: list[str] = []
    for word in header_words(name):
        if is_modifier(word) or not (word_type(word) or cache.ctx.long_form(word)):
            continue
        terms.append(word)
        long = cache.ctx.long_form(word)
        if long:
            terms.append(long)
    return terms


def _mentions(window: str, terms: Sequence[str]) -> bool:
    for term in terms:
        flags = re.IGNORECASE if len(term) > 5 else 0
        if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", window, flags):
            return True
    return False


def refine_blanks(cache: CellCache, grid: GridParse, header: Sequence[HeaderCell]) -> list[str]:
    """Put each blank in reading order among the placements the types cannot tell apart (the text
    fills columns from the left), and say so, with what the prose about the row says."""
    warnings: list[str] = []
    names = [cell.text for cell in header]
    kinds = [cell.kind for cell in header]
    for index, row in enumerate(grid.rows):
        for col in range(len(row.slots) - 1, -1, -1):
            if row.slots[col].kind != "blank":
                continue
            chosen = _last_tied_placement(cache, row, col, kinds)
            if chosen != col:
                _move_blank(row, col, chosen)
            note = f"row {index + 1}: one cell fewer than the header; column {names[chosen]!r} left empty"
            tied = _tied_placements(cache, row, chosen, kinds)
            if len(tied) > 1:
                row.ambiguous.update(c for c in tied if c != chosen)
                note += " (the text cannot show which of " + ", ".join(repr(names[c]) for c in tied) + " it is"
                window = _row_window(cache, row, kinds)
                if window and _mentions(window, _subjects(names[chosen], cache)):
                    note += f"; the prose about this row mentions {names[chosen]!r}"
                note += ")"
            warnings.append(note)
    return warnings


def _tied_placements(cache: CellCache, row: RowParse, blank: int, kinds: Sequence[ColumnType]) -> list[int]:
    base = _score(cache, row.slots, kinds)
    tied = []
    for target in range(len(row.slots)):
        slots = list(row.slots)
        if target != blank and not _shift(slots, blank, target):
            continue
        if _score(cache, slots, kinds) >= base - 1e-6:
            tied.append(target)
    return tied


def _last_tied_placement(cache: CellCache, row: RowParse, blank: int, kinds: Sequence[ColumnType]) -> int:
    return max(_tied_placements(cache, row, blank, kinds))


def _row_window(cache: CellCache, row: RowParse, kinds: Sequence[ColumnType]) -> str:
    for kind in _ANCHORS:
        for slot, column in zip(row.slots, kinds, strict=True):
            if column == kind and slot.kind == "text":
                window = cache.ctx.window_before(cache.text[slot.start:slot.end].strip("[]"))
                if window:
                    return window
    return ""


def _shift(slots: list[Slot], blank: int, target: int) -> bool:
    step = 1 if target > blank else -1
    for i in range(blank, target, step):
        if slots[i + step].kind not in ("text", "empty"):
            return False
        slots[i] = slots[i + step]
    slots[target] = Slot("blank")
    return True


def _move_blank(row: RowParse, blank: int, target: int) -> None:
    slots = list(row.slots)
    if _shift(slots, blank, target):
        row.slots = slots


def _score(cache: CellCache, slots: Sequence[Slot], kinds: Sequence[ColumnType]) -> float:
    total = 0.0
    for slot, kind in zip(slots, kinds, strict=True):
        if slot.kind in ("text", "empty"):
            value = cache.score(kind, slot.start, slot.end)
            total += value if value is not None else -100.0
    return total


def cross_check(cache: CellCache, grid: GridParse, header: Sequence[HeaderCell]) -> list[str]:
    """Compare a row's percentages with the prose that cites the same study: a percentage the prose
    about the row never gives, where that prose does give percentages, is reported (never fixed)."""
    warnings: list[str] = []
    kinds = [cell.kind for cell in header]
    for index, row in enumerate(grid.rows):
        window = _row_window(cache, row, kinds)
        said = set(PERCENT_NUMBER.findall(window))
        if not said:
            continue
        for slot, cell in zip(row.slots, header, strict=True):
            if cell.kind is not ColumnType.OUTCOME or slot.kind != "text":
                continue
            value = cache.text[slot.start:slot.end]
            for number in PERCENT_NUMBER.findall(value):
                if number not in said:
                    warnings.append(f"row {index + 1}: {cell.text} {value!r} gives {number}% where the prose "
                                    f"about this study gives {', '.join(sorted(said))}%")
    return warnings

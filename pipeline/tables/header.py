"""Find a table's header in a stream of text and type its columns.

A header is a chain of column names: each a head word ("Target", "Dose", "CRS") with modifiers
("Patient number", "Cell dose (108 )", "CRS any/≥G3"). In a shredded rotated table the names run
together ("...syndromeNCT numberDiseaseSource..."), so the header is found as the best chain of
valid names between allowed cuts; what follows the chain must then parse as rows (the caller checks
that with the segmenter, because a data cell can look like a name too).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.fields.evidence import DocContext
from pipeline.fields.header import abbreviation_field, data_like, outside_brackets, read_header
from pipeline.tables.columns import bracket_depth, normalise
from pipeline.tables.footnotes import parse_definition
from pipeline.tables.vocabulary import (
    DANGLING,
    LOWERCASE_NAMES,
    ColumnType,
    ends_abbreviated,
    glue_cost,
    header_words,
    is_modifier,
    role_type,
    word_type,
)

NAMED_SCORE = 4.0
MIXED_PENALTY = 2.0
UNKNOWN_WORD_PENALTY = 0.7
UNNAMED_SCORE = -0.2
LEADING_MODIFIER = 0.5  # "ID..." rarely starts a name (the ID of "Trial ID" lost its space)
MAX_UNKNOWN_IN_NAME = 1  # a column name is short: a head word and known modifiers, at most one other
MAX_HEADER_CHARS = 70

ID_PREFIXES = ("NCT", "ChiCTR", "ISRCTN", "EudraCT", "ACTRN", "jRCT", "CTR", "KCT", "UMIN", "DRKS")


@dataclass(frozen=True)
class HeaderCell:
    start: int
    end: int
    text: str
    kind: ColumnType
    score: float
    named: bool


@dataclass
class HeaderChain:
    cells: list[HeaderCell]
    score: float

    @property
    def start(self) -> int:
        return self.cells[0].start

    @property
    def end(self) -> int:
        return self.cells[-1].end

    @property
    def named(self) -> int:
        return sum(cell.named for cell in self.cells)


def _abbreviation_type(word: str, ctx: DocContext) -> ColumnType | None:
    """A header word the document (or the lexicon) defines, typed by its long form's head word."""
    found = abbreviation_field(word, ctx.long_form)
    return found.type if found is not None else None


def score_header_cell(value: str, ctx: DocContext, allow_open: bool = False) -> tuple[float, ColumnType, bool] | None:
    """(score, column type, whether a head word names it) for a candidate column name, or ``None``."""
    if not value or len(value) > MAX_HEADER_CHARS:
        return None
    if value in LOWERCASE_NAMES:
        return NAMED_SCORE - 1.0, ColumnType.COUNT, True
    if not (value[0].isupper() or value[0] in "%#"):
        return None
    if value[-1] in ",/(-–&+:;" or (value.split()[-1].lower() in DANGLING and role_type(value) is None):
        if not allow_open or len(value) < 2:
            return None
        # The first line of a name that wraps ("Treated," / "n"): scored by the words it has.
        value = value.rstrip(",/(-–&+:; ")
        if not value or value.split()[-1].lower() in DANGLING:
            value = " ".join(value.split()[:-1])
        if not value or not (value[0].isupper() or value[0] in "%#"):
            return None
        if all(is_modifier(word) for word in header_words(value)) and role_type(value) is None:
            return UNNAMED_SCORE, ColumnType.TEXT, False
    if value.endswith(".") and not ends_abbreviated(value):
        return None
    depth = bracket_depth(value)
    if depth is None or (depth > 0 and not allow_open):
        return None
    outside = outside_brackets(value)
    if data_like(outside):
        return None
    if sum(1 for part in outside.split(",") if parse_definition(part.strip())) >= 2:
        return None  # "ORR overall response rate, CR complete response" is a footnote's list
    words = header_words(value)
    if not words or len(words) > 9:
        return None
    kinds: list[ColumnType] = []
    unknown = 0
    for word in words:
        kind = word_type(word)
        if kind is None and not is_modifier(word):
            kind = _abbreviation_type(word, ctx)
            if kind is None:
                unknown += 1
                continue
        if kind is not None:
            kinds.append(kind)
    distinct = set(kinds)
    glued = glue_cost(outside)
    if value[0] == "%" and len(words) > 1:
        glued += LEADING_MODIFIER  # "% CRS": the "%" rather closes the name before ("ORR (CR), %")
    if len(words) > 1 and is_modifier(words[0]) and words[1].lower() != "of" and (
            words[0].isupper() or is_modifier(words[1])):
        glued += LEADING_MODIFIER
    role = role_type(value)
    if distinct:
        single = next(iter(distinct)) if len(distinct) == 1 else None
        if single is not None and unknown <= MAX_UNKNOWN_IN_NAME:
            return NAMED_SCORE - UNKNOWN_WORD_PENALTY * unknown - glued, single, True
        if role is not None:
            score = NAMED_SCORE - MIXED_PENALTY - UNKNOWN_WORD_PENALTY * unknown - glued
            return score, role, True
        return (UNNAMED_SCORE, ColumnType.TEXT, False) if len(words) <= 4 else None
    if role is not None:
        return NAMED_SCORE - 1.0, role, True
    if unknown == 0 or unknown > 3 or sum(any(c.isalnum() for c in w) for w in words) > 4:
        return None
    return UNNAMED_SCORE, ColumnType.TEXT, False


def column_type(name: str, ctx: DocContext) -> ColumnType:
    """Type of a column from its header text (``read_header``, the one reading of a header)."""
    return read_header(normalise(name), ctx.long_form).type


def _lower_join(text: str, pos: int) -> bool:
    return 0 < pos < len(text) and text[pos - 1].islower() and text[pos].islower()


def _upper_join_ok(text: str, pos: int, left: HeaderCell, right: HeaderCell, ctx: DocContext) -> bool:
    """Two names meeting inside a run of capitals ("ORR/CR|GVHD") must both end and start with a
    known abbreviation; otherwise the cut splits one ("N|CT number")."""
    if not (0 < pos < len(text) and text[pos - 1].isupper() and text[pos].isupper()):
        return True
    before = [w for w in header_words(left.text) if w[0].isalpha()]
    after = [w for w in header_words(right.text) if w[0].isalpha()]
    return bool(before and after and _known_abbreviation(before[-1], ctx) and _known_abbreviation(after[0], ctx))


def _known_abbreviation(word: str, ctx: DocContext) -> bool:
    return word_type(word) is not None or is_modifier(word) or ctx.long_form(word) is not None


def _lower_join_ok(left: HeaderCell, right: HeaderCell) -> bool:
    """Names may meet inside a run of lower-case letters only as "Phase|n": a lower-case name after
    a cell whose last word is a known header word."""
    if right.text not in LOWERCASE_NAMES:
        return False
    words = [w for w in header_words(left.text) if w[0].isalpha()]
    return bool(words) and (word_type(words[-1]) is not None or is_modifier(words[-1]))


def _end_ok(text: str, pos: int) -> bool:
    """A header cell may not end inside a word or in front of the digits of an id ("NCT|0500...")."""
    if pos >= len(text) or pos <= 0:
        return True
    left, right = text[pos - 1], text[pos]
    if left.isupper() and right.islower():
        return False
    if right.isdigit() and left.isalpha():
        start = pos
        while start > 0 and text[start - 1].isalpha():
            start -= 1
        if text[start:pos] in ID_PREFIXES or text[start:pos].endswith(ID_PREFIXES):
            return False
    return not (left.isalpha() and right.isalpha() and left.islower() and right.islower())


def find_header_chains(
    text: str,
    cuts: Sequence[int],
    ctx: DocContext,
    start_ok: Callable[[int], bool],
    allow_open: bool = False,
    top: int = 4,
    min_named: int = 2,
) -> list[HeaderChain]:
    """The best chains of column names between ``cuts`` (best first, one per end position).

    A chain starts where ``start_ok`` allows, every cell is a valid column name, and two cells meet
    inside a lower-case word only when the second is a lower-case name such as "n" ("Phasen").
    """
    m = len(cuts)
    best: list[tuple[float, int, HeaderCell | None] | None] = [None] * m
    cells: dict[tuple[int, int], HeaderCell | None] = {}
    for a in range(m - 1):
        fresh = start_ok(cuts[a])
        arriving = best[a]
        if (not fresh and arriving is None) or not _may_start_name(text, cuts[a]):
            continue
        for b in range(a + 1, m):
            if cuts[b] - cuts[a] > MAX_HEADER_CHARS + 4:
                break
            cell = cells.get((a, b))
            if (a, b) not in cells:
                cell = _cell(text, cuts[a], cuts[b], ctx, allow_open)
                cells[(a, b)] = cell
            if cell is None:
                if _no_longer_name(text, cuts[a], cuts[b]):
                    break
                continue
            options: list[tuple[float, int]] = []
            if fresh:
                options.append((cell.score, -1))
            if arriving is not None and arriving[2] is not None and (
                (not _lower_join(text, cuts[a]) or _lower_join_ok(arriving[2], cell))
                and _upper_join_ok(text, cuts[a], arriving[2], cell, ctx)
            ):
                options.append((arriving[0] + cell.score, a))
            if not options:
                continue
            score, prev = max(options)
            current = best[b]
            if current is None or score > current[0]:
                best[b] = (score, prev, cell)
    chains: list[HeaderChain] = []
    for b in range(m):
        entry = best[b]
        if entry is None:
            continue
        chain_cells: list[HeaderCell] = []
        index: int = b
        node: tuple[float, int, HeaderCell | None] | None = entry
        while node is not None and node[2] is not None:
            chain_cells.append(node[2])
            if node[1] < 0:
                break
            index = node[1]
            node = best[index]
        chain_cells.reverse()
        chain = HeaderChain(chain_cells, entry[0])
        if chain.named >= min_named and _end_ok(text, cuts[b]):
            chains.append(chain)
    chains.sort(key=lambda c: (-c.score, -len(c.cells), c.end))
    return chains[:top]


def line_chains(text: str, cuts: Sequence[int], ctx: DocContext, top: int = 4) -> list[HeaderChain]:
    """The ``top`` best chains of column names that cover ``text[cuts[0]:cuts[-1]]`` entirely (a header
    line of an upright table; a name may be the first line of a wrapped one, "Treated,"). Unlike
    ``find_header_chains`` it keeps several chains per position, so that the rows can choose between
    "Phase Treated," and "Phase" + "Treated,": the names alone cannot.
    """
    m = len(cuts)
    best: list[list[tuple[float, int, int, HeaderCell]]] = [[] for _ in range(m)]
    for b in range(1, m):
        options: list[tuple[float, int, int, HeaderCell]] = []
        for a in range(b - 1, -1, -1):
            if cuts[b] - cuts[a] > MAX_HEADER_CHARS + 4:
                break
            if a > 0 and not best[a]:
                continue
            cell = _cell(text, cuts[a], cuts[b], ctx, True)
            if cell is None:
                continue
            if a == 0:
                options.append((cell.score, -1, 0, cell))
            else:
                options += [(entry[0] + cell.score, a, rank, cell) for rank, entry in enumerate(best[a])]
        options.sort(key=lambda option: -option[0])
        best[b] = options[:top]
    chains: list[HeaderChain] = []
    for entry in best[m - 1]:
        cells: list[HeaderCell] = []
        node: tuple[float, int, int, HeaderCell] | None = entry
        while node is not None:
            cells.append(node[3])
            node = best[node[1]][node[2]] if node[1] >= 0 else None
        cells.reverse()
        chains.append(HeaderChain(cells, entry[0]))
    return chains


def _no_longer_name(text: str, start: int, end: int) -> bool:
    """Whether no column name starts with ``text[start:end]``, so a chain need not read longer spans
    from ``start``: it closes a bracket it never opened, or holds a long number or digits glued to a
    word outside brackets (as ``score_header_cell`` refuses them). Every longer span holds the same
    text, and whitespace (which ``normalise`` folds) changes none of these tests."""
    raw = text[start:end]
    return bracket_depth(raw) is None or data_like(outside_brackets(raw))


def _may_start_name(text: str, pos: int) -> bool:
    """Whether a column name can start at the first glyph from ``pos``: ``score_header_cell`` takes
    only names opening with a capital, "%" or "#", or the lower-case names ("n (%)"), so a cut before
    a digit or a lower-case letter starts no cell of a chain and its spans need not be read."""
    head = text[pos:pos + MAX_HEADER_CHARS + 4].lstrip()
    if not head:
        return True
    first = head[0]
    return first.isupper() or first in "%#" or any(name.startswith(first) for name in LOWERCASE_NAMES)


def _cell(text: str, a: int, b: int, ctx: DocContext, allow_open: bool) -> HeaderCell | None:
    raw = text[a:b]
    stripped = raw.strip()
    if not stripped or "\n\n" in stripped:
        return None
    start = a + len(raw) - len(raw.lstrip())
    end = start + len(stripped)
    if not _end_ok(text, end) and not (end < len(text) and text[end].islower() and _starts_lower_name(text, end)):
        return None
    value = normalise(stripped)
    scored = score_header_cell(value, ctx, allow_open)
    if scored is None:
        return None
    return HeaderCell(start, end, value, scored[1], scored[0], scored[2])


def _starts_lower_name(text: str, pos: int) -> bool:
    for name in LOWERCASE_NAMES:
        if text.startswith(name, pos):
            after = pos + len(name)
            if after >= len(text) or not text[after].islower():
                return True
    return False

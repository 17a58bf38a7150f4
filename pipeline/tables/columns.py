"""How well a piece of text fits as a cell of a column of a given type.

Each type's own formula lives in its field's module (``fields.CELL_SCORERS``); here is what every type
shares: the shape a cell must have, the penalties for another column's words and for glue points,
and the longest text a cell of each type holds.

The segmenter (``segment.py``) tries many ways to cut a run-together row and keeps the one whose cells
fit their columns best, so each type needs a score, not a yes/no: strong shapes (registry ids,
``[n]`` references, percent pairs) score high, lexicon and document terms next, plausible free text
low, and text that cannot be a cell (it starts with a comma, ends with "and", opens a bracket it never
closes) is refused with ``None``. Scores are on one scale (about -3 to 7) so that a cell of one type
can be weighed against a cell of another and against leaving a column empty.
"""

from __future__ import annotations

from pipeline.fields import CELL_SCORERS
from pipeline.fields.cell_facts import FOOTNOTE_MARK, CellFacts, cell_facts
from pipeline.fields.dose import ROUTE_PREFIX
from pipeline.fields.evidence import DocContext
from pipeline.fields.score_settings import S
from pipeline.tables.vocabulary import ColumnType

T = ColumnType

EMPTY_MARKERS = frozenset({"/", "–", "—", "-", "‒", "−", "--"})
_FOOTNOTE_MARK = FOOTNOTE_MARK

_BAD_START = set(",.;:)]}%/|×–—-")
_BAD_END = set(",;:(–-/+&×[≥≤<>~")
_DANGLING = frozenset({"and", "or", "of", "with", "the", "to", "in", "by", "for", "at", "per", "vs"})

EMPTY_SCORE = S.empty_cell


def is_empty_marker(value: str) -> bool:
    return value in EMPTY_MARKERS


def well_formed(value: str, partial: bool = False) -> float | None:
    """Penalty for text that is unlikely as a whole cell; ``None`` when it cannot be one.

    ``partial`` is for cells that may continue on a later line (line-by-line upright tables), where a
    trailing comma or an open bracket is normal.
    """
    if value[0] in _BAD_START:
        return None
    penalty = 0.0
    last = value.rstrip(_FOOTNOTE_MARK)
    if not last:
        return None
    words = last.split()
    last_word = words[-1].lower()
    if last[-1] in _BAD_END or last_word in _DANGLING:
        if not partial:
            return None
        penalty += S.dangling_end
    if len(words) > 1 and last_word in ("no", "not"):
        penalty += S.lost_negation
    depth = bracket_depth(value)
    if depth is None:
        return None
    if depth > 0:
        penalty += S.open_bracket_partial if partial else S.open_bracket
    return penalty


def bracket_depth(value: str) -> int | None:
    """Brackets ("(", "[") left open at the end of ``value``, or ``None`` once it closes one it never
    opened. Most candidate cells and names hold no bracket, and are not scanned."""
    if not ("(" in value or ")" in value or "[" in value or "]" in value):
        return 0
    depth = 0
    for ch in value:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth < 0:
                return None
    return depth










































_SCORERS = CELL_SCORERS

# The longest text a cell of each type plausibly holds (bounds the segmenter's search; a longer
# cell is read as wrapped text by the upright line parser, not as one run).
MAX_CHARS: dict[ColumnType, int] = {
    T.COUNT: 24, T.ABSTRACT: 16, T.REFERENCE: 20, T.PHASE: 16, T.YEAR: 6, T.TRIAL: 45, T.OUTCOME: 60,
    T.DOSE: 45, T.REGIMEN: 40, T.TARGET: 40, T.DISEASE: 50, T.SOURCE: 45, T.TEXT: 70,
}
DEFAULT_MAX_CHARS = 60


def viable_start(kind: ColumnType, text: str, pos: int) -> bool:
    """Whether any cell of ``kind`` can start at ``text[pos]`` (checked once per start)."""
    ch = text[pos] if pos < len(text) else ""
    if not ch or ch in _BAD_START and not is_empty_marker(text[pos:pos + 1]):
        return ch in EMPTY_MARKERS
    if kind is T.TRIAL:
        return ch.isalpha() or ch in EMPTY_MARKERS
    if kind in (T.COUNT, T.YEAR):
        return ch.isdigit() or ch in "nNU" or ch in EMPTY_MARKERS
    if kind is T.REFERENCE:
        return ch in "[(" or ch.isdigit() or ch.isupper() or ch in EMPTY_MARKERS
    if kind is T.DOSE:
        return ch.isdigit() or ch in "(≤≥<>~N" or ch in EMPTY_MARKERS or bool(ROUTE_PREFIX.match(text, pos))
    return True


_TYPED_KINDS = frozenset({T.TRIAL, T.DISEASE, T.SOURCE, T.TARGET, T.PRODUCT, T.AGENT, T.REGIMEN, T.DOSE, T.COUNT,
                          T.PHASE, T.ABSTRACT, T.YEAR})


_FINDING_KINDS = frozenset({T.ADVERSE, T.OUTCOME})
# Types whose scorer refuses most values with a pattern or two: it runs before the id test, which
# most of their candidates then never need (the order changes no score).
_SCORER_FIRST = frozenset({T.TRIAL, T.COUNT, T.DOSE, T.ABSTRACT, T.REFERENCE, T.PHASE, T.YEAR})
FOREIGN_PENALTY = S.foreign_word


def max_chars(kind: ColumnType) -> int:
    return MAX_CHARS.get(kind, DEFAULT_MAX_CHARS)


def score_cell(kind: ColumnType, value: str, ctx: DocContext, partial: bool = False,
               shape: float | None = None) -> float | None:
    """Score of ``value`` (whitespace-normalised, non-empty) as a cell of a ``kind`` column.

    ``shape`` is ``well_formed(value, partial)`` when the caller has it already.
    """
    if is_empty_marker(value):
        return EMPTY_SCORE
    if shape is None:
        shape = well_formed(value, partial)
        if shape is None:
            return None
    return score_facts(kind, cell_facts(value, ctx), ctx, shape)


def score_facts(kind: ColumnType, facts: CellFacts, ctx: DocContext, shape: float) -> float | None:
    """``score_cell`` of a value that is no empty marker, from its facts and its ``shape`` penalty."""
    if kind in _SCORER_FIRST:
        score = _SCORERS[kind](facts, ctx)
        if score is None or (kind is not T.TRIAL and facts.has_id()):
            return None
    else:
        if facts.has_id() and kind is not T.PRODUCT:
            return None  # a registry id belongs in the study column only (or after a product it names)
        score = _SCORERS[kind](facts, ctx)
        if score is None:
            return None
    if kind in _TYPED_KINDS:
        score -= FOREIGN_PENALTY * facts.foreign()
    elif kind in _FINDING_KINDS:
        score -= FOREIGN_PENALTY * facts.product_names()
    return score + shape - facts.glue_cost(ctx)


def normalise(raw: str) -> str:
    """A cell's text as reported: whitespace (line breaks of wrapped cells) folded to single spaces."""
    return " ".join(raw.split())


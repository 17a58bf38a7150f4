"""How well a piece of text fits as a cell of a column of a given type.

The segmenter (``segment.py``) tries many ways to cut a run-together row and keeps the one whose cells
fit their columns best, so each type needs a score, not a yes/no: strong shapes (registry ids,
``[n]`` references, percent pairs) score high, lexicon and document terms next, plausible free text
low, and text that cannot be a cell (it starts with a comma, ends with "and", opens a bracket it never
closes) is refused with ``None``. Scores are on one scale (about -3 to 7) so that a cell of one type
can be weighed against a cell of another and against leaving a column empty.
"""

from __future__ import annotations

import re

from pipeline.tables.context import DocContext
from pipeline.tables.facts import (
    FOOTNOTE_MARK,
    ID,
    N_PERCENT,
    NO_PERCENT,
    PAIR,
    PERCENT,
    CellFacts,
    cell_facts,
)
from pipeline.tables.gates import Gate
from pipeline.tables.score_settings import S
from pipeline.tables.vocabulary import ColumnType

T = ColumnType

EMPTY_MARKERS = frozenset({"/", "–", "—", "-", "‒", "−", "--"})
_FOOTNOTE_MARK = FOOTNOTE_MARK

_BAD_START = set(",.;:)]}%/|×–—-")
_BAD_END = set(",;:(–-/+&×[≥≤<>~")
_DANGLING = frozenset({"and", "or", "of", "with", "the", "to", "in", "by", "for", "at", "per", "vs"})

_ID = ID
_NAME_IN_BRACKETS = r"\([A-Z][A-Za-z0-9\-‑]*(?:\s[A-Za-z0-9\-‑]+){0,3}\)"
_TRIAL_IDS = re.compile(rf"{_ID}(?:\s*(?:[;,/&]|and)\s*{_ID})*(?:\s*{_NAME_IN_BRACKETS})?")
_ID_PREFIX = re.compile(r"(?:NCT|ChiCTR|EudraCT|ISRCTN|ACTRN|jRCT)\s?\d")
_TRIAL_NAME = re.compile(rf"[A-Z][A-Za-z0-9]*(?:[-‑][A-Za-z0-9]+)*(?:\s{_NAME_IN_BRACKETS})?")
_ET_AL = re.compile(rf"[A-Z][A-Za-z'\-]+(?: and [A-Z][A-Za-z'\-]+)? et al\.?(?:,? \(?\d{{4}}\)?)?"
                    rf"(?:\s{_NAME_IN_BRACKETS})?")

_COUNT = re.compile(r"(?:[1-9]\d{0,3}|0)(?:\s?\+)?|[nN]\s?=\s?[1-9]\d{0,3}")
_COUNT_EXTRA = re.compile(r"[1-9]\d{0,3}\s?\((?:[^()]{1,30})\)|[1-9]\d{0,3}\s?/\s?[1-9]\d{0,3}")

_NR = re.compile(r"NR|NE|NA|N/A|Not reached|Not evaluable|Pending")

_ABSTRACT = re.compile(r"(?:[A-Z]{1,2}-?)?([1-9]\d{0,4})[a-z]?")
_ABSTRACT_LONG = re.compile(r"(?:[Aa]bstract|#)\s?(?:[Nn]o\.?\s?)?[A-Z]?[1-9]\d{0,4}")
_REFERENCE = re.compile(r"\[\d{1,3}(?:\s?[,–-]\s?\d{1,3})*\]")
_REFERENCE_PAREN = re.compile(r"\(\d{1,3}(?:\s?[,–-]\s?\d{1,3})*\)")
_PHASE = re.compile(r"(?:[Pp]hase\s?)?(?:0|I{1,3}|IV|[1-4])[ab]?(?:\s?[/–-]\s?(?:I{1,3}|IV|[1-4])[ab]?)?")
_PHASE_OTHER = re.compile(r"(?i)pilot|early phase 1|n/?a|unknown|not stated")
_YEAR = re.compile(r"(?:19|20)\d\d")
_STATUS_WORDS = ("recruiting", "active", "completed", "terminated", "withdrawn", "suspended", "unknown", "ongoing",
                 "enrolling", "reported", "final analysis", "published")
_STATUS = Gate(re.compile(rf"(?i)\b(?:{'|'.join(_STATUS_WORDS)})\b"), _STATUS_WORDS, fold=True)
_PRODUCT_CODE = re.compile(r"[A-Za-z]{1,8}[-‑]?[A-Za-z]?\d{2,6}[A-Za-z]{0,3}\d{0,3}")
_TWO_DIGITS = re.compile(r"\d\d")  # every product code holds two digits in a row
_PRODUCT_WORD = Gate(
    re.compile(r"(?i)(?<![A-Za-z])CAR|\bNK\b|cel\b|mab\b|bispecific|engager|TriKE|BiTE|\bT[- ]cells?\b"),
    ("car", "cel", "mab", "bispecific", "engager", "trike", "bite", "t-cell", "t cell"), fold=True,
    words=frozenset({"nk"}))

_DOSE_WORDS = frozenset(
    ["cells", "cell", "car-t", "car-nk", "car+", "car-positive", "positive", "t", "nk", "kg", "/kg", "per",
     "and", "or", "to", "x", "m", "million", "billion", "mg", "mg/kg", "µg/kg", "μg/kg", "ug/kg", "m2",
     "cells/kg", "cells/m2", "flat", "fixed", "dose", "doses", "level", "levels", "round", "rounds",
     "weekly", "biweekly", "qw", "q2w", "q3w", "iv", "sc", "na", "nr", "times", "day", "days", "d",
     "step-up", "mg/m2", "e", "cohort", "each", "total", "then"]
)
_DOSE_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-zµμ]+(?:[-/+][A-Za-z0-9µμ]+)*\+?|\S")
_DOSE_UNIT = re.compile(r"×|\bx\b|cells|/kg|mg|million")
_DOSE_SYMBOLS = set("×x*†‡,;/–-()≤≥<>~.^+=")

_DISEASE_HEAD = Gate(
    re.compile(r"(?i)leuk|lymphom|myelom|tumou?r|cancer|carcinom|malignan|neoplas|sarcom|"
               r"blastom|syndrome|disease|\b(?:MDS|AML|ALL|CLL|NHL|DLBCL|LBCL|MM|RRMM|HL)\b"),
    ("leuk", "lymphom", "myelom", "tumo", "cancer", "carcinom", "malignan", "neoplas", "sarcom", "blastom",
     "syndrome", "disease"), fold=True,
    words=frozenset({"mds", "aml", "all", "cll", "nhl", "dlbcl", "lbcl", "mm", "rrmm", "hl"}))
_DISEASE_MODIFIERS = frozenset(
    ["r/r", "relapsed", "refractory", "relapsed/refractory", "high-risk", "secondary", "advanced", "solid",
     "de", "novo", "newly", "diagnosed", "and", "or", "with", "without", "primary", "metastatic",
     "recurrent", "progressive", "untreated", "naive", "n", "=", "(n", "and/or", "all", "b-cell", "t-cell",
     "cd19+", "cd30+", "cd33+", "hematological", "haematological"]
)
_SOURCE_HEAD = Gate(
    re.compile(r"(?i)cord|blood|umbilical|ipsc|pluripotent|peripheral|donor|autologous|"
               r"allogen|derived|haplo|nk-?92|progenitor|stem|\bhsc|pbmc|placent|healthy|adult|"
               r"cell line|primary|third-party|\bPB\b|\bCB\b"),
    ("cord", "blood", "umbilical", "ipsc", "pluripotent", "peripheral", "donor", "autologous", "allogen",
     "derived", "haplo", "nk92", "nk-92", "progenitor", "stem", "hsc", "pbmc", "placent", "healthy", "adult",
     "cell line", "primary", "third-party"), fold=True, words=frozenset({"pb", "cb"}))
_TARGET_CONNECTORS = frozenset(
    ["/", ",", ";", "or", "and", "+", "×", "x", "et", "al", "al.", "dual", "car", "cars", "anti",
     "targeting", "bispecific", "trispecific", "tandem", "bicistronic", "(", ")", "&", "-"]
)
_AE_WORDS = Gate(
    re.compile(r"(?i)\bgrade|\bG[1-5]\b|≥\s?G?\d|\bCRS\b|ICANS|GVHD|GvHD|neurotox|cytopeni|"
               r"neutropeni|infection|toxicit|\bDLT|\bAEs?\b|\bno\b|\bnone\b"),
    ("grade", "≥", "icans", "gvhd", "neurotox", "cytopeni", "neutropeni", "infection", "toxicit", "dlt"), fold=True,
    words=frozenset({"g1", "g2", "g3", "g4", "g5", "crs", "ae", "aes", "no", "none"}))
# Patterns of the scorers below, compiled once (a module-level re.search looks its pattern up per call).
_BRACKETED = re.compile(r"\(([^()]+)\)")
_DASH_OR_DIGIT = re.compile(r"[-\d]")
_TARGET_SHAPE = re.compile(r"(?:CD\d{1,3}[a-z]?|[A-Z][A-Z0-9]{1,6}(?:-\d)?)")
_LEADING_ZERO = re.compile(r"0\d")
_SHORT_NUMBER = re.compile(r"[1-9]\d{0,2}")


_ABBREVIATION = re.compile(r"[A-Z][A-Za-z]?[A-Z]{1,4}")

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


def _trial(f: CellFacts, ctx: DocContext) -> float | None:
    """A registry id, a study name ("ZUMA-7", "ELIANA"), "X et al.", or "not stated"; a study
    column never holds a bare fragment ("CR", "Grade") or a number."""
    value = f.value
    if not value[0].isalpha():
        return None
    if f.has_id() and _TRIAL_IDS.fullmatch(value):  # the pattern opens with an id
        named = _BRACKETED.search(value)
        evidence = S.id_in_prose if ctx.in_prose(value.split()[0]) else 0.0
        if named:
            evidence += S.name_in_prose if ctx.in_prose(named.group(1)) else S.name_not_in_prose
        return S.registry_id + evidence
    if _ID_PREFIX.search(value):
        return None
    if _ET_AL.fullmatch(value):
        return S.et_al
    if f.not_stated():
        return S.none_study if value.lower() in ("none", "no") else S.not_stated_study
    if "%" in value or len(value.split()) > S.max_study_words:
        return None
    if _TRIAL_NAME.fullmatch(value) and len(value) <= S.max_study_name:
        if f.category(ctx) is not None or value in ctx.abbreviations:
            return S.shifted_term  # a drug, disease, target or abbreviation in a study column is a shifted cell
        if value.isupper() and len(value) < S.short_capitals and not _DASH_OR_DIGIT.search(value):
            return S.shifted_term  # "CANS", "CR": the end of an abbreviation, not a study
        if _DASH_OR_DIGIT.search(value) or (value.isupper() and len(value) >= S.short_capitals):
            return S.coded_name + (S.coded_name_in_prose if f.in_prose(ctx) else 0.0)
        if value.lower() in ctx.known_words:
            return S.shifted_term  # an ordinary word of the prose ("Grade") is no study name
        return S.plain_name
    if len(value.split()) >= 2 and value[0].isupper() and not any(c.isdigit() for c in value):
        return f.text(ctx) + S.study_text
    return None


def _disease(f: CellFacts, ctx: DocContext) -> float | None:
    found, unknown = f.lexical(ctx, ctx.lexicon.diseases, "diseases", _DISEASE_MODIFIERS)
    if found and not unknown:
        return S.whole_term + (S.whole_term_in_prose if f.in_prose(ctx) else 0.0)
    if found:
        return max(S.some_term_floor, S.some_term - unknown)
    if f.search(_DISEASE_HEAD):
        return S.head_word + min(0.0, f.text(ctx) - S.plausible_text)
    return f.text(ctx) + S.text_fallback


_SOURCE_ALLOWED = frozenset({"healthy", "adult", "donor", "donors", "derived", "and", "or", "-derived", "nk", "cells",
                             "cell", "primary", "expanded"})


def _source(f: CellFacts, ctx: DocContext) -> float | None:
    found, unknown = f.lexical(ctx, ctx.lexicon.sources, "sources", _SOURCE_ALLOWED)
    if found and not unknown:
        return S.whole_term
    if found:
        return max(S.some_term_floor, S.some_term - unknown)
    if f.search(_SOURCE_HEAD):
        return S.head_word + min(0.0, f.text(ctx) - S.plausible_text)
    return f.text(ctx) + S.text_fallback


def _target(f: CellFacts, ctx: DocContext) -> float | None:
    found, unknown = f.lexical(ctx, ctx.lexicon.targets, "targets", _TARGET_CONNECTORS)
    if found:
        return S.whole_term - unknown + (S.whole_term_in_prose if f.in_prose(ctx) else 0.0)
    if _TARGET_SHAPE.fullmatch(f.value):
        return S.target_shape
    return f.text(ctx) + S.text_fallback


def _count(f: CellFacts, ctx: DocContext) -> float | None:
    value = f.value
    if _COUNT.fullmatch(value):
        if value == "0":
            return S.zero_count
        return S.count + (S.count_cited if value in ctx.patient_counts else
                          S.count_number if value in ctx.numbers else 0.0)
    if _COUNT_EXTRA.fullmatch(value):
        return S.count_extra
    if f.not_stated():
        return S.count_not_stated
    return None


_AGENT_CONNECTORS = frozenset({"and", "or", "plus", "+", "/", "with", "±", "mono", "monotherapy", "alone"})


def _agentive(f: CellFacts, ctx: DocContext) -> tuple[int, int]:
    """Agents and products; a target named with an agent ("CD33 TriKE", "BCMA bispecific") is part of
    its name, not a stray word."""
    return f.lexical(ctx, ctx.lexicon.agentive, "agents", _AGENT_CONNECTORS, ctx.lexicon.targets)


def _regimen(f: CellFacts, ctx: DocContext) -> float | None:
    if f.value[0].isdigit():
        return None
    if f.none():
        return S.no_agent_regimen
    found, unknown = _agentive(f, ctx)
    if found and not unknown:
        return S.agents
    if found:
        return max(S.some_agents_regimen_floor, S.some_agents_regimen - unknown)
    if _ABBREVIATION.fullmatch(f.value):
        return S.regimen_abbreviation
    return f.text(ctx) + S.text_fallback


def _agent(f: CellFacts, ctx: DocContext) -> float | None:
    if f.none():
        return S.no_agent
    found, unknown = _agentive(f, ctx)
    if found and not unknown:
        return S.agents
    if found:
        return max(S.some_agents_floor, S.some_agents - unknown)
    return f.text(ctx) + S.agent_text


def _dose(f: CellFacts, ctx: DocContext) -> float | None:
    value = f.value
    if not (value[0].isdigit() or value[0] in "(≤≥<>~" or value.startswith(("NA", "NR"))):
        return None
    if value[-1] == ".":
        return None
    tokens = _DOSE_TOKEN.findall(value)
    if not any(t[0].isdigit() for t in tokens):
        return S.dose_not_available if value in ("NA", "NR") else None
    unknown = 0
    for token in tokens:
        if token[0].isdigit():
            if _LEADING_ZERO.match(token):
                return None
            continue
        if len(token) == 1 and token in _DOSE_SYMBOLS:
            continue
        if token.lower() not in _DOSE_WORDS and token not in _FOOTNOTE_MARK:
            unknown += 1
    if unknown:
        return None
    unit = bool(_DOSE_UNIT.search(value))
    bare = value.rstrip(_FOOTNOTE_MARK)
    squashed = f.squashed_in_prose(ctx) if bare == value else ctx.squashed_in_prose(bare)
    evidence = S.dose_in_prose if len(value) >= S.min_dose_chars and squashed else 0.0
    return S.dose + (S.dose_unit if unit else 0.0) + evidence


def _outcome(f: CellFacts, ctx: DocContext) -> float | None:
    evidence = f.percent_evidence(ctx)
    shape = f.percent()
    if shape == PAIR:
        return S.percent_pair + evidence + f.pair_order()
    if shape == PERCENT:
        return S.percent + evidence
    if shape == N_PERCENT:
        return S.n_percent + evidence
    if _NR.fullmatch(f.value):
        return S.not_reached
    if ctx.lexicon.outcomes and f.covered(ctx, ctx.lexicon.outcomes):
        return S.outcome_term + min(0.0, f.text(ctx) - S.plausible_text) + f.unfinished_list()
    return f.text(ctx) + S.finding_text


def _adverse(f: CellFacts, ctx: DocContext) -> float | None:
    value = f.value
    if f.none():
        return S.no_finding if value != "0" else S.zero_finding
    if value.isdigit() and len(value) > 1:
        return None  # a bare number is a count or an abstract, not a safety finding
    shape = f.percent()
    if shape == PAIR:
        return S.adverse_pair + f.percent_evidence(ctx) + f.pair_order()
    if shape != NO_PERCENT:
        return S.adverse_percent + f.percent_evidence(ctx)
    if f.search(_AE_WORDS) or (ctx.lexicon.adverse and f.covered(ctx, ctx.lexicon.adverse)):
        return S.adverse_term + min(0.0, f.text(ctx) - S.plausible_text) + f.unfinished_list()
    return f.text(ctx) + S.finding_text


def _abstract(f: CellFacts, ctx: DocContext) -> float | None:
    value = f.value
    m = _ABSTRACT.fullmatch(value)
    if m:
        digits = m.group(1)
        return (S.abstract_number + (S.long_abstract_number if len(digits) >= 3 else 0.0)
                + (S.abstract_cited if value in ctx.abstract_numbers else 0.0))
    if _ABSTRACT_LONG.fullmatch(value):
        return S.abstract_label
    if f.not_stated():
        return S.abstract_not_stated
    return None


def _reference(f: CellFacts, ctx: DocContext) -> float | None:
    value = f.value
    if _REFERENCE.fullmatch(value):
        return S.bracket_reference
    if _REFERENCE_PAREN.fullmatch(value):
        return S.paren_reference
    if _SHORT_NUMBER.fullmatch(value):
        return S.bare_reference
    if _ET_AL.fullmatch(value):
        return S.et_al
    return None


def _phase(f: CellFacts, ctx: DocContext) -> float | None:
    value = f.value
    if _PHASE.fullmatch(value):
        return S.digit_phase if value.isdigit() else S.phase
    if _PHASE_OTHER.fullmatch(value):
        return S.other_phase
    return None


def _product(f: CellFacts, ctx: DocContext) -> float | None:
    value = f.value
    if _ID_PREFIX.match(value):
        return None  # "NCT011": the start of a registry id, cut short, is no product code
    evidence = (S.product_in_prose if f.in_prose(ctx)
                or (len(value) >= S.min_squashed_product and f.squashed_in_prose(ctx)) else 0.0)
    if ctx.lexicon.products and value in ctx.lexicon.products:
        return S.product + evidence
    if f.category(ctx) in ("targets", "diseases"):
        return S.antigen_alone
    if _PRODUCT_CODE.fullmatch(value):
        return S.product_code + evidence
    if f.search(_PRODUCT_WORD) or (_TWO_DIGITS.search(value) and _PRODUCT_CODE.search(value)):
        return S.product_words + min(0.0, f.text(ctx) - S.plausible_text) + evidence
    return f.text(ctx) + S.product_text + evidence


def _year(f: CellFacts, ctx: DocContext) -> float | None:
    return S.year if _YEAR.fullmatch(f.value) else None


def _status(f: CellFacts, ctx: DocContext) -> float | None:
    if f.search(_STATUS):
        return S.status + min(0.0, f.text(ctx) - S.plausible_text)
    return f.text(ctx) + S.finding_text


def _text(f: CellFacts, ctx: DocContext) -> float | None:
    return f.text(ctx)


_SCORERS = {
    T.TRIAL: _trial, T.DISEASE: _disease, T.SOURCE: _source, T.TARGET: _target, T.COUNT: _count,
    T.REGIMEN: _regimen, T.DOSE: _dose, T.AGENT: _agent, T.OUTCOME: _outcome, T.ADVERSE: _adverse,
    T.ABSTRACT: _abstract, T.REFERENCE: _reference, T.PHASE: _phase, T.PRODUCT: _product,
    T.YEAR: _year, T.STATUS: _status, T.TEXT: _text,
}

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
        return ch.isdigit() or ch in "(≤≥<>~N" or ch in EMPTY_MARKERS
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
        if facts.has_id():
            return None  # a registry id belongs in the study column only
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


"""The cell scorer as it was before the facts records (``pipeline/tables/facts.py``): a frozen copy,
kept only as the reference ``tests/test_tables_facts.py`` compares the scorer with. It keeps its memos
in attributes it sets on the context it is given (``legacy_context``), not in ``DocContext``'s own.
"""
# ruff: noqa

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from pipeline.occurrences import ASCII_ALNUM
from pipeline.fields.evidence import DocContext
from pipeline.knowledge.gates import Gate
from pipeline.tables.vocabulary import ColumnType

T = ColumnType

EMPTY_MARKERS = frozenset({"/", "–", "—", "-", "‒", "−", "--"})
EMPTY_SCORE = 1.5
_FOOTNOTE_MARK = "*†‡§¶"

_BAD_START = set(",.;:)]}%/|×–—-")
# Two cells run together without a space: a word or percent glued onto the end of another. A word
# glued after a number or bracket ("1Grade", "(1)Pomalidomide") is strong evidence; an abbreviation
# or percent glued to a word ("2CRS", "ICANS3%") may also be a space lost inside one cell.
_GLUED = re.compile(r"[a-z0-9)\]%][A-Z][a-z]{2,}|[A-Z]{2}[a-z]{2,}|[)\]%][A-Z]|[a-z]{3}[A-Z]|%\d|[\d%][–—][A-Z]")
_WEAK_GLUED = re.compile(r"[A-Za-z)]\d+(?:\.\d+)?%|^\d+[A-Z]{2,}|(?<=\d)[A-Z]{2,}\d")
GLUED_PENALTY = 2.0
WEAK_GLUED_PENALTY = 1.0
# What only a safety, response or citation cell holds: in a cell of another type it is a neighbour's text.
_FOREIGN = Gate(re.compile(r"\b(?:CRS|ICANS|GVHD|GvHD)\b|(?i:\bgrade\b)|\d%|\[\d"),
               ("crs", "icans", "gvhd", "grade", "%", "["), fold=True)
FOREIGN_PENALTY = 2.0
# What only a product cell holds: in a safety or response cell it is the product's text run into it.
_PRODUCT_NAME = Gate(re.compile(r"CAR-?(?:T|NK)|(?<=[a-z])mab\b|-cel\b"), ("CAR", "mab", "-cel"))
_BAD_END = set(",;:(–-/+&×[≥≤<>~")
_DANGLING = frozenset({"and", "or", "of", "with", "the", "to", "in", "by", "for", "at", "per", "vs"})

_ID = (r"(?:NCT\d{8}|ChiCTR\d{10}|ChiCTR-[A-Z]{2,4}-\d{8}|EudraCT\s?\d{4}-\d{6}-\d{2}|ISRCTN\d{8}|"
       r"ACTRN\d{14}|jRCT\w{8,12}|CTR\d{8}|KCT\d{7}|DRKS\d{8}|UMIN\d{9})")
_NAME_IN_BRACKETS = r"\([A-Z][A-Za-z0-9\-‑]*(?:\s[A-Za-z0-9\-‑]+){0,3}\)"
_TRIAL_IDS = re.compile(rf"{_ID}(?:\s*(?:[;,/&]|and)\s*{_ID})*(?:\s*{_NAME_IN_BRACKETS})?")
# Every registry id holds one of these (ChiCTR and ACTRN hold "CTR"; jRCT "jRCT"; ...).
_ANY_ID = Gate(re.compile(_ID), ("NCT", "CTR", "EudraCT", "ISRCTN", "jRCT", "KCT", "DRKS", "UMIN"))
_ID_PREFIX = re.compile(r"(?:NCT|ChiCTR|EudraCT|ISRCTN|ACTRN|jRCT)\s?\d")
_TRIAL_NAME = re.compile(rf"[A-Z][A-Za-z0-9]*(?:[-‑][A-Za-z0-9]+)*(?:\s{_NAME_IN_BRACKETS})?")
_ET_AL = re.compile(rf"[A-Z][A-Za-z'\-]+(?: and [A-Z][A-Za-z'\-]+)? et al\.?(?:,? \(?\d{{4}}\)?)?"
                    rf"(?:\s{_NAME_IN_BRACKETS})?")
_NOT_STATED = re.compile(r"(?i)(?:not (?:stated|available|reported|applicable|specified)|n/?a|nr|none|"
                         r"unknown|pending|no)\.?")
_NONE = re.compile(r"(?i)(?:none|no|nil|not (?:reported|applicable|used|given)|n/?a|nr)\.?|0")

_COUNT = re.compile(r"(?:[1-9]\d{0,3}|0)(?:\s?\+)?|[nN]\s?=\s?[1-9]\d{0,3}")
_COUNT_EXTRA = re.compile(r"[1-9]\d{0,3}\s?\((?:[^()]{1,30})\)|[1-9]\d{0,3}\s?/\s?[1-9]\d{0,3}")

_NUM = r"(?:\d+(?:\.\d+)?)"
_PCT = rf"(?:[≤≥<>~]?{_NUM}\s?%)"
_PCT_OR_ZERO = rf"(?:{_PCT}|0|NR|NA|NE|N/A)"
_PAIR = re.compile(rf"({_PCT_OR_ZERO})\s?/\s?({_PCT_OR_ZERO})[{_FOOTNOTE_MARK}]*")
_PERCENT = re.compile(rf"{_PCT}[{_FOOTNOTE_MARK}]*")
_N_PERCENT = re.compile(rf"(?:\d+(?:/\d+)?\s?\({_PCT}\)|{_PCT}\s?\((?:\d+(?:/\d+)?|{_PCT})\))"
                        rf"(?:\s?[;,]?\s?\([^()]{{1,30}}\))?[{_FOOTNOTE_MARK}]*")
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
_LEFTOVER_WORD = re.compile(r"[^\s,;/()+&]+")
_DOC_TERM = re.compile(r"[^\s,;/()+]+")
_CAPITAL = re.compile(r"[A-Z]")
_BRACKETED = re.compile(r"\(([^()]+)\)")
_DASH_OR_DIGIT = re.compile(r"[-\d]")
_TARGET_SHAPE = re.compile(r"(?:CD\d{1,3}[a-z]?|[A-Z][A-Z0-9]{1,6}(?:-\d)?)")
_LEADING_ZERO = re.compile(r"0\d")
_PERCENT_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s?%")
_NUMBER = re.compile(_NUM)
_LIST_SEPARATOR = re.compile(r"[;,]")
_NEGATION = re.compile(r"(?i)\b(?:no|none|not|without|nil)(?:\b|(?=[A-Z]))")
_SHORT_NUMBER = re.compile(r"[1-9]\d{0,2}")


_ABBREVIATION = re.compile(r"[A-Z][A-Za-z]?[A-Z]{1,4}")
_ABBREVIATION_TOKEN = re.compile(r"[A-Z][A-Z0-9]{1,7}")
UNKNOWN_ABBREVIATION = 1.0  # "ICA" (of "ICANS" cut short) is no word the document uses
_WORDISH = re.compile(r"[A-Za-z0-9α-ωΑ-Ω]+")
_TITLE_WORD = re.compile(r"[A-Z][a-z]{2,}")


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
        penalty -= 1.0
    if len(words) > 1 and last_word in ("no", "not"):
        penalty -= 2.0  # "...; no" lost what it negates
    depth = bracket_depth(value)
    if depth is None:
        return None
    if depth > 0:
        penalty -= 0.3 if partial else 3.0
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


@cache
def _term_pattern(terms: frozenset[str], ignore_case: bool) -> re.Pattern[str] | None:
    chosen = [t for t in terms if t and (not ignore_case or (len(t) > 5 and any(c.islower() for c in t)))]
    if not chosen:
        return None
    alternatives = "|".join(re.escape(t) for t in sorted(chosen, key=len, reverse=True))
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])", flags)


@cache
def _first_words(terms: frozenset[str]) -> frozenset[str]:
    """Lower-cased first words of the terms: a value sharing none of them matches no term."""
    return frozenset(w.lower() for t in terms for w in _WORDISH.findall(t)[:1])


def _covered(value: str, terms: frozenset[str], ctx: DocContext) -> list[tuple[int, int]]:
    """Spans of ``value`` matched by lexicon terms (longest first, case-sensitive then long forms).

    Memoised per document, not per process: the spans of one table are scored under several
    column types and header hypotheses, while a process-wide cache only grows with the corpus.
    """
    key = (value, id(terms))
    found = ctx.covered.get(key)
    if found is None:
        found = () if _first_words(terms).isdisjoint(_value_words(value, ctx)) else _covered_spans(value, terms)
        ctx.covered[key] = found
    return list(found)


def _value_words(value: str, ctx: DocContext) -> frozenset[str]:
    """The lower-cased words of a value, once per value and document: a value is looked up in
    several lexicons (diseases, targets, agents, ...) and most share no first word with any."""
    found = ctx.value_words.get(value)
    if found is None:
        found = frozenset(w.lower() for w in _WORDISH.findall(value))
        ctx.value_words[value] = found
    return found


def _covered_spans(value: str, terms: frozenset[str]) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    firsts = _first_words(terms)
    if not any(w.lower() in firsts for w in _WORDISH.findall(value)):
        return ()
    taken = [False] * len(value)
    for ignore_case in (False, True):
        for start, end in _term_matches(value, terms, ignore_case):
            if not any(taken[start:end]):
                spans.append((start, end))
                for i in range(start, end):
                    taken[i] = True
    return tuple(spans)




# A place after no ASCII letter or digit, with its key: the run of letters and digits there, or the
# one character (as ``_key_at``).
_PLACE = re.compile(r"(?<![A-Za-z0-9])(?:[A-Za-z0-9]+|.)", re.DOTALL)


def _key_at(text: str, pos: int) -> str:
    """The run of ASCII letters and digits that starts at ``pos`` (the character there if none)."""
    end = pos
    while end < len(text) and text[end] in ASCII_ALNUM:
        end += 1
    return text[pos:end] if end > pos else text[pos]


@cache
def _term_index(terms: frozenset[str], ignore_case: bool) -> dict[str, tuple[str, ...]]:
    """The terms of one pass by their leading key, longest first (as written, or lower-cased)."""
    chosen = [t for t in terms if t and (not ignore_case or (len(t) > 5 and any(c.islower() for c in t)))]
    index: dict[str, list[str]] = {}
    for term in sorted(chosen, key=len, reverse=True):
        written = term.lower() if ignore_case else term
        index.setdefault(_key_at(written, 0), []).append(written)
    return {key: tuple(found) for key, found in index.items()}


def _term_matches(value: str, terms: frozenset[str], ignore_case: bool) -> list[tuple[int, int]]:
    """Non-overlapping matches of the terms, scanning left to right and taking the longest term at
    each place, bounded by characters that are not ASCII letters or digits: the matches of one
    regular expression of all the terms, found by a dictionary look-up per place instead of an
    alternation of hundreds of terms tried at every character."""
    text = value.lower() if ignore_case else value
    if len(text) != len(value):  # a character whose lower case is longer: offsets would shift
        pattern = _term_pattern(terms, ignore_case)
        return [m.span() for m in pattern.finditer(value)] if pattern else []
    index = _term_index(terms, ignore_case)
    found: list[tuple[int, int]] = []
    size, resume = len(text), 0
    # The places a term may start (after no ASCII letter or digit) and their keys, found by one scan.
    for place in _PLACE.finditer(text):
        pos = place.start()
        if pos < resume:
            continue  # inside the term matched last
        for term in index.get(place.group(), ()):
            end = pos + len(term)
            if text.startswith(term, pos) and (end >= size or text[end] not in ASCII_ALNUM):
                found.append((pos, end))
                resume = end
                break
    return found


def _leftover(value: str, spans: list[tuple[int, int]]) -> list[str]:
    if not spans:
        return _LEFTOVER_WORD.findall(value)
    chars = list(value)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = " "
    rest = "".join(chars)
    return _LEFTOVER_WORD.findall(rest)


def _doc_terms(value: str, ctx: DocContext, category: str) -> list[tuple[int, int]]:
    """Spans of words the document defines (its abbreviation lists) as terms of ``category``."""
    spans: list[tuple[int, int]] = []
    if not ctx.abbreviations:
        return spans
    for m in _DOC_TERM.finditer(value):
        if m.group() in ctx.abbreviations and ctx.category(m.group()) == category:
            spans.append((m.start(), m.end()))
    return spans


def _is_term(word: str, ctx: DocContext) -> bool:
    """A word that may start a cell in lower case: a term of the field ("iPSCs", "mAb")."""
    return (
        any(c.isupper() for c in word[1:])
        or word in ctx.abbreviations
        or ctx.lexicon.category(word) is not None
    )


def text_score(value: str, ctx: DocContext) -> float:
    """Plausibility of free text as one cell: capitalised like a cell, words that belong together."""
    known = ctx.text_scores.get(value)
    if known is None:
        known = _text_score(value, ctx)
        ctx.text_scores[value] = known
    return known


def _text_score(value: str, ctx: DocContext) -> float:
    tokens = value.split()
    score = 1.0 if len(value) > 1 else -1.0
    first = tokens[0]
    if first[0].islower() and not _is_term(first.strip(",;()"), ctx):
        score -= 2.5
    facts = [_token_facts(token, ctx) for token in tokens]
    for previous, word in zip(tokens, facts[1:], strict=False):
        if word.unknown_title and previous[-1] not in ",;(:":
            score -= 0.8
    for token in facts:
        # The document's abbreviations grow as its tables' footnotes are read: asked each time.
        if token.abbreviation and not (token.known or token.bare in ctx.abbreviations):
            score -= UNKNOWN_ABBREVIATION
    bigrams = sum(ctx.bigram(a.strip(",;()"), b.strip(",;()")) for a, b in zip(tokens, tokens[1:], strict=False))
    score += min(1.2, 0.4 * bigrams)
    if (len(tokens) >= 2 and ctx.in_prose(value)) or (len(tokens) == 1 and len(value) >= 8
                                                       and ctx.squashed_in_prose(value)):
        score += 0.8
    if len(value) > 80:
        score -= 1.0
    if len(tokens) > 1 and _CAPITAL.fullmatch(tokens[-1]) and tokens[-1] not in "TB":
        score -= 1.5  # "CD19 C": a word cut after its first letter
    return score


class _TokenFacts(NamedTuple):
    """What ``_text_score`` and ``_glued`` ask of one token, from the lexicon and the prose only."""

    unknown_title: bool  # a capitalised word (after its last "/") that no lexicon knows
    bare: str  # without surrounding punctuation
    abbreviation: bool  # the bare token is shaped like an abbreviation ("ICA", "CD19")
    known: bool  # the bare token is a prose word or a lexicon term
    glue_cost: float


def _token_facts(token: str, ctx: DocContext) -> _TokenFacts:
    """Once per token and document: the spans a segmenter scores overlap, so their words recur
    ("Hematological and", "Hematological and solid", ...)."""
    found = ctx.tokens.get(token)
    if found is None:
        word = token.rsplit("/", 1)[-1]
        bare = token.strip(",;()[]")
        glue = 0.0
        if _may_glue(token) and token.lower().strip(",;()") not in ctx.ngrams:
            glue = GLUED_PENALTY * len(_GLUED.findall(token)) + WEAK_GLUED_PENALTY * len(_WEAK_GLUED.findall(token))
        found = _TokenFacts(
            bool(_TITLE_WORD.fullmatch(word)) and ctx.lexicon.category(word) is None,
            bare,
            bool(_ABBREVIATION_TOKEN.fullmatch(bare)),
            bare.lower() in ctx.ngrams or ctx.lexicon.category(bare) is not None,
            glue,
        )
        ctx.tokens[token] = found
    return found


@cache
def _squashed_terms(terms: frozenset[str]) -> frozenset[str]:
    return frozenset("".join(t.split()).lower() for t in terms if " " in t)


def _lexical(value: str, ctx: DocContext, terms: frozenset[str], category: str,
             allowed: frozenset[str], neutral: frozenset[str] = frozenset()) -> tuple[int, int]:
    """(terms found, unknown leftover words) for a value read as terms of one category.

    A value that is a multi-word term with its space lost at a line end ("R/RMM") counts as found.
    Leftover words in ``allowed`` (lower case) or ``neutral`` (as written) are not unknown. With no
    term found the count of unknown words is not computed (0): every scorer then ignores it.
    """
    if " " not in value and value.lower() in _squashed_terms(terms):
        return 1, 0
    spans = _covered(value, terms, ctx) + _doc_terms(value, ctx, category)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and span[0] < merged[-1][1]:
            continue
        merged.append(span)
    if not merged:
        return 0, 0
    unknown = sum(1 for w in _leftover(value, merged) if w.lower() not in allowed and w not in neutral)
    return len(merged), unknown


def _trial(value: str, ctx: DocContext) -> float | None:
    """A registry id, a study name ("ZUMA-7", "ELIANA"), "X et al.", or "not stated"; a study
    column never holds a bare fragment ("CR", "Grade") or a number."""
    if not value[0].isalpha():
        return None
    if _TRIAL_IDS.fullmatch(value):
        named = _BRACKETED.search(value)
        evidence = 0.5 if ctx.in_prose(value.split()[0]) else 0.0
        if named:
            evidence += 1.0 if ctx.in_prose(named.group(1)) else -0.5
        return 6.0 + evidence
    if _ID_PREFIX.search(value):
        return None
    if _ET_AL.fullmatch(value):
        return 3.5
    if _NOT_STATED.fullmatch(value):
        return 0.0 if value.lower() in ("none", "no") else 2.0
    if "%" in value or len(value.split()) > 5:
        return None
    if _TRIAL_NAME.fullmatch(value) and len(value) <= 30:
        if ctx.lexicon.category(value) is not None or value in ctx.abbreviations:
            return -1.0  # a drug, disease, target or abbreviation in a study column is a shifted cell
        if value.isupper() and len(value) < 5 and not _DASH_OR_DIGIT.search(value):
            return -1.0  # "CANS", "CR": the end of an abbreviation, not a study
        if _DASH_OR_DIGIT.search(value) or (value.isupper() and len(value) >= 5):
            return 3.0 + (0.5 if ctx.in_prose(value) else 0.0)
        if value.lower() in ctx.known_words:
            return -1.0  # an ordinary word of the prose ("Grade") is no study name
        return 0.5
    if len(value.split()) >= 2 and value[0].isupper() and not any(c.isdigit() for c in value):
        return text_score(value, ctx) - 3.0
    return None


def _disease(value: str, ctx: DocContext) -> float | None:
    found, unknown = _lexical(value, ctx, ctx.lexicon.diseases, "diseases", _DISEASE_MODIFIERS)
    if found and not unknown:
        return 5.0 + (0.3 if ctx.in_prose(value) else 0.0)
    if found:
        return max(2.0, 4.0 - unknown)
    if _DISEASE_HEAD.search(value):
        return 3.0 + min(0.0, text_score(value, ctx) - 1.0)
    return text_score(value, ctx) - 2.0


def _source(value: str, ctx: DocContext) -> float | None:
    found, unknown = _lexical(value, ctx, ctx.lexicon.sources, "sources",
                              frozenset({"healthy", "adult", "donor", "donors", "derived", "and", "or",
                                         "-derived", "nk", "cells", "cell", "primary", "expanded"}))
    if found and not unknown:
        return 5.0
    if found:
        return max(2.0, 4.0 - unknown)
    if _SOURCE_HEAD.search(value):
        return 3.0 + min(0.0, text_score(value, ctx) - 1.0)
    return text_score(value, ctx) - 2.0


def _target(value: str, ctx: DocContext) -> float | None:
    found, unknown = _lexical(value, ctx, ctx.lexicon.targets, "targets", _TARGET_CONNECTORS)
    if found:
        return 5.0 - unknown + (0.3 if ctx.in_prose(value) else 0.0)
    if _TARGET_SHAPE.fullmatch(value):
        return 2.0
    return text_score(value, ctx) - 2.0


def _count(value: str, ctx: DocContext) -> float | None:
    if _COUNT.fullmatch(value):
        if value == "0":
            return 1.5
        return 3.5 + (1.0 if value in ctx.patient_counts else 0.3 if value in ctx.numbers else 0.0)
    if _COUNT_EXTRA.fullmatch(value):
        return 2.5
    if _NOT_STATED.fullmatch(value):
        return 1.0
    return None


_AGENT_CONNECTORS = frozenset({"and", "or", "plus", "+", "/", "with", "±", "mono", "monotherapy", "alone"})


def _agentive(value: str, ctx: DocContext) -> tuple[int, int]:
    """Agents and products; a target named with an agent ("CD33 TriKE", "BCMA bispecific") is part of
    its name, not a stray word."""
    return _lexical(value, ctx, ctx.lexicon.agentive, "agents", _AGENT_CONNECTORS, ctx.lexicon.targets)


def _regimen(value: str, ctx: DocContext) -> float | None:
    if value[0].isdigit():
        return None
    if _NONE.fullmatch(value):
        return 3.5
    found, unknown = _agentive(value, ctx)
    if found and not unknown:
        return 4.5
    if found:
        return max(1.5, 3.0 - unknown)
    if _ABBREVIATION.fullmatch(value):
        return 2.0
    return text_score(value, ctx) - 2.0


def _agent(value: str, ctx: DocContext) -> float | None:
    if _NONE.fullmatch(value):
        return 4.0
    found, unknown = _agentive(value, ctx)
    if found and not unknown:
        return 4.5
    if found:
        return max(2.0, 3.5 - unknown)
    return text_score(value, ctx) - 0.5


def _dose(value: str, ctx: DocContext) -> float | None:
    if not (value[0].isdigit() or value[0] in "(≤≥<>~" or value.startswith(("NA", "NR"))):
        return None
    if value[-1] == ".":
        return None
    tokens = _DOSE_TOKEN.findall(value)
    if not any(t[0].isdigit() for t in tokens):
        return 1.0 if value in ("NA", "NR") else None
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
    evidence = 1.0 if len(value) >= 3 and ctx.squashed_in_prose(value.rstrip(_FOOTNOTE_MARK)) else 0.0
    return 4.0 + (0.5 if unit else 0.0) + evidence


def _percent_evidence(value: str, ctx: DocContext) -> float:
    if "%" not in value:
        return 0.0
    found = [p for p in _PERCENT_NUMBER.findall(value) if p in ctx.percents]
    return min(0.8, 0.4 * len(found))


def _pair_order(value: str) -> float:
    """The first number of a pair is the broader category (ORR/CR, any grade/≥G3): never smaller."""
    numbers = [float(n) for n in _NUMBER.findall(value)]
    if len(numbers) == 2 and numbers[0] < numbers[1]:
        return -2.0
    return 0.0


def _outcome(value: str, ctx: DocContext) -> float | None:
    evidence = _percent_evidence(value, ctx)
    if _PAIR.fullmatch(value) and "%" in value:
        return 5.5 + evidence + _pair_order(value)
    if _PERCENT.fullmatch(value):
        return 4.5 + evidence
    if _N_PERCENT.fullmatch(value):
        return 4.0 + evidence
    if _NR.fullmatch(value):
        return 2.0
    if ctx.lexicon.outcomes and _covered(value, ctx.lexicon.outcomes, ctx):
        return 3.0 + min(0.0, text_score(value, ctx) - 1.0) + _unfinished_list(value)
    return text_score(value, ctx) - 1.0


def _unfinished_list(value: str) -> float:
    """A list of findings whose last item has no value ("CRS 72%; ICANS") was cut short."""
    if ";" not in value and "," not in value:
        return 0.0  # one part: no list
    parts = [p.strip() for p in _LIST_SEPARATOR.split(value) if p.strip()]
    if len(parts) < 2 or not any(c.isdigit() for c in "".join(parts[:-1])):
        return 0.0
    last = parts[-1]
    if any(c.isdigit() for c in last) or _NEGATION.search(last):
        return 0.0
    return -2.0


def _adverse(value: str, ctx: DocContext) -> float | None:
    if _NONE.fullmatch(value):
        return 4.0 if value != "0" else 2.0
    if value.isdigit() and len(value) > 1:
        return None  # a bare number is a count or an abstract, not a safety finding
    if _PAIR.fullmatch(value) and "%" in value:
        return 4.5 + _percent_evidence(value, ctx) + _pair_order(value)
    if _PERCENT.fullmatch(value) or _N_PERCENT.fullmatch(value):
        return 4.0 + _percent_evidence(value, ctx)
    if _AE_WORDS.search(value) or (ctx.lexicon.adverse and _covered(value, ctx.lexicon.adverse, ctx)):
        return 3.5 + min(0.0, text_score(value, ctx) - 1.0) + _unfinished_list(value)
    return text_score(value, ctx) - 1.0


def _abstract(value: str, ctx: DocContext) -> float | None:
    m = _ABSTRACT.fullmatch(value)
    if m:
        digits = m.group(1)
        return 2.0 + (1.0 if len(digits) >= 3 else 0.0) + (4.0 if value in ctx.abstract_numbers else 0.0)
    if _ABSTRACT_LONG.fullmatch(value):
        return 5.0
    if _NOT_STATED.fullmatch(value):
        return 1.5
    return None


def _reference(value: str, ctx: DocContext) -> float | None:
    if _REFERENCE.fullmatch(value):
        return 6.0
    if _REFERENCE_PAREN.fullmatch(value):
        return 3.0
    if _SHORT_NUMBER.fullmatch(value):
        return 1.0
    if _ET_AL.fullmatch(value):
        return 3.5
    return None


def _phase(value: str, ctx: DocContext) -> float | None:
    if _PHASE.fullmatch(value):
        return 3.0 if value.isdigit() else 5.0
    if _PHASE_OTHER.fullmatch(value):
        return 2.0
    return None


def _product(value: str, ctx: DocContext) -> float | None:
    if _ID_PREFIX.match(value):
        return None  # as the live scorer since "Agent" names the product column (a registry id cut short)
    evidence = 1.0 if ctx.in_prose(value) or (len(value) >= 6 and ctx.squashed_in_prose(value)) else 0.0
    if ctx.lexicon.products and value in ctx.lexicon.products:
        return 5.0 + evidence
    if ctx.lexicon.category(value) in ("targets", "diseases"):
        return 1.0  # "CD19" alone names the antigen, not the product
    if _PRODUCT_CODE.fullmatch(value):
        return 4.0 + evidence
    if _PRODUCT_WORD.search(value) or (_TWO_DIGITS.search(value) and _PRODUCT_CODE.search(value)):
        return 3.0 + min(0.0, text_score(value, ctx) - 1.0) + evidence
    return text_score(value, ctx) - 0.5 + evidence


def _year(value: str, ctx: DocContext) -> float | None:
    return 5.0 if _YEAR.fullmatch(value) else None


def _status(value: str, ctx: DocContext) -> float | None:
    if _STATUS.search(value):
        return 4.0 + min(0.0, text_score(value, ctx) - 1.0)
    return text_score(value, ctx) - 1.0


def _text(value: str, ctx: DocContext) -> float | None:
    return text_score(value, ctx)


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


def _may_glue(value: str) -> bool:
    """Whether ``_GLUED`` or ``_WEAK_GLUED`` can match: each of their alternatives holds an ASCII
    capital or a "%" (a value with neither, "cord blood" or "12", has no glue point)."""
    return "%" in value or value.lower() != value


def glue_points(value: str) -> int:
    """Places where two cells seem run together (a word glued to the end of another)."""
    if not _may_glue(value):
        return 0
    return len(_GLUED.findall(value)) + len(_WEAK_GLUED.findall(value))


def contains_id(value: str) -> bool:
    return bool(_ANY_ID.search(value))


_TYPED_KINDS = frozenset({T.TRIAL, T.DISEASE, T.SOURCE, T.TARGET, T.PRODUCT, T.AGENT, T.REGIMEN, T.DOSE, T.COUNT,
                          T.PHASE, T.ABSTRACT, T.YEAR})


def max_chars(kind: ColumnType) -> int:
    return MAX_CHARS.get(kind, DEFAULT_MAX_CHARS)


# Types whose scorer refuses most values with a pattern or two and fills no per-document memo
# (the study scorer's memos are filled whatever the order: it is asked of values with an id too).
# Their scorer runs before the value's features are read, which most of their candidates never need.
_SCORER_FIRST = frozenset({T.TRIAL, T.COUNT, T.DOSE, T.ABSTRACT, T.REFERENCE, T.PHASE, T.YEAR})


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
    if kind in _SCORER_FIRST:
        score = _SCORERS[kind](value, ctx)
        if score is None:
            return None
        features = _features(value, ctx)
        if kind is not T.TRIAL and features.has_id:
            return None
    else:
        features = _features(value, ctx)
        if features.has_id:
            return None
        score = _SCORERS[kind](value, ctx)
        if score is None:
            return None
    if kind in _TYPED_KINDS:
        score -= FOREIGN_PENALTY * features.foreign
    elif kind in (T.ADVERSE, T.OUTCOME):
        score -= FOREIGN_PENALTY * features.product_names
    return score + shape - features.glue_cost


class _Features(NamedTuple):
    """What score_cell needs of a value whatever the column type."""

    has_id: bool
    foreign: int
    product_names: int
    glue_cost: float


def _features(value: str, ctx: DocContext) -> _Features:
    """Computed once per value and document (the same span is scored under every column type)."""
    found = ctx.features.get(value)
    if found is None:
        found = _Features(bool(_ANY_ID.search(value)), len(_FOREIGN.findall(value)),
                          len(_PRODUCT_NAME.findall(value)), _glued(value, ctx))
        ctx.features[value] = found
    return found


def _glued(value: str, ctx: DocContext) -> float:
    """Cost of the glue points of a value, not counting words the prose writes that way ("MajesTEC-1")."""
    cost = 0.0
    for token in value.split():
        glue = _token_facts(token, ctx).glue_cost
        if glue:
            cost += glue
    return cost


def normalise(raw: str) -> str:
    """A cell's text as reported: whitespace (line breaks of wrapped cells) folded to single spaces."""
    return " ".join(raw.split())



def legacy_context(ctx: DocContext) -> DocContext:
    """``ctx`` with the memos this copy keeps (a context of its own: the two scorers share no memo)."""
    for name in ("text_scores", "features", "value_words", "covered", "tokens"):
        setattr(ctx, name, {})
    return ctx

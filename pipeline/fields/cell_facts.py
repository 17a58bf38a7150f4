"""What the column scorers ask of a candidate cell's text, whatever the column's type.

The segmenter scores each span of a table under several column types (about 4.7 on a shredded
rotated table), and most of what a type's score needs is not the type's own: whether the text holds
a registry id, another column's words or glue points, how plausible it is as free text, which
lexicon terms cover it, whether it is shaped like a percentage. ``CellFacts`` holds those for one
value; ``cell_facts(value, ctx)`` builds it once per value and document (it is kept on the
``DocContext`` and dropped with it). The facts every score needs are computed when the record is
made, the others on first use. The scorers of ``columns.py`` are small formulas over these facts.

Facts that read the document's abbreviations (the free-text score, the document's own terms of a
category) are asked again after a table's footnotes define more (``DocContext.generation``): a
value's score must not depend on whether it was first scored before or after a later table's notes.
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.fields.evidence import DocContext
from pipeline.fields.score_settings import S
from pipeline.knowledge.gates import Gate
from pipeline.knowledge.lexicon import case_sensitive
from pipeline.knowledge.patterns import (
    CELL_ID,
    CELL_ID_NEEDLES,
    COUNT_PERCENT_CELL,
    DECIMAL_NUMBER,
    FOREIGN_IN_CELL,
    FRACTION_CELL,
    NUMBER_CELL,
    NUMBER_PAREN_CELL,
    NUMBER_SLASH_CELL,
    PERCENT_CELL,
    PERCENT_NUMBER,
    PERCENT_PAIR_CELL,
)
from pipeline.occurrences import ASCII_ALNUM

FOOTNOTE_MARK = "*†‡§¶"

# Two cells run together without a space: a word or percent glued onto the end of another. A word
# glued after a number or bracket ("1Grade", "(1)Pomalidomide") is strong evidence; an abbreviation
# or percent glued to a word ("2CRS", "ICANS3%") may also be a space lost inside one cell.
_GLUED = re.compile(r"[a-z0-9)\]%][A-Z][a-z]{2,}|[A-Z]{2}[a-z]{2,}|[)\]%][A-Z]|[a-z]{3}[A-Z]|%\d|[\d%][–—][A-Z]")
_WEAK_GLUED = re.compile(r"[A-Za-z)]\d+(?:\.\d+)?%|^\d+[A-Z]{2,}|(?<=\d)[A-Z]{2,}\d")
GLUED_PENALTY = S.glued
WEAK_GLUED_PENALTY = S.weakly_glued
# What only a safety, response or citation cell holds: in a cell of another type it is a neighbour's text.
_FOREIGN = Gate(FOREIGN_IN_CELL,
               ("crs", "icans", "gvhd", "grade", "%", "["), fold=True)
# What only a product cell holds: in a safety or response cell it is the product's text run into it.
_PRODUCT_NAME = Gate(re.compile(r"CAR-?(?:T|NK)|(?<=[a-z])mab\b|-cel\b"), ("CAR", "mab", "-cel"))

# Every registry id holds one of these (ChiCTR and ACTRN hold "CTR"; jRCT "jRCT"; ...).
_ANY_ID = Gate(CELL_ID, CELL_ID_NEEDLES)

# The percent shapes of a value, the first that fits (a pair needs a "%", and so do the others).
NO_PERCENT, PAIR, PERCENT, N_PERCENT = 0, 1, 2, 3
_NUMBER = DECIMAL_NUMBER
# The number shapes of a value without a "%" (the header says what the numbers are), the first that fits:
# "27/30 (90)", "82 (54)", "93 / 13", "82".
NO_NUMBER, FRACTION, NUMBER_PAREN, NUMBER_SLASH, NUMBER = 0, 1, 2, 3, 4
_LIST_SEPARATOR = re.compile(r"[;,]")
_NEGATION = re.compile(r"(?i)\b(?:no|none|not|without|nil)(?:\b|(?=[A-Z]))")

_NOT_STATED = re.compile(r"(?i)(?:not (?:stated|available|reported|applicable|specified)|n/?a|nr|none|"
                         r"unknown|pending|no)\.?")
_NONE = re.compile(r"(?i)(?:none|no|nil|not (?:reported|applicable|used|given)|n/?a|nr)\.?|0")
# The longest text either pattern matches ("not applicable."): a longer value is neither.
_LONGEST_NOT_STATED = 15

_LEFTOVER_WORD = re.compile(r"[^\s,;/()+&]+")
_DOC_TERM = re.compile(r"[^\s,;/()+]+")
_CAPITAL = re.compile(r"[A-Z]")
_ABBREVIATION_TOKEN = re.compile(r"[A-Z][A-Z0-9]{1,7}")
_WORDISH = re.compile(r"[A-Za-z0-9α-ωΑ-Ω]+")
_TITLE_WORD = re.compile(r"[A-Z][a-z]{2,}")


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


class CellFacts:
    """The type-independent facts of one value in one document (see the module's docstring).

    Each is computed on first use and kept: a value the segmenter tries only under column types whose
    pattern refuses it (a count, a year) never needs its free-text score or its glue points.
    """

    __slots__ = ("value", "folded", "_has_id", "_foreign", "_product_names", "_glue", "_words", "_prose",
                 "_squashed", "_percent", "_evidence", "_order", "_unfinished", "_none", "_not_stated", "_category",
                 "_text", "_text_generation", "_lexical", "_lexical_generation", "_numeric")

    def __init__(self, value: str) -> None:
        self.value = value
        # Lower-cased for the case-insensitive literal gates, which scan any value that is not ASCII.
        self.folded = value.lower() if value.isascii() else None
        self._has_id: bool | None = None
        self._foreign: int | None = None
        self._product_names: int | None = None
        self._glue: float | None = None
        self._words: tuple[str, ...] | None = None
        self._prose: bool | None = None
        self._squashed: bool | None = None
        self._percent: int | None = None
        self._evidence: float | None = None
        self._order: float | None = None
        self._unfinished: float | None = None
        self._none: bool | None = None
        self._not_stated: bool | None = None
        self._category: str | None | bool = False  # False: not asked yet
        self._text: float | None = None
        self._text_generation = -1
        self._lexical: dict[str, tuple[int, int]] | None = None
        self._lexical_generation = -1
        self._numeric: int | None = None

    def has_id(self) -> bool:
        """Whether the value holds a registry id (only a study cell may)."""
        if self._has_id is None:
            self._has_id = bool(_ANY_ID.search(self.value))
        return self._has_id

    def foreign(self) -> int:
        """How many words only a safety, response or citation cell holds ("CRS", "grade", "12%")."""
        if self._foreign is None:
            self._foreign = len(_FOREIGN.findall_folded(self.value, self.folded))
        return self._foreign

    def product_names(self) -> int:
        """How many words only a product cell holds ("CAR-T", "-mab", "-cel")."""
        if self._product_names is None:
            self._product_names = len(_PRODUCT_NAME.findall(self.value))
        return self._product_names

    def glue_cost(self, ctx: DocContext) -> float:
        """Cost of the places where two cells seem run together (``_glued``)."""
        if self._glue is None:
            self._glue = _glued(self.value, ctx)
        return self._glue

    def search(self, gate: Gate) -> bool:
        """Whether ``gate``'s pattern occurs in the value (case-insensitive gates read ``folded``)."""
        return gate.search_folded(self.value, self.folded) is not None

    def words(self) -> tuple[str, ...]:
        """The value's lower-cased words: a value sharing no first word with a lexicon's terms
        matches none of them (most values, for most lexicons)."""
        if self._words is None:
            self._words = tuple(w.lower() for w in _WORDISH.findall(self.value))
        return self._words

    def in_prose(self, ctx: DocContext) -> bool:
        """Whether the value's words occur together in the document's prose."""
        if self._prose is None:
            self._prose = ctx.in_prose(self.value)
        return self._prose

    def squashed_in_prose(self, ctx: DocContext) -> bool:
        """Whether the value is a run of prose words with their spaces lost."""
        if self._squashed is None:
            self._squashed = ctx.squashed_in_prose(self.value)
        return self._squashed

    def category(self, ctx: DocContext) -> str | None:
        """The lexicon category of the whole value ("CD19": targets), if it is a term."""
        if self._category is False:
            self._category = ctx.lexicon.category(self.value)
        return self._category  # type: ignore[return-value]

    def none(self) -> bool:
        """"None", "no", "n/a", "0": a cell saying there is nothing (the no-finding pattern)."""
        if self._none is None:
            self._none = len(self.value) <= _LONGEST_NOT_STATED and bool(_NONE.fullmatch(self.value))
        return self._none

    def not_stated(self) -> bool:
        """"Not stated", "NR", "unknown": a cell saying the document does not know."""
        if self._not_stated is None:
            self._not_stated = len(self.value) <= _LONGEST_NOT_STATED and bool(_NOT_STATED.fullmatch(self.value))
        return self._not_stated

    def percent(self) -> int:
        """The value's percent shape: ``PAIR`` ("45%/20%"), ``PERCENT`` ("45%"), ``N_PERCENT``
        ("9 (45%)"), the first that fits the whole value, or ``NO_PERCENT``."""
        if self._percent is None:
            value, shape = self.value, NO_PERCENT
            if "%" in value:
                if PERCENT_PAIR_CELL.fullmatch(value):
                    shape = PAIR
                elif PERCENT_CELL.fullmatch(value):
                    shape = PERCENT
                elif COUNT_PERCENT_CELL.fullmatch(value):
                    shape = N_PERCENT
            self._percent = shape
        return self._percent

    def numeric(self) -> int:
        """The value's number shape when it holds no "%": ``FRACTION`` ("27/30 (90)"), ``NUMBER_PAREN``
        ("82 (54)"), ``NUMBER_SLASH`` ("93 / 13"), ``NUMBER`` ("82", "111*"), or ``NO_NUMBER``."""
        if self._numeric is None:
            value, shape = self.value, NO_NUMBER
            if "%" not in value and (value[:1].isdigit() or value[:2] in ("NR", "NE", "NA")):
                if " " not in value and NUMBER_CELL.fullmatch(value):
                    shape = NUMBER
                elif "(" in value and FRACTION_CELL.fullmatch(value) and "/" in value:
                    shape = FRACTION
                elif "(" in value and NUMBER_PAREN_CELL.fullmatch(value):
                    shape = NUMBER_PAREN
                elif "/" in value and NUMBER_SLASH_CELL.fullmatch(value):
                    shape = NUMBER_SLASH
            self._numeric = shape
        return self._numeric

    def percent_evidence(self, ctx: DocContext) -> float:
        """``percent_cited`` for each percentage the prose gives too, at most ``percent_cited_max``."""
        if self._evidence is None:
            evidence = 0.0
            if "%" in self.value:
                found = [p for p in PERCENT_NUMBER.findall(self.value) if p in ctx.percents]
                evidence = min(S.percent_cited_max, S.percent_cited * len(found))
            self._evidence = evidence
        return self._evidence

    def pair_order(self) -> float:
        """The first number of a pair is the broader category (ORR/CR, any grade/≥G3): never smaller."""
        if self._order is None:
            numbers = [float(n) for n in _NUMBER.findall(self.value)]
            self._order = S.smaller_first if len(numbers) == 2 and numbers[0] < numbers[1] else 0.0
        return self._order

    def unfinished_list(self) -> float:
        """A list of findings whose last item has no value ("CRS 72%; ICANS") was cut short."""
        if self._unfinished is None:
            self._unfinished = _unfinished_list(self.value)
        return self._unfinished

    def text(self, ctx: DocContext) -> float:
        """The value's plausibility as free text (``text_score``), asked again after the document's
        abbreviations grow."""
        if self._text_generation != ctx.generation:
            self._text = _text_score(self.value, ctx)
            self._text_generation = ctx.generation
        return self._text  # type: ignore[return-value]

    def covered(self, ctx: DocContext, terms: frozenset[str]) -> bool:
        """Whether some lexicon term of ``terms`` occurs in the value."""
        return bool(_covered(self, terms, ctx))

    def lexical(self, ctx: DocContext, terms: frozenset[str], category: str, allowed: frozenset[str],
                neutral: frozenset[str] = frozenset()) -> tuple[int, int]:
        """(terms found, unknown leftover words) for the value read as terms of ``category`` (see
        ``_lexical``); once per category, asked again after the document's abbreviations grow."""
        if self._lexical is None or self._lexical_generation != ctx.generation:
            self._lexical = {}
            self._lexical_generation = ctx.generation
        found = self._lexical.get(category)
        if found is None:
            found = self._lexical[category] = _lexical(self, ctx, terms, category, allowed, neutral)
        return found


def cell_facts(value: str, ctx: DocContext) -> CellFacts:
    """The facts of ``value`` (whitespace-normalised, non-empty), once per value and document."""
    found = ctx.facts.get(value)
    if found is None:
        found = ctx.facts[value] = CellFacts(value)
    return found


def _unfinished_list(value: str) -> float:
    if ";" not in value and "," not in value:
        return 0.0  # one part: no list
    parts = [p.strip() for p in _LIST_SEPARATOR.split(value) if p.strip()]
    if len(parts) < 2 or not any(c.isdigit() for c in "".join(parts[:-1])):
        return 0.0
    last = parts[-1]
    if any(c.isdigit() for c in last) or _NEGATION.search(last):
        return 0.0
    return S.unfinished_list


# ---------------------------------------------------------------- lexicon terms in a value


@cache
def _term_pattern(terms: frozenset[str], ignore_case: bool) -> re.Pattern[str] | None:
    chosen = [t for t in terms if t and (not ignore_case or not case_sensitive(t))]
    if not chosen:
        return None
    alternatives = "|".join(re.escape(t) for t in sorted(chosen, key=len, reverse=True))
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])", flags)


@cache
def _first_words(terms: frozenset[str]) -> frozenset[str]:
    """Lower-cased first words of the terms: a value sharing none of them matches no term."""
    return frozenset(w.lower() for t in terms for w in _WORDISH.findall(t)[:1])


def _covered(facts: CellFacts, terms: frozenset[str], ctx: DocContext) -> list[tuple[int, int]]:
    """Spans of the value matched by lexicon terms (longest first, case-sensitive then long forms).

    Memoised per document, not per process: the spans of one table are scored under several
    column types and header hypotheses, while a process-wide cache only grows with the corpus.
    """
    if _first_words(terms).isdisjoint(facts.words()):
        return []  # no word of the value starts a term (most values, for most lexicons)
    value = facts.value
    key = (value, id(terms))
    found = ctx.covered.get(key)
    if found is None:
        found = ctx.covered[key] = _covered_spans(value, terms)
    return list(found)


def _covered_spans(value: str, terms: frozenset[str]) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
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
    chosen = [t for t in terms if t and (not ignore_case or not case_sensitive(t))]
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


@cache
def _squashed_terms(terms: frozenset[str]) -> frozenset[str]:
    return frozenset("".join(t.split()).lower() for t in terms if " " in t)


def _lexical(facts: CellFacts, ctx: DocContext, terms: frozenset[str], category: str,
             allowed: frozenset[str], neutral: frozenset[str] = frozenset()) -> tuple[int, int]:
    """(terms found, unknown leftover words) for a value read as terms of one category.

    A value that is a multi-word term with its space lost at a line end ("R/RMM") counts as found.
    Leftover words in ``allowed`` (lower case) or ``neutral`` (as written) are not unknown. With no
    term found the count of unknown words is not computed (0): every scorer then ignores it.
    """
    value = facts.value
    if " " not in value and value.lower() in _squashed_terms(terms):
        return 1, 0
    spans = _covered(facts, terms, ctx) + _doc_terms(value, ctx, category)
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


# ---------------------------------------------------------------- free text


def _is_term(word: str, ctx: DocContext) -> bool:
    """A word that may start a cell in lower case: a term of the field ("iPSCs", "mAb")."""
    return (
        any(c.isupper() for c in word[1:])
        or word in ctx.abbreviations
        or ctx.lexicon.category(word) is not None
    )


def text_score(value: str, ctx: DocContext) -> float:
    """Plausibility of free text as one cell: capitalised like a cell, words that belong together."""
    return cell_facts(value, ctx).text(ctx)


def _text_score(value: str, ctx: DocContext) -> float:
    tokens = value.split()
    if len(tokens) == 1:
        return _one_word_score(value, tokens[0], ctx)
    score = S.text if len(value) > 1 else S.one_character
    first = tokens[0]
    if first[0].islower() and not _is_term(first.strip(",;()"), ctx):
        score += S.lower_start
    facts = [_token_facts(token, ctx) for token in tokens]
    for previous, word in zip(tokens, facts[1:], strict=False):
        if word[UNKNOWN_TITLE] and previous[-1] not in ",;(:":
            score += S.unknown_title
    for token in facts:
        # The document's abbreviations grow as its tables' footnotes are read: asked each time.
        if token[ABBREVIATION] and not (token[KNOWN] or token[BARE] in ctx.abbreviations):
            score += S.unknown_abbreviation
    bigrams = sum(ctx.bigram(a.strip(",;()"), b.strip(",;()")) for a, b in zip(tokens, tokens[1:], strict=False))
    score += min(S.bigram_max, S.bigram * bigrams)
    if (len(tokens) >= 2 and ctx.in_prose(value)) or (len(tokens) == 1 and len(value) >= S.min_squashed_text
                                                       and ctx.squashed_in_prose(value)):
        score += S.text_in_prose
    if len(value) > S.max_text_chars:
        score += S.long_text
    if len(tokens) > 1 and _CAPITAL.fullmatch(tokens[-1]) and tokens[-1] not in "TB":
        score += S.cut_capital
    return score


def _one_word_score(value: str, word: str, ctx: DocContext) -> float:
    """``_text_score`` of a value of one word (most candidates of a shredded table): the same terms
    in the same order, less those that need two words (each would add or subtract nothing)."""
    score = S.text if len(value) > 1 else S.one_character
    if word[0].islower() and not _is_term(word.strip(",;()"), ctx):
        score += S.lower_start
    token = _token_facts(word, ctx)
    if token[ABBREVIATION] and not (token[KNOWN] or token[BARE] in ctx.abbreviations):
        score += S.unknown_abbreviation
    if len(value) >= S.min_squashed_text and ctx.squashed_in_prose(value):
        score += S.text_in_prose
    if len(value) > S.max_text_chars:
        score += S.long_text
    return score


# What ``_text_score`` and ``_glued`` ask of one token, from the lexicon and the prose only: a plain
# tuple (the garbage collector stops tracking it, as it does not a named tuple), read by position.
_TokenFacts = tuple[bool, str, bool, bool, float]
UNKNOWN_TITLE = 0  # a capitalised word (after its last "/") that no lexicon knows
BARE = 1  # the token without surrounding punctuation
ABBREVIATION = 2  # the bare token is shaped like an abbreviation ("ICA", "CD19")
KNOWN = 3  # the bare token is a prose word or a lexicon term
GLUE = 4  # the cost of its glue points


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
        found = (
            bool(_TITLE_WORD.fullmatch(word)) and ctx.lexicon.category(word) is None,
            bare,
            bool(_ABBREVIATION_TOKEN.fullmatch(bare)),
            bare.lower() in ctx.ngrams or ctx.lexicon.category(bare) is not None,
            glue,
        )
        ctx.tokens[token] = found
    return found


def _glued(value: str, ctx: DocContext) -> float:
    """Cost of the glue points of a value, not counting words the prose writes that way ("MajesTEC-1")."""
    cost = 0.0
    for token in value.split():
        glue = _token_facts(token, ctx)[GLUE]
        if glue:
            cost += glue
    return cost

"""What a document itself tells the cell segmenter: its words, its abbreviations, its citations.

A run-together row ("CD1912FC1, 2 and 5*") is split where the pieces are things the document talks
about elsewhere: "CD19" and "FC" are in its prose or its abbreviation list, "1234" is cited as
"(Abstract 1234)". The lexicons of ``pipeline/data`` add what every document of the field uses; they
are optional (a missing file gives an empty list), so the tables stage degrades instead of failing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from pipeline.knowledge.lexicon import abbreviation_long_forms, alias_index, case_sensitive
from pipeline.knowledge.patterns import ABSTRACT_CITED, ANY_CITATION, PATIENTS_ANY, PERCENT_NUMBER
from pipeline.models import IngestedText

WORD = re.compile(r"[A-Za-z0-9α-ωΑ-Ω][A-Za-z0-9α-ωΑ-Ω+]*(?:[-/.][A-Za-z0-9α-ωΑ-Ω+]+)*")
NGRAM = 4


def _aliases(label: str) -> frozenset[str]:
    """The aliases of one label of the entity lexicons, as written."""
    return frozenset(alias for alias, entries in alias_index().items() if any(e.label == label for e in entries))


CATEGORIES = ("targets", "diseases", "sources", "agents", "products", "adverse", "outcomes")
_NOWHERE = len(CATEGORIES)


@dataclass(frozen=True)
class Lexicon:
    """Terms of the field by category: the aliases of the entity lexicons (``knowledge.lexicon``), read
    with its one case rule (``case_sensitive``: "MM" only as written, "Daratumumab" in any case)."""

    targets: frozenset[str] = frozenset()
    diseases: frozenset[str] = frozenset()
    agents: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()
    products: frozenset[str] = frozenset()
    adverse: frozenset[str] = frozenset()
    outcomes: frozenset[str] = frozenset()
    abbreviations: tuple[tuple[str, str], ...] = ()

    @cached_property
    def agentive(self) -> frozenset[str]:
        """Agents and products together (built once: a fresh union per cell would be hashed anew)."""
        return self.agents | self.products

    @cached_property
    def _first_category(self) -> dict[str, int]:
        """Each term's first category (its position in ``CATEGORIES``): one dictionary look-up
        instead of a membership test per category, for a question asked of every candidate cell."""
        first: dict[str, int] = {}
        for position, name in enumerate(CATEGORIES):
            for term in getattr(self, name):
                first.setdefault(term, position)
        return first

    @cached_property
    def _folded_category(self) -> dict[str, int]:
        """``_first_category`` of the terms the case rule lets match in any case, by their lower case."""
        folded: dict[str, int] = {}
        for term, position in self._first_category.items():
            if not case_sensitive(term):
                key = term.lower()
                folded[key] = min(position, folded.get(key, _NOWHERE))
        return folded

    @cached_property
    def long_forms(self) -> dict[str, str]:
        """The first long form listed for each short form (a look-up, not a scan of the list)."""
        first: dict[str, str] = {}
        for short, long in self.abbreviations:
            first.setdefault(short, long)
        return first

    def category(self, term: str) -> str | None:
        """The category of a term, as written or, where the case rule allows, in any case (the earlier
        category wins, as if each category were tried in turn)."""
        position = self._first_category.get(term, _NOWHERE)
        if not case_sensitive(term):
            position = min(position, self._folded_category.get(term.lower(), _NOWHERE))
        return CATEGORIES[position] if position < _NOWHERE else None


@cache
def load_lexicon() -> Lexicon:
    """The lexicons of ``pipeline/data`` (read once per process; immutable)."""
    return Lexicon(
        targets=_aliases("TARGET"),
        diseases=_aliases("DISEASE"),
        agents=_aliases("AGENT"),
        sources=_aliases("CELL_SOURCE"),
        products=_aliases("PRODUCT"),
        adverse=_aliases("ADVERSE_EVENT"),
        outcomes=_aliases("OUTCOME"),
        abbreviations=tuple(abbreviation_long_forms().items()),
    )


def words(text: str) -> list[str]:
    return [m.group() for m in WORD.finditer(text)]


@dataclass
class DocContext:
    """Evidence from one document (built per call; never shared between documents)."""

    text: str
    lexicon: Lexicon
    prose_spans: list[tuple[int, int]]
    ngrams: frozenset[str]
    percents: frozenset[str]
    numbers: frozenset[str]
    abstract_numbers: frozenset[str]
    patient_counts: frozenset[str] = frozenset()
    abbreviations: dict[str, str] = field(default_factory=dict)
    citations: list[tuple[int, int, str]] = field(default_factory=list)
    prose: dict[str, bool] = field(default_factory=dict)  # in_prose, by phrase
    # Grows by one whenever ``abbreviations`` does: facts that read it are asked again after.
    generation: int = 0
    known_words: frozenset[str] = frozenset()
    covered: dict[tuple[str, int], tuple[tuple[int, int], ...]] = field(default_factory=dict)
    # The cell values' type-independent facts (``facts.CellFacts``) and their tokens' facts.
    facts: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, Any] = field(default_factory=dict)

    def add_abbreviations(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Definitions found in a table's footnotes; the document's own win over the lexicon.

        A value scored before a table's footnotes were read is scored again after: its score must
        not depend on which table of the document came first."""
        known = len(self.abbreviations)
        for short, long in pairs:
            self.abbreviations.setdefault(short, long)
        if len(self.abbreviations) != known:
            self.generation += 1

    def long_form(self, short: str) -> str | None:
        if short in self.abbreviations:
            return self.abbreviations[short]
        return self.lexicon.long_forms.get(short)

    def category(self, term: str) -> str | None:
        """Category of a term: lexicon first, then through the document's definition of it."""
        found = self.lexicon.category(term)
        if found:
            return found
        long = self.abbreviations.get(term)
        if long:
            return self.lexicon.category(long) or _category_of_phrase(long, self.lexicon)
        return None

    @cached_property
    def squashed(self) -> frozenset[str]:
        """The prose's runs of up to six words with their spaces dropped, lower-cased: built on first
        use, since only cells that lost their spaces (shredded tables) ask."""
        return frozenset(g for a, b in self.prose_spans for g in _squashed_ngrams(self.text[a:b]))

    def squashed_in_prose(self, value: str) -> bool:
        """Whether ``value`` is a run of prose words with the spaces dropped ("1×106" for "1 × 106",
        "Anti-BCMACAR-T" for "Anti-BCMA CAR-T"): a cell whose line-end space was lost."""
        return _squash(value) in self.squashed

    def in_prose(self, phrase: str) -> bool:
        """Whether the words of ``phrase`` occur together in the document's prose (case-insensitive)."""
        known = self.prose.get(phrase)
        if known is None:
            tokens = [w.lower() for w in words(phrase)]
            if not tokens:
                found = False
            elif len(tokens) <= NGRAM:
                found = " ".join(tokens) in self.ngrams
            else:
                found = all(" ".join(tokens[i:i + NGRAM]) in self.ngrams for i in range(len(tokens) - NGRAM + 1))
            known = self.prose[phrase] = found
        return known

    def bigram(self, left: str, right: str) -> bool:
        return f"{left.lower()} {right.lower()}" in self.ngrams

    def window_before(self, anchor: str) -> str:
        """The prose describing a cited item: from the previous citation up to ``anchor``'s citation.

        Reviews close the description of each study with its citation ("... (Abstract 2004) [12]."),
        so the text between two citations is what the document says about one study.
        """
        for i, (start, end, cited) in enumerate(self.citations):
            if re.search(rf"(?<![\d\w]){re.escape(anchor)}(?![\d])", cited):
                previous = self.citations[i - 1][1] if i else max(0, start - 1500)
                if start - previous > 2500:
                    previous = start - 2500
                return self.text[previous:end]
        return ""


SQUASHED_NGRAM = 6


def _squash(value: str) -> str:
    return "".join(value.split()).lower().strip(",.;:()[]")


def _squashed_ngrams(chunk: str) -> set[str]:
    tokens = chunk.split()
    return {_squash("".join(tokens[i:i + n])) for n in range(1, SQUASHED_NGRAM + 1)
            for i in range(len(tokens) - n + 1)}


def _category_of_phrase(phrase: str, lexicon: Lexicon) -> str | None:
    """Category of a long form by its words (a regimen's long form names its drugs)."""
    for token in re.split(r"\s*(?:,|\band\b|\bplus\b|/|\+)\s*", phrase):
        token = token.strip()
        if token:
            found = lexicon.category(token)
            if found:
                return found
    return None


def prose_spans(doc: IngestedText) -> list[tuple[int, int]]:
    """The parts of the text that are running prose: everything but tables, fragment runs and adverts."""
    excluded = [(s.start, s.end) for s in doc.sections if s.kind in ("table", "boilerplate")]
    excluded += [(r.start, r.end) for r in doc.fragment_runs]
    excluded.sort()
    spans: list[tuple[int, int]] = []
    pos = 0
    for start, end in excluded:
        if start > pos:
            spans.append((pos, start))
        pos = max(pos, end)
    if pos < len(doc.text):
        spans.append((pos, len(doc.text)))
    return spans


def build_context(doc: IngestedText, lexicon: Lexicon | None = None,
                  definitions: Iterable[tuple[str, str]] = ()) -> DocContext:
    lexicon = lexicon if lexicon is not None else load_lexicon()
    spans = prose_spans(doc)
    grams: set[str] = set()
    percents: set[str] = set()
    numbers: set[str] = set()
    abstracts: set[str] = set()
    counts: set[str] = set()
    citations: list[tuple[int, int, str]] = []
    for start, end in spans:
        chunk = doc.text[start:end]
        for line in chunk.split("\n\n"):
            tokens = [w.lower() for w in words(line)]
            for n in range(1, NGRAM + 1):
                for i in range(len(tokens) - n + 1):
                    grams.add(" ".join(tokens[i:i + n]))
        percents.update(m.group(1) for m in PERCENT_NUMBER.finditer(chunk))
        numbers.update(re.findall(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.]\d)", chunk))
        abstracts.update(m.group(1) for m in ABSTRACT_CITED.finditer(chunk))
        counts.update(m.group(1) or m.group(2) for m in PATIENTS_ANY.finditer(chunk))
        citations.extend((start + m.start(), start + m.end(), m.group()) for m in ANY_CITATION.finditer(chunk))
    context = DocContext(
        text=doc.text,
        lexicon=lexicon,
        prose_spans=spans,
        ngrams=frozenset(grams),
        percents=frozenset(percents),
        numbers=frozenset(numbers),
        abstract_numbers=frozenset(abstracts),
        patient_counts=frozenset(counts),
        citations=sorted(citations),
    )
    # The document's own definitions, read once by the abbreviation stage (inline, glossary, table
    # footnotes; misprints corrected), known to every table from the start.
    context.add_abbreviations(definitions)
    context.known_words = frozenset(g for g in grams if " " not in g and g.isalpha() and len(g) > 2)
    return context

"""The lexicons of ``pipeline/data`` (TSV, every row with its source): one loader, one alias index, one
case rule, shared by every stage.

Each entity label has one TSV with an ``alias`` column and the column that holds its canonical form.
Short all-capital aliases (MM, ALL, CR) match case-sensitively, since "all" and "cr" are ordinary
words; every other alias matches regardless of case (``case_sensitive`` is that rule, the only one).
Tables score cells by these terms, recognition matches them in text, records normalise with them.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from types import MappingProxyType

from rapidfuzz.distance import OSA


@cache
def load_rows(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``pipeline/data/<name>.tsv`` as dicts; read once per process, never modified."""
    path = resources.files("pipeline") / "data" / f"{name}.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        return tuple({k: (v or "").strip() for k, v in row.items() if k} for row in reader)


def optional_rows(name: str) -> tuple[dict[str, str], ...]:
    """``load_rows``, or nothing when the file is missing or unreadable: a stage that only refines its
    reading with a lexicon degrades instead of failing."""
    try:
        return load_rows(name)
    except (FileNotFoundError, OSError, UnicodeDecodeError, KeyError, ValueError):
        return ()


# label -> (lexicon file, column holding the canonical form)
LEXICONS: dict[str, tuple[str, str]] = {
    "TARGET": ("targets", "symbol"),
    "DISEASE": ("diseases", "canonical"),
    "AGENT": ("agents", "canonical"),
    "PRODUCT": ("products", "canonical"),
    "CELL_SOURCE": ("cell_sources", "canonical"),
    "CELL_LINE": ("cell_lines", "canonical"),
    "OUTCOME": ("outcomes", "canonical"),
    "ADVERSE_EVENT": ("adverse_events", "canonical"),
}


@dataclass(frozen=True)
class Entry:
    label: str
    normalized: str


# An ordinary lower-case word of a phrase ("lymphoma" in "large B-cell lymphoma"): a phrase that has one is a
# long form, which no ordinary word or other short form spells in another case.
_PLAIN_WORD = re.compile(r"(?<![\w-])[a-z]{4,}(?![\w-])")


def case_sensitive(alias: str) -> bool:
    """"CRs" must not match "CRS", nor "MM" match "mm"; "Daratumumab" may match "daratumumab", and a long form
    of several words may match in any case ("LARGE B-CELL LYMPHOMA" in a title in capitals, "Large B-Cell
    Lymphoma" in one in title case) even where a capital stands inside it."""
    if " " in alias and _PLAIN_WORD.search(alias):
        return False
    return any(c.isupper() for c in alias[1:]) or (len(alias) <= 5 and alias[:1].isupper())


@cache
def alias_index() -> dict[str, tuple[Entry, ...]]:
    """Alias (as written) -> entries. One alias may name entities of several labels (NK-92 is a
    cell line and a cell source); the caller decides by label priority."""
    index: dict[str, list[Entry]] = {}
    for label, (name, column) in LEXICONS.items():
        for row in load_rows(name):
            alias, canonical = row.get("alias", ""), row.get(column, "")
            if alias and canonical:
                entries = index.setdefault(alias, [])
                entry = Entry(label, canonical)
                if entry not in entries:
                    entries.append(entry)
    return {alias: tuple(entries) for alias, entries in index.items()}


@cache
def _folded_index() -> dict[str, tuple[Entry, ...]]:
    """Lower-cased alias -> entries, for the aliases that match regardless of case (first one wins)."""
    folded: dict[str, tuple[Entry, ...]] = {}
    for alias, entries in alias_index().items():
        if not case_sensitive(alias):
            folded.setdefault(alias.lower(), entries)
    return folded


def lookup(text: str, label: str | None = None) -> Entry | None:
    """The lexicon entry ``text`` names (exact, then case-insensitive for longer aliases)."""
    candidates = alias_index().get(text) or ()
    if not candidates and not case_sensitive(text):
        candidates = _folded_index().get(text.lower(), ())
    for entry in candidates:
        if label is None or entry.label == label:
            return entry
    return None


def entry_of_phrase(text: str, label: str | None = None) -> Entry | None:
    """The entry a phrase names: the phrase itself or its singular, else the longest run of its last words
    that is an alias ("malignant melanoma" -> melanoma). Only the end counts: the head of an English
    noun phrase comes last, so "haematopoietic stem cell transplantation" names a transplantation, not
    a cell source, and "G protein-coupled receptor class C group 5 member D" names nothing known."""
    found = lookup(text, label) or lookup(text.rstrip("s"), label)
    if found is not None:
        return found
    words = text.split()
    for start in range(1, len(words)):
        tail = " ".join(words[start:]).strip(",;:()")
        found = lookup(tail, label) or lookup(tail.rstrip("s"), label)
        if found is not None and len(tail) > 2:
            return found
    return None


@cache
def disease_modifiers() -> frozenset[str]:
    """First words (lower case) of the multi-word disease names ("hematological" of "hematological
    malignancies"), the words that can stand before "and" in "hematological and solid tumors"."""
    return frozenset(
        alias.split()[0].lower()
        for alias, entries in alias_index().items()
        if " " in alias and any(e.label == "DISEASE" for e in entries)
    )


@cache
def _targets_by_digits() -> dict[str, tuple[str, ...]]:
    """Target aliases of five characters or more, grouped by the digits they contain, in lexicon order."""
    groups: dict[str, list[str]] = {}
    for alias, entries in alias_index().items():
        if len(alias) >= 5 and any(e.label == "TARGET" for e in entries):
            groups.setdefault("".join(c for c in alias if c.isdigit()), []).append(alias)
    return {digits: tuple(aliases) for digits, aliases in groups.items()}


@lru_cache(maxsize=8192)
def near_target(token: str) -> Entry | None:
    """A gene-symbol-like token one edit (or one swap of neighbours) away from a known target alias.

    "GRPC5D" is GPRC5D with two letters swapped; the bound of one optimal-string-alignment edit
    keeps real symbols apart (CD33 is not a misspelling of CD38, so digits must agree). Cached, with a
    bound: the same tokens come back in every document, new ones with every document.
    """
    if len(token) < 5 or not token.isupper() and not any(c.isdigit() for c in token):
        return None
    digits = "".join(c for c in token if c.isdigit())
    for alias in _targets_by_digits().get(digits, ()):
        if abs(len(alias) - len(token)) <= 1 and OSA.distance(token, alias) == 1:
            return lookup(alias, "TARGET")
    return None


@cache
def _abbreviation_long_forms() -> MappingProxyType[str, str]:
    out: dict[str, str] = {}
    for row in optional_rows("abbreviations"):
        short, long_form = row.get("short_form", ""), row.get("long_form", "")
        if short and long_form:
            out.setdefault(short, long_form)
    return MappingProxyType(out)


@cache
def _centres() -> frozenset[str]:
    return frozenset(row["alias"] for row in optional_rows("centres") if row.get("alias"))


def is_centre(name: str) -> bool:
    """Whether ``name`` is a research centre's short form (``centres.tsv``): never a study's name, though
    review tables print one where a study name would stand ("FHCRC (NCT01865617)")."""
    return name in _centres()


def abbreviation_long_forms() -> MappingProxyType[str, str]:
    """Read-only ``{short_form: long_form}`` of ``abbreviations.tsv`` (the first row of a short form wins):
    what a short form a document uses without defining most likely stands for. Built once per process."""
    return _abbreviation_long_forms()

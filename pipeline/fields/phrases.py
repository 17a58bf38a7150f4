"""How a written name becomes the canonical value of a field: the document's definitions first, the lexicon next.

A cell or phrase ("FC", "Umbilical cord-derived", "R/R AML and MDS") is read through the document's
own abbreviations ("FC" is fludarabine and cyclophosphamide whatever a lexicon says) and then the
lexicons of ``pipeline/data``; every field that holds a lexicon term (disease, cell source, agents)
reads its cells through ``canonical``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.knowledge.lexicon import Entry, alias_index, case_sensitive, lookup
from pipeline.models import Abbreviation

_EMPTY = {"", "/", "-", "–", "—", "na", "n/a", "nr", "not available", "not stated", "not reported", "unknown"}


_NONE = {"none", "no", "nil", "0", "not observed", "none observed"}


@dataclass(frozen=True)
class Glossary:
    """The document's own short form -> long form pairs (not lexicon guesses)."""

    pairs: dict[str, str]

    @classmethod
    def from_abbreviations(cls, abbreviations: list[Abbreviation]) -> Glossary:
        pairs: dict[str, str] = {}
        for a in abbreviations:
            if a.source != "lexicon":
                pairs.setdefault(a.short_form, a.long_form)
                if a.short_form.endswith("s") and len(a.short_form) > 2:
                    pairs.setdefault(a.short_form[:-1], a.long_form.removesuffix("s"))
                else:
                    pairs.setdefault(a.short_form + "s", a.long_form + "s")
        return cls(pairs)

    def expand(self, text: str) -> str:
        """Replace whole tokens that are defined short forms by their long forms.

        A lower-case short form ("liso-cel") also matches when capitalised at the start of a cell
        ("Liso-cel"); short forms with capitals must match exactly (MM is not mm).
        """
        folded = {sf.lower(): lf for sf, lf in self.pairs.items() if sf == sf.lower()}

        def long_form(m: re.Match[str]) -> str:
            token = m.group()
            return self.pairs.get(token) or folded.get(token.lower(), token)

        return re.sub(r"(?<![\w-])[\w/-]+(?![\w-])", long_form, text)


def is_empty(cell: str) -> bool:
    return cell.strip().lower().rstrip("*†‡§ ") in _EMPTY


def is_none(cell: str) -> bool:
    return cell.strip().lower().rstrip(".*") in _NONE


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("*", "")).strip()


def canonical(text: str, label: str, glossary: Glossary) -> str:
    """Lexicon canonical form of a whole phrase (directly, singular, or via the document's
    abbreviations), else the longest lexicon alias inside it, else the expanded text lower-cased."""
    text = clean(text)
    if is_empty(text):
        return ""
    expanded = glossary.expand(text)
    if expanded != text:
        # The document's own definition comes first: in a text that defines "malignant melanoma (MM)",
        # a cell "MM" is melanoma, whatever the lexicon's MM is. Its words are read; only a definition
        # whose words name nothing known leaves the short form to the lexicon.
        found = _phrase(expanded, label)
        if found:
            return found
    for candidate in (text, text.rstrip("s")):
        entry = lookup(candidate, label)
        if entry:
            return entry.normalized
    return _phrase(expanded, label) or expanded.lower()


def _phrase(text: str, label: str) -> str:
    """Canonical form of a written-out phrase: the lexicon's entry for it (or its singular), else the
    longest lexicon alias inside it ("Healthy adult peripheral blood" is peripheral blood); a
    coordination ("R/R AML and MDS") part by part, but only when every part is known ("Hematological
    and solid tumors" stays as written). "" when nothing in it is known."""
    for candidate in (text, text.rstrip("s")):
        entry = lookup(candidate, label)
        if entry:
            return entry.normalized
    parts = [p for p in re.split(r"\s+(?:and|or|&)\s+|\s*[,;+]\s*", text) if p.strip()]
    if len(parts) > 1:
        resolved = [_longest_alias(part, label) for part in parts]
        return join_names(resolved, label) if all(resolved) else text.lower()
    return _longest_alias(text, label)


def join_names(names: list[str], label: str = "AGENT") -> str:
    """Several canonical names as SCHEMA.md writes them: diseases ``;``-joined in the order given; agents
    "a and b", three or more "a, b and c" (each name once)."""
    names = list(dict.fromkeys(n for n in names if n))
    if label == "DISEASE":
        return ";".join(names)
    if len(names) < 3:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


@cache
def _alias_pattern(label: str) -> tuple[re.Pattern[str], dict[str, Entry], dict[str, Entry]]:
    """One alternation of every alias of ``label`` (longest first), with the entries by exact alias
    and, for aliases that may match in any case, by lower-cased alias.

    Built once per process: compiling a pattern per alias per cell was the pipeline's hot spot.
    """
    exact: dict[str, Entry] = {}
    folded: dict[str, Entry] = {}
    for alias, candidates in alias_index().items():
        entry = next((e for e in candidates if e.label == label), None)
        if entry is not None:
            exact.setdefault(alias, entry)
            if not case_sensitive(alias):
                folded.setdefault(alias.lower(), entry)
    aliases = sorted(exact, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(a) for a in aliases) + r")(?![\w])", re.I)
    return pattern, exact, folded


def _matches(text: str, label: str) -> list[tuple[re.Match[str], Entry]]:
    """Alias matches of ``label`` in ``text`` (MM only as "MM", Daratumumab in any case)."""
    pattern, exact, folded = _alias_pattern(label)
    found = []
    for m in pattern.finditer(text):
        entry = exact.get(m.group()) or folded.get(m.group().lower())
        if entry is not None:
            found.append((m, entry))
    return found


def named_in(text: str, label: str) -> str:
    """Canonical form of the longest lexicon term of ``label`` that ``text`` contains ("" if none).

    A cell starts with a capital as a sentence does ("Autologous T cells"), which a case-sensitive alias
    ("autologous T cells") would miss; the cell is read as written and with its first letter lowered.
    """
    text = clean(text)
    return _longest_alias(text, label) or _longest_alias(text[:1].lower() + text[1:], label)


def _longest_alias(text: str, label: str) -> str:
    matches = _matches(text, label)
    if not matches:
        return ""
    return max(matches, key=lambda me: len(me[0].group()))[1].normalized

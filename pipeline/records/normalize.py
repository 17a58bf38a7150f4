"""Turn cell and phrase text into the canonical field values of SCHEMA.md.

Every normaliser reads the document's own abbreviations first (its "FC" is fludarabine and
cyclophosphamide whatever a lexicon says) and the shipped lexicons second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.knowledge.lexicon import Entry, alias_index, case_sensitive, lookup, near_target
from pipeline.knowledge.patterns import (
    ANY_THEN_GRADED_CELL,
    CAPTION_PHASE,
    GRADE,
    LEADING_COUNT,
    PERCENT_SLASH_PERCENT,
    RATE_AFTER_NAME,
    REFERENCE,
    TRIAL_ID,
    grade_value,
    normalize_trial_id,
)
from pipeline.models import Abbreviation
from pipeline.records.events import EventFacts, read_event, statement

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
        return " and ".join(resolved) if all(resolved) else text.lower()
    return _longest_alias(text, label)


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


def target_symbols(text: str) -> str:
    """HGNC symbols of every target named in ``text``, sorted and ``;``-joined."""
    symbols: set[str] = set()
    covered: list[tuple[int, int]] = []
    for m, entry in _matches(text, "TARGET"):
        covered.append((m.start(), m.end()))
        symbols.update(entry.normalized.split(";"))
    for m in re.finditer(r"[A-Za-z0-9]{5,}", text):
        if not any(s <= m.start() < e for s, e in covered):
            near = near_target(m.group())
            if near:
                symbols.update(near.normalized.split(";"))
    return ";".join(sorted(symbols))


_ROMAN_PHASES = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def phase(text: str) -> str:
    """Trial phase in Roman numerals, so "phase 1/2" and "phase I/II" compare equal."""
    parts = re.split(r"\s*/\s*", clean(text).upper())
    return "/".join(_ROMAN_PHASES.get(part, part) for part in parts if part)


def caption_phase(caption: str) -> str:
    """The phase a table's caption gives all its rows ("Phase 3 trials of CD19 CAR T cells"), when it names
    exactly one; a caption naming several ("phase 1 and 2 trials") says nothing about any one row."""
    found = {phase(m.group(1)) for m in CAPTION_PHASE.finditer(caption)}
    return found.pop() if len(found) == 1 else ""


def trial_ids(text: str) -> str:
    return ";".join(dict.fromkeys(normalize_trial_id(m.group()) for m in TRIAL_ID.finditer(text)))


def reference_number(text: str) -> str:
    m = REFERENCE.search(text) or re.fullmatch(r"\s*(?P<number>\d{1,3})\s*", text)
    return m.group("number") if m else ""


def abstract_number(text: str) -> str:
    m = re.search(r"\b\d{1,5}\b", text)
    return m.group() if m else ""


def count(text: str) -> int | None:
    m = LEADING_COUNT.match(text)
    return int(m.group(1)) if m else None


@dataclass
class EventStatement:
    """An adverse event as SCHEMA.md wants it: the statement and its integers."""

    statement: str = ""
    max_grade: int | None = None
    n: int | None = None


def event_from_cell(text: str, event: str) -> EventStatement | None:
    """Read one event out of a safety cell: "Grade 2 CRS: 1", "None", "CRS grade 1 (n = 2)"."""
    text = clean(text)
    if is_none(text):
        return EventStatement("none", 0, 0)
    m = re.search(rf"{GRADE.pattern}\s*{event}\s*[:=]?\s*(?P<n>\d+)?", text, flags=re.I)
    if not m:
        m = re.search(rf"{event}\s*(?:of\s+)?{GRADE.pattern}\s*[:=(]?\s*(?:n\s*=\s*)?(?P<n>\d+)?", text, flags=re.I)
    if not m:
        if re.search(r"\b(?:CRS|ICANS|GVHD|neurotoxicity)\b", text, re.I):
            return None  # the cell speaks of another event
        said, worst, n = statement(read_event("", " " + text))
        return EventStatement(said, worst, n) if said else None
    grade = grade_value(m.group("grade"))
    n = int(m.group("n")) if m.group("n") else None
    return EventStatement(event_statement(grade, n), grade, n)


# "CRS, any (grade ≥3 or severe)": the header says the cell is "any-grade rate (rate of grade ≥3)".
_ANY_THEN_GRADED = re.compile(r"\bany\s*\(\s*grade\s*(?P<op>≥|>=|>)?\s*(?P<g>[1-5])", re.I)
# "CRS any/≥G3" over "94%/38%": the same two rates, split by a slash.
# "any" may follow the event's name without a space where a rotated table lost its spaces ("CRSany").
_ANY_SLASH_GRADED = re.compile(
    r"(?:\b|(?<=[A-Z]))any\s*/\s*(?P<op>≥|>=|>)?\s*(?:grade|G)\s*(?P<op2>≥|>=|>)?\s*(?P<g>[1-5])", re.I
)


def event_any_and_graded(cell: str, header: str) -> EventStatement | None:
    """Read "77% (46%)" or "16 (80%)" under a header "CRS, any (grade ≥3 or severe)", or "94%/38%" under
    "CRS any/≥G3".

    The header gives the layout: the first figure is the any-grade rate (with the number of patients
    when a count stands before it), the one in parentheses the rate at the header's grade. A note the
    header does not announce ("(severe 30%)") is not read.
    """
    layout = _ANY_THEN_GRADED.search(header)
    m = ANY_THEN_GRADED_CELL.match(clean(cell)) if layout else None
    if layout is None:
        layout = _ANY_SLASH_GRADED.search(header)
        m = PERCENT_SLASH_PERCENT.match(clean(cell)) if layout else None
    if layout is None or m is None:
        return None
    op = layout.groupdict().get("op2") or layout.group("op")
    grade = int(layout.group("g")) + (1 if op == ">" else 0)
    label = f">={grade}" if op else str(grade)
    facts = EventFacts(any_pct=float(m.group("pct")))
    if m.group("graded"):
        facts.graded.append((label, None, float(m.group("graded"))))
    said, worst, _n = statement(facts)
    count = m.groupdict().get("n")
    return EventStatement(said, worst, int(count) if count else None)


def event_statement(grade: int | None, n: int | None) -> str:
    if grade is None:
        return "none" if n == 0 else ""
    who = f" in {n} patient{'s' if n != 1 else ''}" if n is not None else ""
    return f"grade {grade}{who}"


# "ORR 92.9%", "OR 48.6% at day 30", "CR rate of 66.7%": an outcome followed by its percentage (RATE_AFTER_NAME).


def outcome_rates(text: str) -> dict[str, float]:
    """ORR and CR percentages of a free-text outcome cell ("ORR 92.9%, CR 66.7%; 2-yr EFS 26.2%").

    Only a percentage right after the outcome's name counts, so "complete metabolic response in 1 of 3"
    gives no rate and a survival figure is never read as a response.
    """
    rates: dict[str, float] = {}
    for m, entry in _matches(text, "OUTCOME"):
        value = RATE_AFTER_NAME.match(text, m.end())
        if value and entry.normalized in ("ORR", "CR"):
            rates.setdefault(entry.normalized, float(value.group(1)))
    return rates


# Record field -> the abbreviation naming the event; its lexicon entry gives every name it goes by.
_EVENT_FIELDS = {"crs": "CRS", "icans": "ICANS", "gvhd": "GVHD"}
_RULED_OUT = re.compile(r"\b(?:no|without|neither)\s+(?P<items>[^;.]+)", re.I)
_LIST_SEPARATOR = re.compile(r"\s*(?:,|\bor\b|\bnor\b|\band\b)\s*", re.I)


def events_ruled_out(text: str, glossary: Glossary) -> list[str]:
    """Fields (``crs``, ``icans``, ``gvhd``) of the events a summary cell says did not occur:
    "no CRS, neurotoxicity or GVHD", "no CRS, ICANS or treatment-related death".

    Every item of the list after "no" must be a plain name; "no grade ≥3 CRS" bounds a grade, it does
    not rule the event out.
    """
    canonical = {}
    for key, short in _EVENT_FIELDS.items():
        entry = lookup(short, "ADVERSE_EVENT")
        canonical[entry.normalized if entry else short] = key
    found: list[str] = []
    for m in _RULED_OUT.finditer(text):
        for item in _LIST_SEPARATOR.split(m.group("items").strip()):
            if GRADE.search(item):
                continue
            entry = lookup(item, "ADVERSE_EVENT") or lookup(glossary.expand(item), "ADVERSE_EVENT")
            key = canonical.get(entry.normalized) if entry else None
            if key and key not in found:
                found.append(key)
    return found

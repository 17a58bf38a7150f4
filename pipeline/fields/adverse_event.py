"""Safety: cytokine release syndrome and other adverse events, neurotoxicity (ICANS), GVHD.

Summaries report an event as counts ("CRS occurred in 99 of the 117 patients and was of grade 3 in
10; no grade 4 or 5 CRS was recorded"), as rates ("grade ≥3 CRS in 38%"), or as its absence
("Neither CRS nor ICANS was observed"). All of them become one statement in a fixed order —
``any grade in 99 patients; grade 3 in 10 patients`` or ``any grade 94%; grade >=3 38%`` or ``none`` —
plus the integers of SCHEMA.md: the worst grade (only where higher grades are ruled out or the worst
possible grade is named) and the number of patients with the event. The same reading serves a table
cell ("Grade 2 CRS: 1", "77% (46%)" under "CRS, any (grade ≥3)") and a sentence of prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.fields.base import ColumnType, Field, Readings
from pipeline.fields.cell_facts import (
    FOOTNOTE_MARK,
    FRACTION,
    NO_PERCENT,
    NUMBER,
    NUMBER_PAREN,
    NUMBER_SLASH,
    PAIR,
    CellFacts,
)
from pipeline.fields.evidence import DocContext
from pipeline.fields.phrases import Glossary, clean, is_none
from pipeline.fields.score_settings import S
from pipeline.knowledge.gates import Gate
from pipeline.knowledge.lexicon import lookup
from pipeline.knowledge.patterns import (
    ANY_THEN_GRADED_CELL,
    GRADE,
    NUMBER_CELL,
    PARALLEL_PERCENTS,
    PERCENT_NUMBER,
    PERCENT_SLASH_PERCENT,
    RESPECTIVE_PERCENTS,
    grade_value,
)
from pipeline.knowledge.patterns import FOOTNOTE_MARK as FOOTNOTE_MARK_RE
from pipeline.knowledge.sentences import sentences
from pipeline.models import Column, Entity

ADVERSE_EVENTS = Field("adverse_events", ColumnType.ADVERSE,
                       words=("toxicity", "toxicities", "safety", "adverse"),
                       abbreviations=("CRS", "AE", "AEs", "TRAE", "TRAEs", "DLT", "DLTs"))

ICANS = Field("icans", ColumnType.ADVERSE, words=("neurotoxicity", "neurological", "neurologic"),
              abbreviations=("ICANS",))

GVHD = Field("gvhd", ColumnType.ADVERSE, abbreviations=("GVHD", "GvHD"))

FIELDS = (ADVERSE_EVENTS, ICANS, GVHD)

_NUMBER_WORDS = {"no": 0, "none": 0, "a single": 1, "single": 1,
                 "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}

_COUNT = r"(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+single)"

_PCT = r"(?P<pct>\d+(?:\.\d+)?)\s*%"

_GRADE = (r"(?:grade|gr\.?|G)\s*(?P<op>≥|>=|>)?\s*(?P<g1>[1-5])(?:\s*(?:–|-|to|or|/)\s*(?:grade\s*)?(?P<g2>[1-5]))?"
          r"(?P<up>\s+or\s+(?:higher|worse|above|greater|more))?")

# After a grade, its share: "in 38%", "in three (14%)", ": 4", ", in one patient", "(n=8)"; not a count that opens
# a clause of its own ("grade 1 or 2, one patient had grade 3").
_IN = (
    rf"(?:\s*\(\s*[nN]\s*=\s*|\)?(?:\s+events?)?(?:\s*(?:,\s*in|in|:|=|,)\s*|\s+)(?:(?:only|just)\s+)?)"
    rf"(?:{_PCT}|{_COUNT}\b(?!\s*%|[.,]\d|\s+(?:patients?|pts)\s+(?:had|developed|experienced)\b)"
    rf"(?:\s+of\s+(?:the\s+)?\d+)?"
    rf"(?:\s+patients?)?(?:\s*\(\s*\d+(?:\.\d+)?\s*%\s*\))?)"
)

# "grade 3 events in three (2.1%)": the noun "events" may stand between the grade and its count.
_GRADED = re.compile(_GRADE + _IN, re.I)

_ANY = re.compile(
    r"(?:of\s+any\s+grade\s+)?(?:(?:occurred|occurring|(?:was|were)\s+(?:reported|seen|observed|recorded)|developed)\s+in"
    r"|affected)\s+"
    r"(?:all\s+)?"
    rf"(?:{_PCT}|{_COUNT}\b(?!\s*%|[.,]\d)(?:\s+of\s+(?:the\s+)?\d+)?(?:\s+patients?)?)",
    re.I,
)

# After "grade 3–4 CRS": "developed in one patient (5%)", "in three (14%)", "in 38%".
_TAIL = re.compile(
    r"\s*(?:\([A-Za-z-]+\)\s*)?(?:(?:occurred|developed|was\s+(?:reported|seen|observed|recorded))\s+)?(?:in\s+)?"
    rf"(?:{_PCT}|{_COUNT}\b(?!\s*%|[.,]\d)(?:\s+patients?)?)",
    re.I,
)

# "13% had grade 3 or higher": a share of patients before the grade, after the event's name.
_PCT_HAD = re.compile(rf"(?<![\d.(]){_PCT}\s+(?:of\s+(?:the\s+)?patients\s+)?(?:had|developed|experienced)\s+"
                      rf"(?:(?:events?|cases?)\s+(?:of\s+)?)?{_GRADE}", re.I)

# "including one grade 5 event", "one grade 3 case", "(one grade 1 and one grade 2)", "with one patient experiencing
# grade 1 aphasia": a count written before the grade.
_COUNTED = re.compile(rf"\b{_COUNT}\s+{_GRADE}(?:\s+(?:events?|cases?|episodes?)\b|(?=\s*(?:[,;)]|and\b)))", re.I)
_WHO_GRADED = re.compile(rf"\b{_COUNT}\s+(?:patients?|pts)\s+(?:experiencing|having|with)\s+{_GRADE}", re.I)

# "all with grade 1–2 events", "all of grade 1–2", "limited to grade 1–2": every case lies in that grade band.
_ALL_WITHIN = re.compile(rf"(?:\b(?:all|both)\s+(?:with\s+|of\s+|at\s+|events\s+were\s+)?|\bevery\s+event\s+was\s+|"
                         rf"\b(?:limited|confined)\s+to\s+){_GRADE}", re.I)

_ANY_PCT = re.compile(rf"any(?:\s+grade)?\s*(?:in\s+|:\s*)?{_PCT}", re.I)

# The share right after the event's name, no verb between: "neurological events in 63% (grade ≥3, 31%)",
# "neurotoxicity in 18%", "ICANS in 7 (grade ≥3 in 1)", "some CRS (93%)", "CRS (49.7%)" in a list of events; or in
# brackets after a word or two that grade nothing: "CRS was almost universal (95%)", "CRS was frequent (20 of 27
# patients)".
_DIRECT = re.compile(rf"^\)?\s*(?:(?:\([A-Za-z-]+\)\s*)?(?:(?:was|were)\s+(?:[a-z]+\s+){{0,2}}?[a-z]+\s+)?"
                     rf"\(\s*(?:(?P<alone>\d+(?:\.\d+)?)\s*%|(?P<alone_n>\d+)\s+of\s+(?:the\s+)?\d+(?:\s+patients)?)"
                     rf"\s*\)"
                     rf"|(?:\([A-Za-z-]+\)\s*)?(?:in|:)\s+(?:only\s+)?"
                     rf"(?:{_PCT}|{_COUNT}\b(?!\s*%|[.,]\d)(?:\s+(?:of\s+(?:the\s+)?\d+\s+)?(?:patients?|pts))?))",
                     re.I)

# "only one patient developed", "Three of the nine patients developed" before a grade; the words between the patients
# and the verb name no other patients ("In 10 evaluated patients, only one patient developed grade 2 CRS" is one).
_WHO = re.compile(
    rf"\b(?:only\s+)?{_COUNT}\s+(?:of\s+(?:the\s+)?\w+\s+)?(?:[\w-]+\s+){{0,2}}(?:patients?|pts?)[\s,]+"
    r"(?:(?!(?:patients?|pts?)\b)[\w-]+\s+){0,3}(?:developed|had|experienced)\s*$", re.I
)

# "48.2% of patients had grade 1 or 2 CRS": the share of patients with the graded event, before it.
_PCT_WHO = re.compile(rf"{_PCT}\s+of\s+(?:the\s+|all\s+)?patients\s+(?:had|developed|experienced)\s*$", re.I)

_NO_HIGHER = re.compile(
    r"\b(?:no|none\s+of)\s+(?:higher[\s-]*grade|grade\s*(?:(?:≥|>=|>)\s*(?P<ge>[2-5])|(?P<lo>[2-5])"
    r"(?:\s*(?:or|and|–|-)\s*[3-5])?))"
    r"|\b(?:nothing|none|no\s+events?)\s+(?:higher|worse|above)\b|\bno\s+[\w-]+\s+of\s+higher\s+grade\b"
    r"|\bnone\s+(?:had|reached)\s+(?:a\s+)?higher\s+grade\b"
    r"|\bnone\s+had\s+(?:[\w-]+\s+){0,2}(?:of\s+)?grade\s*(?P<up>[2-5])\s+or\s+(?:higher|above|worse)\b",
    re.I,
)

# "reached grade 3 in one and never exceeded grade 3": said after the event, about that event only.
_NOT_EXCEEDING = re.compile(r"\b(?:never\s+exceeded|did\s+not\s+exceed|not\s+exceeding|none\s+exceeded)\s+grade\s*"
                            r"(?P<top>[1-4])\b",
                            re.I)

@dataclass
class EventFacts:
    any_n: int | None = None
    any_pct: float | None = None
    graded: list[tuple[str, int | None, float | None]] = field(default_factory=list)
    none: bool = False
    no_higher_than: int | None = None
    every: bool = False  # every patient had the event: its grades count them all
    seen: list[str] = field(default_factory=list)  # grades that occurred, with figures only per group (no part)

    @property
    def stated(self) -> bool:
        return self.none or self.any_n is not None or self.any_pct is not None or bool(self.graded or self.seen)

def _count(text: str | None) -> int | None:
    if text is None:
        return None
    text = " ".join(text.lower().split())
    return int(text) if text.isdigit() else _NUMBER_WORDS.get(text)

def _grade_label(m: re.Match[str]) -> str:
    if m.group("up"):  # "grade 3 or higher"
        return f">={m.group('g1')}"
    label = (">=" if m.group("op") else "") + m.group("g1")
    if m.group("op") == ">":
        label = f">={int(m.group('g1')) + 1}"
    return label + (f"-{m.group('g2')}" if m.group("g2") else "")


# "no grade ≥3 CRS", "no grade 4 or grade 5 CRS": a grade named after a negation bounds the event, it does not
# report it.
_NEGATED_GRADE = re.compile(r"\b(?:no|without|neither|nor|none\s+of)\s+(?:(?:grade\s*)?\d\s*(?:or|and|,|/)\s*)*$", re.I)
# "including one fatal event", "one of whom had a fatal (grade 5) event": a fatal event is of grade 5.
_FATAL = re.compile(rf"\b{_COUNT}\s+(?:of\s+(?:whom|them)\s+had\s+an?\s+|was\s+)?fatal(?:\s+(?:events?|cases?))?", re.I)
# "one patient died of cytokine release syndrome": a death from the event is an event of grade 5.
_DIED_OF = re.compile(rf"\b{_COUNT}\s+(?:(?:patients?|pts)\s+)?died\s+(?:of|from)\s+$", re.I)
# "The worst CRS was grade 4": the grade no event exceeded, said before the event's name and after it.
_WORST_BEFORE = re.compile(r"\b(?:worst|highest|maximum)\s+$", re.I)
_WORST_AFTER = re.compile(r"^\s*(?:grade\s+)?was\s+(?:grade|G)\s*(?P<top>[1-5])\b", re.I)
# "Every patient developed CRS: grade 1 in 4, grade 2 in 11 and grade 4 in 1": the grades count every patient with it.
_EVERY_PATIENT = re.compile(r"\b(?:every|each)\s+(?:patient|pt)\s+(?:developed|experienced|had)\s*$", re.I)
# "All 20 patients developed", "Eight patients developed", "all five developed": every patient counted had the event
# ("All 20 patients had CRS, of grade 1–2 in 18 ..." is read by its grades, the gold's convention for "had").
_COUNT_BEFORE = re.compile(
    rf"(?:\b(?:all|every)\s+)?\b{_COUNT}\s+(?:(?:patients?|pts|adults|of\s+them)\s+)?"
    r"(?:developed|experienced|(?<=\ball\s\d\s)had|(?<=\ball\s\d\d\s)had|(?<=\ball\s\d\d\d\s)had)\s*$", re.I)
# "Two patients had CRS" counts them too, but not "All 20 patients had CRS, of grade 1–2 in 18 ...".
_HAD_BEFORE = re.compile(rf"(?<!\ball\s)(?<!\bevery\s)\b{_COUNT}\s+(?:patients?|pts|adults|children)\s+had\s*$", re.I)

def read_event(before: str, after: str) -> EventFacts:
    """Facts about one event from the words right before its mention and the clause after it."""
    facts = EventFacts()
    pre = re.search(_GRADE + r"[\s-]*$", before, re.I)
    if pre and _NEGATED_GRADE.search(before[: pre.start()]):
        pre = None  # "no grade ≥3 CRS was observed": a bound, read by _read_bound
    counted = None if pre else _COUNT_BEFORE.search(before) or _HAD_BEFORE.search(before)
    if counted:
        facts.any_n = _count(counted.group("n"))
    facts.every = not pre and bool(_EVERY_PATIENT.search(before))
    died = _DIED_OF.search(before)
    if died:
        facts.graded.append(("5", _count(died.group("n")), None))
    read_to = 0
    if pre:
        who = _WHO.search(before[: pre.start()])
        n = _count(who.group("n")) if who else None
        share = _PCT_WHO.search(before[: pre.start()])
        tail = _TAIL.match(after)
        pct = float(share.group("pct")) if share else None
        if tail:
            read_to = tail.end()
            n = n if n is not None else _count(tail.group("n"))
            pct = float(tail.group("pct")) if tail.group("pct") else pct
        facts.graded.append((_grade_label(pre), n, pct))
    any_match = _ANY.search(after[read_to : read_to + 80])
    if facts.any_n is not None:
        pass
    elif any_match:
        if not (any_match.group("pct") and _per_group(after, read_to + any_match.start("pct"))):
            facts.any_n = _count(any_match.group("n"))
            facts.any_pct = float(any_match.group("pct")) if any_match.group("pct") else None
    else:
        pct = _ANY_PCT.search(after[:40])
        direct = None if pre else _DIRECT.match(after)
        if pct:
            facts.any_pct = None if _per_group(after, pct.start("pct")) else float(pct.group("pct"))
        elif direct:
            facts.any_n = _count(direct.group("n") or direct.group("alone_n"))
            rate = direct.group("pct") or direct.group("alone")
            facts.any_pct = float(rate) if rate else None
    for m in _GRADED.finditer(after):
        if (pre and m.start() == 0) or _NEGATED_GRADE.search(after[: m.start()]):
            continue
        if m.group("pct") and _per_group(after, m.start("pct")):
            facts.seen.append(_grade_label(m))  # "grade 3 in 2.1% and 0.7%": each cohort's, but it occurred
            continue
        facts.graded.append((_grade_label(m), _count(m.group("n")), float(m.group("pct")) if m.group("pct") else None))
    for m in (*_COUNTED.finditer(after), *_WHO_GRADED.finditer(after)):
        _add_grade(facts, _grade_label(m), _count(m.group("n")))
    for m in _PCT_HAD.finditer(after):  # "(93%), and 13% had grade 3 or higher"
        if all(known != _grade_label(m) for known, _n, _p in facts.graded):
            facts.graded.append((_grade_label(m), None, float(m.group("pct"))))
    for m in _FATAL.finditer(after):
        _add_grade(facts, "5", _count(m.group("n")))
    _read_bound(facts, before, after)
    worst = _WORST_AFTER.match(after) if _WORST_BEFORE.search(before) else None
    if worst:
        facts.no_higher_than = int(worst.group("top"))
    return facts

def _per_group(text: str, at: int) -> bool:
    """Whether the percentage at ``text[at:]`` is one group's beside another's ("79.0% (QW) and 74.5% (Q2W)")."""
    return PARALLEL_PERCENTS.match(text, at) is not None


def _add_grade(facts: EventFacts, label: str, n: int | None) -> None:
    """A grade band not read yet ("including one grade 5 event" after "grade ≥3 in seven")."""
    if all(known != label for known, _n, _p in facts.graded):
        facts.graded.append((label, n, None))

def _read_bound(facts: EventFacts, before: str, after: str) -> None:
    """The worst grade the text allows: "no grade 4 or 5", "none of grade ≥3", "never exceeded grade 3",
    "all of grade 1–2" (the last also names the band every case falls in)."""
    every = _ALL_WITHIN.search(after)
    if every:
        _add_grade(facts, _grade_label(every), None)
        facts.no_higher_than = _upper(_grade_label(every))
    top = _NOT_EXCEEDING.search(after)
    if top:
        facts.no_higher_than = int(top.group("top"))
    # "none had CRS of grade 2 or higher": the bound may run across the event's name.
    bound = _NO_HIGHER.search(after) or _NO_HIGHER.search(before) or \
        _NO_HIGHER.search(before[-40:] + " event " + after[:60])
    if bound:
        if bound.group("ge"):
            facts.no_higher_than = int(bound.group("ge")) - 1
        elif bound.group("lo") or bound.group("up"):
            facts.no_higher_than = int(bound.group("lo") or bound.group("up")) - 1
        elif facts.graded:
            facts.no_higher_than = max(int(re.sub(r"\D", "", g[0][-1])) for g in facts.graded)

def _every_patient(facts: EventFacts) -> EventFacts:
    """"Every patient developed CRS: grade 1 in 4, grade 2 in 11 and grade 4 in 1": the counts from grade 1 up
    add up to the patients with the event."""
    counts = [c for _l, c, _p in facts.graded]
    if not facts.every or facts.any_n is not None or facts.any_pct is not None or not counts or None in counts \
            or not any(label.startswith("1") for label, _c, _p in facts.graded):
        return facts
    return EventFacts(any_n=sum(c for c in counts if c is not None), graded=list(facts.graded),
                      no_higher_than=facts.no_higher_than, seen=list(facts.seen))


def _upper(label: str) -> int:
    """The highest grade a band label covers ("1-2" -> 2, "3" -> 3, ">=3" -> 5)."""
    return 5 if label.startswith(">=") else int(label[-1])

def _lower(label: str) -> int:
    return int(label.removeprefix(">=")[0])

def _whole_band(facts: EventFacts) -> EventFacts:
    """When higher grades are ruled out and one band from grade 1 up to the bound is all that is
    stated ("CRS in 71 patients: grade 1–2 in 57.7% and no grade ≥3"; "ICANS in four patients, did not
    exceed grade 2"), every patient with the event is in that band: ``grade 1-2 in 71 patients``."""
    top, n = facts.no_higher_than, facts.any_n
    if top is None or n is None or len(facts.graded) > 1:
        return facts
    if not facts.graded:
        band = f"1-{top}" if top > 1 else "1"
    else:
        band, count, _pct = facts.graded[0]
        if count is not None or band.startswith(">=") or _lower(band) != 1 or _upper(band) != top:
            return facts
    return EventFacts(graded=[(band, n, None)], no_higher_than=top, seen=list(facts.seen))

def statement(facts: EventFacts, counted_is_all: bool = False) -> tuple[str, int | None, int | None]:
    """(statement, max grade, patients with the event) as SCHEMA.md writes them. With ``counted_is_all`` (prose,
    which states what it counts), events counted grade by grade and nothing else are all the events: "two patients
    had grade 1 CRS" is a worst grade of 1."""
    if facts.none and not facts.graded and facts.any_n is None and facts.any_pct is None:
        return "none", 0, 0
    facts = _whole_band(_every_patient(facts))
    parts: list[str] = []
    if facts.any_n is not None:
        parts.append(f"any grade in {facts.any_n} patient{'s' if facts.any_n != 1 else ''}")
    elif facts.any_pct is not None:
        parts.append(f"any grade {facts.any_pct:g}%")
    for label, n, pct in facts.graded:
        if n is not None:
            parts.append(f"grade {label} in {n} patient{'s' if n != 1 else ''}")
        elif pct is not None:
            parts.append(f"grade {label} {pct:g}%")
    if not parts:  # only grades without figures: a case report's "grade 3 CRS" is all it says
        parts = [f"grade {label}" for label, _n, _p in facts.graded]
    # A band's top counts when higher grades are ruled out ("grade 1-2 ... no grade ≥3" -> 2).
    grades = [_upper(label) for label in [g[0] for g in facts.graded] + facts.seen if not label.startswith(">=")]
    worst = max(grades, default=None)
    named_five = any(label == "5" for label, _n, _p in facts.graded)
    max_grade = 5 if named_five else worst if worst is not None and facts.no_higher_than == worst else None
    counts = [c for _l, c, _p in facts.graded]
    top = max(facts.graded, key=lambda g: _upper(g[0]))[0] if facts.graded else ""
    if max_grade is None and worst is not None and facts.any_n and None not in counts and top.isdigit() and \
            sum(counts) == facts.any_n and any(label.startswith("1") for label, _c, _p in facts.graded):
        max_grade = worst  # every patient with the event is in a band: "All 38 had CRS, grade 1–2 in 37 and 3 in one"
    if counted_is_all and max_grade is None and worst is not None and facts.any_n is None and facts.any_pct is None \
            and None not in counts and all(label.isdigit() for label, _c, _p in facts.graded):
        max_grade = worst  # the events are counted grade by grade and nothing else: "two patients had grade 1 CRS"
    n = facts.any_n
    # Counts per grade add up to the patients with the event only when no all-grade percentage shows
    # they are a subset ("any grade 67%; grade 5 in 1 patient" says nothing of how many had CRS).
    if n is None and facts.any_pct is None and facts.graded and all(c is not None for _l, c, _p in facts.graded):
        bins_from_one = any(label.startswith("1") for label, _c, _p in facts.graded)
        if bins_from_one or max_grade is not None:
            n = sum(c for _l, c, _p in facts.graded)  # type: ignore[misc]
    return "; ".join(parts), max_grade, n

def one_grade(said: str) -> int | None:
    """The grade of a statement that names one grade and nothing else ("grade 3"), else None."""
    m = re.fullmatch(r"grade ([1-5])", said.strip())
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

_GRADED_HEADER = re.compile(r"\s*(grade\s*(?:≥|>=|>)?\s*\d)", re.I)

def _named_as_printed(said: str, event_words: str, role: str, glossary: Glossary) -> str:
    """An ICANS column that counts something broader ("Grade ≥3 neurological AEs") keeps that name in the
    statement ("grade >=3 neurological adverse events 21%"): the table does not say the events were ICANS.
    A column headed by one of ICANS's own names ("Grade ≥3 ICANS", "neurotoxicity") needs no name."""
    words = clean(event_words)
    if role != "icans" or not words or not said.startswith("grade "):
        return said
    if lookup(words, "ADVERSE_EVENT") or lookup(glossary.expand(words), "ADVERSE_EVENT"):
        return said
    grade, _, rest = said.partition(" ")[2].partition(" ")
    return f"grade {grade} {glossary.expand(words).lower()} {rest}".strip()

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

# Record field -> the abbreviation naming the event (its canonical name comes from the lexicon).
_EVENTS = {"crs": "CRS", "icans": "ICANS", "gvhd": "GVHD"}

_NEGATION = re.compile(r"\b(?:neither|nor|no|without|none|not observed|absent)\b", re.I)

# "no higher-grade CRS", "no grade 4 or 5 CRS": a bound on the grade, not the absence of the event.
_QUALIFIED = re.compile(
    r"(?:higher|high|severe|grade\s*(?:≥|>=|>)?\s*\d(?:\s*(?:or|and|–|-)\s*\d)?)[\s-]*(?:grade)?\s*$", re.I
)

_HIGHER = re.compile(r"(?:higher|high|severe)[\s-]*(?:grade)?\s*$", re.I)

def read_prose(text: str, start: int, end: int, inside: list[Entity], out: Readings) -> None:
    """Each event's statement from the sentences of ``text[start:end]`` that mention it.

    A negation ("Neither CRS nor ICANS was observed", "None of the patients had CRS, ICANS or GVHD") gives
    ``none``; one bounded by a grade ("no higher-grade CRS") only bounds the worst grade of what the sentence
    states; "no new events since the last report" says nothing of whether any occurred. Neurological events
    stand for ICANS only in prose that does not name ICANS itself.
    """
    events = [x for x in inside if x.label == "ADVERSE_EVENT"]
    names = {key: {event, canonical.normalized} if (canonical := lookup(event, "ADVERSE_EVENT")) else {event}
             for key, event in _EVENTS.items()}
    kinds = {name: key for key, group in names.items() for name in group} | dict.fromkeys(_NEUROLOGICAL, "icans")
    for key in _EVENTS:
        merged, quotes = _merged(text, start, end, events, names[key], kinds)
        if not merged.stated and key == "icans":
            merged, quotes = _merged(text, start, end, events, _NEUROLOGICAL, kinds)
        if not merged.stated:
            continue
        said, worst, n = statement(merged, counted_is_all=True)
        out.fields[key] = said
        if key == "crs":
            out.fields["crs_max_grade"] = worst
        if key != "gvhd":
            out.fields[f"{key}_n"] = n
        out.evidence.extend(quotes)


# The broader name of neurotoxicity in trial reports (adverse_events.tsv), read as ICANS where ICANS is not named.
_NEUROLOGICAL = {"neurological event"}
# Between two events of one list: "CRS, ICANS, or GVHD", "CRS nor ICANS".
_LIST_BETWEEN = re.compile(r"\s*(?:,\s*(?:or|and|nor)?|or|and|nor|and/or)\s*", re.I)
# "no new events of neurotoxicity have occurred since the 1-year follow-up": not an absence.
_NOT_ABSENCE = re.compile(r"\bno\s+(?:new|further|additional|late|more)\b|\bsince\s+(?:the\s+)?(?:last|previous|prior|"
                          r"\d|data|report|update|follow)", re.I)


def _merged(text: str, start: int, end: int, events: list[Entity], names: set[str],
            kinds: dict[str, str]) -> tuple[EventFacts, list[str]]:
    merged = EventFacts()
    quotes: list[str] = []
    for s, e in sentences(text, start, end):
        mentions = [x for x in events if x.normalized in names and s <= x.start < e]
        if not mentions:
            continue
        facts = EventFacts()
        respective = _respective(text, s, e, [x for x in events if s <= x.start < e], mentions[0], kinds)
        for mention in mentions:
            # The clause of a mention runs from the previous event mention to the next one (and no further than
            # the figures a "respectively" gives each event).
            previous = [x for x in events if s <= x.end <= mention.start]
            previous_end = max([x.end for x in previous], default=s)
            later = [x.start for x in events if x.start >= mention.end and x.start < e]
            clause_end = min(later, default=e)
            if respective and mention.end <= respective[0]:
                clause_end = min(clause_end, respective[0])
            before = text[previous_end : mention.start]
            if _NOT_ABSENCE.search(text[s:e]):
                continue
            # After another event's statement the negation must be in this event's own clause ("... grade 2
            # in 1 — and no ICANS was observed", not "... with no grade 5 events — and ICANS in 4%"); in a
            # list of events ("no CRS, ICANS or GVHD") it is the list's.
            clause = re.split(r"[;,—–]|\band\b|\bbut\b|\bwith\b", before)[-1]
            listed = not previous or _LIST_BETWEEN.fullmatch(before)
            if _absent(text, s, mention, previous) and not re.search(r"\d", before if listed else clause) and \
                    (listed or _NEGATION.search(clause)):
                facts.none = True  # "Neither CRS nor ICANS was observed in 9 patients"
            else:
                _combine(facts, read_event(before, text[mention.end : clause_end]))
        if respective:
            _with_figure(facts, respective[1], respective[2])
        if facts.stated:
            _combine(merged, facts)
            quotes.append(" ".join(text[s:e].split()))
    return merged, quotes


# "..., respectively": the figures right before it, one per event named before them, in order.
_RESPECTIVELY = re.compile(r",?\s*\brespectively\b", re.I)
# How far before "respectively" its figures may start: a list of a few events' rates.
_RUN_WINDOW = 160


def _respective(text: str, s: int, e: int, sentence_events: list[Entity], mention: Entity,
                kinds: dict[str, str]) -> tuple[int, str, float] | None:
    """(where the figures start, grade label or "any", figure) that a "respectively" gives the event of
    ``mention``: "grade ≥3 CRS and grade ≥3 neurological events affected 24% and 25% of patients,
    respectively", "CRS developed in 42% and neurological events in 30%, and grade 3 or higher events occurred
    in 2% and 10%, respectively". The grade is the one named after the last event (said of all), else the
    one before this event's name; the events are those named before the figures, each kind once, in order."""
    said = _RESPECTIVELY.search(text, s, e)
    if said is None:
        return None
    floor = max(s, said.start() - _RUN_WINDOW)
    run = RESPECTIVE_PERCENTS.search(text, floor, said.start())
    if run is None:
        return None
    listed = [x for x in sentence_events if x.end <= run.start()]
    order = list(dict.fromkeys(kinds.get(x.normalized, x.normalized) for x in listed))
    figures = [float(f) for f in PERCENT_NUMBER.findall(run.group())]
    kind = kinds.get(mention.normalized, mention.normalized)
    if kind not in order or len(order) != len(figures):
        return None
    own = [x for x in listed if kinds.get(x.normalized, x.normalized) == kind][-1]
    after_last = list(re.finditer(_GRADE, text[max(x.end for x in listed) : run.start()], re.I))
    before_own = re.search(_GRADE + r"[\s-]*$", text[max(s, own.start - 40) : own.start], re.I)
    grade = after_last[-1] if after_last else before_own
    return run.start(), _grade_label(grade) if grade else "any", figures[order.index(kind)]


def _with_figure(facts: EventFacts, label: str, pct: float) -> None:
    """The figure a "respectively" gives: the any-grade rate, or the rate of a grade band (in place of the same
    band read without a figure)."""
    if label == "any":
        facts.any_pct = pct if facts.any_pct is None else facts.any_pct
        return
    facts.graded = [g for g in facts.graded if not (g[0] == label and g[1] is None and g[2] is None)]
    if all(g[0] != label for g in facts.graded):
        facts.graded.append((label, None, pct))


def _absent(text: str, sentence_start: int, mention: Entity, previous: list[Entity]) -> bool:
    """Whether the sentence says the event did not occur: a negation right before it, or before the first
    event of the list it ends ("None of the eleven patients had CRS, ICANS, or GVHD")."""
    first, chain = mention, sorted(previous, key=lambda x: x.start, reverse=True)
    for x in chain:
        if _LIST_BETWEEN.fullmatch(text, x.end, first.start):
            first = x
        else:
            break
    start = max([x.end for x in previous if x.end <= first.start], default=sentence_start)
    return _negated(text, start, first.start)


def _combine(into: EventFacts, facts: EventFacts) -> None:
    into.none = into.none or facts.none
    into.any_n = into.any_n if into.any_n is not None else facts.any_n
    into.any_pct = into.any_pct if into.any_pct is not None else facts.any_pct
    into.graded.extend(g for g in facts.graded if g not in into.graded)
    into.no_higher_than = into.no_higher_than if into.no_higher_than is not None else facts.no_higher_than
    into.every = into.every or facts.every
    into.seen.extend(g for g in facts.seen if g not in into.seen)

def _negated(text: str, sentence_start: int, at: int) -> bool:
    before = text[sentence_start:at]
    return bool(_NEGATION.search(before)) and not _QUALIFIED.search(before)


# What a header says its figures are, journal style: "CRS, any / ≥3, %", "CRS, % (grade ≥3)", "Severe CRS, %",
# "CRS grade ≥3, %", "Grade ≥3 CRS, n (%)", "CRS, n", "CRS/ICANS/GVHD, n".
_ANY_AND_GRADE = re.compile(r"\bany\b[^()]*?(?:/|\()\s*(?:grade|G)?\s*(?P<op>≥|>=|>)\s*(?:grade|G)?\s*(?P<g>[1-5])"
                            r"|%\s*\(\s*(?:grade|G)\s*(?P<op2>≥|>=|>)\s*(?P<g2>[1-5])\s*\)", re.I)
_ONE_GRADE = re.compile(r"\b(?:grade|G)\s*(?P<op>≥|>=|>)\s*(?P<g>[1-5])|(?P<severe>\bsevere\b)", re.I)
_COUNTS = re.compile(r"(?:^|[\s,(])n\b(?!\s?/)", re.I)
_HEADER_EVENTS = (("CRS", re.compile(r"\bCRS\b|cytokine", re.I)),
                  ("ICANS", re.compile(r"\bICANS\b|neurotox|neurolog|\bNE\b", re.I)),
                  ("GVHD", re.compile(r"\bGv?HD\b", re.I)))
# A header that says its figures are percentages: "..., %", "... (%)".
_PERCENT_COLUMN = re.compile(r"\s*(?:,\s*%|\(\s*%\s*\))\s*$")
_OWN_NAMES = re.compile(r"\b(?:CRS|ICANS|GV?HD)\b|neurotox", re.I)
_FIGURES = re.compile(r"\s*(?:/|\(|\)|;)\s*")
_FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s?%?|NR|NA|NE|N/A")


def _header_figures(header: str, role: str) -> tuple[list[str], list[str], bool] | None:
    """(events, the grade of each figure, whether the figures are patients) a safety header announces
    for cells of bare figures, or ``None`` when it announces no such layout."""
    events = [name for name, pattern in _HEADER_EVENTS if pattern.search(header)]
    if not events:
        events = ["ICANS"] if role == "icans" else ["GVHD"] if role == "gvhd" else []
    if not events:
        return None
    both = _ANY_AND_GRADE.search(header)
    one = _ONE_GRADE.search(header)
    if both:
        grade = both.group("g") or both.group("g2")
        op = both.group("op") or both.group("op2")
        grades = ["any", f">={int(grade) + (op == '>')}"]
    elif one:
        grades = [">=3" if one.group("severe") else f">={int(one.group('g')) + (one.group('op') == '>')}"]
    else:
        grades = ["any"]
    return events, grades, bool(_COUNTS.search(header))


def _cell_figures(cell: str, counts: bool) -> list[float | None] | None:
    """The figures of a cell in order ("93 / 13", "85 (9)", "28 (47.5)"), ``None`` for "NR"; ``None``
    for a cell of words. A count's percentage in brackets ("28 (47.5)") is not a figure of its own."""
    bare = FOOTNOTE_MARK_RE.sub("", clean(cell)).strip()
    if not bare or not (bare[0].isdigit() or bare[:2] in ("NR", "NA", "NE")):
        return None
    figures: list[float | None] = []
    for part in (p for p in _FIGURES.split(bare) if p):
        m = _FIGURE.fullmatch(part)
        if not m:
            return None
        figures.append(float(m.group(1)) if m.group(1) else None)
    if counts and len(figures) == 2 and "(" in bare and "/" not in bare:
        figures = figures[:1]
    return figures


def _read_figures(cell: str, column: Column, record: dict[str, object]) -> bool:
    """A cell of bare figures under a header that says what they are; whether it was one."""
    layout = _header_figures(column.name, column.field)
    if layout is None or "%" in cell or (_GRADED_HEADER.match(column.name) and not _OWN_NAMES.search(column.name)):
        # "6 (30%)", "77% (46%)" are read below, and so is "Grade ≥3 neurological AEs", whose statement
        # keeps the header's name.
        return False
    events, grades, counts = layout
    text = FOOTNOTE_MARK_RE.sub("", clean(cell)).strip()
    if len(events) > 1 and "/" in text:
        parts = [p.strip() for p in text.split("/")]
        if len(parts) != len(events):
            return False
        done = [_add_figures(p, event, grades, counts, record) for event, p in zip(events, parts, strict=True)]
        return all(done)
    if len(events) > 1:
        return False
    return _add_figures(text, events[0], grades, counts, record)


def _add_figures(text: str, event: str, grades: list[str], counts: bool, record: dict[str, object]) -> bool:
    key = event.lower()
    if is_none(text) and not (text == "0" and not counts):
        record[key] = "none"
        if key != "gvhd":
            record[f"{key}_n"] = 0
        if key == "crs":
            record["crs_max_grade"] = 0
        return True
    m = re.fullmatch(r"(\d+)\s*\((.+)\)", text) if counts else None
    extra = m.group(2) if m and not _FIGURE.fullmatch(m.group(2).strip()) else None
    figures = _cell_figures(m.group(1) if extra else text, counts)
    if figures is None or len(figures) > len(grades) and not counts:
        return False
    facts = record.setdefault(f"_{key}_facts", EventFacts())
    assert isinstance(facts, EventFacts)
    for grade, value in zip(grades, figures, strict=False):
        if value is None:
            continue
        if grade == "any":
            if counts:
                facts.any_n = int(value)
            else:
                facts.any_pct = value
        else:
            facts.graded.append((grade, int(value) if counts else None, None if counts else value))
    if extra:  # "19 (grade 3: 1)", "6 (all grade 1–2)"
        more = read_event("", " " + extra)
        facts.graded.extend(g for g in more.graded if g not in facts.graded)
        facts.no_higher_than = more.no_higher_than
    if not facts.stated:
        return True
    said, worst, n = statement(facts)
    record[key] = said
    if key == "crs":
        record["crs_max_grade"] = worst
    if key != "gvhd":
        record[f"{key}_n"] = facts.any_n if facts.any_n is not None else n
    return True


_LISTED = re.compile(r"(?P<event>CRS|ICANS|GvHD|GVHD)\s+(?P<pct>\d+(?:\.\d+)?)\s*%\s*(?:\((?P<note>[^()]*)\))?\s*$")
_MAX_GRADE = re.compile(r"\bmax(?:imum)?\.?\s*(?:grade|G)\s*(?P<g>[1-5])\b"
                        r"|\ball\s+(?:grade|G)\s*1\s*[–-]\s*(?P<top>[1-5])\b", re.I)


def _read_listed(cell: str, column: Column, record: dict[str, object]) -> bool:
    """A safety cell that lists its events with their rates, "CRS 72% (G3 1%); ICANS 3%", "CRS 58% (max
    G2)": each event its any-grade rate, the grades in brackets, the worst grade where it is named."""
    parts = [p.strip() for p in FOOTNOTE_MARK_RE.sub("", clean(cell)).split(";") if p.strip()]
    named = [name for name, pattern in _HEADER_EVENTS if pattern.search(column.name)]
    if (len(parts) == 1 and len(named) == 1 and parts[0][:1].isdigit() and not _ONE_GRADE.search(column.name)
            and not re.search(r"\bany\b", column.name, re.I)):
        parts = [f"{named[0]} {parts[0]}"]  # "94.6% (all G1–2)" under "CRS"
    found = [_LISTED.match(p) for p in parts]
    if not parts or not all(found):
        return False
    for m in found:
        assert m is not None
        key = "gvhd" if m.group("event").upper() == "GVHD" else m.group("event").lower()
        facts = EventFacts(any_pct=float(m.group("pct")))
        note = m.group("note") or ""
        for graded in _GRADED.finditer(note):
            pct = float(graded.group("pct")) if graded.group("pct") else None
            facts.graded.append((_grade_label(graded), None, pct))
        said, worst, _n = statement(facts)
        record[key] = said
        bound = _MAX_GRADE.search(note)
        if key == "crs":
            record["crs_max_grade"] = int(bound.group("g") or bound.group("top")) if bound else worst
    return True


def read_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    """A safety cell: the events its header names ("CRS", "Grade ≥3 ICANS"; both CRS and ICANS when it
    names neither), read with the grades the header gives ("Grade ≥3 CRS" over "6%") or the layout it
    announces ("CRS any/≥G3" over "94%/38%", "CRS, % (grade ≥3)" over "85 (9)", "CRS/ICANS/GVHD, n" over
    "0/0/0"); figures of several columns of one event add up ("CRS, n (%)" and "Grade ≥3 CRS, n (%)")."""
    if _read_figures(cell, column, record) or _read_listed(cell, column, record):
        return
    role, header = column.field, column.name
    events = ("CRS", "ICANS") if role == "adverse_events" else ("ICANS",)
    named = [e for e in events if e.lower() in header.lower()] or list(events)
    graded = _GRADED_HEADER.match(header)
    for event in named:
        if graded:
            value = clean(cell)
            if _PERCENT_COLUMN.search(header) and NUMBER_CELL.fullmatch(value):
                value += "%"  # "28" under "Grade ≥3 neurologic events, %" is a percentage, not patients
            said, _worst, _n = statement(read_event(graded.group(1) + " ", " in " + value))
            name = _PERCENT_COLUMN.sub("", header[graded.end():])
            record[event.lower()] = _named_as_printed(said, name, role, glossary)
            continue
        found = event_any_and_graded(cell, header) or event_from_cell(cell, event)
        if found:
            key = event.lower()
            record[key] = found.statement
            if key == "crs":
                record["crs_max_grade"] = found.max_grade
            record[f"{key}_n"] = found.n


def read_gvhd_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    record["gvhd"] = "none" if is_none(cell) else clean(cell).lower()


_AE_WORDS = Gate(
    re.compile(r"(?i)\bgrade|\bG[1-5]\b|≥\s?G?\d|\bCRS\b|ICANS|GVHD|GvHD|neurotox|cytopeni|"
               r"neutropeni|infection|toxicit|\bDLT|\bAEs?\b|\bno\b|\bnone\b"),
    ("grade", "≥", "icans", "gvhd", "neurotox", "cytopeni", "neutropeni", "infection", "toxicit", "dlt"), fold=True,
    words=frozenset({"g1", "g2", "g3", "g4", "g5", "crs", "ae", "aes", "no", "none"}))


def score_cell(f: CellFacts, ctx: DocContext) -> float | None:
    value = f.value
    if f.none():
        return S.no_finding if value != "0" else S.zero_finding
    numeric = f.numeric()
    if numeric in (NUMBER_PAREN, NUMBER_SLASH, FRACTION):
        return S.number_pair
    if numeric == NUMBER:
        # A bare number is a count or an abstract more likely than a safety finding ("%" in the header).
        return S.bare_number_finding if float(value.rstrip(FOOTNOTE_MARK)) <= S.max_bare_percent else None
    shape = f.percent()
    if shape == PAIR:
        return S.adverse_pair + f.percent_evidence(ctx) + f.pair_order()
    if shape != NO_PERCENT:
        return S.adverse_percent + f.percent_evidence(ctx)
    if f.search(_AE_WORDS) or (ctx.lexicon.adverse and f.covered(ctx, ctx.lexicon.adverse)):
        return S.adverse_term + min(0.0, f.text(ctx) - S.plausible_text) + f.unfinished_list()
    return f.text(ctx) + S.finding_text

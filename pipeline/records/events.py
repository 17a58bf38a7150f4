"""Adverse-event statements: how often an event occurred, at which grades, and the worst grade.

Summaries report an event as counts ("CRS occurred in 99 of the 117 patients and was of grade 3 in
10; no grade 4 or 5 CRS was recorded"), as rates ("grade ≥3 CRS in 38%"), or as its absence
("Neither CRS nor ICANS was observed"). All of them become one statement in a fixed order —
``any grade in 99 patients; grade 3 in 10 patients`` or ``any grade 94%; grade >=3 38%`` or ``none`` —
plus the integers of SCHEMA.md: the worst grade (only where higher grades are ruled out or the worst
possible grade is named) and the number of patients with the event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUMBER_WORDS = {"no": 0, "none": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_COUNT = r"(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_PCT = r"(?P<pct>\d+(?:\.\d+)?)\s*%"
_GRADE = r"(?:grade|gr\.?|G)\s*(?P<op>≥|>=|>)?\s*(?P<g1>[1-5])(?:\s*(?:–|-|to)\s*(?P<g2>[1-5]))?"
_IN = (
    rf"(?:\s+events?)?(?:\s*(?:in|:|=|,)\s*|\s+)(?:{_PCT}|{_COUNT}\b(?!\s*%|[.,]\d)(?:\s+of\s+(?:the\s+)?\d+)?"
    rf"(?:\s+patients?)?(?:\s*\(\s*\d+(?:\.\d+)?\s*%\s*\))?)"
)
# "grade 3 events in three (2.1%)": the noun "events" may stand between the grade and its count.
_GRADED = re.compile(_GRADE + _IN, re.I)
_ANY = re.compile(
    r"(?:of\s+any\s+grade\s+)?(?:(?:occurred|was\s+(?:reported|seen|observed|recorded)|developed)\s+in|affected)\s+"
    rf"(?:{_PCT}|{_COUNT}\b(?!\s*%|[.,]\d)(?:\s+of\s+(?:the\s+)?\d+)?(?:\s+patients?)?)",
    re.I,
)
# After "grade 3–4 CRS": "developed in one patient (5%)", "in three (14%)", "in 38%".
_TAIL = re.compile(
    r"\s*(?:\([A-Za-z-]+\)\s*)?(?:(?:occurred|developed|was\s+(?:reported|seen|observed|recorded))\s+)?(?:in\s+)?"
    rf"(?:{_PCT}|{_COUNT}\b(?!\s*%|[.,]\d)(?:\s+patients?)?)",
    re.I,
)
# "including one grade 5 event": a count written before the grade.
_COUNTED = re.compile(rf"\b{_COUNT}\s+{_GRADE}\s+events?\b", re.I)
# "all with grade 1–2 events", "all of grade 1–2", "limited to grade 1–2": every case lies in that grade band.
_ALL_WITHIN = re.compile(rf"(?:\ball\s+(?:with|of|at)\s+|\b(?:limited|confined)\s+to\s+){_GRADE}", re.I)
_ANY_PCT = re.compile(rf"any(?:\s+grade)?\s*(?:in\s+|:\s*)?{_PCT}", re.I)
_WHO = re.compile(
    rf"\b(?:only\s+)?{_COUNT}\s+patients?[\s,]+(?:\w+\s+){{0,2}}(?:developed|had|experienced)\s*$", re.I
)
_NO_HIGHER = re.compile(
    r"\b(?:no|none\s+of)\s+(?:higher[\s-]*grade|grade\s*(?:(?:≥|>=|>)\s*(?P<ge>[2-5])|(?P<lo>[2-5])"
    r"(?:\s*(?:or|and|–|-)\s*[3-5])?))",
    re.I,
)
# "reached grade 3 in one and never exceeded grade 3": said after the event, about that event only.
_NOT_EXCEEDING = re.compile(r"\b(?:never\s+exceeded|did\s+not\s+exceed|not\s+exceeding)\s+grade\s*(?P<top>[1-4])\b",
                            re.I)


@dataclass
class EventFacts:
    any_n: int | None = None
    any_pct: float | None = None
    graded: list[tuple[str, int | None, float | None]] = field(default_factory=list)
    none: bool = False
    no_higher_than: int | None = None

    @property
    def stated(self) -> bool:
        return self.none or self.any_n is not None or self.any_pct is not None or bool(self.graded)


def _count(text: str | None) -> int | None:
    if text is None:
        return None
    text = text.lower()
    return int(text) if text.isdigit() else _NUMBER_WORDS.get(text)


def _grade_label(m: re.Match[str]) -> str:
    label = (">=" if m.group("op") else "") + m.group("g1")
    if m.group("op") == ">":
        label = f">={int(m.group('g1')) + 1}"
    return label + (f"-{m.group('g2')}" if m.group("g2") else "")


def read_event(before: str, after: str) -> EventFacts:
    """Facts about one event from the words right before its mention and the clause after it."""
    facts = EventFacts()
    pre = re.search(_GRADE + r"[\s-]*$", before, re.I)
    read_to = 0
    if pre:
        who = _WHO.search(before[: pre.start()])
        n = _count(who.group("n")) if who else None
        tail = _TAIL.match(after)
        pct = None
        if tail:
            read_to = tail.end()
            n = n if n is not None else _count(tail.group("n"))
            pct = float(tail.group("pct")) if tail.group("pct") else None
        facts.graded.append((_grade_label(pre), n, pct))
    any_match = _ANY.search(after[read_to : read_to + 80])
    if any_match:
        facts.any_n = _count(any_match.group("n"))
        facts.any_pct = float(any_match.group("pct")) if any_match.group("pct") else None
    else:
        pct = _ANY_PCT.search(after[:40])
        if pct:
            facts.any_pct = float(pct.group("pct"))
    for m in _GRADED.finditer(after):
        if pre and m.start() == 0:
            continue
        facts.graded.append((_grade_label(m), _count(m.group("n")), float(m.group("pct")) if m.group("pct") else None))
    for m in _COUNTED.finditer(after):
        _add_grade(facts, _grade_label(m), _count(m.group("n")))
    _read_bound(facts, before, after)
    return facts


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
    bound = _NO_HIGHER.search(after) or _NO_HIGHER.search(before)
    if bound:
        if bound.group("ge"):
            facts.no_higher_than = int(bound.group("ge")) - 1
        elif bound.group("lo"):
            facts.no_higher_than = int(bound.group("lo")) - 1
        elif facts.graded:
            facts.no_higher_than = max(int(re.sub(r"\D", "", g[0][-1])) for g in facts.graded)


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
    return EventFacts(graded=[(band, n, None)], no_higher_than=top)


def statement(facts: EventFacts) -> tuple[str, int | None, int | None]:
    """(statement, max grade, patients with the event) as SCHEMA.md writes them."""
    if facts.none and not facts.graded and facts.any_n is None and facts.any_pct is None:
        return "none", 0, 0
    facts = _whole_band(facts)
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
        else:
            parts.append(f"grade {label}")
    # A band's top counts when higher grades are ruled out ("grade 1-2 ... no grade ≥3" -> 2).
    grades = [_upper(label) for label, _n, _p in facts.graded if not label.startswith(">=")]
    worst = max(grades, default=None)
    named_five = any(label == "5" for label, _n, _p in facts.graded)
    max_grade = 5 if named_five else worst if worst is not None and facts.no_higher_than == worst else None
    n = facts.any_n
    # Counts per grade add up to the patients with the event only when no all-grade percentage shows
    # they are a subset ("any grade 67%; grade 5 in 1 patient" says nothing of how many had CRS).
    if n is None and facts.any_pct is None and facts.graded and all(c is not None for _l, c, _p in facts.graded):
        bins_from_one = any(label.startswith("1") for label, _c, _p in facts.graded)
        if bins_from_one or max_grade is not None:
            n = sum(c for _l, c, _p in facts.graded)  # type: ignore[misc]
    return "; ".join(parts), max_grade, n

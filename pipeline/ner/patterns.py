"""Pattern-found entities: registry ids, abstract numbers, doses, outcome values, graded adverse events.

The patterns themselves (ids, citations, percentages, grades) live in ``pipeline.knowledge.patterns``.
"""

from __future__ import annotations

import re

from pipeline.fields.dose import parse_doses, to_float
from pipeline.knowledge.patterns import (
    ABSTRACT_ID,
    GRADE,
    NUMBER,
    PERCENT,
    PERCENT_AFTER_OUTCOME,
    TRIAL_ID,
    grade_value,
    normalize_trial_id,
)


def identifier_entities(text: str) -> list[dict]:
    found: list[dict] = []
    for m in TRIAL_ID.finditer(text):
        found.append({"label": "TRIAL_ID", "start": m.start(), "end": m.end(),
                      "normalized": normalize_trial_id(m.group())})
    for m in ABSTRACT_ID.finditer(text):
        found.append({"label": "ABSTRACT_ID", "start": m.start(), "end": m.end(),
                      "normalized": m.group("number")})
    return found


def dose_entities(text: str) -> list[dict]:
    """Cell doses in prose, one entity per written dose ("6 × 10^8, 1.2 × 10^9 and 1.8 × 10^9 cells"
    is three); a scientific-notation dose must be followed by a mention of cells."""
    found = []
    for dose in parse_doses(text, require_cells=True):
        spans = dose.spans
        values = dose.values if len(spans) == len(dose.values) else (dose.values[0],) * len(spans)
        for (start, end), value in zip(spans, values, strict=True):
            start += 1 if text[start] == "(" and ")" not in text[start:end] else 0
            found.append({"label": "DOSE", "start": start, "end": end, "unit": dose.unit, "value": value,
                          "values": list(dose.values) if len(spans) == 1 else [value]})
    return found



def percent_near(text: str, start: int, end: int, window: int = 60) -> tuple[float, int, int] | None:
    """The percentage that reports on the outcome mentioned at ``[start, end)``.

    Reading order of summaries: "CR of 60%", "ORR: 92.9%", "ORR was 81%" (value after, close), or
    "60% (6/10) of the patients achieved a complete response" (value before, same clause).
    """
    m = PERCENT_AFTER_OUTCOME.match(text, end, end + window)
    if m:
        return to_float(m.group("value")), m.start("value"), m.end()
    before = text[max(0, start - window) : start]
    candidates = list(PERCENT.finditer(before))
    if candidates:
        last = candidates[-1]
        between = before[last.end() :]
        if not re.search(r"[.;]|%|\band\b|\bwhile\b|\bwhereas\b", between):
            return to_float(last.group("value")), start - len(before) + last.start(), start - len(before) + last.end()
    return None


_GRADE_AFTER = re.compile(r"\s*(?:of\s+)?" + GRADE.pattern, GRADE.flags)


def grade_near(text: str, start: int, end: int) -> int | None:
    """A grade stated right before ("grade 2 CRS", "grade ≥3 CRS") or right after ("CRS grade 2")."""
    before = text[max(0, start - 20) : start]
    m = next(reversed(list(GRADE.finditer(before))), None)
    if m and before[m.end() :].strip(" -") in ("", "("):
        return grade_value(m.group("grade"))
    after = _GRADE_AFTER.match(text[end : end + 15])  # a slice: the \b must not see the entity
    return grade_value(after.group("grade")) if after else None


_LANDMARK_BEFORE = re.compile(r"(?P<time>\d+(?:\.\d+)?[-\s](?:day|week|month|year)s?)[-\s]+$", re.I)
_LANDMARK_AFTER = re.compile(rf"\s*[:=]\s*(?P<value>{NUMBER})\s*%")


def landmark_rate(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    """A rate at a time point written as one expression ("5-day OS: 100%", "12-month PFS = 65%"):
    (start, end, value). Without its time point the outcome is another measure, and the value is
    what the expression states, so the mention spans all three."""
    after = _LANDMARK_AFTER.match(text, end)  # anchored, so cheaper than the search before: tried first
    if after is None:
        return None
    before = _LANDMARK_BEFORE.search(text, max(0, start - 20), start)
    if before is None:
        return None
    return before.start(), after.end(), to_float(after.group("value"))


_COUNTED = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|all|both)"
_RESPONDED = re.compile(
    rf"\b{_COUNTED}\s+(?:of\s+(?:the\s+|these\s+)?\w+\s+)?(?:\w+\s+)?(?:patients?\s+|subjects?\s+)?"
    r"(?:achieved|attained)\s+(?:an?\s+)?(?:objective\s+|overall\s+)?(?P<term>response)"
    r"(?!\s+(?:rate|to|assessment|evaluation|of)\b)",
    re.I,
)
_RESPONDED_HINT = re.compile(r"achieved|attained", re.I)


def response_entities(text: str) -> list[dict]:
    """"Two patients achieved a response": counted responders, i.e. the overall (objective)
    response. The count says so; no percentage nearby belongs to it (value left empty)."""
    if not _RESPONDED_HINT.search(text):  # the verb is required; finding it is 10x cheaper than the pattern
        return []
    return [{"label": "OUTCOME", "start": m.start("term"), "end": m.end("term"), "normalized": "ORR", "value": None}
            for m in _RESPONDED.finditer(text)]

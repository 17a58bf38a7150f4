"""Efficacy: response rates and survival ("ORR/CR", "Response", "Efficacy")."""

from __future__ import annotations

import re

from pipeline.fields.base import ColumnType, Field, Readings
from pipeline.fields.cell_facts import (
    FOOTNOTE_MARK,
    FRACTION,
    N_PERCENT,
    NUMBER,
    NUMBER_PAREN,
    NUMBER_SLASH,
    PAIR,
    PERCENT,
    CellFacts,
)
from pipeline.fields.count import number
from pipeline.fields.evidence import DocContext
from pipeline.fields.phrases import Glossary, _matches, clean
from pipeline.fields.score_settings import S
from pipeline.knowledge.lexicon import lookup
from pipeline.knowledge.patterns import (
    COUNT_THEN_PERCENT,
    CR_OR_BETTER,
    DECIMAL,
    PARALLEL_PERCENTS,
    PERCENT_AFTER_OUTCOME,
    PERCENT_IN_PARENTHESES,
    PERCENT_NUMBER,
    RATE_AFTER_NAME,
    RATE_OF_PREVIOUS,
    RESPONDED,
    SHARE_AFTER,
    SHARE_ALL,
    SHARE_COUNT,
    SHARE_FRACTION,
    SHARE_OF,
    SHARE_OF_GROUP,
    SHARE_PERCENT,
    SHARE_WITH,
)
from pipeline.knowledge.patterns import FOOTNOTE_MARK as FOOTNOTE_MARK_RE
from pipeline.knowledge.sentences import by_sentence, sentences
from pipeline.models import Column, Entity

OUTCOMES = Field("outcomes", ColumnType.OUTCOME,
                 words=("response", "responses", "efficacy", "outcome", "outcomes", "remission", "survival"),
                 abbreviations=("ORR", "OR", "CR", "PR", "VGPR", "sCR", "CRi", "MRD", "OS", "PFS", "EFS", "DOR",
                                "DoR", "BOR"))
FIELDS = (OUTCOMES,)

_PARTS = re.compile(r"\s*[/,;()]\s*|\s+and\s+")
# Outcomes that are a complete-response rate as tables report it (CR, stringent CR, CR with incomplete
# count recovery, "≥CR"): one such figure is the row's CR rate.
_CR_FAMILY = frozenset({"CR", "sCR", "CRi", "CR/CRi"})


def header_outcomes(header: str) -> list[str]:
    """Outcome names a header announces, in order: "ORR/CR" -> ["ORR", "CR"], "ORR (CR), %" -> ["ORR",
    "CR"], "ORR / ≥CR (%)" -> ["ORR", "CR"] ("≥CR": CR or better, the CR rate)."""
    names: list[str] = []
    for part in _PARTS.split(FOOTNOTE_MARK_RE.sub("", header.strip())):
        part = part.strip().lstrip("≥>")
        entry = lookup(part, "OUTCOME") if part else None
        words = part.split()
        # A whole part names an outcome ("Overall response"); else each of its words may ("ORR n").
        found = [entry] if entry else [lookup(word, "OUTCOME") for word in words] if len(words) > 1 else []
        for entry in found:
            if entry and entry.normalized not in names:
                names.append(entry.normalized)
    return names


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


def read_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    """A response cell, read by what its header announces: "60%/60%" or "82 (54)" under "ORR/CR" or
    "ORR (CR), %" is one rate per outcome; "14 (70%)" is patients and their percentage, and "27/30 (90)"
    or "7/12" under "CR, n/N (%)" patients of those evaluated (the field is the percentage); one figure
    under "sCR/CR" or "CR/CRi" is the CR rate; a cell of words ("ORR 24%") names its rates."""
    names = list(column.outcomes) or header_outcomes(column.name)
    text = clean(cell)
    values = _figures(text, names, column.name)
    if values is None:
        for name, rate in outcome_rates(text).items():
            record.setdefault(f"{name.lower()}_pct", rate)
        return
    if len(values) == 1 and names and all(name in _CR_FAMILY for name in names):
        names = ["CR"]
    for name, value in zip(names, values, strict=False):
        key = "cr" if name in _CR_FAMILY else name.lower() if name == "ORR" else ""
        if key and value is not None and f"{key}_pct" not in record:
            record[f"{key}_pct"] = value


_FRACTION_CELL = re.compile(rf"(\d+)\s?/\s?(\d+)(?:\s?\(\s?({DECIMAL})\s?%?\s?\))?")
_FIGURE = re.compile(rf"({DECIMAL}|NR|NE|NA)\s?%?")
# A letter footnote mark after a figure ("43%a").
_LETTER_MARK = re.compile(r"(?<=[\d%)])[a-e]$")
_COUNT_HEADER = re.compile(r"(?:^|[\s,(])n\b(?!/)", re.I)
_FRACTION_HEADER = re.compile(r"\bn\s?/\s?N\b")


def _figures(text: str, names: list[str], header: str) -> list[float | None] | None:
    """The rates of a cell of figures, in order (``None`` for "NR"), or ``None`` for a cell of words."""
    bare = _LETTER_MARK.sub("", FOOTNOTE_MARK_RE.sub("", text).strip())
    if not bare or not (bare[0].isdigit() or bare[:2] in ("NR", "NE", "NA")):
        return None
    fraction = _FRACTION_CELL.fullmatch(bare)
    if fraction and (len(names) < 2 or _FRACTION_HEADER.search(header) or fraction.group(3)):
        if fraction.group(3):
            return [float(fraction.group(3))]
        num, den = int(fraction.group(1)), int(fraction.group(2))
        return [round(100 * num / den, 1)] if den > 0 and num <= den else None
    count = COUNT_THEN_PERCENT.fullmatch(bare)
    if count:
        return [float(count.group(1))]
    parts = [p for p in re.split(r"\s*(?:/|\(|\)|;)\s*", bare) if p]
    figures: list[float | None] = []
    for part in parts:
        m = _FIGURE.fullmatch(part)
        if not m:
            return None
        figures.append(float(m.group(1)) if m.group(1)[0].isdigit() else None)
    if len(figures) == 2 and len(names) < 2 and _COUNT_HEADER.search(header):
        return figures[1:]  # "44 (75.9)" under "ORR, n (%)": the patients, then their percentage
    return figures


# Outcomes read from prose, and the record field each fills. "CR/CRi" is the complete-remission rate where the
# document gives no CR rate of its own, else the overall remission rate; a stringent CR counts as a CR.
_RESPONSES = {"ORR": "ORR", "CR": "CR", "CR/CRi": "CR/CRi", "sCR": "sCR"}


def read_prose(text: str, start: int, end: int, inside: list[Entity], out: Readings) -> None:
    """ORR and CR percentages of the prose in ``text[start:end]``: the rate given after an outcome's name
    ("ORR was 81%"), or the share of patients counted before it ("99 of 157 patients responded", "19 (95%)
    reached MRD-negative complete remission", "Ninety percent achieved complete remission", "All six achieved
    ...") or after it ("complete responses in 10 (62.5%)", "MRD-negative CR in 5 out of 5")."""
    rates: dict[str, float] = {}
    quotes: list[str] = []
    counts: dict[str, int] = {}
    count_quotes: dict[str, str] = {}
    spans = sentences(text, start, end)
    outcomes = [x for x in inside if x.label == "OUTCOME"]
    for (s, e), here in zip(spans, by_sentence(spans, outcomes), strict=True):
        marks = sorted([(x.start, x.end, _response(x, text), x.value) for x in here if _response(x, text)]
                       + [(m.start(), m.end(), "ORR", None) for m in RESPONDED.finditer(text, s, e)
                          if not any(x.start <= m.start() < x.end for x in here)]
                       + [(m.start(), m.end(), "CR", None) for m in CR_OR_BETTER.finditer(text, s, e)
                          if not any(x.start <= m.start() < x.end for x in here)])
        joined = []
        for mark in marks:  # "CR or CRi": one outcome, read once
            if joined and mark[2] == "CR/CRi" and joined[-1][2] in ("CR", "CR/CRi") and \
                    _CR_BEFORE.search(text[joined[-1][0] : mark[0]]):
                first = joined.pop()
                mark = (first[0], mark[1], "CR/CRi", mark[3] if mark[3] is not None else first[3])
            joined.append(mark)
        marks = joined
        previous = s
        for at, stop, name, value in marks:
            if value is not None and previous > s and RATE_OF_PREVIOUS.match(text, previous, at) \
                    and not PERCENT_AFTER_OUTCOME.match(text, stop, stop + _AFTER_REACH):
                value = None  # the percentage before it ("The ORR was 36%, with complete responses ...") is the
                # previous outcome's: this one's share is read from its own words
            if value is None:
                clause = text[previous:at]
                if previous > s:  # the rate right after the previous outcome is that outcome's
                    taken = RATE_OF_PREVIOUS.match(clause)
                    clause = clause[taken.end() :] if taken else clause
                value = _share(clause, text[s:at]) if clause.strip() else None
                printed = PERCENT_IN_PARENTHESES.match(text, stop, e)
                if printed:  # "Twelve of the 17 patients responded (71%)", "12 achieved CR/CRi (63%)"
                    value = float(printed.group("p"))
                if value is None:
                    value = _share_after(text[stop:e])
                if value is None and name not in counts:
                    counted = SHARE_COUNT.search(text[previous:at])
                    if counted and number(counted.group("x")) is not None:
                        counts[name] = number(counted.group("x"))
                        count_quotes[name] = " ".join(text[s:e].split())
            previous = stop
            if value is not None and _per_group_rate(text, stop, e):
                value = None  # "ORR was 74.1% with QW and 71.7% with Q2W dosing": each schedule's, not the study's
            if value is not None and name not in rates:
                rates[name] = value
                quotes.append(" ".join(text[s:e].split()))
    if "CR/CRi" in rates:
        if "CR" in rates:
            rates.setdefault("ORR", rates["CR/CRi"])
        else:
            rates["CR"] = rates["CR/CRi"]
    if "sCR" in rates:
        rates.setdefault("CR", rates["sCR"])
    for name in ("ORR", "CR"):
        if name in rates:
            out.fields.setdefault(f"{name.lower()}_pct", rates[name])
        elif name in counts:
            # a count without its denominator: a share of the study's patients, once their number is known
            out.fields.setdefault(f"_{name.lower()}_count", counts[name])
            quotes.append(count_quotes[name])
    out.evidence.extend(dict.fromkeys(quotes))


def _per_group_rate(text: str, stop: int, end: int) -> bool:
    """Whether the first percentage after an outcome's name (within its reach) is one group's beside another's."""
    m = PERCENT_NUMBER.search(text, stop, min(end, stop + _AFTER_REACH))
    return m is not None and PARALLEL_PERCENTS.match(text, m.start()) is not None


# How far after an outcome's name its rate may stand (``ner.patterns.percent_near`` reads as far).
_AFTER_REACH = 60


# "CR or CRi", "CR/CRi" written out: the complete-remission rate with incomplete recovery.
_CR_BEFORE = re.compile(r"\bCR\s*(?:/|or|and)\s*$")


def _response(entity: Entity, text: str = "") -> str:
    """The response an outcome mention reports ("MRD-negative CR" is a CR, "CRi" after "CR or" is CR/CRi),
    or ""."""
    if entity.normalized == "CRi" and _CR_BEFORE.search(text[max(0, entity.start - 8) : entity.start]):
        return "CR/CRi"
    if entity.normalized in _RESPONSES:
        return _RESPONSES[entity.normalized]
    named_cr = re.search(r"\b(?:CR|complete\s+(?:remission|response))\b", entity.text)
    if entity.normalized == "MRD negativity" and named_cr:
        return "CR"
    return ""


# Words before a response that say it was not reached: "did not achieve a complete response", "no CR".
_NOT_REACHED = re.compile(r"\b(?:not|no|never|without|failed\s+to|neither|nor)\b", re.I)


def of_one_patient(text: str, start: int, end: int, inside: list[Entity], out: Readings) -> None:
    """A case report's one patient in complete response ("bone marrow at month 3 confirmed a stringent complete
    response") is a complete-response rate of 100%, where the prose names no rate of its own and does not say
    the response was missed."""
    if out.fields.get("cr_pct") is not None or out.fields.get("n_patients_prose") != 1:
        return
    spans = sentences(text, start, end)
    outcomes = [x for x in inside if x.label == "OUTCOME"]
    for (s, e), here in zip(spans, by_sentence(spans, outcomes), strict=True):
        for x in here:
            if _response(x, text) in ("CR", "sCR", "CR/CRi") and not _NOT_REACHED.search(text, s, x.start):
                out.fields["cr_pct"] = 100.0
                out.evidence.append(" ".join(text[s:e].split()))
                return


def shares_of(fields: dict[str, object]) -> None:
    """Turn the counted responses ``read_prose`` left ("four achieved CR") into percentages of the study's
    patients, where the prose gives their number."""
    n = fields.get("n_patients_prose")
    for name in ("orr", "cr"):
        count = fields.pop(f"_{name}_count", None)
        if isinstance(count, int) and isinstance(n, int) and n and count <= n:
            fields.setdefault(f"{name}_pct", round(100 * count / n, 1))


def _share(clause: str, sentence: str) -> float | None:
    """The percentage of patients ``clause`` (the words before an outcome) counts: its last "x of y", its
    percentage, or "all"."""
    group = list(SHARE_OF_GROUP.finditer(clause))
    if group:
        x, y = number(group[-1].group("x")), number(group[-1].group("y"))
        if x is not None and y and x <= y:
            return round(100 * x / y, 1)
    percent = list(SHARE_PERCENT.finditer(clause))
    shares = list(SHARE_OF.finditer(clause))
    if percent and (not shares or percent[-1].start() > shares[-1].start()):
        m = percent[-1]
        return float(m.group("p")) if m.group("p") else _as_float(number(m.group("w")))
    if shares:
        m = shares[-1]
        if m.group("fx"):
            x, y = int(m.group("fx")), int(m.group("fy"))
            return round(100 * x / y, 1) if y else None
        x, y = number(m.group("x")), number(m.group("y")) if m.group("y").lower() != "them" else _them(sentence)
        return round(100 * x / y, 1) if x is not None and y else None
    counted = SHARE_WITH.search(clause)
    if counted:  # "Eight of the 11 patients responded, seven with a complete remission": seven of the 11
        x, y = number(counted.group("x")), _them(sentence)
        return round(100 * x / y, 1) if x is not None and y and x <= y else None
    every = SHARE_ALL.search(clause)
    after = re.sub(r"^\d+\s*", "", clause[every.end() :]) if every else ""
    if every and not re.search(r"\d", clause[: every.start()] + after):
        return 100.0  # "All six achieved", "All 38 responded"
    return None


def _them(sentence: str) -> int | None:
    """The number "of them" refers to: the last group of patients the sentence counted."""
    shares = [m for m in SHARE_OF.finditer(sentence) if m.group("y") and m.group("y").lower() != "them"]
    return number(shares[-1].group("y")) if shares else None


def _share_after(tail: str) -> float | None:
    fraction = SHARE_FRACTION.match(tail)
    if fraction:
        if fraction.group("p"):
            return float(fraction.group("p"))
        x, y = int(fraction.group("x")), int(fraction.group("y"))
        return round(100 * x / y, 1) if y and x <= y else None
    m = SHARE_AFTER.match(tail)
    if not m:
        return None
    if m.group("p") or m.group("p2") or m.group("p3"):  # a printed percentage: "in 4 of 66 patients (6%)"
        return float(m.group("p") or m.group("p2") or m.group("p3"))
    x, y = number(m.group("x")), number(m.group("y"))
    return round(100 * x / y, 1) if x is not None and y else None


def _as_float(value: int | None) -> float | None:
    return None if value is None else float(value)


_NR = re.compile(r"NR|NE|NA|N/A|Not reached|Not evaluable|Pending")


def score_cell(f: CellFacts, ctx: DocContext) -> float | None:
    evidence = f.percent_evidence(ctx)
    shape = f.percent()
    if shape == PAIR:
        return S.percent_pair + evidence + f.pair_order()
    if shape == PERCENT:
        return S.percent + evidence
    if shape == N_PERCENT:
        return S.n_percent + evidence
    numeric = f.numeric()
    if numeric in (NUMBER_PAREN, NUMBER_SLASH):
        return S.number_pair + f.pair_order()
    if numeric == FRACTION:
        return S.fraction
    if numeric == NUMBER and float(f.value.rstrip(FOOTNOTE_MARK)) <= S.max_bare_percent:
        return S.bare_number_outcome
    if _NR.fullmatch(f.value):
        return S.not_reached
    if ctx.lexicon.outcomes and f.covered(ctx, ctx.lexicon.outcomes):
        return S.outcome_term + min(0.0, f.text(ctx) - S.plausible_text) + f.unfinished_list()
    return f.text(ctx) + S.finding_text

"""Efficacy: response rates and survival ("ORR/CR", "Response", "Efficacy")."""

from __future__ import annotations

import re

from pipeline.fields.base import ColumnType, Field
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
from pipeline.fields.evidence import DocContext
from pipeline.fields.phrases import Glossary, _matches, clean
from pipeline.fields.score_settings import S
from pipeline.knowledge.lexicon import lookup
from pipeline.knowledge.patterns import COUNT_THEN_PERCENT, DECIMAL, RATE_AFTER_NAME
from pipeline.knowledge.patterns import FOOTNOTE_MARK as FOOTNOTE_MARK_RE
from pipeline.models import Column

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

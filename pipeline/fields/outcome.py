"""Efficacy: response rates and survival ("ORR/CR", "Response", "Efficacy")."""

from __future__ import annotations

import re

from pipeline.fields.base import ColumnType, Field
from pipeline.fields.cell_facts import N_PERCENT, PAIR, PERCENT, CellFacts
from pipeline.fields.evidence import DocContext
from pipeline.fields.phrases import Glossary, _matches, clean
from pipeline.fields.score_settings import S
from pipeline.knowledge.lexicon import lookup
from pipeline.knowledge.patterns import COUNT_THEN_PERCENT, OUTCOME_SEPARATOR, PERCENT_OPTIONAL_SIGN, RATE_AFTER_NAME
from pipeline.models import Column

OUTCOMES = Field("outcomes", ColumnType.OUTCOME,
                 words=("response", "responses", "efficacy", "outcome", "outcomes", "remission", "survival"),
                 abbreviations=("ORR", "OR", "CR", "PR", "VGPR", "sCR", "CRi", "MRD", "OS", "PFS", "EFS", "DOR",
                                "DoR", "BOR"))
FIELDS = (OUTCOMES,)

_PARTS = re.compile(r"\s*/\s*|\s*,\s*|\s+and\s+")


def header_outcomes(header: str) -> list[str]:
    """Outcome names a header announces, in order: "ORR/CR" -> ["ORR", "CR"]."""
    names = []
    for part in _PARTS.split(header.strip()):
        entry = lookup(part.strip(), "OUTCOME")
        if entry:
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
    """"60%/60%" under "ORR/CR": one rate per outcome the header announces; "14 (70%)" is patients and
    their percentage, and the field is the percentage."""
    for name, part in zip(column.outcomes, OUTCOME_SEPARATOR.split(clean(cell)), strict=False):
        value = COUNT_THEN_PERCENT.match(part) or PERCENT_OPTIONAL_SIGN.match(part)
        if value and name in ("ORR", "CR"):
            record[f"{name.lower()}_pct"] = float(value.group(1))


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
    if _NR.fullmatch(f.value):
        return S.not_reached
    if ctx.lexicon.outcomes and f.covered(ctx, ctx.lexicon.outcomes):
        return S.outcome_term + min(0.0, f.text(ctx) - S.plausible_text) + f.unfinished_list()
    return f.text(ctx) + S.finding_text

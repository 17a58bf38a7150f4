"""Columns of free text: a method, a purpose, a summary of results, a design; and the year and
status of a study, which no record field holds but which the segmenter must recognise as cells."""

from __future__ import annotations

import re

from pipeline.fields.adverse_event import events_ruled_out
from pipeline.fields.base import ColumnType, Field
from pipeline.fields.cell_facts import CellFacts
from pipeline.fields.evidence import DocContext
from pipeline.fields.outcome import outcome_rates
from pipeline.fields.phrases import Glossary
from pipeline.fields.score_settings import S
from pipeline.knowledge.gates import Gate
from pipeline.models import Column

METHOD = Field("method", ColumnType.TEXT, words=("method", "methods", "strategy", "engineering"))
PURPOSE = Field("purpose", ColumnType.TEXT, words=("purpose", "aim", "objective"))
SUMMARY = Field("summary", ColumnType.TEXT, words=("summary",))
DESIGN = Field("design", ColumnType.TEXT, words=("design",))
# Columns the records do not read, named so that their cells are not mistaken for another column's.
TEXT = Field("text", ColumnType.TEXT,
             words=("mechanism", "comments", "notes", "costimulation", "costimulatory", "follow-up", "signal"))
YEAR = Field("year", ColumnType.YEAR, words=("year",))
STATUS = Field("status", ColumnType.STATUS, words=("status",))
FIELDS = (METHOD, PURPOSE, SUMMARY, DESIGN, TEXT, YEAR, STATUS)


def read_summary_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    """A free-text result column ("Outcome summary") read like prose: the ORR and CR rates it gives by
    name and the events it rules out ("no CRS, neurotoxicity or GVHD")."""
    for name, value in outcome_rates(cell).items():
        record.setdefault(f"{name.lower()}_pct", value)
    for key in events_ruled_out(cell, glossary):
        record.setdefault(key, "none")
        if key == "crs":
            record.setdefault("crs_max_grade", 0)
        if key != "gvhd":
            record.setdefault(f"{key}_n", 0)


_YEAR = re.compile(r"(?:19|20)\d\d")


_STATUS_WORDS = ("recruiting", "active", "completed", "terminated", "withdrawn", "suspended", "unknown", "ongoing",
                 "enrolling", "reported", "final analysis", "published")


_STATUS = Gate(re.compile(rf"(?i)\b(?:{'|'.join(_STATUS_WORDS)})\b"), _STATUS_WORDS, fold=True)


def score_year_cell(f: CellFacts, ctx: DocContext) -> float | None:
    return S.year if _YEAR.fullmatch(f.value) else None


def score_status_cell(f: CellFacts, ctx: DocContext) -> float | None:
    if f.search(_STATUS):
        return S.status + min(0.0, f.text(ctx) - S.plausible_text)
    return f.text(ctx) + S.finding_text


def score_text_cell(f: CellFacts, ctx: DocContext) -> float | None:
    return f.text(ctx)

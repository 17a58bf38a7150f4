"""Columns of free text: a method, a purpose, a summary of results, a design; and the year and
status of a study, which no record field holds but which the segmenter must recognise as cells."""

from __future__ import annotations

from pipeline.fields.adverse_event import events_ruled_out
from pipeline.fields.base import ColumnType, Field
from pipeline.fields.outcome import outcome_rates
from pipeline.fields.phrases import Glossary
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

"""The study a row reports: its registry ids (``trial_id``) or its name (``study``)."""

from __future__ import annotations

from pipeline.fields.base import ColumnType, Field
from pipeline.fields.phrases import Glossary, clean
from pipeline.knowledge import patterns
from pipeline.models import Column

TRIAL_ID = Field("trial_id", ColumnType.TRIAL,
                 words=("nct", "registry", "registration", "identifier", "chictr", "clinicaltrials.gov"),
                 abbreviations=("NCT", "ChiCTR"))
STUDY = Field("study", ColumnType.TRIAL, words=("trial", "trials", "study", "studies"))
FIELDS = (TRIAL_ID, STUDY)


def trial_ids(text: str) -> str:
    return ";".join(dict.fromkeys(patterns.normalize_trial_id(m.group()) for m in patterns.TRIAL_ID.finditer(text)))


def read_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    """A study cell: its registry ids; a study without one is known by the name the document gives it
    ("Lee et al.")."""
    record["trial_id"] = trial_ids(cell) or (clean(cell) if column.field == "study" else "")

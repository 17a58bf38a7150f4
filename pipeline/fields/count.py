"""How many patients a study or arm treated ("Patients", "N", "Enrolled")."""

from __future__ import annotations

from pipeline.fields.base import ColumnType, Field
from pipeline.fields.phrases import Glossary
from pipeline.knowledge.patterns import LEADING_COUNT
from pipeline.models import Column

N_PATIENTS = Field("n_patients", ColumnType.COUNT,
                   words=("patient", "patients", "pts", "subjects", "cases", "participants", "enrolled",
                          "enrollment"))
FIELDS = (N_PATIENTS,)


def count(text: str) -> int | None:
    m = LEADING_COUNT.match(text)
    return int(m.group(1)) if m else None


def read_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    record["n_patients"] = count(cell)

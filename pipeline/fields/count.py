"""How many patients a study or arm treated ("Patients", "N", "Enrolled")."""

from __future__ import annotations

import re

from pipeline.fields.base import ColumnType, Field
from pipeline.fields.cell_facts import FOOTNOTE_MARK, CellFacts
from pipeline.fields.evidence import DocContext
from pipeline.fields.phrases import Glossary
from pipeline.fields.score_settings import S
from pipeline.knowledge.patterns import GARBLED_EQUALS, LEADING_COUNT
from pipeline.models import Column

N_PATIENTS = Field("n_patients", ColumnType.COUNT,
                   words=("patient", "patients", "pts", "subjects", "cases", "participants", "enrolled",
                          "enrollment"))
FIELDS = (N_PATIENTS,)


def count(text: str) -> int | None:
    m = LEADING_COUNT.match(GARBLED_EQUALS.sub(r"\1 = ", text))
    return int(m.group(1)) if m else None


def read_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    record["n_patients"] = count(cell)


_COUNT = re.compile(r"(?:[1-9]\d{0,3}|0)(?:\s?\+)?|[nN]\s?=\s?[1-9]\d{0,3}")


_COUNT_EXTRA = re.compile(r"[1-9]\d{0,3}\s?\((?:[^()]{1,30})\)|[1-9]\d{0,3}\s?/\s?[1-9]\d{0,3}")


def score_cell(f: CellFacts, ctx: DocContext) -> float | None:
    value = f.value.rstrip(FOOTNOTE_MARK)  # "111*": the mark calls a note, the count is 111
    if not value:
        return None
    if _COUNT.fullmatch(value):
        if value == "0":
            return S.zero_count
        return S.count + (S.count_cited if value in ctx.patient_counts else
                          S.count_number if value in ctx.numbers else 0.0)
    if _COUNT_EXTRA.fullmatch(value):
        return S.count_extra
    if f.not_stated():
        return S.count_not_stated
    return None

"""An agent given with the therapy in an arm ("Combination", "Combined with")."""

from __future__ import annotations

from pipeline.fields.base import ColumnType, Field
from pipeline.fields.phrases import Glossary, canonical, is_none
from pipeline.models import Column

COMBINATION = Field("combination", ColumnType.AGENT,
                    words=("combination", "combinations", "combined"))
FIELDS = (COMBINATION,)


def read_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    record["combination"] = "" if is_none(cell) else canonical(cell, "AGENT", glossary)

"""Where the therapy's cells come from ("Cell source", "NK source", "Origin")."""

from __future__ import annotations

import re

from pipeline.fields.base import ColumnType, Field
from pipeline.fields.phrases import Glossary, canonical, named_in
from pipeline.models import Column

CELL_SOURCE = Field("cell_source", ColumnType.SOURCE, words=("source", "origin"))
FIELDS = (CELL_SOURCE,)


def read_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    record["cell_source"] = canonical(cell, "CELL_SOURCE", glossary)


def read_design_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    """"Autologous T cells, lentiviral; 4-1BB + CD3ζ": the source is one term among the design's."""
    if not record.get("cell_source"):
        record["cell_source"] = named_in(cell, "CELL_SOURCE")


# "allogeneic haematopoietic stem cell transplant": a source named before a transplant names the graft,
# not where the therapy's cells come from.
_TRANSPLANT_AFTER = re.compile(r"[\w\s-]{0,40}transplant")


def names_a_transplant(text: str, end: int) -> bool:
    """Whether the cell source mentioned up to ``end`` is the graft of a transplant named right after it."""
    return _TRANSPLANT_AFTER.match(text, end) is not None

"""Where the therapy's cells come from ("Cell source", "NK source", "Origin")."""

from pipeline.fields.base import ColumnType, Field

CELL_SOURCE = Field("cell_source", ColumnType.SOURCE, words=("source", "origin"))
FIELDS = (CELL_SOURCE,)

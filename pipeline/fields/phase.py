"""The trial's phase ("Phase")."""

from pipeline.fields.base import ColumnType, Field

PHASE = Field("phase", ColumnType.PHASE, words=("phase",))
FIELDS = (PHASE,)

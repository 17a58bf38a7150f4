"""An agent given with the therapy in an arm ("Combination", "Combined with")."""

from pipeline.fields.base import ColumnType, Field

COMBINATION = Field("combination", ColumnType.AGENT,
                    words=("combination", "combinations", "combined"))
FIELDS = (COMBINATION,)

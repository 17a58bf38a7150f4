"""The antigen a therapy targets ("Target", "Antigen", "Specificity")."""

from pipeline.fields.base import ColumnType, Field

TARGET = Field("target", ColumnType.TARGET, words=("target", "targets", "antigen", "antigens", "specificity"))
FIELDS = (TARGET,)

"""How a row is cited: its meeting abstract number and its reference number."""

from pipeline.fields.base import ColumnType, Field

ABSTRACT_NUMBER = Field("abstract_number", ColumnType.ABSTRACT, words=("abstract", "abstracts", "abstr"))
REFERENCE = Field("reference", ColumnType.REFERENCE, words=("reference", "references", "ref", "refs", "citation"))
FIELDS = (ABSTRACT_NUMBER, REFERENCE)

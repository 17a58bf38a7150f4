"""Columns of free text: a method, a purpose, a summary of results, a design; and the year and
status of a study, which no record field holds but which the segmenter must recognise as cells."""

from pipeline.fields.base import ColumnType, Field

METHOD = Field("method", ColumnType.TEXT, words=("method", "methods", "strategy", "engineering"))
PURPOSE = Field("purpose", ColumnType.TEXT, words=("purpose", "aim", "objective"))
SUMMARY = Field("summary", ColumnType.TEXT, words=("summary",))
DESIGN = Field("design", ColumnType.TEXT, words=("design",))
# Columns the records do not read, named so that their cells are not mistaken for another column's.
TEXT = Field("text", ColumnType.TEXT,
             words=("mechanism", "comments", "notes", "costimulation", "costimulatory", "follow-up", "signal"))
YEAR = Field("year", ColumnType.YEAR, words=("year",))
STATUS = Field("status", ColumnType.STATUS, words=("status",))
FIELDS = (METHOD, PURPOSE, SUMMARY, DESIGN, TEXT, YEAR, STATUS)

"""What a field is: a kind of value a record holds, named by table headers and read from cells and prose.

A ``Field`` is declared once, in the module of its value kind (``dose.py``, ``target.py`` ...), with
the header words that name it. ``ColumnType`` is the kind of cell the table segmenter scores: several
fields share one (``icans``, ``gvhd`` and ``adverse_events`` cells are all safety findings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ColumnType(StrEnum):
    """What a column holds, as the segmenter scores its cells."""

    TRIAL = "trial"
    DISEASE = "disease"
    SOURCE = "cell_source"
    TARGET = "target"
    COUNT = "count"
    REGIMEN = "regimen"
    DOSE = "dose"
    AGENT = "agent"
    OUTCOME = "outcome"
    ADVERSE = "adverse_event"
    ABSTRACT = "abstract"
    REFERENCE = "reference"
    PHASE = "phase"
    PRODUCT = "product"
    YEAR = "year"
    STATUS = "status"
    TEXT = "text"


@dataclass(frozen=True)
class Field:
    """A field and the words a table header names it by.

    ``name`` is the field's role in a table (``doses``, ``icans``, ``trial_id`` ...; the record fields it
    fills are the reader's business). ``words`` match a header word case-insensitively; ``abbreviations``
    match as written (lower-case "or" is a conjunction, "OR" an outcome). Whole header names that words
    do not cover are patterns of ``pipeline/data/table_headers.tsv``, whose ``role`` is a field's name.
    """

    name: str
    type: ColumnType
    words: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()


@dataclass
class Readings:
    """Values a field's prose reader found for a study, with the sentences that state them."""

    fields: dict[str, object] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)

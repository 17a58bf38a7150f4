"""Fields: the kinds of value a record holds, each declared once with what names it and how it is read.

Every module here is one value kind (``dose``, ``target``, ``disease`` ...) and declares its ``Field``s
with the header words that name them. ``header.read_header`` is the one place that says what a table
column holds: the tables stage types its columns with it, and entity recognition and record assembly
read the typed columns the tables stage hands on.

Layering: this package imports ``pipeline.knowledge`` and ``pipeline.models`` only, never a stage.
"""

from pipeline.fields import (
    adverse_event,
    agent,
    cell_source,
    citation,
    count,
    disease,
    dose,
    outcome,
    phase,
    product,
    regimen,
    target,
    text,
    trial,
)
from pipeline.fields.base import ColumnType, Field

# Every field, in the order their modules are listed (the order in which a head word is looked up).
FIELDS: tuple[Field, ...] = (
    *trial.FIELDS, *disease.FIELDS, *cell_source.FIELDS, *target.FIELDS, *count.FIELDS, *regimen.FIELDS,
    *dose.FIELDS, *agent.FIELDS, *outcome.FIELDS, *adverse_event.FIELDS, *citation.FIELDS, *phase.FIELDS,
    *product.FIELDS, *text.FIELDS,
)
BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}

__all__ = ["BY_NAME", "FIELDS", "ColumnType", "Field"]

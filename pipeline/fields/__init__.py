"""Fields: the kinds of value a record holds, each declared once with what names it and how it is read.

Every module here is one value kind (``dose``, ``target``, ``disease`` ...) and declares its ``Field``s
with the header words that name them. ``header.read_header`` is the one place that says what a table
column holds: the tables stage types its columns with it, and entity recognition and record assembly
read the typed columns the tables stage hands on.

Layering: this package imports ``pipeline.knowledge`` and ``pipeline.models`` only, never a stage.
"""

from collections.abc import Callable

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
from pipeline.fields.cell_facts import CellFacts
from pipeline.fields.evidence import DocContext
from pipeline.fields.phrases import Glossary
from pipeline.models import Column

# Every field, in the order their modules are listed (the order in which a head word is looked up).
FIELDS: tuple[Field, ...] = (
    *trial.FIELDS, *disease.FIELDS, *cell_source.FIELDS, *target.FIELDS, *count.FIELDS, *regimen.FIELDS,
    *dose.FIELDS, *agent.FIELDS, *outcome.FIELDS, *adverse_event.FIELDS, *citation.FIELDS, *phase.FIELDS,
    *product.FIELDS, *text.FIELDS,
)
BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}

# How a table cell of each field is read into record values: (cell, its column, the document's
# glossary, the row's record so far). A field without a reader is not a trial's (method, purpose).
CellReader = Callable[[str, Column, Glossary, dict[str, object]], None]
CELL_READERS: dict[str, CellReader] = {
    trial.TRIAL_ID.name: trial.read_cell, trial.STUDY.name: trial.read_cell,
    disease.DISEASE.name: disease.read_cell,
    cell_source.CELL_SOURCE.name: cell_source.read_cell, text.DESIGN.name: cell_source.read_design_cell,
    target.TARGET.name: target.read_cell,
    count.N_PATIENTS.name: count.read_cell,
    regimen.PRECONDITIONING.name: regimen.read_cell,
    dose.DOSES.name: dose.read_cell,
    agent.COMBINATION.name: agent.read_cell,
    outcome.OUTCOMES.name: outcome.read_cell,
    adverse_event.ADVERSE_EVENTS.name: adverse_event.read_cell, adverse_event.ICANS.name: adverse_event.read_cell,
    adverse_event.GVHD.name: adverse_event.read_gvhd_cell,
    citation.ABSTRACT_NUMBER.name: citation.read_abstract_cell, citation.REFERENCE.name: citation.read_reference_cell,
    phase.PHASE.name: phase.read_cell,
    text.SUMMARY.name: text.read_summary_cell,
    product.PRODUCT.name: product.read_cell,
}

# How well a candidate piece of text fits as a cell of each column type (the segmenter weighs the
# readings of a run-together row by them; see ``tables/columns.py``): a small formula over the value's
# type-independent facts, ``None`` when the text cannot be such a cell.
CellScorer = Callable[[CellFacts, DocContext], "float | None"]
CELL_SCORERS: dict[ColumnType, CellScorer] = {
    ColumnType.TRIAL: trial.score_cell, ColumnType.DISEASE: disease.score_cell,
    ColumnType.SOURCE: cell_source.score_cell, ColumnType.TARGET: target.score_cell,
    ColumnType.COUNT: count.score_cell, ColumnType.REGIMEN: regimen.score_cell, ColumnType.DOSE: dose.score_cell,
    ColumnType.AGENT: agent.score_cell, ColumnType.OUTCOME: outcome.score_cell,
    ColumnType.ADVERSE: adverse_event.score_cell, ColumnType.ABSTRACT: citation.score_abstract_cell,
    ColumnType.REFERENCE: citation.score_reference_cell, ColumnType.PHASE: phase.score_cell,
    ColumnType.PRODUCT: product.score_cell, ColumnType.YEAR: text.score_year_cell,
    ColumnType.STATUS: text.score_status_cell, ColumnType.TEXT: text.score_text_cell,
}

__all__ = ["BY_NAME", "CELL_READERS", "CELL_SCORERS", "FIELDS", "CellReader", "CellScorer", "ColumnType", "Field"]

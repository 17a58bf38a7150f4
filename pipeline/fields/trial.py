"""The study a row reports: its registry ids (``trial_id``) or its name (``study``)."""

from __future__ import annotations

from pipeline.fields.base import ColumnType, Field
from pipeline.fields.phrases import Glossary, clean
from pipeline.knowledge import patterns
from pipeline.models import Column

TRIAL_ID = Field("trial_id", ColumnType.TRIAL,
                 words=("nct", "registry", "registration", "identifier", "chictr", "clinicaltrials.gov"),
                 abbreviations=("NCT", "ChiCTR"))
STUDY = Field("study", ColumnType.TRIAL, words=("trial", "trials", "study", "studies"))
FIELDS = (TRIAL_ID, STUDY)


def trial_ids(text: str) -> str:
    return ";".join(dict.fromkeys(patterns.normalize_trial_id(m.group()) for m in patterns.TRIAL_ID.finditer(text)))


def read_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    """A study cell: its registry ids (``trial_id``) and the name written beside them ("NCT02435849 (ELIANA)");
    under a study column, a cell without an id is the study's name ("ZUMA-1") or, as an author citation
    ("Lee et al."), the row's reference."""
    ids = trial_ids(cell)
    if ids:
        record["trial_id"] = ids
        named = patterns.NAME_AFTER_IDS.search(cell)
        if named and not patterns.ID_PREFIX.search(named.group("name")):
            record.setdefault("study", clean(named.group("name")))
        return
    if column.field != "study":
        return
    name = clean(cell)
    if patterns.AUTHOR_CITATION.fullmatch(name):
        record.setdefault("reference", name)
    elif name:
        record["study"] = name

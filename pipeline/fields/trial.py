"""The study a row reports: its registry ids (``trial_id``) or its name (``study``)."""

from pipeline.fields.base import ColumnType, Field

TRIAL_ID = Field("trial_id", ColumnType.TRIAL,
                 words=("nct", "registry", "registration", "identifier", "chictr", "clinicaltrials.gov"),
                 abbreviations=("NCT", "ChiCTR"))
STUDY = Field("study", ColumnType.TRIAL, words=("trial", "trials", "study", "studies"))
FIELDS = (TRIAL_ID, STUDY)

"""The disease a study treats ("Disease", "Indication", "Histology")."""

from pipeline.fields.base import ColumnType, Field

DISEASE = Field("disease", ColumnType.DISEASE,
                words=("disease", "diseases", "indication", "indications", "diagnosis", "malignancy",
                       "malignancies", "histology", "tumor", "tumour", "cancer"))
FIELDS = (DISEASE,)

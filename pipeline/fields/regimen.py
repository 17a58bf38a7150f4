"""The lymphodepleting regimen given before the cells ("Lymphodepletion", "Conditioning", "LD")."""

from pipeline.fields.base import ColumnType, Field

PRECONDITIONING = Field("preconditioning", ColumnType.REGIMEN,
                        words=("preconditioning", "pre-conditioning", "lymphodepletion", "lymphodepleting",
                               "conditioning"),
                        abbreviations=("LD",))
FIELDS = (PRECONDITIONING,)

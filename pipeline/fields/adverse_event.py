"""Safety: cytokine release syndrome and other adverse events, neurotoxicity (ICANS), GVHD."""

from pipeline.fields.base import ColumnType, Field

ADVERSE_EVENTS = Field("adverse_events", ColumnType.ADVERSE,
                       words=("toxicity", "toxicities", "safety", "adverse"),
                       abbreviations=("CRS", "AE", "AEs", "TRAE", "TRAEs", "DLT", "DLTs"))
ICANS = Field("icans", ColumnType.ADVERSE, words=("neurotoxicity",), abbreviations=("ICANS",))
GVHD = Field("gvhd", ColumnType.ADVERSE, abbreviations=("GVHD", "GvHD"))
FIELDS = (ADVERSE_EVENTS, ICANS, GVHD)

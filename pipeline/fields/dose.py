"""Dose levels ("Dose", "Cell dose (10^8)", "Dosing")."""

import re

from pipeline.fields.base import ColumnType, Field

DOSES = Field("doses", ColumnType.DOSE, words=("dose", "doses", "dosage", "dosing"))
FIELDS = (DOSES,)

# "Cell dose (108 )" (10^8 with the superscript lost), "(10^8)", "(×10 6)", "Dose (×10^6 CAR+ cells/kg)":
# a header's parenthesised "10N" can only be a power of ten (a unit is never the number 108).
_SCALE = re.compile(r"\(\s*(?:[×xX]\s*)?10\s*\^?\s*([1-9]\d?)(?![\d.])[^()]*\)")
_PER_KG = re.compile(r"/\s*kg\b|\bper\s+(?:kg|kilogram)\b", re.I)
_PER_M2 = re.compile(r"/\s*m\s*(?:2|\^2|²)|\bper\s+m\s*(?:2|\^2|²)", re.I)


def header_scale(header: str) -> float | None:
    """The power of ten a dose column's header puts on its cells ("Cell dose (108 )" -> 1e8)."""
    m = _SCALE.search(header)
    return float(10 ** int(m.group(1))) if m else None


def header_unit(header: str) -> str:
    """The unit a dose column's header states anywhere in it: "Dose (×10^6/kg)" -> cells/kg."""
    if _PER_KG.search(header):
        return "cells/kg"
    if _PER_M2.search(header):
        return "cells/m2"
    return "cells"

"""Efficacy: response rates and survival ("ORR/CR", "Response", "Efficacy")."""

import re

from pipeline.fields.base import ColumnType, Field
from pipeline.knowledge.lexicon import lookup

OUTCOMES = Field("outcomes", ColumnType.OUTCOME,
                 words=("response", "responses", "efficacy", "outcome", "outcomes", "remission", "survival"),
                 abbreviations=("ORR", "OR", "CR", "PR", "VGPR", "sCR", "CRi", "MRD", "OS", "PFS", "EFS", "DOR",
                                "DoR", "BOR"))
FIELDS = (OUTCOMES,)

_PARTS = re.compile(r"\s*/\s*|\s*,\s*|\s+and\s+")


def header_outcomes(header: str) -> list[str]:
    """Outcome names a header announces, in order: "ORR/CR" -> ["ORR", "CR"]."""
    names = []
    for part in _PARTS.split(header.strip()):
        entry = lookup(part.strip(), "OUTCOME")
        if entry:
            names.append(entry.normalized)
    return names

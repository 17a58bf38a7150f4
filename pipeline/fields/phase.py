"""The trial's phase ("Phase"), written in Roman numerals so that "phase 1/2" and "phase I/II" compare equal."""

from __future__ import annotations

import re

from pipeline.fields.base import ColumnType, Field
from pipeline.fields.cell_facts import CellFacts
from pipeline.fields.evidence import DocContext
from pipeline.fields.phrases import Glossary, clean
from pipeline.fields.score_settings import S
from pipeline.knowledge.patterns import CAPTION_PHASE
from pipeline.models import Column

PHASE = Field("phase", ColumnType.PHASE, words=("phase",))
FIELDS = (PHASE,)


_ROMAN_PHASES = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def phase(text: str) -> str:
    """Trial phase in Roman numerals, so "phase 1/2" and "phase I/II" compare equal."""
    parts = [re.sub(r"(?<=[IV1-4])[AB]$", "", part) for part in re.split(r"\s*/\s*", clean(text).upper())]
    return "/".join(_ROMAN_PHASES.get(part, part) for part in parts if part)


def caption_phase(caption: str) -> str:
    """The phase a table's caption gives all its rows ("Phase 3 trials of CD19 CAR T cells"), when it names
    exactly one; a caption naming several ("phase 1 and 2 trials") says nothing about any one row."""
    found = {phase(m.group(1)) for m in CAPTION_PHASE.finditer(caption)}
    return found.pop() if len(found) == 1 else ""


def read_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    record["phase"] = phase(cell)


_PHASE = re.compile(r"(?:[Pp]hase\s?)?(?:0|I{1,3}|IV|[1-4])[ab]?(?:\s?[/–-]\s?(?:I{1,3}|IV|[1-4])[ab]?)?")


_PHASE_OTHER = re.compile(r"(?i)pilot|early phase 1|n/?a|unknown|not stated")


def score_cell(f: CellFacts, ctx: DocContext) -> float | None:
    value = f.value
    if _PHASE.fullmatch(value):
        return S.digit_phase if value.isdigit() else S.phase
    if _PHASE_OTHER.fullmatch(value):
        return S.other_phase
    return None

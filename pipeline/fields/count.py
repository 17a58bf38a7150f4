"""How many patients a study or arm treated ("Patients", "N", "Enrolled")."""

from __future__ import annotations

import re

from pipeline.fields.base import ColumnType, Field, Readings
from pipeline.fields.cell_facts import FOOTNOTE_MARK, CellFacts
from pipeline.fields.evidence import DocContext
from pipeline.fields.phrases import Glossary
from pipeline.fields.score_settings import S
from pipeline.knowledge.patterns import (
    GARBLED_EQUALS,
    LEADING_COUNT,
    ONE_PATIENT,
    PATIENTS_SIZE,
    PATIENTS_SIZE_GROUPS,
    PATIENTS_STATED,
    PATIENTS_TREATED,
    PATIENTS_TREATED_GROUPS,
    PATIENTS_WITH,
)
from pipeline.knowledge.sentences import sentences
from pipeline.models import Column

N_PATIENTS = Field("n_patients", ColumnType.COUNT,
                   words=("patient", "patients", "pts", "subjects", "cases", "participants", "enrolled",
                          "enrollment"))
FIELDS = (N_PATIENTS,)


def count(text: str) -> int | None:
    m = LEADING_COUNT.match(GARBLED_EQUALS.sub(r"\1 = ", text))
    return int(m.group(1)) if m else None


def read_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    record["n_patients"] = count(cell)


_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
          "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
          "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
          "seventy": 70, "eighty": 80, "ninety": 90, "single": 1, "a single": 1, "no": 0, "none": 0}


def number(text: str) -> int | None:
    """A count as written, in digits or words: "12", "Twelve", "Ninety-eight", "a single" (None if neither)."""
    text = " ".join(text.strip().lower().split())
    if text.isdigit():
        return int(text)
    if text in _WORDS:
        return _WORDS[text]
    parts = re.split(r"[\s-]", text)
    if len(parts) == 2 and parts[0] in _WORDS and parts[1] in _WORDS and _WORDS[parts[0]] >= 20:
        return _WORDS[parts[0]] + _WORDS[parts[1]]
    return None


def read_prose(text: str, start: int, end: int, out: Readings) -> None:
    """The number of patients a study treated, stated in ``text[start:end]``: the first count of treated or
    infused patients, else the first size the prose gives (enrolled, included, "n = 12")."""
    for pattern, groups in ((PATIENTS_TREATED, PATIENTS_TREATED_GROUPS), (PATIENTS_SIZE, PATIENTS_SIZE_GROUPS)):
        m = pattern.search(text, start, end)
        if m:
            n = number(next(m.group(g) for g in groups if m.group(g)))
            if n:
                out.fields["n_patients_prose"] = n
                out.evidence.append(_sentence(text, start, end, m.start()))
                return
    m = PATIENTS_STATED.search(text, start, end)
    if m:
        out.fields["n_patients_prose"] = int(next(g for g in m.group("n", "n2", "n3", "n4", "n5", "n6") if g))
        return
    cases = ONE_PATIENT.findall(text, start, end)
    if len(cases) == 1:  # a case report: one patient described
        out.fields["n_patients_prose"] = 1
        out.evidence.append(_sentence(text, start, end, ONE_PATIENT.search(text, start, end).start()))
        return
    m = PATIENTS_WITH.search(text, start, end)
    if m:
        out.fields["n_patients_prose"] = int(m.group("n"))
        out.evidence.append(_sentence(text, start, end, m.start()))


def _sentence(text: str, start: int, end: int, at: int) -> str:
    for s, e in sentences(text, start, end):
        if s <= at < e:
            return " ".join(text[s:e].split())
    return ""


_COUNT = re.compile(r"(?:[1-9]\d{0,3}|0)(?:\s?\+)?|[nN]\s?=\s?[1-9]\d{0,3}")


_COUNT_EXTRA = re.compile(r"[1-9]\d{0,3}\s?\((?:[^()]{1,30})\)|[1-9]\d{0,3}\s?/\s?[1-9]\d{0,3}")


def score_cell(f: CellFacts, ctx: DocContext) -> float | None:
    value = f.value.rstrip(FOOTNOTE_MARK)  # "111*": the mark calls a note, the count is 111
    if not value:
        return None
    if _COUNT.fullmatch(value):
        if value == "0":
            return S.zero_count
        return S.count + (S.count_cited if value in ctx.patient_counts else
                          S.count_number if value in ctx.numbers else 0.0)
    if _COUNT_EXTRA.fullmatch(value):
        return S.count_extra
    if f.not_stated():
        return S.count_not_stated
    return None

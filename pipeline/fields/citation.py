"""How a row is cited: its meeting abstract number and its reference number."""

from __future__ import annotations

import re

from pipeline.fields.base import ColumnType, Field
from pipeline.fields.cell_facts import CellFacts
from pipeline.fields.evidence import DocContext
from pipeline.fields.phrases import Glossary
from pipeline.fields.score_settings import S
from pipeline.fields.trial import _ET_AL
from pipeline.knowledge import patterns
from pipeline.models import Column, IngestedText

ABSTRACT_NUMBER = Field("abstract_number", ColumnType.ABSTRACT, words=("abstract", "abstracts", "abstr"))
REFERENCE = Field("reference", ColumnType.REFERENCE, words=("reference", "references", "ref", "refs", "citation"))
FIELDS = (ABSTRACT_NUMBER, REFERENCE)


def reference_number(text: str) -> str:
    m = patterns.REFERENCE.search(text) or re.fullmatch(r"\s*(?P<number>\d{1,3})\s*", text)
    return m.group("number") if m else ""


def abstract_number(text: str) -> str:
    m = re.search(r"\b\d{1,5}\b", text)
    return m.group() if m else ""


_ENTRY = re.compile(r"^\s*\[?(?P<n>\d{1,3})[.\]]\s+(?P<body>.+?)(?=^\s*\[?\d{1,3}[.\]]\s|\Z)", re.M | re.S)


def reference_entries(doc: IngestedText) -> dict[str, str]:
    """Reference number -> entry text, from sections titled References."""
    entries: dict[str, str] = {}
    for section in doc.sections:
        if section.title.lower().startswith("reference"):
            text = doc.text[section.start : section.end].split("\n", 1)[-1]
            for m in _ENTRY.finditer(text):
                entries.setdefault(m.group("n"), " ".join(m.group("body").split()))
    return entries


def read_abstract_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    record["abstract_number"] = abstract_number(cell)


def read_reference_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    record["reference"] = reference_number(cell)


_ABSTRACT = re.compile(r"(?:[A-Z]{1,2}-?)?([1-9]\d{0,4})[a-z]?")


_ABSTRACT_LONG = re.compile(r"(?:[Aa]bstract|#)\s?(?:[Nn]o\.?\s?)?[A-Z]?[1-9]\d{0,4}")


_REFERENCE = re.compile(r"\[\d{1,3}(?:\s?[,–-]\s?\d{1,3})*\]")


_REFERENCE_PAREN = re.compile(r"\(\d{1,3}(?:\s?[,–-]\s?\d{1,3})*\)")


_SHORT_NUMBER = re.compile(r"[1-9]\d{0,2}")


def score_abstract_cell(f: CellFacts, ctx: DocContext) -> float | None:
    value = f.value
    m = _ABSTRACT.fullmatch(value)
    if m:
        digits = m.group(1)
        return (S.abstract_number + (S.long_abstract_number if len(digits) >= 3 else 0.0)
                + (S.abstract_cited if value in ctx.abstract_numbers else 0.0))
    if _ABSTRACT_LONG.fullmatch(value):
        return S.abstract_label
    if f.not_stated():
        return S.abstract_not_stated
    return None


def score_reference_cell(f: CellFacts, ctx: DocContext) -> float | None:
    value = f.value
    if _REFERENCE.fullmatch(value):
        return S.bracket_reference
    if _REFERENCE_PAREN.fullmatch(value):
        return S.paren_reference
    if _SHORT_NUMBER.fullmatch(value):
        return S.bare_reference
    if _ET_AL.fullmatch(value):
        return S.et_al
    return None

"""How a row is cited: its meeting abstract number and its reference number."""

from __future__ import annotations

import re

from pipeline.fields.base import ColumnType, Field
from pipeline.fields.phrases import Glossary
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

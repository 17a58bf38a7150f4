"""The reference list: which product each cited work is about.

A summary often names a trial's product only in the title of the abstract it cites
("Interim phase I data of NKX101 as monotherapy ..."); that title is part of the document.
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.knowledge.lexicon import alias_index, lookup
from pipeline.models import IngestedText

_ENTRY = re.compile(r"^\s*\[?(?P<n>\d{1,3})[.\]]\s+(?P<body>.+?)(?=^\s*\[?\d{1,3}[.\]]\s|\Z)", re.M | re.S)
# A development code: letters then digits ("FT596", "NKX101", "CT103A"), not a CD antigen or gene.
_CODE = re.compile(r"\b[A-Z]{2,5}-?\d{2,4}[A-Z]?\b")


def reference_entries(doc: IngestedText) -> dict[str, str]:
    """Reference number -> entry text, from sections titled References."""
    entries: dict[str, str] = {}
    for section in doc.sections:
        if section.title.lower().startswith("reference"):
            text = doc.text[section.start : section.end].split("\n", 1)[-1]
            for m in _ENTRY.finditer(text):
                entries.setdefault(m.group("n"), " ".join(m.group("body").split()))
    return entries


def cited_products(doc: IngestedText) -> dict[str, str]:
    """Reference number -> the one product its entry names (entries naming none or several are left out)."""
    products: dict[str, str] = {}
    for number, body in reference_entries(doc).items():
        found = set()
        for m in _CODE.finditer(body):
            code = m.group()
            entry = lookup(code)
            if entry is None or entry.label == "PRODUCT":
                found.add(entry.normalized if entry else code)
        for alias, normalized in _product_aliases():
            if alias in body and re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", body):
                found.add(normalized)
        if len(found) == 1:
            products[number] = found.pop()
    return products


@cache
def _product_aliases() -> tuple[tuple[str, str], ...]:
    """(alias, product) for every product alias long enough to search for in a reference's title
    (lexicon data: read once per process)."""
    found = []
    for alias, entries in alias_index().items():
        product = next((e for e in entries if e.label == "PRODUCT"), None)
        if len(alias) > 3 and product is not None:
            found.append((alias, product.normalized))
    return tuple(found)

"""Where the therapy's cells come from ("Cell source", "NK source", "Origin")."""

from __future__ import annotations

import re

from pipeline.fields.base import ColumnType, Field
from pipeline.fields.cell_facts import CellFacts
from pipeline.fields.evidence import DocContext
from pipeline.fields.phrases import Glossary, canonical, named_in
from pipeline.fields.score_settings import S
from pipeline.knowledge.gates import Gate
from pipeline.knowledge.patterns import PRIOR_THERAPY_BEFORE
from pipeline.models import Column

CELL_SOURCE = Field("cell_source", ColumnType.SOURCE, words=("source", "origin"))
FIELDS = (CELL_SOURCE,)


def read_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    record["cell_source"] = canonical(cell, "CELL_SOURCE", glossary)


def read_design_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    """"Autologous T cells, lentiviral; 4-1BB + CD3ζ": the source is one term among the design's."""
    if not record.get("cell_source"):
        record["cell_source"] = named_in(cell, "CELL_SOURCE")


# "allogeneic haematopoietic stem cell transplant": a source named before a transplant names the graft,
# not where the therapy's cells come from.
_TRANSPLANT_AFTER = re.compile(r"[\w\s-]{0,40}transplant")


def names_a_transplant(text: str, end: int) -> bool:
    """Whether the cell source mentioned up to ``end`` is the graft of a transplant named right after it."""
    return _TRANSPLANT_AFTER.match(text, end) is not None


# "an allogeneic product", "autologous CLL1 CAR-T cells", "umbilical cord blood-derived NK cells": a source that
# qualifies the cells given, within a few words, as opposed to "an autologous collection is often contaminated" or
# "normal hematopoietic stem cells."
_CELLS_AFTER = re.compile(r"[\s-]*(?:[\w+/]+[\s-]+){0,3}?(?:CAR|TCR|products?|cells?|T[\s-]cells?|NK|lymphocytes|"
                          r"therapy|therapies|construct|lines?)\b", re.I)
# How far before a source the words of a prior therapy may stand ("relapsed after autologous").
_PRIOR_REACH = 40


def qualifies_cells(text: str, start: int, end: int) -> bool:
    """Whether the cell source named at ``text[start:end]`` qualifies the cells a therapy is made of ("an
    allogeneic product", "autologous CAR T cells", "a clonal master iPSC line"), not a collection, the patient's
    normal cells or a therapy they had before ("relapsed after autologous CAR T-cell therapy")."""
    return (_CELLS_AFTER.match(text, end) is not None
            and not PRIOR_THERAPY_BEFORE.search(text, max(0, start - _PRIOR_REACH), start))


_SOURCE_HEAD = Gate(
    re.compile(r"(?i)cord|blood|umbilical|ipsc|pluripotent|peripheral|donor|autologous|"
               r"allogen|derived|haplo|nk-?92|progenitor|stem|\bhsc|pbmc|placent|healthy|adult|"
               r"cell line|primary|third-party|\bPB\b|\bCB\b"),
    ("cord", "blood", "umbilical", "ipsc", "pluripotent", "peripheral", "donor", "autologous", "allogen",
     "derived", "haplo", "nk92", "nk-92", "progenitor", "stem", "hsc", "pbmc", "placent", "healthy", "adult",
     "cell line", "primary", "third-party"), fold=True, words=frozenset({"pb", "cb"}))


_SOURCE_ALLOWED = frozenset({"healthy", "adult", "donor", "donors", "derived", "and", "or", "-derived", "nk", "cells",
                             "cell", "primary", "expanded"})


def score_cell(f: CellFacts, ctx: DocContext) -> float | None:
    found, unknown = f.lexical(ctx, ctx.lexicon.sources, "sources", _SOURCE_ALLOWED)
    if found and not unknown:
        return S.whole_term
    if found:
        return max(S.some_term_floor, S.some_term - unknown)
    if f.search(_SOURCE_HEAD):
        return S.head_word + min(0.0, f.text(ctx) - S.plausible_text)
    return f.text(ctx) + S.text_fallback

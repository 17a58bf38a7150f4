"""Scoring a value from its facts record gives the scores the scorer gave before the records.

``pipeline/tables/facts.py`` computes what the column scorers ask of a value once per value and
document, and each column type's score is a formula over it. ``legacy_columns.py`` is the scorer as
it was before (each type reading the value itself, memos keyed by value); both score every span a
segmenter tries in generated documents (shredded rotated tables, flowing rows and the other upright
layouts) under every column type, in a shuffled order, and must agree exactly, also after a table's
footnotes define an abbreviation halfway through.

Values the cell scorers were since taught to read differently on purpose (``_changed_on_purpose``:
figures whose "%" the header carries, "111*" counts, study names with their ids, "101 2 × 10^6" as no
dose, "+ agent" and "Product (NCT...)" product cells, "Name, cohort" studies) are left out of the
comparison; ``test_tables_reader.py`` and ``test_tables_any_3.py`` test how they score now.
"""

from __future__ import annotations

import random
from functools import cache

import legacy_columns as legacy
import pytest
import tablegen
from bench_modules import bench_module

from pipeline.fields.cell_facts import NO_NUMBER, CellFacts
from pipeline.fields.evidence import build_context
from pipeline.fields.product import ADDED_ONLY
from pipeline.ingest.text import ingest_text
from pipeline.tables.columns import normalise, score_cell
from pipeline.tables.layout import word_cuts
from pipeline.tables.vocabulary import ColumnType

MAX_SPAN = 45


def _spans(text: str, cuts: list[int]) -> set[str]:
    values = set()
    for i, a in enumerate(cuts):
        for b in cuts[i + 1:]:
            if b - a > MAX_SPAN:
                break
            value = normalise(text[a:b])
            if value:
                values.add(value)
    return values


@cache
def _documents() -> list[str]:
    texts = [tablegen.random_document(seed)[0] for seed in range(4)]
    generated = bench_module("generate").generate(12, seed=3)  # every layout, rotated ones too
    return texts + [text for _, text in generated]


def _values(text: str) -> tuple[object, list[str]]:
    doc = ingest_text(text, "generated")
    values: set[str] = set()
    for run in doc.fragment_runs:
        values |= _spans(doc.text, [run.start, *run.breaks, run.end])
    start = 0
    for line in doc.text.split("\n"):
        values |= _spans(doc.text, word_cuts(doc.text, start, start + len(line)))
        start += len(line) + 1
    return doc, sorted(values)


_FIGURE_KINDS = (ColumnType.OUTCOME, ColumnType.ADVERSE)


def _changed_on_purpose(kind: ColumnType, value: str) -> bool:
    facts = CellFacts(value)
    if kind in _FIGURE_KINDS and facts.numeric() != NO_NUMBER:
        return True
    if kind is ColumnType.COUNT and value[-1] in "*†‡§¶":
        return True
    if kind is ColumnType.TRIAL and (facts.has_id() or " " in value or "," in value):
        return True  # ... "C-145-04, cohort 1": a coded name and a note
    if kind is ColumnType.PRODUCT and (facts.has_id() or ADDED_ONLY.match(value)):
        return True  # "NKX019 (NCT05020678)", "+ ibrutinib": a product with its ids, an added agent
    return kind is ColumnType.DOSE and any(a.isdigit() and b == " " and c.isdigit()
                                           for a, b, c in zip(value, value[1:], value[2:], strict=False))


@pytest.mark.parametrize("index", range(16))
def test_scores_from_facts_equal_the_scores_before(index: int) -> None:
    documents = _documents()
    if index >= len(documents):
        pytest.skip("fewer generated documents")
    doc, values = _values(documents[index])
    assert values
    ctx, old_ctx = build_context(doc), legacy.legacy_context(build_context(doc))
    rng = random.Random(index)
    asks = [(kind, value, partial) for value in values for kind in ColumnType for partial in (False, True)]
    rng.shuffle(asks)
    half = len(asks) // 2
    compared = 0
    for position, (kind, value, partial) in enumerate(asks):
        if position == half:  # a later table's footnotes define an abbreviation the values use
            defined = [("CR", "complete response"), ("XQZ", "xenogeneic quiescent zeta")]
            ctx.add_abbreviations(defined)
            old_ctx.add_abbreviations(defined)
            old_ctx.text_scores.clear()  # what the context did for the old scorer when it grew
        expected = legacy.score_cell(kind, value, old_ctx, partial)
        if _changed_on_purpose(kind, value):
            continue
        assert score_cell(kind, value, ctx, partial) == expected, (kind, value, partial)
        compared += expected is not None
    assert compared > len(asks) // 4  # most spans are cells of some type

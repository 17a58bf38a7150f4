"""Every field where a predicted trial arm or preclinical study disagrees with gold.

The comparison is the scorer's own (``pipeline.score``: same alignment, same notion of equal values),
so that each false positive and false negative behind a bar of the chart is one line of the list.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.report.load import Gold, Row, Run
from pipeline.score import PRECLINICAL_FIELDS, TRIAL_FIELDS, TRIAL_KEY, Counts, align, compare_fields, study_key

# How ``score_folders`` aligns records of each file (trial arms by SCHEMA.md's key, studies by abstract).
RECORD_KEYS: dict[str, tuple[str, ...]] = {"trials": TRIAL_KEY, "preclinical": ("abstract_number",)}
RECORD_FIELDS: dict[str, list[str]] = {"trials": TRIAL_FIELDS, "preclinical": PRECLINICAL_FIELDS}

MISSED, EXTRA, DIFFERENT = "missed", "not in gold", "different value"


@dataclass(frozen=True)
class Disagreement:
    """One field of one record where prediction and gold differ, with both rows for their quotes."""

    doc_id: str
    file: str
    record: str
    field: str
    kind: str
    predicted: str
    gold: str
    predicted_row: Row | None
    gold_row: Row | None
    predicted_index: int | None


@dataclass
class Comparison:
    disagreements: list[Disagreement]
    counts: dict[tuple[str, str], Counts]


def record_name(file: str, row: Row) -> str:
    """How a record is named on the page: its alignment key."""
    if file == "preclinical":
        return f"abstract {row.get('abstract_number', '') or '(none)'}"
    field, _value = study_key(row)
    return " · ".join([row.get(field, "") if field else "(none)", row.get("arm", "") or "(none)"])


def compare_with_gold(run: Run, gold: Gold) -> Comparison:
    """Disagreements, and tp/fp/fn per (file, field) summed over documents (``ALL`` per file too)."""
    disagreements: list[Disagreement] = []
    counts: dict[tuple[str, str], Counts] = {}
    for file, gold_by_doc in (("trials", gold.trials), ("preclinical", gold.preclinical)):
        fields = RECORD_FIELDS[file]
        for doc_id, gold_rows in sorted(gold_by_doc.items()):
            document = run.document(doc_id)
            predicted: list[Row] = getattr(document, file) if document else []
            for pred, truth in align(predicted, gold_rows, RECORD_KEYS[file]):
                for field, c in compare_fields(pred, truth, fields).items():
                    counts.setdefault((file, field), Counts()).add(c)
                    counts.setdefault((file, "ALL"), Counts()).add(c)
                    if c.fp or c.fn:
                        disagreements.append(_disagreement(doc_id, file, field, c, pred, truth, predicted))
    return Comparison(disagreements, counts)


def _disagreement(doc_id: str, file: str, field: str, c: Counts, pred: Row | None, truth: Row | None,
                  predicted: list[Row]) -> Disagreement:
    kind = DIFFERENT if c.fp and c.fn else (EXTRA if c.fp else MISSED)
    index = next((i for i, row in enumerate(predicted) if row is pred), None)
    named = truth if truth is not None else pred
    return Disagreement(
        doc_id=doc_id, file=file, record=record_name(file, named or {}), field=field, kind=kind,
        predicted=(pred or {}).get(field, ""), gold=(truth or {}).get(field, ""),
        predicted_row=pred, gold_row=truth, predicted_index=index,
    )


def rates(c: Counts) -> tuple[float, float, float]:
    """Precision, recall, F1 with the scorer's convention (nothing to find and nothing found is 1.0)."""
    p = c.tp / (c.tp + c.fp) if c.tp + c.fp else (1.0 if c.fn == 0 else 0.0)
    r = c.tp / (c.tp + c.fn) if c.tp + c.fn else (1.0 if c.fp == 0 else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score_rows(comparison: Comparison) -> list[Row]:
    """The comparison's totals shaped like ``scores.csv`` rows (doc_id ``ALL``)."""
    rows: list[Row] = []
    for (file, field), c in comparison.counts.items():
        p, r, f = rates(c)
        rows.append({"doc_id": "ALL", "file": file, "field": field, "tp": str(c.tp), "fp": str(c.fp),
                     "fn": str(c.fn), "precision": f"{p:.4f}", "recall": f"{r:.4f}", "f1": f"{f:.4f}"})
    return rows

"""The scorer: known differences between a prediction and a gold give known tp/fp/fn."""

from __future__ import annotations

import pandas as pd

from pipeline.columns import TRIALS
from pipeline.score import (
    TRIAL_FIELDS,
    align,
    compare_fields,
    same_value,
    score_abbreviations,
    score_entities,
    score_folders,
    score_records,
)

GOLD = [
    {"trial_id": "NCT00000001", "arm": "monotherapy", "orr_pct": "60", "target_symbols": "CD33",
     "doses_cells": "6e+08;1.2e+09", "disease": "acute myeloid leukemia"},
    {"trial_id": "NCT00000002", "arm": "monotherapy", "orr_pct": "16.7", "target_symbols": "TNFRSF17"},
    {"trial_id": "NCT00000002", "arm": "combination", "orr_pct": "66.7", "combination": "daratumumab"},
]


def test_values_compare_as_numbers_sets_and_folded_text():
    assert same_value("orr_pct", "16.70", "16.7")
    assert same_value("orr_pct", "16.7", "16.72")  # within rounding of a printed percent
    assert not same_value("orr_pct", "16.7", "17")
    assert same_value("doses_cells", "1.2e9;6e8", "6e+08;1.2e+09")
    assert same_value("target_symbols", "MS4A1;ERBB2", "ERBB2;MS4A1")
    assert same_value("crs", "any grade 77%; grade >=3 46%", "any grade 77%; grade ≥3 46%")
    assert same_value("icans", "grade 1-2 in 4", "grade 1–2 in 4")
    assert not same_value("crs", "grade >=3 46%", "grade <=3 46%")
    assert same_value("crs", "grade ≥ 3 in 2", "grade >=3 in 2")
    assert same_value("icans", "grade 1−2 in 4", "grade 1-2 in 4")
    assert same_value("disease", "Acute  myeloid leukemia", "acute myeloid leukemia")
    assert not same_value("target_symbols", "MS4A1", "ERBB2;MS4A1")


def test_field_comparison_counts():
    c = compare_fields({"a": "1", "b": "", "c": "x", "d": "y"}, {"a": "1", "b": "2", "c": "", "d": "z"},
                       ["a", "b", "c", "d"])
    assert (c["a"].tp, c["b"].fn, c["c"].fp) == (1, 1, 1)
    assert (c["d"].fp, c["d"].fn) == (1, 1)


def test_alignment_by_trial_id_and_arm():
    pred = [dict(GOLD[2]), dict(GOLD[0])]
    pairs = align(pred, GOLD, ("trial_id", "arm"))
    assert [(p is not None, g is not None) for p, g in pairs] == [(True, True), (False, True), (True, True)]


def test_known_differences_give_known_counts():
    pred = [dict(row) for row in GOLD]
    pred[0]["orr_pct"] = "50"  # wrong value: fp + fn
    del pred[1]["target_symbols"]  # missing: fn
    pred[2]["disease"] = "multiple myeloma"  # not in gold: fp
    pred.append({"trial_id": "NCT00000009", "arm": "monotherapy", "orr_pct": "10"})  # spurious record
    totals = score_records(pred, GOLD, ("trial_id", "arm"), TRIAL_FIELDS)
    assert (totals["orr_pct"].tp, totals["orr_pct"].fp, totals["orr_pct"].fn) == (2, 2, 1)
    assert (totals["target_symbols"].tp, totals["target_symbols"].fn) == (1, 1)
    assert totals["disease"].fp == 1 and totals["disease"].tp == 1
    assert (totals["trial_id"].tp, totals["trial_id"].fp) == (3, 1)
    assert (totals["arm"].tp, totals["arm"].fp) == (3, 1)


def test_abbreviation_pairs():
    c = score_abbreviations(
        [{"short_form": "MM", "long_form": "Multiple myeloma"}, {"short_form": "CR", "long_form": "cr rate"}],
        [{"short_form": "MM", "long_form": "multiple myeloma"}, {"short_form": "CR", "long_form": "complete response"}],
    )["pair"]
    assert (c.tp, c.fp, c.fn) == (1, 1, 1)


def test_entities_strict_and_partial():
    text = "CD33 CAR-NK cells in acute myeloid leukemia (AML)."
    gold = [{"label": "TARGET", "text": "CD33", "evidence": "CD33 CAR-NK"},
            {"label": "DISEASE", "text": "acute myeloid leukemia", "evidence": "in acute myeloid leukemia (AML)"},
            {"label": "DISEASE", "text": "AML", "evidence": "leukemia (AML)."}]
    pred = [{"label": "TARGET", "start": 0, "end": 4}, {"label": "DISEASE", "start": 27, "end": 43},
            {"label": "CELL_SOURCE", "start": 5, "end": 11}]
    c = score_entities(text, pred, gold)
    assert (c["TARGET strict"].tp, c["DISEASE strict"].tp, c["DISEASE strict"].fp) == (1, 0, 1)
    assert (c["DISEASE partial"].tp, c["DISEASE partial"].fn) == (1, 1)
    assert (c["ALL strict"].tp, c["ALL strict"].fp, c["ALL strict"].fn) == (1, 2, 2)


def test_score_folders_writes_scores_csv(tmp_path):
    pred, gold = tmp_path / "pred", tmp_path / "gold" / "doc1"
    pred.mkdir()
    gold.mkdir(parents=True)
    rows = [{"doc_id": "doc1", **row} for row in GOLD]
    pd.DataFrame(rows, columns=TRIALS).to_csv(gold / "trials.csv", index=False)
    pd.DataFrame(rows[:2], columns=TRIALS).to_csv(pred / "trials.csv", index=False)
    scores = score_folders(pred, tmp_path / "gold")
    assert (pred / "scores.csv").exists()
    overall = scores[(scores.doc_id == "ALL") & (scores.file == "trials") & (scores.field == "ALL")].iloc[0]
    # the third gold arm is missing: its four stated fields are false negatives
    assert overall.fp == 0 and overall.fn == 4 and overall.precision == 1.0

"""Accuracy against the hand-curated gold, read from the committed outputs (test_extracted keeps them fresh).

The example must be exactly right; every other document must not fall below the F1 it reaches
today (a regression floor, raised as the pipeline improves; see README "Accuracy").
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.score import score_folders

ROOT = Path(__file__).resolve().parents[1]

# (doc_id, file) -> lowest acceptable F1 over all fields
FLOORS = {
    ("huang2023_carnk_ash2022", "trials"): 1.0,
    ("huang2023_carnk_ash2022", "preclinical"): 1.0,
    ("huang2023_carnk_ash2022", "abbreviations"): 1.0,
    ("huang2023_carnk_ash2022", "entities"): 0.95,
    ("eha2024_cart_lymphoma_cll", "trials"): 0.99,
    ("ash2023_bispecifics_mm_prose", "trials"): 0.99,
    ("bcma_cart_meeting_abstract", "trials"): 0.9,
    ("bcma_cart_rotated_table", "trials"): 0.94,
    ("aml_cart_cell_per_line", "trials"): 0.9,
    ("all_cd19_cd22_review", "trials"): 0.99,
    ("carnk_pipe_table", "trials"): 0.95,
    ("correspondence_dose_notation", "trials"): 0.66,
    ("myeloma_bispecifics_review", "trials"): 0.57,
    ("lbcl_phase3_transposed", "trials"): 0.99,
}


@pytest.fixture(scope="module")
def scores(tmp_path_factory) -> pd.DataFrame:
    pred = tmp_path_factory.mktemp("pred")
    for path in (ROOT / "extracted").iterdir():
        if path.is_file():
            shutil.copy(path, pred / path.name)
    shutil.copytree(ROOT / "extracted" / "texts", pred / "texts")
    return score_folders(pred, ROOT / "gold")


@pytest.mark.parametrize(("doc_id", "file"), sorted(FLOORS))
def test_f1_does_not_fall_below_its_floor(scores, doc_id, file):
    field = {"abbreviations": "pair", "entities": "ALL strict"}.get(file, "ALL")
    row = scores[(scores.doc_id == doc_id) & (scores.file == file) & (scores.field == field)]
    assert len(row) == 1, f"{doc_id} {file} was not scored"
    assert row.f1.iloc[0] >= FLOORS[(doc_id, file)], row.to_dict("records")


def test_every_gold_document_is_in_raw():
    gold = {p.name for p in (ROOT / "gold").iterdir() if p.is_dir()}
    raw = {p.stem for p in (ROOT / "raw").iterdir() if p.suffix in (".txt", ".pdf")}
    assert gold <= raw


@pytest.mark.parametrize("mode", ["strict", "partial"])
def test_every_entity_label_of_the_example_reaches_095(scores, mode):
    rows = scores[(scores.doc_id == "huang2023_carnk_ash2022") & (scores.file == "entities")
                  & scores.field.str.endswith(f" {mode}")]
    assert len(rows) >= 10, "the example's entities were not scored per label"
    low = rows[rows.f1 < 0.95]
    assert low.empty, low[["field", "tp", "fp", "fn", "f1"]].to_dict("records")

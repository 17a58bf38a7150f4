"""Issue "One place per fact": each behaviour the review found wrong, on documents of our own.

Each test builds a small document in the shapes summaries print, runs it through ``extract_document``
as a user would, and checks the record or entity a reader of the document would write down.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import extract_document
from pipeline.abbreviations import find_abbreviations
from pipeline.fields.dose import header_scale
from pipeline.fields.header import read_header
from pipeline.ner import build_nlp

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def _extract(tmp_path: Path, text: str, nlp, name: str = "doc"):
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return extract_document(path, nlp=nlp)


PIPE_ROWS = """| Trial | Target | Patients | ORR |
|---|---|---|---|
| NCT04111111 | CD19 | 24 | 75% |
| NCT04222222 | BCMA | 31 | 81% |
"""


@pytest.mark.parametrize("caption", ["Supplementary Table S2. Trials of CAR-T cells",
                                     "Tab. 3 Trials of CAR-T cells",
                                     "Table S1: Trials of CAR-T cells"])
def test_captions_of_every_style_give_their_tables_rows(tmp_path: Path, nlp, caption: str) -> None:
    text = f"Results\n\nTwo trials are summarised below.\n\n{caption}\n\n{PIPE_ROWS}\n"
    result = _extract(tmp_path, text, nlp)
    assert len(result.tables) == 1
    by_id = {t.trial_id: t for t in result.trials}
    assert set(by_id) == {"NCT04111111", "NCT04222222"}
    assert (by_id["NCT04111111"].n_patients, by_id["NCT04111111"].orr_pct) == (24, 75)
    assert by_id["NCT04222222"].target_symbols == "TNFRSF17"


REGISTRY_IDS = ["ACTRN12619001234567", "UMIN000012345", "KCT0004567", "DRKS00012345", "CTRI/2019/07/020191",
                "IRCT20180623040197N1", "NL7621", "NTR4567", "jRCTa031180149", "ISRCTN12345678"]


@pytest.mark.parametrize("trial_id", REGISTRY_IDS)
def test_registry_ids_of_every_registry_reach_trial_id(tmp_path: Path, nlp, trial_id: str) -> None:
    text = (f"A phase I study of CD19 CAR-T cells ({trial_id}) treated 12 patients with large B-cell lymphoma. "
            "The overall response rate was 75%.\n")
    result = _extract(tmp_path, text, nlp)
    assert [t.trial_id for t in result.trials] == [trial_id]
    assert [e.normalized for e in result.entities if e.label == "TRIAL_ID"] == [trial_id]


def test_eudract_numbers_are_written_bare(tmp_path: Path, nlp) -> None:
    text = ("The CARTELL study (EudraCT 2019-001234-56) treated 20 patients with multiple myeloma with "
            "BCMA CAR-T cells.\n")
    result = _extract(tmp_path, text, nlp)
    assert [t.trial_id for t in result.trials] == ["2019-001234-56"]


def test_registry_ids_in_table_cells(tmp_path: Path, nlp) -> None:
    text = ("Table 1 Trials\n\n| Registry | Target | Patients |\n|---|---|---|\n"
            "| ACTRN12619001234567 | CD19 | 10 |\n| UMIN000012345 | BCMA | 8 |\n| KCT0004567 | CD7 | 6 |\n")
    result = _extract(tmp_path, text, nlp)
    assert {t.trial_id: t.n_patients for t in result.trials} == {
        "ACTRN12619001234567": 10, "UMIN000012345": 8, "KCT0004567": 6}


def test_dosing_column_feeds_doses_and_safety_column_feeds_crs(tmp_path: Path, nlp) -> None:
    text = ("Table 1 CAR-T trials\n\n| Trial | Target | Dosing | Safety |\n|---|---|---|---|\n"
            "| NCT04333333 | CD19 | 1 × 10^6 cells/kg | Grade 2 CRS: 3 |\n")
    result = _extract(tmp_path, text, nlp)
    (arm,) = result.trials
    assert (arm.doses_cells, arm.dose_unit) == ("1e+06", "cells/kg")
    assert (arm.crs, arm.crs_max_grade, arm.crs_n) == ("grade 2 in 3 patients", 2, 3)


def test_one_scale_for_a_dose_header() -> None:
    assert header_scale("Dose (×10^6 CAR+ cells/kg)") == 1e6
    reading = read_header("Dose (×10^6 CAR+ cells/kg)")
    assert (reading.role, reading.scale, reading.unit) == ("doses", 1e6, "cells/kg")


def test_scaled_dose_header_scales_cells_in_records(tmp_path: Path, nlp) -> None:
    text = ("Table 1 CAR-T trials\n\n| Trial | Target | Dose (×10^6 CAR+ cells/kg) |\n|---|---|---|\n"
            "| NCT04444444 | CD19 | 0.5, 1, 2 |\n")
    (arm,) = _extract(tmp_path, text, nlp).trials
    assert (arm.doses_cells, arm.dose_unit) == ("500000;1e+06;2e+06", "cells/kg")


def test_the_documents_own_definition_wins_over_the_lexicon(tmp_path: Path, nlp) -> None:
    text = ("Adoptive cell therapy in malignant melanoma (MM) is reviewed here.\n\n"
            "Table 1 TIL trials\n\n| Trial | Disease | Patients |\n|---|---|---|\n"
            "| NCT05555555 | MM | 40 |\n")
    result = _extract(tmp_path, text, nlp)
    (arm,) = result.trials
    assert arm.disease == "melanoma"
    mm = [e for e in result.entities if e.text == "MM"]
    assert mm and all(e.normalized == "melanoma" for e in mm)


def test_the_lexicon_still_reads_an_undefined_short_form(tmp_path: Path, nlp) -> None:
    text = ("Table 1 BCMA trials\n\n| Trial | Disease | Patients |\n|---|---|---|\n"
            "| NCT05666666 | MM | 40 |\n")
    (arm,) = _extract(tmp_path, text, nlp).trials
    assert arm.disease == "multiple myeloma"


def test_find_abbreviations_on_raw_text_matches_a_run(tmp_path: Path, nlp) -> None:
    raw = (ROOT / "raw" / "huang2023_carnk_ash2022.txt").read_text(encoding="utf-8")
    api = {(a.short_form, a.long_form, a.source) for a in find_abbreviations(raw)}
    run = {(a.short_form, a.long_form, a.source)
           for a in extract_document(ROOT / "raw" / "huang2023_carnk_ash2022.txt", nlp=nlp).abbreviations}
    assert api == run
    # Offsets are into the text given: each short form is where the API says it is (a short form of a
    # shredded rotated table is spread over its fragments' lines there).
    for a in find_abbreviations(raw):
        assert "".join(raw[a.start:a.end].split()) == a.short_form

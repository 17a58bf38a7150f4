"""Issue 19, "Records from any summary": each failure kind the issue lists, on sentences of our own.

Every document here is invented for the test (made-up study names, products and numbers); none is copied
from a corpus. Each runs through ``extract_document`` as a user would run confmine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import extract_document
from pipeline.ner import build_nlp
from pipeline.output import unmark as unsafe_cell
from pipeline.score import TRIAL_FIELDS, TRIAL_KEY, align, score_records


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def _trials(tmp_path: Path, nlp, text: str, name: str = "doc"):
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return extract_document(path, nlp=nlp).trials


# --- A record for every study, with or without a registry id ------------------------------------------

def test_an_abstract_known_only_by_its_product_is_one_record(tmp_path, nlp):
    text = ("Results of a Phase 1 Study of the Allogeneic CAR-NK Product XK-77 in Relapsed Lymphoma\n\n"
            "Background: XK-77 is an allogeneic CD19-directed CAR-NK cell product.\n"
            "Results: Fourteen patients were treated. The overall response rate was 64%.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert (arm.trial_id, arm.study, arm.product) == ("", "", "XK-77")
    assert (arm.n_patients, arm.orr_pct, arm.phase) == (14, 64, "I")


def test_an_abstract_known_only_by_its_study_name_is_one_record(tmp_path, nlp):
    text = ("Primary analysis of HORIZON-4\n\n"
            "HORIZON-4 is a single-arm phase 2 trial of CD19 CAR T cells in adults with follicular lymphoma. "
            "Thirty patients were infused; the complete response rate was 70%.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert (arm.trial_id, arm.study, arm.n_patients, arm.cr_pct) == ("", "HORIZON-4", 30, 70)


def test_an_abstract_book_page_gives_each_abstract_its_record(tmp_path, nlp):
    text = ("POSTER ABSTRACTS\n\n"
            "2101 CD33 CAR-NK Cells in Refractory Acute Myeloid Leukemia\n\n"
            "Background: We tested CD33 CAR-NK cells.\nResults: Nine patients were treated and four achieved CR.\n\n"
            "2102 BCMA CAR T Cells after Prior Anti-BCMA Therapy: A Phase 1 Study\n\n"
            "Background: We tested BCMA CAR T cells.\nResults: Twelve patients were treated; the ORR was 50%.\n")
    first, second = _trials(tmp_path, nlp, text)
    assert (first.abstract_number, first.n_patients, first.cr_pct) == ("2101", 9, 44.4)
    assert (second.abstract_number, second.n_patients, second.orr_pct) == ("2102", 12, 50)


def test_a_study_named_in_passing_is_not_reported(tmp_path, nlp):
    text = ("News | Meeting report\n\n"
            "The phase 2 DELTA-9 trial (NCT09876543) of a GPRC5D-directed antibody gave responses in 61% of "
            "patients. A related product is being evaluated in the OMEGA-2 study; it was not presented.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert (arm.trial_id, arm.study, arm.orr_pct) == ("NCT09876543", "DELTA-9", 61)


# --- Registry ids --------------------------------------------------------------------------------------

def test_a_umin_id_and_reference_marks_glued_to_an_nct_id(tmp_path, nlp):
    text = ("A phase 1 study of CD7 CAR T cells (UMIN000045678) treated 8 patients with T-ALL; "
            "the CR rate was 75%.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert arm.trial_id == "UMIN000045678"
    text = ("Background: We report the ARROW-3 study (NCT041234567,8), a phase 2 trial.\n"
            "Results: Twenty-two patients received the cells. The overall response rate was 77%.\n")
    (arm,) = _trials(tmp_path, nlp, text, "glued")
    assert (arm.trial_id, arm.reference, arm.study, arm.n_patients) == ("NCT04123456", "7;8", "ARROW-3", 22)


def test_a_two_word_study_name_is_the_study_not_a_trial_id(tmp_path, nlp):
    text = ("Background: PIONEER LYM-2 (NCT05550001) is an open-label phase 1/2 study of a CD20 CAR T-cell product.\n"
            "Results: 40 patients were treated and the ORR was 85%.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert (arm.trial_id, arm.study) == ("NCT05550001", "PIONEER LYM-2")


# --- Facts from prose --------------------------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "n"), [
    ("Twelve consecutive patients were treated.", 12),
    ("Forty-one patients were enrolled and 38 received the product.", 38),
    ("54 patients (61% female; median age 60 years) were infused.", 54),
    ("The phase 1 cohort was small (N = 12).", 12),
    ("A total of 17 patients were enrolled and treated (n 5 17).", 17),
])
def test_patient_counts_in_digits_words_and_garbled_symbols(tmp_path, nlp, sentence, n):
    text = f"Background: A phase 1 trial (NCT05550002) of CD19 CAR T cells in lymphoma.\nResults: {sentence}\n"
    (arm,) = _trials(tmp_path, nlp, text)
    assert arm.n_patients == n


@pytest.mark.parametrize(("sentence", "field", "value"), [
    ("MRD-negative CR in 5 out of 5.", "cr_pct", 100),
    ("Seven of 20 patients achieved a complete response.", "cr_pct", 35),
    ("12/16 patients responded.", "orr_pct", 75),
    ("Nine (45%) reached complete remission.", "cr_pct", 45),
])
def test_response_rates_from_shares_of_patients(tmp_path, nlp, sentence, field, value):
    text = f"Background: A phase 1 trial (NCT05550003) of CD19 CAR T cells.\nResults: {sentence}\n"
    (arm,) = _trials(tmp_path, nlp, text)
    assert getattr(arm, field) == pytest.approx(value, abs=0.05)


def test_a_percentage_of_patients_with_a_graded_event(tmp_path, nlp):
    text = ("Background: A phase 1 trial (NCT05550004) of BCMA CAR T cells.\n"
            "Results: 48.2% of patients had grade 1 or 2 cytokine release syndrome; no grade 3 or higher CRS "
            "occurred. A single patient had grade 2 ICANS.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert arm.crs == "grade 1-2 48.2%" and arm.crs_max_grade == 2
    assert arm.icans == "grade 2 in 1 patient"


def test_per_kg_unit_after_words_and_a_median_with_its_range(tmp_path, nlp):
    text = ("Background: A phase 1 trial (NCT05550005) of CD19 CAR T cells.\n"
            "Methods: Patients received 0.5×10^6 CAR+ viable T cells/kg.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert (arm.doses_cells, arm.dose_unit) == ("500000", "cells/kg")
    text = ("Background: A phase 1 trial (NCT05550006) of CD19 CAR T cells.\n"
            "Methods: The median dose was 2 (1–4) × 10^6 cells/kg.\n")
    (arm,) = _trials(tmp_path, nlp, text, "median")
    assert (arm.doses_cells, arm.dose_unit) == ("2e+06", "cells/kg")


def test_a_step_up_schedule_is_the_drug_dose_in_the_order_given(tmp_path, nlp):
    text = ("Background: The phase 2 SUMMIT-5 trial (NCT05550007) tested teclistamab.\n"
            "Methods: Patients received 1.5 mg/kg weekly after step-up doses of 0.06 mg/kg and 0.3 mg/kg; "
            "lymphodepletion was not given. Results: 30 patients were treated.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert (arm.doses_drug, arm.drug_dose_unit, arm.doses_cells) == ("0.06;0.3;1.5", "mg/kg", "")


# --- Values from the right place ----------------------------------------------------------------------

def test_none_only_where_no_event_occurred(tmp_path, nlp):
    text = ("Background: An update of the phase 1 RIVER-1 trial (NCT05550008) of CD19 CAR T cells.\n"
            "Results: 20 patients were treated. No new events of neurotoxicity have occurred since the 1-year "
            "follow-up.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert arm.icans == "" and arm.icans_n is None
    text = ("Background: A phase 1 trial (NCT05550009) of CD19 CAR-NK cells.\n"
            "Results: None of the nine patients had cytokine release syndrome, neurotoxicity or graft-versus-host "
            "disease.\n")
    (arm,) = _trials(tmp_path, nlp, text, "none")
    assert (arm.crs, arm.icans, arm.gvhd, arm.crs_n, arm.icans_n) == ("none", "none", "none", 0, 0)


def test_a_rate_stays_with_its_own_study(tmp_path, nlp):
    text = ("Review\n\nThe phase 1 EAST-1 study (NCT05550010) treated 10 patients; the ORR was 80%.\n\n"
            "The phase 1 WEST-2 study (NCT05550011) treated 12 patients, and 68% remained in CR at one year.\n")
    east, west = _trials(tmp_path, nlp, text)
    assert (east.trial_id, east.n_patients, east.orr_pct, east.cr_pct) == ("NCT05550010", 10, 80, None)
    assert (west.trial_id, west.n_patients, west.orr_pct) == ("NCT05550011", 12, None)


# --- Conventions ---------------------------------------------------------------------------------------

def test_several_diseases_three_agents_and_donor_cells(tmp_path, nlp):
    text = ("Background: A phase 1 trial (NCT05550012) of donor-derived CD7 CAR T cells in patients with T-ALL "
            "or T-LBL.\nMethods: After lymphodepletion with fludarabine, cyclophosphamide and etoposide, "
            "9 patients received the cells.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert arm.disease == "t-cell acute lymphoblastic leukemia;t-lymphoblastic lymphoma"
    assert arm.preconditioning == "fludarabine, cyclophosphamide and etoposide"
    assert arm.cell_source == "allogeneic"


def test_the_scorer_pairs_rows_by_the_schema_key_not_by_file_order():
    gold = [{"trial_id": "", "study": "ZETA-1", "arm": "monotherapy", "orr_pct": "50"},
            {"trial_id": "NCT05550013", "study": "", "arm": "monotherapy", "orr_pct": "70"},
            {"trial_id": "", "study": "", "product": "QX-9", "arm": "monotherapy", "orr_pct": "20"}]
    pred = [{"trial_id": "", "study": "", "product": "QX-9", "arm": "monotherapy", "orr_pct": "20"},
            {"trial_id": "NCT05550013", "study": "", "arm": "monotherapy", "orr_pct": "70"},
            {"trial_id": "NCT05550014", "study": "ZETA-1", "arm": "monotherapy", "orr_pct": "50"}]
    pairs = align(pred, gold, TRIAL_KEY)
    assert all(p is not None and p["orr_pct"] == g["orr_pct"] for p, g in pairs if g is not None)
    totals = score_records(pred, gold, TRIAL_KEY, TRIAL_FIELDS)
    assert (totals["orr_pct"].tp, totals["orr_pct"].fp, totals["orr_pct"].fn) == (3, 0, 0)
    assert unsafe_cell("'=1+1") == "=1+1" and unsafe_cell("'quoted'") == "'quoted'"

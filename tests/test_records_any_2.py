"""Issue 19, second round: the failure kinds the blind corpus showed, on sentences of our own.

Every document here is invented for the test (made-up study names, products and numbers); none is copied
from a corpus. Each runs through ``extract_document`` as a user would run confmine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import extract_document
from pipeline.ner import build_nlp


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def _trials(tmp_path: Path, nlp, text: str, name: str = "doc"):
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return extract_document(path, nlp=nlp).trials


# --- Abstract-book pages -------------------------------------------------------------------------------

def test_an_abstract_book_page_with_long_bylines_and_disclosures(tmp_path, nlp):
    """Each abstract's number opens a paragraph; its title, program, session, authors and affiliations
    run for a dozen lines before its Background; the previous abstract's disclosures do not swallow it."""
    byline = ("Program: Oral and Poster Abstracts\nSession: 999. Cellular Therapies: Poster II\n"
              "Ann Example, MD1, Bob Sample, PhD2, Cy Person, MD3\n1First Hospital, Sometown,\nXY; "
              "2Second Institute, Othertown,\nZZ; 3Third Centre, Anytown, QQ\n")
    text = ("MEETING ABSTRACTS                                   POSTER ABSTRACTS\n\n"
            "5101 Results of the Phase 2 ORBIT-7 Study of\nthe BCMA CAR T Product QX-101 in\nRelapsed Myeloma\n"
            + byline +
            "Introduction: QX-101 is an autologous BCMA CAR T product.\n"
            "Results: Forty patients were infused. The ORR was 80%.\n"
            "Disclosures: Example: Acme: Consultancy.\n\n"
            "5102 A Phase 1 Study of the CD7 CAR T Product QX-202\nin Relapsed T-Cell Acute Lymphoblastic\n"
            "Leukemia\n" + byline +
            "Introduction: QX-202 is a donor-derived CD7 CAR T product.\n"
            "Results: Twelve patients were infused. The CR rate was 75%.\n"
            "Disclosures: Sample: Acme: Honoraria.\n")
    first, second = _trials(tmp_path, nlp, text)
    assert (first.abstract_number, first.n_patients, first.orr_pct) == ("5101", 40, 80)
    assert (second.abstract_number, second.n_patients, second.cr_pct, second.product) == ("5102", 12, 75, "QX-202")


# --- Reviews and meeting summaries: a paragraph per study ------------------------------------------------

def test_a_review_with_a_paragraph_per_product_gives_each_its_record(tmp_path, nlp):
    """No bracketed citation and no study names the context marks: each paragraph's product, its
    superscript reference glued to a full stop or to a registry id, and its result make it a study."""
    text = ("Bispecific antibodies in lymphoma\n\n"
            "Three CD20×CD3 antibodies, epcoritamab, glofitamab and mosunetuzumab, are now in use.\n\n"
            "Epcoritamab was given to 120 patients with large B-cell lymphoma in a phase 2 cohort. "
            "The ORR was 58%.21 CRS occurred in 40% of patients.\n\n"
            "Glofitamab was studied in a phase 2 expansion (NCT0987654322) of 140 patients with large "
            "B-cell lymphoma. The complete response rate was 35%.\n\n"
            "Mosunetuzumab was given to 80 patients with follicular lymphoma. The ORR was 77%.23\n")
    arms = {a.product.lower(): a for a in _trials(tmp_path, nlp, text)}
    assert set(arms) == {"epcoritamab", "glofitamab", "mosunetuzumab"}
    epco, glofit, mosun = arms["epcoritamab"], arms["glofitamab"], arms["mosunetuzumab"]
    assert (epco.reference, epco.orr_pct, epco.n_patients) == ("21", 58, 120)
    assert (glofit.trial_id, glofit.reference, glofit.cr_pct) == ("NCT09876543", "22", 35)
    assert (mosun.reference, mosun.orr_pct) == ("23", 77)


def test_a_meeting_summary_with_abstract_codes_and_author_citations(tmp_path, nlp):
    text = ("Highlights from the congress\n\n"
            "A new option in CLL (S901). The NOVA-7 investigators treated 60 patients with chronic "
            "lymphocytic leukemia with the CD19 CAR T product QX-303. The ORR was 52%.\n\n"
            "Myeloma (#4321). Smith et al. (2023) gave the BCMA CAR T product QX-404 to 30 patients with "
            "multiple myeloma; with QX-404 the ORR was 90%.\n")
    first, second = _trials(tmp_path, nlp, text)
    assert (first.abstract_number, first.study, first.n_patients, first.orr_pct) == ("S901", "NOVA-7", 60, 52)
    assert (second.abstract_number, second.product, second.n_patients, second.orr_pct) == ("4321", "QX-404", 30, 90)


# --- The arms of a prose-only study ----------------------------------------------------------------------

def test_two_arms_told_apart_by_their_labels(tmp_path, nlp):
    text = ("A Phase 1 Study of the CAR-NK Product QX-505 Alone or with Obinutuzumab in Lymphoma\n\n"
            "Methods: After lymphodepletion with cyclophosphamide and fludarabine, patients received QX-505 "
            "alone (Cohort A) or with obinutuzumab 1000 mg (Cohort B).\n"
            "Results: Sixteen patients were treated, 6 in Cohort A and 10 in Cohort B. In Cohort A, 2 of 6 "
            "responded (33%). In Cohort B, the ORR was 80% and the CR rate 60%. No ICANS was seen in either "
            "cohort.\n")
    arms = {a.arm: a for a in _trials(tmp_path, nlp, text)}
    mono, combo = arms["monotherapy"], arms["combination"]
    assert (mono.n_patients, mono.orr_pct, mono.combination) == (6, 33, "")  # the printed rate
    assert (combo.n_patients, combo.orr_pct, combo.cr_pct, combo.combination) == (10, 80, 60, "obinutuzumab")
    assert mono.icans == combo.icans == "none"
    assert mono.phase == combo.phase == "I"
    assert mono.preconditioning == combo.preconditioning == "fludarabine and cyclophosphamide"
    assert combo.doses_drug == ""  # the added antibody's dose is not the product's


def test_a_separate_arm_and_a_single_arm_combination(tmp_path, nlp):
    text = ("News from the meeting\n\n"
            "The ORCA-3 investigators gave the CD19 CAR T product QX-606 to 50 patients with chronic "
            "lymphocytic leukemia. The ORR was 44%. In a separate arm, 12 patients received QX-606 together "
            "with ibrutinib: the ORR was 92%.\n")
    arms = {a.arm: a for a in _trials(tmp_path, nlp, text)}
    assert (arms["monotherapy"].n_patients, arms["monotherapy"].orr_pct) == (50, 44)
    assert (arms["combination"].n_patients, arms["combination"].orr_pct, arms["combination"].combination) == \
        (12, 92, "ibrutinib")
    text = ("Phase 2 results of VELA-5\n\n"
            "In VELA-5, 40 patients with large B-cell lymphoma received the CD20xCD3 antibody mosunetuzumab plus "
            "polatuzumab vedotin. The ORR was 65%.\n")
    (arm,) = _trials(tmp_path, nlp, text, "single")
    assert (arm.arm, arm.combination, arm.orr_pct) == ("combination", "polatuzumab vedotin", 65)


def test_an_agent_for_toxicity_or_a_prior_therapy_adds_no_arm(tmp_path, nlp):
    text = ("A phase 1 study of CD7 CAR T cells\n\n"
            "Ten patients with T-ALL, all previously treated with nelarabine, received CD7 CAR T cells. The CR "
            "rate was 90%. CRS occurred in 8 patients and was controlled with tocilizumab and dexamethasone.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert (arm.arm, arm.combination, arm.cr_pct) == ("monotherapy", "", 90)


# --- Event statements ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "crs", "crs_max", "icans"), [
    ("CRS occurred in 80% (grade ≥3, 10%); neurological events in 40% (grade ≥3, 12%).",
     "any grade 80%; grade >=3 10%", None, "any grade 40%; grade >=3 12%"),
    ("Most patients had some CRS (88%); neurotoxicity in 22% (grade ≥3 in 4%).",
     "any grade 88%", None, "any grade 22%; grade >=3 4%"),
    ("All 30 had CRS, which was grade 1–2 in 29 patients and grade 3 in one; ICANS in 5 (grade ≥3 in 1).",
     "any grade in 30 patients; grade 1-2 in 29 patients; grade 3 in 1 patient", 3,
     "any grade in 5 patients; grade >=3 in 1 patient"),
    ("All 12 pts developed CRS: grade 1–2 in 10 and grade 3–4 in 2.",
     "any grade in 12 patients; grade 1-2 in 10 patients; grade 3-4 in 2 patients", None, ""),
    # Events counted grade by grade and nothing else: the worst counted is the worst (the blind gold's convention,
    # "one regimen A patient had grade 2 CRS" -> max 2).
    ("Three patients in cohort B had grade 1 CRS and one cohort A patient had grade 2 CRS.",
     "grade 1 in 3 patients; grade 2 in 1 patient", 2, ""),
    ("CRS occurred in 70% (grade 3 in 5%, nothing higher).", "any grade 70%; grade 3 5%", 3, ""),
])
def test_event_statements_without_a_verb_and_counted_bands(tmp_path, nlp, sentence, crs, crs_max, icans):
    text = "A phase 2 study of the CD19 CAR T product QX-707\n\nTwenty-five patients were treated. " + sentence + "\n"
    (arm,) = _trials(tmp_path, nlp, text)
    assert (arm.crs, arm.crs_max_grade, arm.icans) == (crs, crs_max, icans)


# --- Counts and response rates ---------------------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "n", "orr", "cr"), [
    ("Results: 14 pts treated; ORR 7/14, CR 5/14.", 14, 50, 35.7),
    ("Cohort B included 90 pts. ORR was 70.0%, and 40.0% of pts achieved ≥CR.", 90, 70, 40),
    ("A total of 64 pts received the cells. The rate of CR or CRi within two months was 78%.", 64, None, 78),
    ("Of 16 patients, 14 were in MRD-negative CR at day 28.", 16, None, 87.5),
    ("Of the 21 adults treated, 20 were evaluable. All 20 responded.", 21, 100, None),
    ("Nine of the 13 patients treated responded (69%).", 13, 69, None),
    ("As of the cutoff, n 5 44 pts had received the cells; the ORR was 8 of 11 (73%) in the first cohort.",
     44, 73, None),
])
def test_counts_and_response_rates_as_abstracts_write_them(tmp_path, nlp, sentence, n, orr, cr):
    text = "A phase 1 study of the CD19 CAR T product QX-808\n\n" + sentence + "\n"
    (arm,) = _trials(tmp_path, nlp, text)
    assert (arm.n_patients, arm.orr_pct, arm.cr_pct) == (n, orr, cr)


# --- Letters, case reports and review paragraphs ---------------------------------------------------------

def test_a_letter_counts_its_series_and_who_had_the_event(tmp_path, nlp):
    text = ("To the Editor:\n\nWe reviewed every adult with CNS lymphoma given CD19 CAR T cells at our centre. "
            "There were nine such patients. Three of the nine patients developed grade 1 CRS, and none had a "
            "higher grade. Six of the nine patients responded (67%).\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert (arm.n_patients, arm.crs, arm.crs_max_grade, arm.orr_pct) == (9, "grade 1 in 3 patients", 1, 67)


def test_a_case_report_is_one_patient(tmp_path, nlp):
    text = ("A 52-year-old man with refractory myeloma received the BCMA CAR T product QX-909 at 0.75 × 10^6 "
            "CAR T cells/kg. He developed grade 2 CRS and grade 1 ICANS, and reached a complete response.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert (arm.n_patients, arm.crs, arm.crs_max_grade, arm.crs_n) == (1, "grade 2 in 1 patient", 2, 1)
    assert (arm.icans, arm.icans_n) == ("grade 1 in 1 patient", 1)


@pytest.mark.parametrize(("sentence", "field", "value"), [
    ("Forty patients received the cells after three daily doses of cyclophosphamide 500 mg/m2 and fludarabine "
     "30 mg/m2. The ORR was 70%.", "preconditioning", "fludarabine and cyclophosphamide"),
    ("Thirty patients were treated. Nearly all had some CRS (90%), and 12% had grade 3 or higher.",
     "crs", "any grade 90%; grade >=3 12%"),
    ("Thirty patients were treated. Neurologic events were recorded in 40%, reaching grade 3 or higher in 10%.",
     "icans", "any grade 40%; grade >=3 10%"),
    ("Thirty patients were treated. CRS was mild — grade 1 in 19 and grade 2 in 1 — and no ICANS was observed.",
     "icans", "none"),
    ("Thirty patients were treated. CRS occurred in 40% — grade 3 in one, with no grade 5 events — and ICANS "
     "in 5%.", "icans", "any grade 5%"),
])
def test_review_paragraph_statements(tmp_path, nlp, sentence, field, value):
    text = "A phase 2 study of the CD19 CAR T product QX-010\n\n" + sentence + "\n"
    (arm,) = _trials(tmp_path, nlp, text)
    assert getattr(arm, field) == value

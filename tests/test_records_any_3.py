"""Issue 19, third round: the failure kinds the dev and blind corpora still showed, on sentences of our own.

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


def _result(tmp_path: Path, nlp, text: str, name: str = "doc"):
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return extract_document(path, nlp=nlp)


def _trials(tmp_path: Path, nlp, text: str, name: str = "doc"):
    return _result(tmp_path, nlp, text, name).trials


# --- Diseases --------------------------------------------------------------------------------------------

def test_a_broad_disease_in_the_title_gives_way_to_the_kind_the_text_names(tmp_path, nlp):
    """A headline says "leukemia" or "sarcoma"; the text says which one: the narrower names are the study's."""
    text = ("Cell therapy news\n\nNew CAR T product clears leukemia in most patients\n\n"
            "The phase 2 QUILL-4 trial (NCT09990001) gave the CD19 CAR T product QX-111 to 40 adults whose "
            "B-ALL had relapsed. The CR rate was 70%.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert arm.disease == "b-cell acute lymphoblastic leukemia"


def test_the_diseases_a_study_enrolled_are_read_together(tmp_path, nlp):
    """The title names one disease, the methods the two the study enrolled ("A or B"): both are the study's."""
    text = ("TCR T cells in sarcoma: a briefing\n\n"
            "The engineered TCR product QX-222 shrank tumours in a third of patients with advanced "
            "synovial sarcoma or myxoid/round cell liposarcoma in the phase 2 KESTREL-1 trial "
            "(NCT09990002). The ORR was 35% among 50 patients.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert arm.disease == "synovial sarcoma;myxoid/round cell liposarcoma"


def test_a_short_form_defined_for_two_diseases_names_both(tmp_path, nlp):
    """"chronic lymphocytic leukemia/small lymphocytic lymphoma (CLL/SLL)" defines one short form for two
    diseases: it is not the lymphoma its last words name."""
    text = ("A CD19 CAR T product in CLL/SLL\n\nBackground: Patients with chronic lymphocytic "
            "leukemia/small lymphocytic lymphoma (CLL/SLL) after two lines have few options.\n"
            "Methods: The phase 1 study NCT09990003 gave QX-333 to 30 patients with relapsed CLL/SLL.\n"
            "Results: The ORR was 60%.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert arm.disease == "chronic lymphocytic leukemia;small lymphocytic lymphoma"


def test_a_title_in_capitals_names_its_disease(tmp_path, nlp):
    """"LARGE B-CELL LYMPHOMA" in a title in capitals (or "Large B-Cell Lymphoma" in title case) is the
    long form, not the broader "B-cell lymphoma" its last words name."""
    text = ("QX-444 MONOTHERAPY IN RELAPSED OR REFRACTORY LARGE B-CELL LYMPHOMA: RESULTS OF THE PHASE 2 "
            "HERON-2 TRIAL\n\nThe phase 2 HERON-2 trial (NCT09990004) gave the bispecific antibody QX-444 "
            "to 90 adults. The ORR was 55%.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert arm.disease == "large b-cell lymphoma"


def test_a_disease_short_form_inside_a_study_name_is_no_disease(tmp_path, nlp):
    """"NHL" in "OSPREY NHL 002" is a word of the study's name: the study's disease is the one its text names."""
    result = _result(tmp_path, nlp, "In the OSPREY NHL 002 trial (NCT09990005), 60 patients with mantle cell "
                                    "lymphoma received QX-555. The ORR was 70%.\n")
    assert [e.normalized for e in result.entities if e.label == "DISEASE"] == ["mantle cell lymphoma"]
    (arm,) = result.trials
    assert arm.disease == "mantle cell lymphoma"


def test_the_document_disease_counts_its_kinds_and_not_its_broad_names(tmp_path, nlp):
    """A review about large B-cell lymphoma names "lymphoma" in passing and DLBCL once: a study paragraph that
    names no disease takes large B-cell lymphoma."""
    text = ("CAR T cells in large B-cell lymphoma\n\n"
            "Three products are approved for relapsed or refractory large B-cell lymphoma.\n\n"
            "Doe et al. (2019) reported the phase 2 WREN-1 trial of QX-666: 100 patients were infused and the "
            "ORR was 80%.\n\n"
            "Roe et al. (2020) described WREN-2, a phase 2 trial of QX-777 in adults with diffuse large "
            "B-cell lymphoma; the ORR was 50% in 110 patients.\n\n"
            "Moe et al. (2021) reported the phase 1 WREN-3 study of QX-888; the ORR was 70% among "
            "250 patients.\n\nLymphoma research continues.\n")
    arms = {a.study: a for a in _trials(tmp_path, nlp, text)}
    assert arms["WREN-1"].disease == "large b-cell lymphoma"
    assert arms["WREN-2"].disease == "diffuse large b-cell lymphoma"


def test_a_transformed_disease_is_not_the_one_enrolled(tmp_path, nlp):
    """"patients with transformed CLL" had CLL before; the study's disease is the one the letter is about."""
    text = ("Letter\n\nQX-999 in Richter syndrome\n\nRichter syndrome is the transformation of chronic "
            "lymphocytic leukemia into an aggressive lymphoma, and patients with transformed CLL were left "
            "out of the pivotal trials. We treated 9 patients with QX-999. The ORR was 89%.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert arm.disease == "richter syndrome"


# --- Adverse-event statements ----------------------------------------------------------------------------

def _events(tmp_path, nlp, sentences: str):
    text = ("QX-100 in relapsed lymphoma\n\nThe phase 2 PLOVER-1 trial (NCT09990010) gave the CD19 CAR T product "
            f"QX-100 to 40 patients with large B-cell lymphoma. The ORR was 60%. {sentences}\n")
    (arm,) = _trials(tmp_path, nlp, text)
    return arm


def test_respectively_gives_each_event_its_figure(tmp_path, nlp):
    """"grade ≥3 CRS and grade ≥3 neurological events affected 12% and 9% of patients, respectively": the
    first figure is the first event's, the second the second's, each at the grade named before it."""
    arm = _events(tmp_path, nlp, "CRS of any grade occurred in 70% and neurological events in 40%; grade ≥3 CRS "
                                 "and grade ≥3 neurological events affected 12% and 9% of patients, respectively.")
    assert (arm.crs, arm.icans) == ("any grade 70%; grade >=3 12%", "any grade 40%; grade >=3 9%")


def test_respectively_after_a_grade_said_of_both_events(tmp_path, nlp):
    arm = _events(tmp_path, nlp, "CRS developed in 50% and neurological events in 20%, and grade 3 or higher "
                                 "events occurred in 6% and 4%, respectively.")
    assert (arm.crs, arm.icans) == ("any grade 50%; grade >=3 6%", "any grade 20%; grade >=3 4%")


def test_grade_counts_written_as_n_equals(tmp_path, nlp):
    """"grade 1 (n=7) or grade 2 (n=2)": the counts in brackets are each grade's patients."""
    arm = _events(tmp_path, nlp, "CRS was reported in 9 of the 40 (23%): grade 1 (n=7) or grade 2 (n=2); no "
                                 "grade ≥3 CRS was observed.")
    assert (arm.crs, arm.crs_max_grade, arm.crs_n) == (
        "any grade in 9 patients; grade 1 in 7 patients; grade 2 in 2 patients", 2, 9)


def test_patients_who_had_the_event_and_their_grades_in_brackets(tmp_path, nlp):
    """"three patients had CRS (two grade 1 and one grade 2)": three with the event, counted grade by grade."""
    arm = _events(tmp_path, nlp, "Three patients had CRS (two grade 1 and one grade 2).")
    assert (arm.crs, arm.crs_max_grade, arm.crs_n) == (
        "any grade in 3 patients; grade 1 in 2 patients; grade 2 in 1 patient", 2, 3)


def test_events_counted_only_by_grade_set_the_worst_grade(tmp_path, nlp):
    """"two patients had grade 1 CRS" and nothing more: the worst CRS was grade 1."""
    arm = _events(tmp_path, nlp, "Two patients had grade 1 CRS.")
    assert (arm.crs, arm.crs_max_grade, arm.crs_n) == ("grade 1 in 2 patients", 1, 2)


def test_a_death_from_the_event_is_grade_5(tmp_path, nlp):
    arm = _events(tmp_path, nlp, "CRS occurred in 30 patients and was grade 3 or 4 in 3 patients; one patient "
                                 "died of cytokine release syndrome.")
    assert (arm.crs, arm.crs_max_grade) == ("any grade in 30 patients; grade 3-4 in 3 patients; grade 5 in 1 patient",
                                            5)


def test_the_worst_event_named_as_such(tmp_path, nlp):
    """"The worst CRS was grade 4, in one patient": grade 4 in that patient, and nothing worse."""
    arm = _events(tmp_path, nlp, "CRS occurred in 12 patients. The worst CRS was grade 4, in one patient.")
    assert (arm.crs, arm.crs_max_grade) == ("any grade in 12 patients; grade 4 in 1 patient", 4)


def test_every_patient_with_the_event_counted_by_grade(tmp_path, nlp):
    arm = _events(tmp_path, nlp, "Every patient developed CRS: grade 1 in 25, grade 2 in 12 and grade 3 in 3.")
    assert (arm.crs, arm.crs_n) == ("any grade in 40 patients; grade 1 in 25 patients; grade 2 in 12 patients; "
                                    "grade 3 in 3 patients", 40)


def test_a_share_in_brackets_after_a_word_about_the_event(tmp_path, nlp):
    """"CRS was almost universal (95%) but reached grade 3 or higher in only 4%"; "(CRS) (49.7%)" in a list."""
    arm = _events(tmp_path, nlp, "CRS was almost universal (95%) but reached grade 3 or higher in only 4%.")
    assert arm.crs == "any grade 95%; grade >=3 4%"
    arm = _events(tmp_path, nlp, "The most common adverse events were cytokine release syndrome (CRS) (48.2%), "
                                 "fever and fatigue.")
    assert arm.crs == "any grade 48.2%"


def test_a_count_opening_a_clause_is_not_the_band_before_it(tmp_path, nlp):
    """"almost all cases were grade 1 or 2, one patient had grade 3 CRS": one patient had grade 3, not grade 1-2."""
    arm = _events(tmp_path, nlp, "CRS occurred in 60% of patients; almost all cases were grade 1 or 2, one patient "
                                 "had grade 3 CRS, and there were no grade 4 or 5 events.")
    assert (arm.crs, arm.crs_max_grade) == ("any grade 60%; grade 3 in 1 patient", 3)


def test_a_share_that_had_events_of_a_grade(tmp_path, nlp):
    arm = _events(tmp_path, nlp, "Neurological events were reported in 30% of patients, and 11% had events of "
                                 "grade 3 or higher.")
    assert arm.icans == "any grade 30%; grade >=3 11%"


def test_a_band_without_a_figure_is_no_part_of_a_statement_with_figures(tmp_path, nlp):
    """"every event was grade 1 or 2" bounds the worst grade; it is no part "grade 1-2" with no figure."""
    arm = _events(tmp_path, nlp, "CRS developed in 45% of patients; every event was grade 1 or 2.")
    assert (arm.crs, arm.crs_max_grade) == ("any grade 45%", 2)


def test_one_patient_experiencing_a_graded_event(tmp_path, nlp):
    arm = _events(tmp_path, nlp, "Neurotoxicity was rare, with one patient experiencing grade 1 tremor.")
    assert (arm.icans, arm.icans_n) == ("grade 1 in 1 patient", 1)


def test_the_patients_who_had_the_event_are_the_ones_nearest_the_verb(tmp_path, nlp):
    """"In 12 evaluated patients, only one patient developed grade 2 CRS": one patient, not twelve."""
    arm = _events(tmp_path, nlp, "In 12 evaluated patients, only one patient developed grade 2 CRS, and no "
                                 "higher-grade CRS occurred.")
    assert (arm.crs, arm.crs_max_grade, arm.crs_n) == ("grade 2 in 1 patient", 2, 1)


# --- Targets ---------------------------------------------------------------------------------------------

def test_the_target_of_an_earlier_therapy_is_not_the_studys(tmp_path, nlp):
    """"patients who relapsed after BCMA-directed therapy": BCMA was the earlier therapy's target."""
    text = ("QX-120 in myeloma\n\nThe phase 1 SWIFT-1 study (NCT09990020) gave QX-120, a GPRC5D-directed CAR T "
            "product, to 30 patients with multiple myeloma, 12 of whom had relapsed after BCMA-directed therapy "
            "and 5 had previously received BCMA CAR T cells. The ORR was 70%.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert arm.target_symbols == "GPRC5D"


def test_an_added_antibody_and_the_cell_subsets_are_not_targets(tmp_path, nlp):
    """"with the anti-CD20 antibody rituximab" names the added agent's target; "CD8+ and CD4+ CAR T cells" the
    cells given; "a CD19-directed, 4-1BB CAR" the CAR's signalling domain."""
    text = ("QX-130 in lymphoma\n\nIn the phase 1 FINCH-1 study (NCT09990021), QX-130 was given alone or together "
            "with the anti-CD20 antibody rituximab to 40 patients with large B-cell lymphoma. QX-130 is a "
            "CD19-directed, 4-1BB CAR T-cell product given as equal doses of CD8+ and CD4+ CAR T cells. The ORR "
            "was 60%.\n")
    assert {a.target_symbols for a in _trials(tmp_path, nlp, text)} == {"CD19"}


def test_a_target_named_by_what_the_therapy_is_aimed_at_or_recognises(tmp_path, nlp):
    """"aimed at the cancer-testis antigen MAGE-A4" is the target; another antigen named in passing is not."""
    text = ("TCR T cells in sarcoma\n\nA T-cell receptor therapy aimed at the cancer-testis antigen MAGE-A4, "
            "QX-140, produced responses in 35% of 50 patients with synovial sarcoma in the phase 2 ROBIN-2 trial "
            "(NCT09990022).\n\nNY-ESO-1 is another cancer-testis antigen of these tumours.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert arm.target_symbols == "MAGEA4"


def test_targets_listed_after_the_verb_are_all_aimed_at(tmp_path, nlp):
    text = ("QX-150 in myeloma\n\nQX-150 is an autologous CAR T product that recognises both BCMA and CD19. In the "
            "phase 1 LARK-1 trial (NCT09990023), 20 patients with multiple myeloma received it; the ORR was 90%. "
            "CD38 is expressed on the same cells.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert arm.target_symbols == "CD19;TNFRSF17"


def test_a_known_product_keeps_its_own_target_among_the_fields(tmp_path, nlp):
    """A news item on talquetamab says most myeloma therapies "target BCMA": the lexicon knows talquetamab as a
    GPRC5D×CD3 antibody, so the row keeps GPRC5D."""
    text = ("Talquetamab posts responses in myeloma\n\nTalquetamab, a GPRC5D bispecific antibody, gave an ORR of "
            "70% in 140 patients in the phase 2 EGRET-1 trial (NCT09990024). Most immunotherapies in myeloma so far "
            "target BCMA.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert arm.target_symbols == "GPRC5D"


# --- Response rates --------------------------------------------------------------------------------------

def _responses(tmp_path, nlp, sentences: str):
    text = ("QX-160 in lymphoma\n\nThe phase 2 TERN-1 trial (NCT09990030) gave the CD19 CAR T product QX-160 to 66 "
            f"patients with large B-cell lymphoma. {sentences}\n")
    (arm,) = _trials(tmp_path, nlp, text)
    return arm


def test_a_complete_response_count_after_the_overall_rate(tmp_path, nlp):
    """"The ORR was 40%, with complete responses in 4 of 66 patients (6%)": the 40% is the ORR's, not the CR's."""
    arm = _responses(tmp_path, nlp, "The ORR was 40%, with complete responses in 4 of 66 patients (6%).")
    assert (arm.orr_pct, arm.cr_pct) == (40, 6)


def test_a_share_written_as_a_fraction_belongs_to_the_outcome_before_it(tmp_path, nlp):
    arm = _responses(tmp_path, nlp, "The ORR was 9 of 12 (75%) and the CR rate 5 of 12 (42%).")
    assert (arm.orr_pct, arm.cr_pct) == (75, 42)


def test_the_complete_response_rate_abbreviated(tmp_path, nlp):
    arm = _responses(tmp_path, nlp, "The complete response rate (CRR) was the primary endpoint. The CRR was 58.2% "
                                    "and the ORR was 80.1%.")
    assert (arm.orr_pct, arm.cr_pct) == (80.1, 58.2)


def test_complete_responses_counted_among_the_responders_group(tmp_path, nlp):
    """"Nine of the 12 patients responded, five with a complete remission": five of the 12."""
    arm = _responses(tmp_path, nlp, "Nine of the 12 evaluable patients responded, five with a complete remission.")
    assert (arm.orr_pct, arm.cr_pct) == (75, 41.7)


def test_a_case_report_patient_in_complete_response(tmp_path, nlp):
    text = ("Case report\n\nWe describe a 58-year-old woman with relapsed multiple myeloma treated with the BCMA "
            "CAR T product QX-170. Her bone marrow at month 3 showed a stringent complete response.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert (arm.n_patients, arm.cr_pct) == (1, 100)


# --- Cell doses ------------------------------------------------------------------------------------------

def _doses(tmp_path, nlp, sentence: str):
    text = ("QX-180 in lymphoma\n\nThe phase 1 PIPIT-1 trial (NCT09990040) gave the CD19 CAR-NK product QX-180 to "
            f"24 patients with large B-cell lymphoma. {sentence} The ORR was 50%.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    return [float(v) for v in arm.doses_cells.split(";") if v], arm.dose_unit


def test_millions_written_as_a_capital_m(tmp_path, nlp):
    assert _doses(tmp_path, nlp, "Dose levels were 30M, 90M and 300M cells.") == ([3e7, 9e7, 3e8], "cells")


def test_a_level_written_in_full_before_levels_in_millions(tmp_path, nlp):
    """"100,000, 1 million or 10 million cells per kilogram": 100,000 is written out, not 100,000 million."""
    assert _doses(tmp_path, nlp, "Patients received one of three dose levels: 100,000, 1 million or 10 million "
                                 "cells per kilogram of body weight.") == ([1e5, 1e6, 1e7], "cells/kg")


def test_dose_levels_of_two_cohorts_in_one_sentence(tmp_path, nlp):
    assert _doses(tmp_path, nlp, "Cohort 1 received 3 × 10^8 cells per infusion and cohort 2 received 9 × 10^8 "
                                 "cells.") == ([3e8, 9e8], "cells")


def test_doses_of_two_studies_in_one_sentence_stay_apart(tmp_path, nlp):
    """"... QX-190 (NCT09990041) at 1 × 10^6 cells/kg, and QX-191 (NCT09990042) at 3 × 10^6 cells/kg": each its own."""
    text = ("Letter\n\nTwo BCMA CAR T products were given in myeloma: QX-190 (NCT09990041) at 1 × 10^6 cells/kg, and "
            "QX-191 (NCT09990042) at 3 × 10^6 CAR T cells/kg. The ORR was 80% with QX-190 and 70% with QX-191.\n")
    for arm in _trials(tmp_path, nlp, text):  # the levels of one study are never the two studies' doses joined
        assert [float(v) for v in arm.doses_cells.split(";")] in ([1e6], [3e6])


# --- Drug doses ------------------------------------------------------------------------------------------

def test_a_day_or_cycle_number_is_no_dose_level(tmp_path, nlp):
    """"step-up doses of 6 mg on Day 1 and 24 mg on Day 4, then 60 mg from cycle 2, 120 mg ...": 1, 4 and 2 are
    days and cycles, not levels."""
    text = ("Elranatamab update\n\nIn the phase 2 HAWK-1 trial (NCT09990050), elranatamab was given with step-up "
            "priming doses of 6 mg on Day 1 and 24 mg on Day 4, then 60 mg weekly and, from cycle 2, 120 mg every two "
            "weeks, to 90 patients with multiple myeloma. The ORR was 60%.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert ([float(v) for v in arm.doses_drug.split(";")], arm.drug_dose_unit) == ([6, 24, 60, 120], "mg")


def test_the_dose_of_a_pretreatment_or_added_antibody_is_not_the_products(tmp_path, nlp):
    """"a single 1000 mg dose of obinutuzumab" before glofitamab, "with rituximab 375 mg/m2" beside a cell product."""
    text = ("Glofitamab update\n\nIn the phase 2 KITE-9 cohort (NCT09990051), a single 1000 mg dose of obinutuzumab "
            "was given before glofitamab, which was then stepped up from 2.5 mg to 10 mg, and 30 mg was given from "
            "cycle 2, to 150 patients with large B-cell lymphoma. The ORR was 52%.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert [float(v) for v in arm.doses_drug.split(";")] == [2.5, 10, 30]
    text = ("FT596 update\n\nIn the phase 1 study NCT09990052, 20 patients with lymphoma received FT596 with rituximab "
            "375 mg/m2. The ORR was 60%.\n")
    assert {a.doses_drug for a in _trials(tmp_path, nlp, text, "cells")} == {""}


# --- Sentences and cell sources --------------------------------------------------------------------------

def test_a_title_without_a_full_stop_is_a_sentence_of_its_own(tmp_path, nlp):
    """The title names both arms ("Given Alone or with Rituximab"); the background after the blank line speaks of
    autologous CAR T cells in general: the combination arm's source is the product's, not the background's."""
    text = ("QX-200 iPSC-Derived CAR NK Cells Given Alone or with Rituximab in B-Cell Lymphoma\n\n"
            "Background: Autologous CD19 CAR T-cell therapy needs individual manufacture. QX-200 is made from an "
            "induced pluripotent stem cell line.\nMethods: In the phase 1 study NCT09990060, 20 patients received "
            "QX-200 alone (Regimen A) or with rituximab (Regimen B).\nResults: In Regimen A the ORR was 40%; in "
            "Regimen B the ORR was 70%.\n")
    arms = {a.arm: a for a in _trials(tmp_path, nlp, text)}
    assert arms["combination"].cell_source == "induced pluripotent stem cell"


def test_a_sentence_cut_by_a_page_footer_runs_on(tmp_path, nlp):
    """A PDF's footer and the blank lines around it cut "CRS was reported in 70% of ... pts (grade ≥3 in 4%)"."""
    text = ("QX-210 in myeloma\n\nIn the phase 2 EIDER-1 trial (NCT09990061), 100 pts received QX-210. ORR was 70%. "
            "CRS was reported in 70% of\n\nJ Clin Oncol 40: 2022 (suppl; abstr 8000)    12s\n\npts (grade ≥3 in 4%).\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert arm.crs == "any grade 70%; grade >=3 4%"


def test_the_source_of_the_cells_given_not_of_a_collection_or_an_earlier_therapy(tmp_path, nlp):
    """"an autologous collection is often contaminated"; "relapsed after autologous CAR T-cell therapy": the product
    is "an allogeneic product"."""
    text = ("QX-220 in T-ALL\n\nAn autologous collection is often contaminated by blasts, and several patients had "
            "relapsed after autologous CAR T-cell therapy. QX-220 is an allogeneic product made from healthy donors. "
            "In the phase 1 study NCT09990062, 12 patients received QX-220 and the CR rate was 75%.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert arm.cell_source == "allogeneic"


# --- Study names and references --------------------------------------------------------------------------

def test_references_in_parentheses_cite_each_paragraphs_study(tmp_path, nlp):
    text = ("Beyond B-cell malignancies\n\n"
            "Neuroblastoma. QX-230, a GD2-directed CAR T product, was given to 20 children in a phase 1 study "
            "(NCT09990070) (31). QX-230 gave responses in 12 of the 20 (60%).\n\n"
            "CAR-NK cells. Roe et al. (32) infused QX-240 CAR-NK cells into 9 patients with lymphoma; QX-240 gave an "
            "ORR of 67%.\n")
    refs = {a.product: a.reference for a in _trials(tmp_path, nlp, text)}
    assert refs == {"QX-230": "31", "QX-240": "32"}


def test_a_reference_glued_to_a_study_name(tmp_path, nlp):
    """"HERON2 (NCT09990071)" in a PDF's text, where the title says "the phase 2 HERON trial": study HERON,
    reference 2."""
    text = ("101 ORAL ABSTRACTS\nQX-250 in follicular lymphoma: updated analysis of the phase 2 HERON trial\n"
            "Introduction: QX-250 is a CD19 CAR T product; here we update HERON.\n"
            "Methods: HERON2 (NCT09990071) is a single-arm phase 2 trial of QX-250 in 90 adults with follicular "
            "lymphoma.\nResults: The ORR was 86%.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert (arm.study, arm.reference) == ("HERON", "2")


@pytest.mark.parametrize("sentence", [
    "results from the expansion cohort of the Phase 1/2 OSPREY NHL-3 clinical trial (NCT09990072) of QX-260",
    "In the expansion cohort of OSPREY NHL-3 (NCT09990072), QX-260 was given",
    "Updated data from the phase 2 part of OSPREY NHL-3 (NCT09990072) covered QX-260 given",
])
def test_a_study_name_in_its_context(tmp_path, nlp, sentence):
    text = f"Meeting news\n\n{sentence} to 120 patients with large B-cell lymphoma. The ORR was 61%.\n"
    (arm,) = _trials(tmp_path, nlp, text)
    assert arm.study == "OSPREY NHL-3"


def test_a_study_name_with_its_citation_opens_a_paragraph(tmp_path, nlp):
    text = ("CD19 CAR T cells in adults\n\nSTORK-2 [12] tested QX-270 in 60 adults with B-ALL; the CR rate was 70%.\n\n"
            "PIPER-5 [13] tested QX-280 in 40 children with B-ALL; the CR rate was 85%.\n")
    assert {a.study for a in _trials(tmp_path, nlp, text)} == {"STORK-2", "PIPER-5"}


# --- Guards for misread tables ---------------------------------------------------------------------------

def test_a_row_of_figures_is_given_no_document_disease():
    """A table reader that ran a row's figures into its product column ("275 43 82 64 7") made no study's row:
    the document's disease is not given to it; a row that names a product among its figures is given it."""
    from pipeline.records import _misread
    from pipeline.records.table_rows import Partial

    assert _misread(Partial(fields={"product": "275 43 82 64 7"}, start=0))
    assert not _misread(Partial(fields={"product": "axi-cel 1297 NR 73 56 8"}, start=0))  # it names a product
    assert not _misread(Partial(fields={"product": "axi-cel"}, start=0))
    assert not _misread(Partial(fields={"target_symbols": "CLEC12A"}, start=0))  # a row that names no study


def test_the_doses_of_a_tables_line_are_not_one_studys_levels(tmp_path, nlp):
    """A table printed as lines of text: "Dose 3, 6, 10 × 10^6/kg 1 × 10^7 – 1 × 10^8/m2 1 × 10^6/kg" holds three
    studies' doses; the first study's levels are not joined with the last one's."""
    text = ("GD2-directed CAR T cells, by study: QX-290 (NCT09990081), QX-291 and QX-292\n\n"
            "Dose 3, 6, 10 × 10^6/kg 1 × 10^7 – 1 × 10^8/m2 1 × 10^6/kg i.v.\n")
    for arm in _trials(tmp_path, nlp, text):
        assert [float(v) for v in arm.doses_cells.split(";") if v] in ([], [3e6, 6e6, 1e7], [1e6])


# --- Lymphodepletion -------------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "All patients received fludarabine 30 mg/m2 and cyclophosphamide 500 mg/m2 daily for 3 days and then QX-300.",
    "Each patient first had three days of chemotherapy (fludarabine and cyclophosphamide) and then a single infusion "
    "of QX-300 cells.",
    "They received QX-300 at 1 × 10^6 CAR T cells/kg following fludarabine and cyclophosphamide.",
])
def test_a_lymphodepleting_regimen_given_before_the_cells(tmp_path, nlp, sentence):
    text = ("QX-300 in lymphoma\n\nIn the phase 1 study NCT09990090, 30 patients with lymphoma were treated. "
            f"{sentence} The ORR was 70%.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert arm.preconditioning == "fludarabine and cyclophosphamide"


# --- Patient counts --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "n"), [
    ("Cohort 1 received 2 × 10^8 cells and cohort 2 received 1 × 10^9 cells. Eight patients were treated.", 8),
    ("In all, 120 patients were enrolled, and 104 of them received QX-310.", 104),
    ("Twenty patients were lymphodepleted with fludarabine and cyclophosphamide and then infused.", 20),
    ("The ORR was 70% among 240 efficacy-evaluable patients.", 240),
    ("The group updated its experience with QX-310 in 61 adults with relapsed B-ALL.", 61),
])
def test_the_patients_a_study_treated(tmp_path, nlp, sentence, n):
    text = ("QX-310 update\n\nThe phase 1 study NCT09990095 of QX-310 reports its results. "
            f"{sentence} The CR rate was 70%.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert arm.n_patients == n


# --- Evidence --------------------------------------------------------------------------------------------

def test_the_evidence_of_an_arm_quotes_the_text_word_for_word(tmp_path, nlp):
    """An arm is read from its own clauses; its evidence quotes each clause as written, never clauses of one
    sentence joined across the other arm's words."""
    text = ("QX-320 alone or with rituximab in lymphoma\n\nMethods: In the phase 1 study NCT09990096, patients "
            "received QX-320 alone (Regimen A) or with rituximab (Regimen B).\nResults: In Regimen A, 3 of 10 patients "
            "responded (30%), and in Regimen B, 8 of 10 responded (80%). In Regimen A, one patient had grade 1 CRS; in "
            "Regimen B, two patients had grade 2 CRS.\n")
    flat = " ".join(text.split())
    arms = _trials(tmp_path, nlp, text)
    assert {a.arm for a in arms} == {"monotherapy", "combination"}
    for arm in arms:
        for quote in arm.evidence.split(" | "):
            assert " ".join(quote.split()) in flat, quote


# --- Figures of each group, none of the study's -----------------------------------------------------------

def test_figures_given_per_schedule_are_not_the_studys(tmp_path, nlp):
    """Two dosing schedules reported side by side ("ORR was 70.2% with QW and 68.5% with Q2W dosing", "CRS occurred
    in 75.0% (QW) and 71.5% (Q2W)"): the study as a whole has no such rate; the worst grade is still the study's."""
    text = ("QX-330 in myeloma\n\nMethods: In the phase 2 GANNET-1 study (NCT09990097), 280 pts received QX-330 weekly "
            "(QW) or every other week (Q2W).\nResults: ORR was 70.2% with QW and 68.5% with Q2W dosing. CRS occurred "
            "in 75.0% (QW) and 71.5% (Q2W) of pts; it was grade 3 in 2.0% and 0.8%, and no grade 4 or 5 CRS "
            "occurred.\n")
    (arm,) = _trials(tmp_path, nlp, text)
    assert (arm.orr_pct, arm.crs, arm.crs_max_grade) == (None, "", 3)


def test_a_second_rate_with_its_own_verb_is_no_other_group(tmp_path, nlp):
    arm = _events(tmp_path, nlp, "Neurological events were reported in 45% of patients and 19% had events of grade 3 "
                                 "or higher.")
    assert arm.icans == "any grade 45%; grade >=3 19%"


def test_neurotoxicity_written_otherwise(tmp_path, nlp):
    """"neurotoxicities" and "neurologic toxicity" are neurotoxicity, read as ICANS."""
    arm = _events(tmp_path, nlp, "CAR T-cell neurotoxicities were reported in 12 (30%) patients and were grade 3 or "
                                 "higher in four (10%).")
    assert (arm.icans, arm.icans_n) == ("any grade in 12 patients; grade >=3 in 4 patients", 12)
    arm = _events(tmp_path, nlp, "No patient had seizures, encephalopathy or any other neurologic toxicity.")
    assert (arm.icans, arm.icans_n) == ("none", 0)

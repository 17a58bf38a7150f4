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


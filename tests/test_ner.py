"""Entity recognition on sentences written here (not from any corpus document), and the components."""

from __future__ import annotations

import spacy

import pipeline  # noqa: F401 - registers the factories
from pipeline.ingest.text import ingest_text
from pipeline.knowledge.lexicon import LEXICONS, load_rows
from pipeline.models import Abbreviation
from pipeline.ner import build_nlp, find_entities

NLP = build_nlp()


def ents(text: str, abbreviations: list[Abbreviation] | None = None):
    doc = ingest_text(text, "t")
    return [(e.label, e.text, e.normalized, e.value, e.unit) for e in find_entities(doc, abbreviations or [], [], NLP)]


def labelled(found, label):
    return [e for e in found if e[0] == label]


def test_cart_for_all_with_cd19_and_cd22():
    found = ents("Bicistronic CD19/CD22 CAR T cells were given to 28 adults with B-ALL in NCT03233854; "
                 "the complete remission rate was 82% and CRS grade 3 occurred in two patients.")
    assert {e[2] for e in labelled(found, "TARGET")} == {"CD19", "CD22"}
    assert labelled(found, "TRIAL_ID")[0][2] == "NCT03233854"
    assert any(e[2] == "CR" and e[3] == 82 for e in labelled(found, "OUTCOME"))
    assert any(e[3] == 3 and e[4] == "grade" for e in labelled(found, "ADVERSE_EVENT"))
    assert labelled(found, "DISEASE")


def test_bispecifics_for_myeloma_targets_and_agents():
    found = ents("Talquetamab, a GPRC5D×CD3 bispecific, and teclistamab (BCMA) produced an ORR of 73% "
                 "in relapsed multiple myeloma; FcRH5-directed cevostamab is in phase 1.")
    symbols = {e[2] for e in labelled(found, "TARGET")}
    assert {"GPRC5D", "TNFRSF17", "FCRL5"} <= symbols
    drugs = {e[2].lower() for e in found if e[0] in ("AGENT", "PRODUCT")}
    assert {"talquetamab", "teclistamab", "cevostamab"} <= drugs
    assert any(e[2] == "ORR" and e[3] == 73 for e in labelled(found, "OUTCOME"))
    assert ("DISEASE", "multiple myeloma") in {(e[0], e[2]) for e in found}


def test_per_kg_doses_and_survival_in_months():
    found = ents("Patients received 2 × 10^6 CAR T cells/kg after lymphodepletion; median PFS was 11.3 months "
                 "and 1-year OS 68%.")
    (dose,) = labelled(found, "DOSE")
    assert dose[3] == 2e6 and dose[4] == "cells/kg"
    outcomes = {e[2]: e for e in labelled(found, "OUTCOME")}
    assert "PFS" in outcomes and outcomes["OS"][3] == 68


def test_multi_target_expressions_give_every_target():
    found = ents("FLT3 or CD33 CAR NK cells, α3 MICA/B CAR-NK cells and CD20, HER-2 et al constructs.")
    symbols = [e[2] for e in labelled(found, "TARGET")]
    assert symbols == ["FLT3", "CD33", "MICA;MICB", "MS4A1", "ERBB2"]


def test_near_miss_spelling_is_corrected_and_flagged():
    doc = NLP("A GPCR5D-directed product and a CD3ζ signalling domain.")
    corrected = [e for e in doc._.confmine_entities if e.get("note")]
    assert corrected and corrected[0]["normalized"] == "GPRC5D"
    assert "corrected" in corrected[0]["note"]
    # a construct's signalling domain is not a target
    assert not any(e["normalized"] == "CD247" for e in doc._.confmine_entities)


def test_every_occurrence_of_a_misspelt_target_is_corrected():
    text = "GPCR5D CAR NK cells and GPCR5D bispecifics; GPCR5D knockout cells."
    doc = NLP(text)
    corrected = [(e["start"], e["end"]) for e in doc._.confmine_entities if e.get("note")]
    first, second = text.index("GPCR5D"), text.index("GPCR5D", 1)
    # the third is the gene the cells are edited at, not a target
    assert corrected == [(first, first + 6), (second, second + 6)]


def test_document_abbreviation_gives_the_label_of_its_long_form():
    text = "Patients with multiple myeloma (MM) were treated. In MM the ORR was 50%."
    start = text.index("MM")
    second = text.index("MM", start + 2)
    abbr = Abbreviation(short_form="MM", long_form="multiple myeloma", source="inline", start=start, end=start + 2,
                        mentions=[(second, second + 2)])
    found = ents(text, [abbr])
    assert [e[1] for e in labelled(found, "DISEASE")] == ["multiple myeloma", "MM", "MM"]


def test_identifiers_and_cell_lines():
    found = ents("Raji and MOLT-4 cells were killed (Abstract 4521); see ChiCTR2000033946 and NCT 05182073.")
    assert {e[1] for e in labelled(found, "CELL_LINE")} == {"Raji", "MOLT-4"}
    assert [e[2] for e in labelled(found, "TRIAL_ID")] == ["ChiCTR2000033946", "NCT05182073"]
    assert labelled(found, "ABSTRACT_ID")[0][2] == "4521"


def test_components_can_be_added_to_a_users_pipeline():
    nlp = spacy.blank("en")
    nlp.add_pipe("confmine_targets")
    nlp.add_pipe("confmine_entities")
    doc = nlp("CD123 and CLL-1 are AML targets.")
    assert [(e.text, e.label_) for e in doc.ents] == [("CD123", "TARGET"), ("CLL-1", "TARGET")]


def test_pipeline_runs_with_two_processes():
    texts = ["CD19 CAR T cells at 1 × 10^6 cells/kg.", "BCMA bispecific, ORR 63%."] * 3
    docs = list(NLP.pipe(texts, n_process=2))
    assert [len(d._.confmine_entities) for d in docs] == [len(NLP(t)._.confmine_entities) for t in texts]


def test_every_lexicon_row_names_its_source():
    for name, _column in LEXICONS.values():
        rows = load_rows(name)
        assert rows, name
        assert all(row.get("source") for row in rows), name


def test_agents_named_by_their_target_keep_the_target_inside():
    found = ents("Patients received anti-CD20 mAb (rituximab) before a CD19 BiTE, and the BCMA bispecific "
                 "antibody arm enrolled 12 patients.")
    agents = {e[1]: e[2] for e in labelled(found, "AGENT")}
    assert agents["anti-CD20 mAb"] == "rituximab"
    assert "CD19 BiTE" in agents and "BCMA bispecific antibody" in agents
    assert {"CD20", "CD19", "BCMA"} <= {e[1] for e in labelled(found, "TARGET")}


def test_edited_genes_and_fc_receptors_are_not_targets():
    found = ents("The CD7 CAR-T cells were made with CD7 knocked out to avoid fratricide; the engager binds "
                 "the CD16 Fc receptor, and NK cells were made by downregulating TIGIT.")
    assert [e[1] for e in labelled(found, "TARGET")] == ["CD7"]


def test_a_written_out_regimen_gives_one_agent_per_drug():
    found = ents("Lymphodepletion was bendamustine or fludarabine and cyclophosphamide.")
    assert [e[2] for e in labelled(found, "AGENT")] == ["bendamustine", "fludarabine", "cyclophosphamide"]


def test_printed_long_form_of_a_defined_abbreviation_even_misspelt():
    text = "Table notes: PFS progression-free survivel, CRS cytokine release syndromeNCT number"
    abbreviations = []
    for short, long in (("PFS", "progression-free survival"), ("CRS", "cytokine release syndrome")):
        at = text.index(short)
        abbreviations.append(Abbreviation(short_form=short, long_form=long, source="footnote", start=at,
                                          end=at + len(short)))
    found = ents(text, abbreviations)
    assert ("OUTCOME", "progression-free survivel") in {e[:2] for e in found}
    assert ("ADVERSE_EVENT", "cytokine release syndrome") in {e[:2] for e in found}


def test_misspelt_long_form_before_its_short_form_deep_in_a_text():
    """The long form printed before "(SF)" is found wherever the definition stands, not only in the
    first line (the search window's offsets were once counted twice)."""
    text = "Background. " + "Several cellular therapies were compared in this review of trials. " * 8 + \
        "The progression-free survivel (PFS) was 9 months."
    at = text.index("(PFS)") + 1
    abbreviations = [Abbreviation(short_form="PFS", long_form="progression-free survival", source="inline",
                                  start=at, end=at + 3)]
    found = ents(text, abbreviations)
    assert ("OUTCOME", "progression-free survivel") in {e[:2] for e in found}


def test_landmark_rates_and_responders():
    found = ents("The 12-month PFS: 64% in the dose-escalation cohort; three patients achieved a response.")
    outcomes = {e[1]: (e[2], e[3]) for e in labelled(found, "OUTCOME")}
    assert outcomes["12-month PFS: 64%"] == ("PFS", 64.0)
    assert outcomes["response"] == ("ORR", None)


def test_coordinated_disease_names_and_transplant_procedures():
    found = ents("Eligible were patients with hematological and solid tumors after allogeneic hematopoietic "
                 "stem cell transplantation.")
    assert [e[1] for e in labelled(found, "DISEASE")] == ["hematological and solid tumors"]
    assert labelled(found, "CELL_SOURCE") == []


def test_knockout_before_a_car_target_does_not_hide_the_target():
    for text, expected in [
        ("Patients received PD-1 knockout CD19 CAR T cells.", ["CD19"]),
        ("TCR knocked out CD19 CAR T cells from healthy donors.", ["CD19"]),
        ("CD7-knockout CD7 CAR T cells were infused.", ["CD7"]),
        ("After silencing of the CD33 gene the cells expanded.", []),
    ]:
        assert [e[1] for e in labelled(ents(text), "TARGET")] == expected, text
    found = ents("CD7-knockout CD7 CAR T cells were infused.")
    assert [e[1] for e in labelled(found, "TARGET")] == ["CD7"]


def test_agent_rule_skips_cars_reagents_and_names_classes_well():
    assert labelled(ents("CD19/CD22 bispecific CAR T cells were infused."), "AGENT") == []
    assert labelled(ents("CD34 antibody staining was used for flow cytometry."), "AGENT") == []
    agents = {e[1]: e[2] for e in labelled(ents("a BCMA×CD3 bispecific antibody, anti-HER-2 mAbs and an anti-MICA/B "
                                                 "antibody"), "AGENT")}
    assert agents == {"BCMA×CD3 bispecific antibody": "TNFRSF17/CD3E bispecific antibody",
                      "anti-HER-2 mAbs": "anti-ERBB2 monoclonal antibody",
                      "anti-MICA/B antibody": "anti-MICA/MICB antibody"}
    targets = [e[1] for e in labelled(ents("an anti-MICA/B antibody"), "TARGET")]
    assert targets == ["MICA/B"]


def test_transplant_words_only_drop_the_source_of_a_stem_cell_transplant():
    kept = ["Cord blood NK cells post-transplant were given.",
            "NK cells were expanded from the peripheral blood of haploidentical transplant donors."]
    for text in kept:
        assert labelled(ents(text), "CELL_SOURCE"), text
    assert labelled(ents("after allogeneic hematopoietic stem cell transplantation"), "CELL_SOURCE") == []


def test_responders_need_a_count_and_take_no_stray_percentage():
    assert labelled(ents("All patients had response assessment at day 28."), "OUTCOME") == []
    assert labelled(ents("Two patients had a response to prior daratumumab."), "OUTCOME") == []
    found = labelled(ents("Among patients with 80% marrow blasts, 3 achieved a response."), "OUTCOME")
    assert [(e[1], e[2], e[3]) for e in found] == [("response", "ORR", None)]


def test_coordinated_names_that_are_two_diseases_stay_apart():
    for text, expected in [
        ("Patients with Hodgkin and non-Hodgkin lymphoma", ["non-Hodgkin lymphoma"]),
        ("acute and chronic myeloid leukemia", ["chronic myeloid leukemia"]),
        ("large B-cell and mantle cell lymphoma", ["mantle cell lymphoma"]),
    ]:
        assert [e[1] for e in labelled(ents(text), "DISEASE")] == expected, text


def test_cached_doc_text_is_not_trusted_in_a_doc_made_from_a_span():
    from pipeline.ner.doc_text import doc_text

    doc = NLP("NCT01234567 enrolled 20 patients; CAR T cells at 1 x 10^6 cells/kg were given.")
    assert doc_text(doc) == doc.text
    part = doc[5:8].as_doc(copy_user_data=True)
    assert doc_text(part) == part.text


def test_long_form_with_a_symbol_word_before_its_short_form():
    from pipeline.ner.definitions import _before

    text = "Patients received fludarabine + cyclophosphamide (Flu/Cy) before infusion."
    span = _before(text, text.index("Flu/Cy"), ["fludarabine", "+", "cyclophosphamide"], 30)
    assert span is not None and text[span[0]:span[1]] == "fludarabine + cyclophosphamide"

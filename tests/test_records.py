"""Record assembly: field normalisers, table rows, prose facts and their merge."""

from __future__ import annotations

from pipeline.fields.adverse_event import event_any_and_graded, event_from_cell, events_ruled_out
from pipeline.fields.outcome import outcome_rates
from pipeline.fields.phase import caption_phase
from pipeline.fields.phrases import Glossary, canonical, named_in
from pipeline.fields.target import target_symbols
from pipeline.ingest.text import ingest_text
from pipeline.models import Abbreviation, DocumentInfo, DocumentResult, Table
from pipeline.ner import build_nlp, find_entities
from pipeline.records import build_records

GLOSSARY = Glossary({"FC": "fludarabine and cyclophosphamide", "MM": "multiple myeloma",
                     "TriKE": "trispecific killer engager", "HSC": "hematopoietic stem cell"})


def test_canonical_forms():
    assert canonical("FC", "AGENT", GLOSSARY) == "fludarabine and cyclophosphamide"
    assert canonical("MM", "DISEASE", GLOSSARY) == "multiple myeloma"
    assert canonical("AML", "DISEASE", GLOSSARY) == "acute myeloid leukemia"
    assert canonical("acute myeloid leukaemia", "DISEASE", GLOSSARY) == "acute myeloid leukemia"
    assert canonical("Umbilical cord-derived", "CELL_SOURCE", GLOSSARY) == "umbilical cord"
    assert canonical("iPSCs", "CELL_SOURCE", GLOSSARY) == "induced pluripotent stem cell"
    assert canonical("Healthy adult peripheral blood", "CELL_SOURCE", GLOSSARY) == "peripheral blood"
    assert canonical("/", "DISEASE", GLOSSARY) == ""


def test_glossary_expands_whole_tokens_only():
    assert GLOSSARY.expand("CD33 TriKE") == "CD33 trispecific killer engager"
    assert GLOSSARY.expand("SLNK12-FC structure") == "SLNK12-FC structure"


def test_target_symbols():
    assert target_symbols("CD20, HER-2 et al") == "ERBB2;MS4A1"
    assert target_symbols("Dual GRPC5D/BCMA CAR") == "GPRC5D;TNFRSF17"
    assert target_symbols("α3 MICA/B") == "MICA;MICB"
    assert target_symbols("FLT3 or CD33") == "CD33;FLT3"
    assert target_symbols("CD123") == "IL3RA"


def test_event_cells():
    crs = event_from_cell("Grade 2 CRS: 1", "CRS")
    assert (crs.statement, crs.max_grade, crs.n) == ("grade 2 in 1 patient", 2, 1)
    assert event_from_cell("None", "ICANS").statement == "none"
    assert event_from_cell("Grade 2 CRS: 1", "ICANS") is None
    assert event_from_cell("CRS grade 3 (n = 2)", "CRS").statement == "grade 3 in 2 patients"


def _result(text: str, tables: list[Table], abbreviations: list[Abbreviation]):
    doc = ingest_text(text, "mine")
    result = DocumentResult(info=DocumentInfo(doc_id="mine", source_path="", sha256="", kind="txt"), text=doc.text,
                            tables=tables, abbreviations=abbreviations)
    result.entities = find_entities(doc, abbreviations, tables, build_nlp())
    return doc, result


def test_table_rows_merge_with_prose_of_the_same_abstract():
    text = ("Clinical trials\nA phase II trial of cord blood-derived CD19 CAR-NK cells enrolled patients with "
            "CLL. Grade 1 CRS occurred in two patients, with no higher-grade CRS, and no ICANS was observed. "
            "The CR rate was 40% "
            "(Abstract 555) [7].\n\nTable 1 Results\n")
    table = Table(number=1, caption="Results", orientation="upright", start=len(text) - 16, end=len(text),
                  header=["Trial", "Disease", "Target", "Patients", "Dose (×10^6/kg)", "ORR/CR", "Abstract"],
                  rows=[["NCT01234567", "CLL", "CD19", "10", "1 or 2", "60%/40%", "555"]])
    table.header[0] = "NCT number"
    doc, result = _result(text, [table], [])
    trials, preclinical = build_records(doc, result)
    (arm,) = trials
    assert preclinical == []
    assert arm.trial_id == "NCT01234567" and arm.arm == "monotherapy"
    assert arm.doses_cells == "1e+06;2e+06" and arm.dose_unit == "cells/kg"
    assert (arm.orr_pct, arm.cr_pct, arm.n_patients) == (60, 40, 10)
    assert arm.phase == "II" and arm.crs == "grade 1 in 2 patients" and arm.crs_max_grade == 1
    assert arm.icans == "none" and arm.icans_n == 0
    assert arm.disease == "chronic lymphocytic leukemia" and arm.target_symbols == "CD19"
    assert arm.conflicts == ""


def test_adverse_event_statements():
    from pipeline.fields.adverse_event import read_event, statement

    facts = read_event("", " (CRS) occurred in 99 of the 117 patients (85%) and was of grade 3 in 10 (9%); "
                           "no grade 4 or 5 CRS was recorded.")
    assert statement(facts) == ("any grade in 99 patients; grade 3 in 10 patients", 3, 99)
    facts = read_event("", " (ICANS) was reported in 53 patients (45%), of grade 3 in 21 and of grade 4 in one [1].")
    assert statement(facts) == ("any grade in 53 patients; grade 3 in 21 patients; grade 4 in 1 patient", None, 53)
    facts = read_event("Only one patient developed grade 2 ", " and no higher-grade CRS occurred.")
    assert statement(facts) == ("grade 2 in 1 patient", 2, 1)
    facts = read_event("and grade ≥3 ", " in 38%, and grade ≥3 neurotoxicity")
    assert statement(facts)[0] == "grade >=3 38%"


def test_event_counts_written_with_a_noun_or_a_verb_between_grade_and_count():
    from pipeline.fields.adverse_event import read_event, statement

    facts = read_event("", " was confined to grade 1–2 events in four patients.")
    assert statement(facts) == ("grade 1-2 in 4 patients", 2, 4)
    facts = read_event("Grade 3–4 ", " developed in two patients (8%) and grade 3–4 ICANS in five (20%).")
    assert statement(facts) == ("grade 3-4 in 2 patients", None, None)
    facts = read_event("and grade 3–4 ", " in five (20%).")
    assert statement(facts) == ("grade 3-4 in 5 patients", None, None)
    facts = read_event("", " of any grade affected 40 patients (80%) and was of grade ≥3 in 6 (12%).")
    assert statement(facts) == ("any grade in 40 patients; grade >=3 in 6 patients", None, 40)
    facts = read_event("", " occurred in 30 patients (60%), with grade 3 events in two (4%) and none of grade 4 or 5.")
    assert statement(facts) == ("any grade in 30 patients; grade 3 in 2 patients", 3, 30)


def test_event_patient_named_before_the_grade():
    from pipeline.fields.adverse_event import read_event, statement

    # Read alone, this clause counts its event grade by grade and nothing else: its worst grade and its patients are
    # those it counts (the gold's convention for "one patient had grade 1 CRS"); the sentence before it, read with
    # it in prose, adds the any-grade count that makes them a subset.
    facts = read_event(" occurred in 50 patients; it was mild in all but one patient, who had grade 3 ", ".")
    assert statement(facts, counted_is_all=True) == ("grade 3 in 1 patient", 3, 1)
    facts = read_event("", " was seen in 40 patients (70%) and was of grade ≥3 in five (9%), "
                           "including one grade 5 event.")
    assert statement(facts) == ("any grade in 40 patients; grade >=3 in 5 patients; grade 5 in 1 patient", 5, 40)
    facts = read_event("", " affected 55% (including one grade 5 event).")
    assert statement(facts) == ("any grade 55%; grade 5 in 1 patient", 5, None)


def test_event_bounded_to_a_band_counts_every_patient_in_that_band():
    from pipeline.fields.adverse_event import read_event, statement

    facts = read_event("", " was recorded in nine patients (7%), all with grade 1–2 events.")
    assert statement(facts) == ("grade 1-2 in 9 patients", 2, 9)
    facts = read_event("", " occurred in three patients and did not exceed grade 2.")
    assert statement(facts) == ("grade 1-2 in 3 patients", 2, 3)
    facts = read_event("", " was reported in 40 patients: grade 1–2 in 33% and no grade ≥3 events.")
    assert statement(facts) == ("grade 1-2 in 40 patients", 2, 40)
    facts = read_event("", " (GVHD), all of grade 1–2, was seen in 8 (30%).")
    assert statement(facts) == ("grade 1-2 in 8 patients", 2, 8)
    # A bound with a higher band stated keeps the all-grade count and the band.
    facts = read_event("", " occurred in 20 patients (50%), reached grade 3 in two and never exceeded grade 3.")
    assert statement(facts) == ("any grade in 20 patients; grade 3 in 2 patients", 3, 20)


def test_a_bound_after_one_event_does_not_bound_the_next():
    text = ("Results\nIn the phase 2 study NCT01111111, 40 patients received CAR T cells. CRS occurred in 20 "
            "patients (50%), reached grade 3 in two and never exceeded grade 3, and ICANS was seen in 6 patients "
            "(15%).\n")
    doc, result = _result(text, [], [])
    (arm,) = build_records(doc, result)[0]
    assert arm.crs == "any grade in 20 patients; grade 3 in 2 patients" and arm.crs_max_grade == 3
    assert arm.icans == "any grade in 6 patients" and arm.icans_n == 6


def test_prose_gvhd_statement_reaches_the_record():
    text = ("Results\nIn the phase 1 study NCT02222222, 12 patients received donor-derived CAR T cells; "
            "graft-versus-host disease (GVHD), all of grade 1–2, was seen in 3 (25%).\n")
    doc, result = _result(text, [], [])
    (arm,) = build_records(doc, result)[0]
    assert arm.gvhd == "grade 1-2 in 3 patients"


def test_prose_dose_levels_spell_out_a_table_range():
    text = ("In a phase I trial, three dose levels were tested, 1 × 106, 3 × 106 and 1 × 107 cells/kg (Abstract 42) "
            "[3].\n")
    table = Table(number=1, caption="x", orientation="upright", start=0, end=1,
                  header=["NCT number", "Patient number", "Dose", "Abstract number"],
                  rows=[["NCT03333333", "9", "1 × 106–1 × 107/kg", "42"]])
    doc, result = _result(text, [table], [])
    (arm,) = build_records(doc, result)[0]
    assert arm.doses_cells == "1e+06;3e+06;1e+07" and arm.dose_unit == "cells/kg"
    assert "doses_cells" not in arm.conflicts


def test_prose_doses_that_do_not_match_a_table_list_stay_a_conflict():
    text = "In a phase I trial the dose levels were 1 × 106, 3 × 106 and 1 × 107 cells/kg (Abstract 43) [4].\n"
    table = Table(number=1, caption="x", orientation="upright", start=0, end=1,
                  header=["NCT number", "Patient number", "Dose", "Abstract number"],
                  rows=[["NCT04444444", "9", "1 × 106 or 1 × 107/kg", "43"]])
    doc, result = _result(text, [table], [])
    (arm,) = build_records(doc, result)[0]
    assert arm.doses_cells == "1e+06;1e+07"
    assert "doses_cells: table" in arm.conflicts


def test_disagreement_between_table_and_prose_is_kept_as_a_conflict():
    text = "The ORR of this phase I study was 50% and CR 30% (Abstract 901) [2].\n"
    table = Table(number=1, caption="x", orientation="upright", start=0, end=1,
                  header=["NCT number", "Patient number", "ORR/CR", "Abstract number"],
                  rows=[["NCT07654321", "8", "60%/30%", "901"]])
    doc, result = _result(text, [table], [])
    (arm,) = build_records(doc, result)[0]
    assert arm.orr_pct == 60
    assert "orr_pct: table 60.0 vs prose 50.0" in arm.conflicts


def test_trials_reported_only_in_prose_still_give_records():
    text = ("Results\nIn the phase 1 study NCT05346198, 15 patients with relapsed multiple myeloma received "
            "BCMA CAR T cells at 2.5 × 106, 5 × 106 or 7.5 × 106 CAR-positive T cells/kg. "
            "The ORR was 80%.\n")
    doc, result = _result(text, [], [])
    (arm,) = build_records(doc, result)[0]
    assert arm.trial_id == "NCT05346198" and arm.phase == "I" and arm.n_patients == 15
    assert arm.doses_cells == "2.5e+06;5e+06;7.5e+06" and arm.dose_unit == "cells/kg"
    assert arm.orr_pct == 80


def test_malformed_values_give_a_partial_record_not_a_crash():
    text = "In the phase I study NCT1234567 (seven digits), the ORR was 160% and CR 40% (Abstract 77) [1].\n"
    table = Table(number=1, caption="x", orientation="upright", start=0, end=1,
                  header=["NCT number", "Patient number", "ORR/CR", "Abstract number"],
                  rows=[["NCT1234567", "12", "160%/40%", "77"]])
    doc, result = _result(text, [table], [])
    (arm,) = build_records(doc, result)[0]
    assert arm.trial_id == ""  # a 7-digit NCT id is not an id, and none is made up
    assert arm.orr_pct is None and arm.cr_pct == 40
    assert "partial record: orr_pct 160.0 is invalid" in arm.conflicts


def test_a_study_known_only_by_its_name_gets_a_record():
    text = ("Results\nThe single-arm phase 2 ALPHA-7 study gave the product to 30 patients with multiple myeloma. "
            "The ORR was 80%.\n\nA closing remark without data.\n")
    doc, result = _result(text, [], [])
    (arm,) = build_records(doc, result)[0]
    assert (arm.trial_id, arm.study) == ("", "ALPHA-7") and arm.phase == "II" and arm.orr_pct == 80
    assert arm.disease == "multiple myeloma"


def test_studies_listed_in_one_sentence_own_only_their_clause():
    text = ("Results\nDrug doses differed: teclistamab was given at 1.5 mg/kg (ALPHA-1, N = 100) and talquetamab "
            "at 0.4 mg/kg (BETA-2, N = 50). The ORR was 60% and 70%, respectively.\n")
    doc, result = _result(text, [], [])
    first, second = build_records(doc, result)[0]
    assert (first.study, first.product, first.n_patients, first.orr_pct) == ("ALPHA-1", "teclistamab", 100, None)
    assert (second.study, second.product, second.n_patients, second.orr_pct) == ("BETA-2", "talquetamab", 50, None)
    assert (first.doses_drug, first.drug_dose_unit, second.doses_drug) == ("1.5", "mg/kg", "0.4")


def test_a_registry_id_paragraph_stops_where_another_named_study_begins():
    text = ("Results\nIn NCT01234567, 20 patients received CAR T cells. The levels in the GAMMA-3 study were "
            "different. In GAMMA-3 (n = 12), CRS affected 50% of patients.\n")
    doc, result = _result(text, [], [])
    registered, named = build_records(doc, result)[0]
    assert registered.trial_id == "NCT01234567" and not registered.crs and registered.n_patients == 20
    assert (named.trial_id, named.study) == ("", "GAMMA-3") and named.n_patients == 12 and named.crs == "any grade 50%"


def test_patient_numbers_after_covered_or_included():
    text = "Results\nThe phase 1 study NCT07777777 covered 65 patients with a median of four prior lines.\n"
    doc, result = _result(text, [], [])
    (arm,) = build_records(doc, result)[0]
    assert arm.n_patients == 65


def test_cell_source_from_where_the_product_is_introduced():
    text = ("Summary\nThe last talk was an update on the autologous CAR T-cell product idecabtagene vicleucel "
            "(ide-cel).\n\nResults\nIn the phase 2 study NCT08888888 of ide-cel, 50 patients were treated.\n")
    abbreviations = [Abbreviation(short_form="ide-cel", long_form="idecabtagene vicleucel", start=0, end=1,
                                  source="inline")]
    doc, result = _result(text, [], abbreviations)
    (arm,) = build_records(doc, result)[0]
    assert arm.product == "idecabtagene vicleucel" and arm.cell_source == "autologous"


def test_a_lymphodepleting_regimen_after_after_is_the_preconditioning():
    text = ("Results\nIn the phase 1 study NCT09999999, CAR T cells were given to 12 patients after fludarabine "
            "and cyclophosphamide, at 1 × 106 cells/kg.\n")
    doc, result = _result(text, [], [])
    (arm,) = build_records(doc, result)[0]
    assert arm.preconditioning == "fludarabine and cyclophosphamide"


def test_a_prior_therapy_after_after_is_not_the_preconditioning():
    text = ("Results\nIn the phase 1 study NCT09999998, CAR T cells were given to 12 patients who relapsed after "
            "rituximab, at 1 × 106 cells/kg.\n")
    doc, result = _result(text, [], [])
    (arm,) = build_records(doc, result)[0]
    assert arm.preconditioning == ""


def test_table_section_ends_after_the_table_and_its_notes():
    from pipeline.ingest.sections import close_table_sections, find_sections

    text = ("Table 2 Two trials\nStudy Patients\nALPHA-1 12\n\nPts, patients treated\n\n"
            "The phase 2 BETA-3 study then gave the cells to 20 patients with myeloma.\n")
    table_end = text.index("treated") + len("treated")
    sections = close_table_sections(text, find_sections(text), [(0, table_end)])
    assert [(s.kind, text[s.start : s.start + 8]) for s in sections] == [("table", "Table 2 "), ("body", "The phas")]
    # Nothing but page furniture after the table: the section is left as it was.
    furniture = "Table 2 Two trials\nStudy Patients\nALPHA-1 12\n\n•\n"
    assert [s.kind for s in close_table_sections(furniture, find_sections(furniture), [(0, 40)])] == ["table"]


def test_table_disease_cell_with_count_qualifier_and_prior_therapy():
    from pipeline.fields.disease import disease_name

    assert disease_name("CD30+ lymphoma after BV and CPI (n = 42)") == "lymphoma"
    assert disease_name("R/R AML") == "R/R AML"
    table = Table(number=1, caption="x", orientation="upright", start=0, end=1,
                  header=["Registry no.", "Product", "Indication", "Dose", "Outcome summary"],
                  rows=[["NCT01111111", "ABC-NK (NK cells + engager XYZ9)", "CD30+ lymphoma after BV (n = 12)", "–",
                         "ORR 50%, CR 25%; 1-yr OS 80%; no CRS, neurotoxicity or GVHD"]])
    doc, result = _result("Some text.\n", [table], [])
    (arm,) = build_records(doc, result)[0]
    assert (arm.product, arm.arm, arm.combination) == ("ABC-NK", "monotherapy", "")
    assert (arm.disease, arm.n_patients) == ("lymphoma", 12)
    assert (arm.orr_pct, arm.cr_pct) == (50, 25)
    assert (arm.crs, arm.crs_max_grade, arm.crs_n) == ("none", 0, 0)
    assert (arm.icans, arm.icans_n, arm.gvhd) == ("none", 0, "none")


def test_summary_cell_rates_and_events_ruled_out():
    assert outcome_rates("OR 48.6% at day 30; 1-yr OS 68%, complete response in 1 of 3") == {"ORR": 48.6}
    assert events_ruled_out("no CRS, ICANS or treatment-related death", GLOSSARY) == ["crs", "icans"]
    assert events_ruled_out("no grade ≥3 CRS; GVHD in 2", GLOSSARY) == []


def test_transposed_table_rows_take_phase_from_caption_and_size_from_prose():
    text = ("Two phase 3 trials compared CD19 CAR T cells with standard care: ALPHA-7 with abc-cel (300 patients) "
            "and OMEGA with xyz-cel (150 patients).\n\nTable 1 Phase 3 trials of CD19 CAR T cells\n")
    table = Table(number=1, caption="Phase 3 trials of CD19 CAR T cells", orientation="upright",
                  start=len(text) - 40, end=len(text),
                  header=["Trial", "Target antigen", "Overall response", "Grade ≥3 CRS", "Grade ≥3 neurological AEs"],
                  rows=[["ALPHA-7", "CD19", "80%", "5%", "20%"], ["OMEGA", "CD19", "70%", "1%", "3%"]])
    abbreviations = [Abbreviation(short_form="AE", long_form="adverse event", start=0, end=1, source="footnote")]
    doc, result = _result(text, [table], abbreviations)
    alpha, omega = build_records(doc, result)[0]
    assert (alpha.study, alpha.phase, alpha.n_patients, alpha.orr_pct) == ("ALPHA-7", "III", 300, 80)
    assert (omega.study, omega.phase, omega.n_patients) == ("OMEGA", "III", 150)
    assert alpha.trial_id == omega.trial_id == ""  # a study name is not a registry id
    assert (alpha.crs, alpha.icans) == ("grade >=3 5%", "grade >=3 neurological adverse events 20%")


def test_caption_phase_only_when_one_phase_is_named():
    assert caption_phase("Phase 1/2 trials of CAR-NK cells") == "I/II"
    assert caption_phase("Phase 1 and phase 2 trials") == ""
    assert caption_phase("Trials of CAR-NK cells") == ""


def test_prose_study_gets_the_document_target_and_its_size():
    text = ("CD19 CAR T cells in follicular lymphoma\n\nCD19-directed products are now given earlier. "
            "The single-arm phase 2 GAMMA-4 study gave abc-cel to 30 patients with untreated disease; "
            "ORR was 90%.\n")
    doc, result = _result(text, [], [])
    (arm,) = build_records(doc, result)[0]
    assert (arm.study, arm.phase, arm.n_patients, arm.orr_pct) == ("GAMMA-4", "II", 30, 90)
    assert arm.target_symbols == "CD19"


def test_event_columns_laid_out_as_any_grade_then_graded():
    crs = event_any_and_graded("77% (46%)", "CRS, any (grade ≥3 or severe)")
    assert (crs.statement, crs.max_grade, crs.n) == ("any grade 77%; grade >=3 46%", None, None)
    crs = event_any_and_graded("16 (80%) (severe 30%)", "CRS, any (grade ≥3 or severe)")
    assert (crs.statement, crs.n) == ("any grade 80%", 16)
    assert event_any_and_graded("77% (46%)", "CRS") is None
    table = Table(number=1, caption="x", orientation="upright", start=0, end=1,
                  header=["Study", "Pts", "CR", "Neurotoxicity, any (grade ≥3)"],
                  rows=[["Doe et al.", "10", "7 (70%)", "4 (40%)"]])
    doc, result = _result("Some text.\n", [table], [])
    (arm,) = build_records(doc, result)[0]
    assert (arm.cr_pct, arm.icans, arm.icans_n) == (70, "any grade 40%", 4)


def test_cell_source_read_from_a_design_column():
    assert named_in("Autologous T cells, lentiviral; 4-1BB + CD3ζ", "CELL_SOURCE") == "autologous"
    table = Table(number=1, caption="x", orientation="upright", start=0, end=1,
                  header=["Target antigen", "Registry no.", "n", "CAR design / manufacture", "Response"],
                  rows=[["CD33", "NCT01212121", "3", "Autologous, lentiviral; CD28 + CD3ζ", "CR in 2"]])
    doc, result = _result("Some text.\n", [table], [])
    (arm,) = build_records(doc, result)[0]
    assert (arm.cell_source, arm.n_patients) == ("autologous", 3)


def test_event_column_split_any_grade_slash_graded():
    from pipeline.fields.header import read_header

    assert [read_header(h).role for h in ["CRSany/≥G3", "CRS any/grade ≥3"]] == ["adverse_events", "adverse_events"]
    crs = event_any_and_graded("90% /7%", "CRSany/≥G3")
    assert (crs.statement, crs.max_grade, crs.n) == ("any grade 90%; grade >=3 7%", None, None)
    assert event_any_and_graded("90%", "CRSany/≥G3") is None

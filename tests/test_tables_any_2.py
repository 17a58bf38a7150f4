"""Issue 18, round 2: table layouts as PDF readers and users' extractors print them, on tables of our
own (invented studies and values, laid out the way confmine's PDF reader and text dumps give them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from forge.grids import Grid
from forge.render import STYLES, render_pdf
from spacy.language import Language

from pipeline.extract import extract_document
from pipeline.ingest import read_document
from pipeline.ingest.text import ingest_text
from pipeline.ner import build_nlp
from pipeline.tables import find_tables

PROSE = ("Session notes\nThe programmes below were presented in the afternoon session. Values are as the\n"
         "speakers gave them and were not checked against later reports of the same studies.\n\n")
CAPTION = "Table 3. Invented CAR T-cell studies in relapsed myeloma\n"
NOTES = "MM, multiple myeloma; ORR, overall response rate.\n"
PIPE = ("| Study | Product | Patients, n | ORR, % |\n"
        "|---|---|---|---|\n"
        "| NORTHSTAR-2 (NCT09000001) | zeta-cel | 31 | 77 |\n"
        "| HARBOUR (NCT09000002) | kappa-cel | 18 | 61 |\n")


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_nlp()


def _tables(text: str):
    return find_tables(ingest_text(text, "tables_any_2"))


def test_a_pipe_table_printed_above_its_caption() -> None:
    """A PDF's ruled table comes out as a pipe table; with the caption under it, the table above the
    caption is read (the caption line is not read as a row of a table under it)."""
    tables = _tables(PROSE + PIPE + "\n" + CAPTION + "\n" + NOTES)
    assert len(tables) == 1
    assert tables[0].number == 3
    assert tables[0].header == ["Study", "Product", "Patients, n", "ORR, %"]
    assert [row[0] for row in tables[0].rows] == ["NORTHSTAR-2 (NCT09000001)", "HARBOUR (NCT09000002)"]


ARMS = ("| Study | Product | Patients, n | ORR, % |\n"
        "|---|---|---|---|\n"
        "| NORTHSTAR-2 (NCT09000001) | zeta-cel | 31 | 77 |\n"
        "| | + lenalidomide | 12 | 83 |\n")


def test_a_row_that_adds_an_agent_is_another_arm_of_the_study_above(tmp_path: Path, nlp: Language) -> None:
    """"| | + lenalidomide |": the study's cells left empty, the product cell names the added agent only;
    the arm is the study above with its product, in combination."""
    path = tmp_path / "arms.txt"
    path.write_text(PROSE + CAPTION + ARMS + "\n" + NOTES, encoding="utf-8")
    trials = extract_document(path, nlp=nlp).trials
    arms = sorted((t.trial_id, t.product, t.arm, t.combination, t.n_patients) for t in trials)
    assert arms == [("NCT09000001", "zeta-cel", "combination", "lenalidomide", 12),
                    ("NCT09000001", "zeta-cel", "monotherapy", "", 31)]


TRANSPOSED = ("| Characteristic | NORTHSTAR-2 | HARBOUR |\n"
              "|---|---|---|\n"
              "| NCT number | NCT09000001 | NCT09000002 |\n"
              "| Product | zeta-cel | kappa-cel |\n"
              "| Patients treated, n | 31 | 18 |\n"
              "| ORR, % | 77 | 61 |\n")


def test_a_transposed_table_with_a_named_corner_cell() -> None:
    """Studies as columns under a corner cell that names the row labels ("Characteristic"): one study
    per row in the study view."""
    table = _tables(PROSE + CAPTION + TRANSPOSED + "\n" + NOTES)[0]
    assert table.study_view is not None
    assert [row[0] for row in table.study_view.rows] == ["NORTHSTAR-2", "HARBOUR"]
    assert table.study_view.header[1:] == ["NCT number", "Product", "Patients treated, n", "ORR, %"]


def test_an_upright_table_is_not_taken_for_a_transposed_one() -> None:
    """A header that names its columns is upright, whatever names its first column holds."""
    table = _tables(PROSE + CAPTION + PIPE + "\n" + NOTES)[0]
    assert table.study_view is None


def test_a_study_name_before_its_ids_but_never_a_centre() -> None:
    """"NORTHSTAR CLL 2 (NCT09000003)" names the study; "MSKCC (NCT09000004)" names the centre that runs
    it, "HCC, CD19-41z (NCT09000005)" a centre the document defines, and "AML-2" is what is left of a
    name cut in two ("PEGASUS AML-2"), a disease numbered."""
    from pipeline.fields.phrases import Glossary
    from pipeline.fields.trial import read_cell
    from pipeline.models import Column

    glossary = Glossary({"HCC": "Harbour Cancer Centre"})
    found = []
    for cell in ("NORTHSTAR CLL 2 (NCT09000003)", "MSKCC (NCT09000004)", "HCC, CD19-41z (NCT09000005)",
                 "WAVELET-3, zeta-cel (NCT09000006)", "AML-2 (NCT09000007)"):
        record: dict[str, object] = {}
        read_cell(cell, Column(name="Study", field="study"), glossary, record)
        found.append(record.get("study"))
    assert found == ["NORTHSTAR CLL 2", None, None, "WAVELET-3", None]


# --- PDFs read by confmine itself ------------------------------------------------------------------------

INVENTED = Grid(
    id="invented_pdf", caption="Table 2. Invented CAR T-cell studies of a made-up product family in relapsed or "
    "refractory large B-cell lymphoma and in relapsed myeloma",
    header=["Study\n(registry)", "Product", "Treated,\nn", "ORR, %"],
    rows=[["NORTHSTAR-2 (NCT09000001)", "zeta-cel", "31", "77"],
          ["HARBOUR (NCT09000002)", "kappa-cel", "18", "61"],
          ["WAVELET-3 (NCT09000006)", "theta-cel", "24", "58"]],
    footnotes=["ORR, overall response rate."], trials=[{"trial_id": "NCT09000001"}])


@pytest.mark.parametrize("style", ["booktabs", "caption_below"])
def test_a_pdf_table_under_a_caption_that_wraps_or_over_its_caption(style: str, tmp_path: Path) -> None:
    """A caption's second line is the caption's, not the table's first row (booktabs: the unruled
    finder), and a header name that wraps ("Treated," / "n") is one name; a table printed above its
    caption is read as well (its caption under it)."""
    path = render_pdf(INVENTED, STYLES[style], tmp_path / f"invented__{style}.pdf").path
    tables = find_tables(read_document(path))
    assert len(tables) == 1
    assert tables[0].header == ["Study (registry)", "Product", "Treated, n", "ORR, %"]
    assert [row[0] for row in tables[0].rows] == [row[0] for row in INVENTED.rows]


STUDIES_AS_COLUMNS = Grid(
    id="invented_transposed", caption="Table 4. Invented registrational studies of two made-up products",
    transposed=True, header=["", "NORTHSTAR-2", "HARBOUR"],
    rows=[["Registry", "NCT09000001", "NCT09000002"], ["Product", "zeta-cel", "kappa-cel"],
          ["Patients treated, n", "31", "18"], ["ORR, %", "77", "61"]],
    footnotes=["ORR, overall response rate."], trials=[{"trial_id": "NCT09000001"}])


def test_a_pdf_table_with_studies_as_columns_keeps_its_header_row(tmp_path: Path) -> None:
    """Over an empty corner, the names of the studies are set apart from the first row (a rule, padding):
    they are the header, not header lines stacked over the first row."""
    path = render_pdf(STUDIES_AS_COLUMNS, STYLES["booktabs"], tmp_path / "transposed.pdf").path
    table = find_tables(read_document(path))[0]
    assert table.header == ["", "NORTHSTAR-2", "HARBOUR"]
    assert table.study_view is not None
    assert [row[:2] for row in table.study_view.rows] == [["NORTHSTAR-2", "NCT09000001"], ["HARBOUR", "NCT09000002"]]


def test_cells_of_a_study_view_read_as_their_fields() -> None:
    """A conditioning cell that prints each agent's dose and the days names the regimen of its agents; an
    "Antibody partner" row is the arm's combination; a product named before its arm ("FT596, arm B"); a
    product cell under "Product (registry)" holds the study's id."""
    from pipeline.fields.header import read_header
    from pipeline.fields.phrases import Glossary
    from pipeline.fields.product import read_cell as read_product
    from pipeline.fields.regimen import read_cell as read_regimen
    from pipeline.models import Column

    regimen: dict[str, object] = {}
    read_regimen("Cy 250 mg/m2 + Flu 25 mg/m2, days −4 to −2", Column(name="Conditioning", field="preconditioning"),
                 Glossary({}), regimen)
    assert regimen == {"preconditioning": "fludarabine and cyclophosphamide"}
    assert read_header("Antibody partner").field is not None
    assert read_header("Antibody partner").field.name == "combination"
    product: dict[str, object] = {}
    read_product("FT596, arm B", Column(name="Product", field="product"), Glossary({}), product)
    assert product == {"product": "FT596"}
    product = {}
    read_product("zeta-cel (NCT09000001)", Column(name="Product (registry)", field="product"), Glossary({}), product)
    assert product == {"product": "zeta-cel", "trial_id": "NCT09000001"}


def test_a_row_that_names_only_an_added_agent_makes_no_record(tmp_path: Path, nlp: Language) -> None:
    """A piece of a misread table that holds an agent alone (the study's cells in other rows) is no arm."""
    table = ("| Study | Patients, n | Combination | ORR, % |\n|---|---|---|---|\n| | | lenalidomide | |\n"
             "| NORTHSTAR-2 (NCT09000001) | 31 | | 77 |\n")
    path = tmp_path / "agent_alone.txt"
    path.write_text(PROSE + CAPTION + table + "\n" + NOTES, encoding="utf-8")
    assert [(t.trial_id, t.combination) for t in extract_document(path, nlp=nlp).trials] == [("NCT09000001", "")]

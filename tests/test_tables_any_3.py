"""Issue 18, round 3: tables from layouts never seen, on tables of our own (invented studies and values,
laid out the way confmine's PDF reader and users' text extractors print them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from forge.extract import EXTRACTORS
from forge.grids import Grid
from forge.render import STYLES, render_pdf

from pipeline.fields.evidence import build_context
from pipeline.ingest.text import ingest_text
from pipeline.tables import find_tables
from pipeline.tables.columns import score_cell
from pipeline.tables.vocabulary import ColumnType

PROSE = ("Meeting notes\nThe programmes below were presented in the morning session. Values are as the\n"
         "speakers gave them and were not checked against later reports of the same studies.\n\n")


def _tables(text: str):
    return find_tables(ingest_text(text, "tables_any_3"))


TRANSPOSED_FIRST_PAGE = (
    "Table 2. Invented BCMA programmes\n"
    "| | LANTERN-1 | OSPREY |\n"
    "|---|---|---|\n"
    "| Registry | NCT09100001 | NCT09100002 |\n"
    "| Product | rho-cel | sigma-cel |\n"
    "| Patients, n | 44 | 27 |\n\f"
)
TRANSPOSED_NEXT_PAGE = (
    "Table 2. (continued)\n"
    "| | LANTERN-1 | OSPREY |\n"
    "|---|---|---|\n"
    "| ORR, % | 81 | 63 |\n"
    "| CRS grade ≥3, % | 4 | 7 |\n"
)


def test_a_table_with_studies_as_columns_continued_on_the_next_page_keeps_its_study_view() -> None:
    """The two parts of a transposed table split over pages are one table, and its study view (one row
    per study) holds the rows of both parts."""
    [table] = _tables(PROSE + TRANSPOSED_FIRST_PAGE + TRANSPOSED_NEXT_PAGE)
    view = table.studies()
    assert view is not table
    assert view.header == ["Study", "Registry", "Product", "Patients, n", "ORR, %", "CRS grade ≥3, %"]
    assert view.rows == [["LANTERN-1", "NCT09100001", "rho-cel", "44", "81", "4"],
                         ["OSPREY", "NCT09100002", "sigma-cel", "27", "63", "7"]]


ARMS_CAPTION = "Table 4. Invented CAR T-cell programmes, alone and with an added agent\n"
ARMS_NOTES = "ORR, overall response rate; CRS, cytokine release syndrome; CLL, chronic lymphocytic leukaemia.\n"
ARMS_LINES = (
    "Study Product Hinge N Dose ORR, % CRS, %\n"
    "NORTHWIND tau-cel CD8α 41 25 or 50 × 10^6 58 71\n"
    "002 CAR+ T cells\n"
    "(NCT09200001)\n"
    "+ venetoclax 14 50 × 10^6 86 64\n"
    "CAR+ T cells\n"
    "SEAFARER iota-cel CD28 22 1 × 10^6/kg 64 77\n"
    "(NCT09200002)\n"
    "+ venetoclax 9 1 × 10^6/kg 78 56\n"
)
"""A table as pdfplumber's ``extract_text`` prints it: cells joined by spaces, the later lines of wrapped
cells under their row; the "+ venetoclax" rows leave the study and hinge columns empty."""


def test_an_added_agent_goes_under_the_product_when_the_column_after_it_is_blank() -> None:
    """"+ venetoclax 14 ...": the added agent is the product cell of another arm, not the hinge cell
    the row leaves blank."""
    [table] = _tables(PROSE + ARMS_CAPTION + ARMS_LINES + ARMS_NOTES)
    arms = [row for row, continued in zip(table.rows, table.continuation, strict=True) if continued]
    assert [(row[1], row[2]) for row in arms] == [("+ venetoclax", ""), ("+ venetoclax", "")]


def test_wrapped_lines_go_under_the_cells_of_the_line_above() -> None:
    """A cell is printed from the top of its row: the registry id alone on the row's last line is the
    study cell's, so the line above it ("002 CAR+ T cells") has a piece of the study cell too; and a
    line under a row that leaves the hinge blank puts nothing under the hinge."""
    [table] = _tables(PROSE + ARMS_CAPTION + ARMS_LINES + ARMS_NOTES)
    assert table.rows[0][0] == "NORTHWIND 002 (NCT09200001)"
    assert table.rows[1][2:5] == ["", "14", "50 × 10^6 CAR+ T cells"]


ARMS_GRID = Grid(
    id="invented_arms", caption="Table 4. Invented CAR T-cell programmes, alone and with an added agent",
    header=["Study", "Product", "Hinge", "N", "Dose", "ORR, % (CR, %)", "CRS, % (grade ≥3)",
            "Neurotoxicity, % (grade ≥3)"],
    rows=[["NORTHWIND CLL 002 (NCT09200001)", "tau-cel", "CD8α", "41", "25 or 50 × 10^6 CAR+ T cells", "58 (31)",
           "71 (6)", "22 (4)"],
          ["", "+ venetoclax", "", "14", "50 × 10^6 CAR+ T cells", "86 (50)", "64 (7)", "21 (0)"],
          ["SEAFARER (NCT09200002)", "iota-cel", "CD28", "22", "1, 2 or 5 × 10^6/kg", "64 (41)", "77 (9)", "18 (5)"],
          ["", "+ venetoclax", "", "9", "1 × 10^6/kg", "78 (44)", "56 (0)", "11 (0)"]],
    footnotes=["ORR, overall response rate; CR, complete response; CRS, cytokine release syndrome; CLL, chronic "
               "lymphocytic leukaemia."],
    trials=[{"trial_id": "NCT09200001"}])


@pytest.mark.parametrize("extractor", ["pdfplumber", "pypdfium2"])
def test_an_added_agent_goes_under_the_product_as_extractors_print_it(extractor: str, tmp_path: Path) -> None:
    """The table drawn as a journal draws it and printed by a user's extractor (pypdfium2: a stream of
    cells, a wrapped cell's lines together): the arm's row "+ venetoclax 14 ..." puts the agent under
    the product and leaves the hinge (the study's, shared by its arms) blank, rather than shifting its
    cells one column along to fill it."""
    pdf = render_pdf(ARMS_GRID, STYLES["ruled"], tmp_path / "arms.pdf").path
    [table] = _tables(EXTRACTORS[extractor](pdf))
    arms = [row for row, continued in zip(table.rows, table.continuation, strict=True) if continued]
    assert [row[1:4] for row in arms] == [["+ venetoclax", "", "14"], ["+ venetoclax", "", "9"]]


PRODUCTS_WITH_IDS = (
    "Table 6. Invented NK-cell products in early trials\n"
    "Product (registry) Origin Target Patients ORR, %\n"
    "ZX-12 engineered Cord blood CD19 14 60\n"
    "NK cells\n"
    "(NCT09990001)\n"
    "QW-40 Peripheral CD70 8 38\n"
    "(NCT09990002) blood\n"
    "ORR, overall response rate; NK, natural killer; CD, cluster of differentiation (an antigen's name).\n"
)
"""Wrapped cells as pdfplumber prints them: each product's study id on the product cell's last line."""


def test_a_product_cell_keeps_the_registry_id_printed_under_it() -> None:
    """Under "Product (registry)" each product cell ends with its study's id in brackets: the id is the
    product cell's (which gives it to the study), not a line left out of the table."""
    [table] = _tables(PROSE + PRODUCTS_WITH_IDS)
    assert [row[0] for row in table.rows] == ["ZX-12 engineered NK cells (NCT09990001)", "QW-40 (NCT09990002)"]
    assert not table.warnings


def _score(kind: ColumnType, value: str) -> float | None:
    ctx = build_context(ingest_text(PROSE, "scores"), definitions=[])
    return score_cell(kind, value, ctx, partial=True)


def test_cells_as_review_tables_print_them() -> None:
    """A dose that names its route first ("SC: 0.06 mg/kg,") is a dose cell; a number in brackets alone
    ("(63)") is the second figure of another cell, no dose; a coded study with a note on which of its
    parts ("C-145-04, cohort") is a study cell, more than a plain word is."""
    assert _score(ColumnType.DOSE, "SC: 0.06 mg/kg,") is not None
    assert _score(ColumnType.DOSE, "IV 5 mg") is not None
    assert _score(ColumnType.DOSE, "(63)") is None
    noted, plain = _score(ColumnType.TRIAL, "C-145-04, cohort"), _score(ColumnType.TRIAL, "Cervical")
    assert noted is not None and plain is not None and noted > plain

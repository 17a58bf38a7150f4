"""Wrapped cells of PDF tables, on small tables drawn for the purpose (``pdfgen.table_pdf``).

A cell too long for its column is printed over several lines; the reader must give each row back as
one row of whole cells: when the cell is in the last row (nothing below it is a full row), when it is
the row label in the first column (its second line has a first cell of its own), and without taking
in the footnotes printed under the table.
"""

from __future__ import annotations

from pathlib import Path

import pdfgen
import pytest

from pipeline.ingest.pdf import PdfPage, read_pdf_pages
from pipeline.ingest.pdf_tables import TableGrid, cell_text

HEADER = ["Product", "Model", "Target", "Dose", "Finding"]
ROWS = [
    ["AB-101", "Xenograft", "CD19", "2 mg/kg", "Tumour regression"],
    ["XY-7", "Syngeneic", "BCMA", "5 mg/kg", "No effect"],
    ["QR-33", "Xenograft", "CD33", "1 mg/kg", "Delayed growth in three of five mice"],
]
WIDTHS = [60.0, 62.0, 48.0, 52.0, 84.0]
"""Points: "Finding" holds about two words a line, so the last row's finding takes three lines."""
WIDE = [60.0, 62.0, 48.0, 52.0, 170.0]
"""Points: every cell on one line."""
LABELLED = [
    ["Cord blood", "Xenograft", "CD19", "Regression"],
    ["Healthy donor peripheral blood", "Xenograft", "BCMA", "No effect"],
    ["Induced pluripotent stem cells", "Syngeneic", "CD33", "Delayed tumour growth"],
    ["Healthy donor peripheral blood", "Xenograft", "CD123", "Regression"],
]
LABELLED_HEADER = ["Source", "Model", "Target", "Finding"]
LABELLED_WIDTHS = [72.0, 62.0, 48.0, 70.0]
"""Points: the long sources take two or three lines in the first column, the findings one or two."""
FOOTNOTES = ["NR not reached", "Mice were followed for sixty days after the last dose."]
"""A footnote short enough to sit in the first column, then a sentence (each under the word count
that ends a table by itself)."""


def _read(path: Path) -> tuple[TableGrid, PdfPage]:
    [page] = read_pdf_pages(path)
    [table] = page.tables
    return table, page


def _cells(table: TableGrid) -> list[list[str]]:
    return [[cell_text(cell) for cell in row] for row in table.rows]


def _wrapped(spec: pdfgen.TableSpec, widths: list[float]) -> list[tuple[int, int]]:
    """(row, column) of the body cells printed on more than one line."""
    return [(r, c) for r, row in enumerate(pdfgen.cell_lines(spec, widths)[1:])
            for c, lines in enumerate(row) if len(lines) > 1]


@pytest.mark.parametrize("ruled", [False, True], ids=["booktabs", "grid"])
def test_last_row_keeps_its_wrapped_lines(ruled: bool, tmp_path: Path) -> None:
    spec = pdfgen.TableSpec("Table 1 Products tested in animal models", HEADER, ROWS, ruled=ruled)
    assert (len(ROWS) - 1, 4) in _wrapped(spec, WIDTHS)
    table, _ = _read(pdfgen.table_pdf(tmp_path / "last_row.pdf", spec, WIDTHS))
    assert (table.source, table.caption) == ("ruled" if ruled else "aligned", spec.caption)
    assert _cells(table) == [HEADER, *ROWS]


@pytest.mark.parametrize("ruled", [False, True], ids=["booktabs", "grid"])
def test_wrapped_row_label_stays_in_its_row(ruled: bool, tmp_path: Path) -> None:
    """Labels over two and three lines, in the middle and in the last row, beside cells of one line
    and cells that wrap too."""
    spec = pdfgen.TableSpec("Table 2 Sources of the cells", LABELLED_HEADER, LABELLED, ruled=ruled)
    wrapped = _wrapped(spec, LABELLED_WIDTHS)
    assert {(1, 0), (2, 0), (3, 0), (2, 3)} <= set(wrapped) and (1, 3) not in wrapped
    table, _ = _read(pdfgen.table_pdf(tmp_path / "labels.pdf", spec, LABELLED_WIDTHS))
    assert _cells(table) == [LABELLED_HEADER, *LABELLED]


@pytest.mark.parametrize("widths", [WIDTHS, WIDE], ids=["last-row-wraps", "one-line-cells"])
def test_footnotes_under_the_table_stay_out_of_it(widths: list[float], tmp_path: Path) -> None:
    """The footnotes are set in the cells' type size here, the first one inside the first column:
    only the space above them tells them from a wrapped line of the last row."""
    spec = pdfgen.TableSpec("Table 1 Products tested in animal models", HEADER, ROWS, FOOTNOTES,
                            size=pdfgen.FOOTNOTE_SIZE)
    table, page = _read(pdfgen.table_pdf(tmp_path / "footnotes.pdf", spec, widths))
    assert _cells(table) == [HEADER, *ROWS]
    lines = page.text.split("\n")
    assert all(note in lines for note in FOOTNOTES)


COUNTS_HEADER = ["Group", "Mice", "Tumours", "Days"]
COUNTS = [
    ["Control", "10", "9", "21"],
    ["Treated", "10", "2", "35"],
    ["Excluded", "2", "", ""],
    ["Total", "22", "11", ""],
]


@pytest.mark.parametrize("row_space", [0.0, 6.0], ids=["rows-at-the-leading", "rows-set-apart"])
def test_short_rows_are_not_wrapped_labels(row_space: float, tmp_path: Path) -> None:
    """Rows whose cells are a subset of the row above ("Excluded  2") stay rows: they are no closer to
    it than rows are to each other, whether rows sit at the leading or are set apart."""
    spec = pdfgen.TableSpec("Table 3 Mice per group", COUNTS_HEADER, COUNTS, row_space=row_space)
    table, _ = _read(pdfgen.table_pdf(tmp_path / "counts.pdf", spec, [70.0, 50.0, 50.0, 50.0]))
    assert _cells(table) == [COUNTS_HEADER, *COUNTS]


HYPHENATED = [
    ["Cord blood", "Xenograft", "CD19", "Regression"],
    ["Donor haematopoietic progenitors", "Xenograft", "BCMA", "No effect"],
    ["Cord blood", "Syngeneic", "CD33", "Regression"],
]


@pytest.mark.parametrize("ruled", [False, True], ids=["booktabs", "grid"])
def test_hyphenated_row_label_joins_like_the_text_path(ruled: bool, tmp_path: Path) -> None:
    """A label broken inside words ("Donor haema-" / "topoietic prog-" / "enitors") reads whole."""
    spec = pdfgen.TableSpec("Table 4 Sources", LABELLED_HEADER, HYPHENATED, ruled=ruled, hyphenate=True)
    widths = [60.0, 62.0, 48.0, 70.0]
    assert sum(line.endswith("-") for line in pdfgen.cell_lines(spec, widths)[2][0]) == 2
    path = pdfgen.table_pdf(tmp_path / "hyphens.pdf", spec, widths)
    table, page = _read(path)
    assert _cells(table) == [LABELLED_HEADER, *HYPHENATED]
    assert "| Donor haematopoietic progenitors | Xenograft | BCMA | No effect |" in page.text.split("\n")


def test_cell_line_end_hyphens_follow_the_text_path() -> None:
    """The typesetter's hyphen goes, a compound's stays (a capital, or the page spells it so)."""
    from pipeline.ingest.normalize import document_vocabulary

    assert cell_text("Healthy donor periph-\neral blood") == "Healthy donor peripheral blood"
    assert cell_text("iPSC-\nderived") == "iPSC-derived"
    assert cell_text("anti-\nCD19") == "anti-CD19"
    assert cell_text("cord-\nderived", document_vocabulary("Cord blood, or cells derived from it")) == "cord-derived"
    assert cell_text("cord-\nderived", document_vocabulary("Umbilical cord-derived cells")) == "cord-derived"


ANCHORED_HEADER = ["Agent (registry)", "Cell origin", "Antigen", "Enrolled, n", "Dose levels", "Response"]
ANCHORED = [
    ["ZX-12 NK cells (NCT09990001)", "Umbilical cord blood", "CD19", "14", "1, 3, 9 million per kg", "60%"],
    ["QW-4 natural killers (NCT09990002)", "Healthy donor peripheral blood", "CD70", "8", "2 and 6 million per kg",
     "38%"],
    ["LM-88 T cells (NCT09990003)", "Induced pluripotent stem cells", "BCMA", "21", "one dose of 100 million", "71%"],
]
ANCHORED_WIDTHS = [66.0, 52.0, 46.0, 46.0, 48.0, 48.0]
"""Points: the agent, the origin and the doses wrap over two or three lines, so that the table has more
wrapped lines filling three columns and opening with a first cell of their own (the registry id under
the agent's name) than it has rows; the header's first name takes two lines."""


@pytest.mark.parametrize("row_space", [4.0, 8.0], ids=["rows-set-apart", "rows-set-far-apart"])
def test_wrapped_lines_with_several_cells_stay_in_their_row(row_space: float, tmp_path: Path) -> None:
    """A row's wrapped lines that fill several columns and have a first cell ("(NCT09990001)  blood
    million per kg") are still the row's: rows are set apart, its lines at the type's leading."""
    spec = pdfgen.TableSpec("Table 5 Agents in early trials", ANCHORED_HEADER, ANCHORED, row_space=row_space)
    lines = pdfgen.cell_lines(spec, ANCHORED_WIDTHS)
    three = sum(1 for row in lines[1:] for k in range(1, len(row[0])) if len(row[1]) > k and len(row[4]) > k)
    assert len(lines[0][0]) == 2 and three > len(ANCHORED)
    table, _ = _read(pdfgen.table_pdf(tmp_path / "anchored.pdf", spec, ANCHORED_WIDTHS))
    assert _cells(table) == [ANCHORED_HEADER, *ANCHORED]

"""Issue 18, round 3: tables from layouts never seen, on tables of our own (invented studies and values,
laid out the way confmine's PDF reader and users' text extractors print them)."""

from __future__ import annotations

from pipeline.ingest.text import ingest_text
from pipeline.tables import find_tables

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

"""The one reader of upright table regions (``tables/reader.py``) on tables as real extractors print
them, and the field modules' reading of journal-style cells. The tables here are our own (facts of
public trials, laid out as pdfplumber's ``extract_text`` and pypdfium2 print a ruled table)."""

from __future__ import annotations

from pipeline.fields.adverse_event import read_cell as read_event_cell
from pipeline.fields.count import count
from pipeline.fields.dose import read_cell as read_dose_cell
from pipeline.fields.header import read_header, typed_columns
from pipeline.fields.outcome import header_outcomes
from pipeline.fields.outcome import read_cell as read_outcome_cell
from pipeline.fields.phrases import Glossary
from pipeline.ingest.text import ingest_text
from pipeline.models import Column
from pipeline.tables import find_tables

PROSE = ("Meeting digest\nThe studies summarised here used different eligibility criteria. Comparisons across\n"
         "trials are indicative only. The table lists the studies as their investigators reported them.\n")
CAPTION = "Table 1. Pivotal single-arm trials of CD19-directed CAR T-cell products in relapsed or refractory\n" \
          "large B-cell lymphoma\n"
# pdfplumber: cells joined by single spaces; a wrapped cell or header name leaves its next line below.
LINES = (
    "Study Product Phase Treated, Target dose ORR (CR), % CRS, any / ≥3, NE, any / ≥3,\n"
    "(registry) n % %\n"
    "ZUMA-1 Axicabtagene I/II 101 2 × 10^6 CAR+ 82 (54) 93 / 13 64 / 28\n"
    "(NCT02348216) ciloleucel cells/kg\n"
    "JULIET Tisagenlecleucel II 111* 0.6–6 × 10^8 52 (40)† 58 / 22 21 / 12\n"
    "(NCT02445248) CAR+ cells\n"
)
NOTES = ("*Infused patients; 93 were evaluable for response.\n"
         "ORR, overall response rate; CR, complete response; CRS, cytokine release syndrome; NE, neurological "
         "events.\n")
# pypdfium2: a cell's lines together, a line break after a cell that wrapped.
STREAM = (
    "Study\n(registry)\nProduct Phase Treated,\nn\nTarget dose ORR (CR), % CRS, any / ≥3,\n%\nNE, any / ≥3,\n%\n"
    "ZUMA-1\n(NCT02348216)\nAxicabtagene\nciloleucel\nI/II 101 2 × 10^6 CAR+\ncells/kg\n82 (54) 93 / 13 64 / 28\n"
    "JULIET\n(NCT02445248)\nTisagenlecleucel II 111* 0.6–6 × 10^8\nCAR+ cells\n52 (40)† 58 / 22 21 / 12\n"
)
HEADER = ["Study (registry)", "Product", "Phase", "Treated, n", "Target dose", "ORR (CR), %", "CRS, any / ≥3, %",
          "NE, any / ≥3, %"]
ROWS = [
    ["ZUMA-1 (NCT02348216)", "Axicabtagene ciloleucel", "I/II", "101", "2 × 10^6 CAR+ cells/kg", "82 (54)", "93 / 13",
     "64 / 28"],
    ["JULIET (NCT02445248)", "Tisagenlecleucel", "II", "111*", "0.6–6 × 10^8 CAR+ cells", "52 (40)†", "58 / 22",
     "21 / 12"],
]


def _tables(text: str):
    return find_tables(ingest_text(text, "reader_test"))


def test_visual_lines_with_wrapped_cells_and_a_wrapped_caption() -> None:
    tables = _tables(PROSE + CAPTION + LINES + NOTES)
    assert len(tables) == 1
    table = tables[0]
    assert table.caption.endswith("refractory large B-cell lymphoma")
    assert table.header == HEADER
    assert table.rows == ROWS
    assert [c.field for c in table.columns][:5] == ["study", "product", "phase", "n_patients", "doses"]


def test_a_stream_of_cells() -> None:
    table = _tables(PROSE + CAPTION + STREAM + NOTES)[0]
    assert table.header == HEADER
    assert table.rows == ROWS


def test_caption_printed_below_its_table() -> None:
    table = _tables(PROSE + LINES + CAPTION + NOTES)[0]
    assert table.number == 1
    assert table.caption.endswith("large B-cell lymphoma")
    # The rows are found and anchored by their study cells; which reading of the header wins here is
    # still wrong ("Phase Treated," as one name: the known gap of the visual-lines reading).
    assert [row[0] for row in table.rows] == [row[0] for row in ROWS]


def test_a_table_continued_on_the_next_page_is_one_table() -> None:
    first, second = LINES.split("JULIET")
    continued = PROSE + CAPTION + first + "1\nTable 1. (continued)\n" + LINES.split("\n", 2)[0] + "\n" + \
        LINES.split("\n", 2)[1] + "\nJULIET" + second + NOTES
    tables = _tables(continued)
    assert len(tables) == 1
    assert [row[0] for row in tables[0].rows] == [row[0] for row in ROWS]


def test_continuation_row_of_another_arm() -> None:
    text = (PROSE + "Table 4. CD19-targeted CAR T cells alone or with ibrutinib in CLL\n"
            "Study Product N Dose ORR, % (CR, %) CRS, % (grade ≥3)\n"
            "TRANSCEND CLL 004 liso-cel 117 50 or 100 × 10^6 43 (18) 85 (9)\n"
            "(NCT03331198) cells\n"
            "+ ibrutinib 19 100 × 10^6 cells 95 (63) 74 (5)\n"
            "CRS, cytokine release syndrome; ORR, overall response rate; CR, complete response.\n")
    table = _tables(text)[0]
    assert len(table.rows) == 2
    assert table.rows[1][1:] == ["+ ibrutinib", "19", "100 × 10^6 cells", "95 (63)", "74 (5)"]
    assert table.continuation == [False, True]


def test_headers_name_counts_and_doses_journal_style() -> None:
    assert read_header("Treated, n").role == "n_patients"
    assert read_header("Infused, n").role == "n_patients"
    assert read_header("Target dose").role == "doses"
    assert read_header("NE, any / ≥3, %", {"NE": "neurological events"}.get).role == "icans"
    assert header_outcomes("ORR (CR), %") == ["ORR", "CR"]
    assert header_outcomes("ORR / ≥CR (%)") == ["ORR", "CR"]
    assert header_outcomes("Overall response") == ["ORR"]


def _outcome(header: str, cell: str) -> dict[str, object]:
    record: dict[str, object] = {}
    column = typed_columns([header])[0]
    read_outcome_cell(cell, column, Glossary.from_abbreviations([]), record)
    return record


def test_outcome_cells_read_by_their_header() -> None:
    assert _outcome("ORR (CR), %", "82 (54)") == {"orr_pct": 82.0, "cr_pct": 54.0}
    assert _outcome("ORR / ≥CR (%)", "63.0 / 39.4") == {"orr_pct": 63.0, "cr_pct": 39.4}
    assert _outcome("CR/CRi, n/N (%)", "39/55 (71)") == {"cr_pct": 71.0}
    assert _outcome("ORR, n/N", "7/12") == {"orr_pct": 58.3}
    assert _outcome("ORR, n (%)", "44 (75.9)") == {"orr_pct": 75.9}
    assert _outcome("ORR (CR), %", "NR (70†)") == {"cr_pct": 70.0}
    assert _outcome("ORR", "43%a") == {"orr_pct": 43.0}


def _events(*cells: tuple[str, str, str]) -> dict[str, object]:
    record: dict[str, object] = {}
    for header, cell, role in cells:
        read_event_cell(cell, Column(name=header, field=role, type="adverse_event"),
                        Glossary.from_abbreviations([]), record)
    return {k: v for k, v in record.items() if not k.startswith("_") and v is not None}


def test_safety_cells_read_by_their_header() -> None:
    assert _events(("CRS, any / ≥3, %", "93 / 13", "adverse_events")) == {"crs": "any grade 93%; grade >=3 13%"}
    assert _events(("CRS, % (grade ≥3)", "85 (9)", "adverse_events")) == {"crs": "any grade 85%; grade >=3 9%"}
    assert _events(("Severe CRS, %", "24", "adverse_events")) == {"crs": "grade >=3 24%"}
    assert _events(("CRS, n (%)", "28 (47.5)", "adverse_events"),
                   ("Grade ≥3 CRS, n (%)", "3 (5.1)", "adverse_events")) == {
        "crs": "any grade in 28 patients; grade >=3 in 3 patients", "crs_n": 28}
    assert _events(("CRS/ICANS/GVHD, n", "NR/0/0", "adverse_events")) == {
        "icans": "none", "icans_n": 0, "gvhd": "none"}
    assert _events(("Safety", "CRS 58% (max G2); ICANS 3%", "adverse_events")) == {
        "crs": "any grade 58%", "crs_max_grade": 2, "icans": "any grade 3%"}


def test_symbol_font_garbles_in_cells() -> None:
    record: dict[str, object] = {}
    read_dose_cell("2 3 106 CAR+ cells/kg", typed_columns(["Target dose"])[0], Glossary.from_abbreviations([]), record)
    assert record["doses_cells"] == "2e+06"
    assert record["dose_unit"] == "cells/kg"
    assert count("n 5 24") == 24


def test_dose_list_under_a_scaled_header() -> None:
    record: dict[str, object] = {}
    column = typed_columns(["Dose (×10^6 cells/kg)"])[0]
    read_dose_cell("0.5, 1, 2", column, Glossary.from_abbreviations([]), record)
    assert record["doses_cells"] == "500000;1e+06;2e+06"
    assert record["dose_unit"] == "cells/kg"

"""Text ingestion: encodings, space folding, dehyphenation, page headers, offsets, sections."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest import IngestError, read_document
from pipeline.ingest.encoding import BinaryInputError, decode_bytes
from pipeline.ingest.fragments import find_fragment_runs
from pipeline.ingest.text import ingest_text, read_text_file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "raw" / "huang2023_carnk_ash2022.txt"


@pytest.fixture(scope="module")
def example():
    return read_text_file(EXAMPLE)


def _norm(raw: str) -> str:
    return ingest_text(raw, "t").text


# --- dehyphenation -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("immune effector cell-associated neurotoxicity syn-\ndrome (ICANS)", "neurotoxicity syndrome (ICANS)"),
        ("a limited proliferative capac-\nity. Recently", "proliferative capacity. Recently"),
        ("compared with CAR-\nNK cells alone", "compared with CAR-NK cells alone"),
        ("combination of FT555 and anti-\nCD38 mAb", "FT555 and anti-CD38 mAb"),
        ("selective, off-the-shelf Senti-\n202 cells", "Senti-202 cells"),
        ("stem cell (iPSC)-\nderived B-cell maturation", "(iPSC)-derived B-cell"),
        ("Bcl11b-\nedited lymphoid progenitors", "Bcl11b-edited lymphoid"),
    ],
)
def test_dehyphenation_joins_true_breaks_and_keeps_real_hyphens(raw, expected):
    assert expected in _norm(raw)


def test_dehyphenation_uses_the_documents_own_vocabulary():
    # Both halves are words of this document and the joined word never occurs: a real compound.
    raw = "The receptor was engineered and the cells were receptor-\nengineered twice.\n"
    assert "receptor-engineered" in _norm(raw)
    # The joined form is the document's own spelling elsewhere: the hyphen was the typesetter's.
    raw = "The tumor microenvironment matters.\nIn the tumor micro-\nenvironment, NK cells fail.\n"
    assert "tumor microenvironment, NK" in _norm(raw)


def test_dehyphenation_on_the_example(example):
    text = example.text
    for word in ("capacity", "autologous", "syndrome (ICANS)", "efficacy of CAR-NK", "Hematological and solid"):
        assert word in text
    for kept in ("CAR-NK", "anti-CD38", "HER-2", "Senti-202", "(iPSC)-derived"):
        assert kept in text
    assert not re.search(r"[a-z]-\n[a-z]", text)


# --- characters, pages, headers ------------------------------------------------------------------

def test_unicode_spaces_fold_and_glossary_separator_becomes_tab():
    text = _norm("with\u00a0 CD38\u2009 knocked\u202fout\nCAR\t\ufffd Chimeric antigen receptor\n")
    assert "with CD38 knocked out" in text
    assert "CAR\tChimeric antigen receptor" in text


def test_superscript_digits_are_marked_as_powers():
    assert "2 × 10^6 cells/kg" in _norm("2 × 10⁶ cells/kg")


def test_page_headers_are_removed_and_split_pages():
    raw = ("First page body text that talks about trials.\n"
           "Page 1 of 2 Smith et al. Blood Reviews (2024) 3:12\n"
           "Second page body text.\n"
           "Page 2 of 2 Smith et al. Blood Reviews (2024) 3:12\n")
    doc = ingest_text(raw, "t")
    assert "Page" not in doc.text and "Blood Reviews" not in doc.text
    assert [p.number for p in doc.pages] == [1, 2]
    assert doc.text[doc.pages[1].start : doc.pages[1].end].strip() == "Second page body text."


def test_form_feeds_split_pages_when_there_are_no_page_lines():
    doc = ingest_text("one\fsecond page\fthird", "t")
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert doc.text[doc.pages[2].start : doc.pages[2].end].strip() == "third"


def test_example_pages_and_headers(example):
    assert "Page 3 of 4" not in example.text and "Journal of Hematology & Oncology (2023)" not in example.text
    assert [p.number for p in example.pages] == [3, 4]
    table2 = example.text.index("Table 2 Outcomes")
    assert example.page_of(table2) == 4


# --- encodings -----------------------------------------------------------------------------------

def test_encoding_detection():
    assert decode_bytes("déjà vu".encode()).encoding == "utf-8"
    assert decode_bytes(b"\xef\xbb\xbfhello").text == "hello"
    cp = decode_bytes("CAR-T \u2013 r\u00e9sum\u00e9".encode("cp1252"))
    assert cp.encoding == "cp1252" and cp.text == "CAR-T \u2013 r\u00e9sum\u00e9" and cp.warning
    assert decode_bytes(bytes([0x81, 0x8D, 0x41])).encoding == "latin-1"
    with pytest.raises(BinaryInputError):
        decode_bytes(b"\x00\x01\x02binary\x00")


def test_cp1252_file_is_read_with_a_warning(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("Grade \u2265 3 CRS in 5% \u2013 caf\u00e9".encode("cp1252", errors="replace"))
    doc = read_text_file(path)
    assert doc.encoding == "cp1252" and doc.warnings
    assert "caf\u00e9" in doc.text


def test_empty_and_unsupported_files_are_errors(tmp_path):
    (tmp_path / "empty.txt").write_text("  \n\n")
    (tmp_path / "notes.docx").write_text("x")
    with pytest.raises(IngestError, match="empty"):
        read_document(tmp_path / "empty.txt")
    with pytest.raises(IngestError, match="unsupported"):
        read_document(tmp_path / "notes.docx")


# --- offsets -------------------------------------------------------------------------------------

def _comparable(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).replace("\ufffd", " ")
    s = re.sub(r"-\s*\n\s*", "", s)
    return re.sub(r"\s+", "", s)


def test_offset_map_round_trip_on_the_example(example):
    text = example.text
    for m in re.finditer(r"\S+(?: \S+){0,4}", text):
        start, end = example.raw_span(m.start(), m.end())
        raw = example.raw[start:end]
        assert _comparable(raw).replace("-", "") == _comparable(m.group()).replace("-", ""), (m.group(), raw)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab -\n\u00a0\u2009\ufffdXY1⁸")), max_size=80))
def test_offset_map_is_monotonic_and_in_range(raw):
    doc = ingest_text(raw, "t")
    assert len(doc.to_raw) == len(doc.text) + 1
    assert all(a <= b for a, b in zip(doc.to_raw, doc.to_raw[1:], strict=False))
    assert all(0 <= i <= len(raw) for i in doc.to_raw)


# --- fragments -----------------------------------------------------------------------------------

def test_fragment_run_of_the_example_is_joined(example):
    (run,) = example.fragment_runs
    joined = example.text[run.start : run.end]
    assert joined.startswith("Table 2 Outcomes of clinical trials")
    assert "ORR overall response rete" in joined
    assert "Patient number" in joined
    assert all(run.start < b < run.end for b in run.breaks)
    assert len(run.breaks) > 300


def test_prose_and_one_cell_per_line_tables_are_not_fragment_runs():
    cells = "\n".join(["CD33", "NCT01864902", "1", "Relapsed AML", "Autologous T cells, lentiviral"] * 6)
    assert find_fragment_runs(cells) == []
    assert find_fragment_runs("A sentence.\nAnother one here.\n") == []


# --- sections ------------------------------------------------------------------------------------

def test_sections_of_the_example(example):
    kinds = [(s.title, s.kind) for s in example.sections]
    assert ("Abstract", "front") in kinds
    assert ("Preclinical studies", "body") in kinds and ("Clinical trials", "body") in kinds
    assert ("Abbreviations", "abbreviations") in kinds and ("References", "back") in kinds
    assert any(kind == "boilerplate" for _, kind in kinds)
    assert [t for t, k in kinds if k == "table"][0].startswith("Table 1")
    refs = next(s for s in example.sections if s.title == "References")
    assert example.section_at(refs.start + 50).kind == "back"
    # The PDF outline at the very end repeats headings: it stays back matter.
    assert example.section_at(len(example.text) - 2).kind == "back"


def test_sections_of_a_document_written_here():
    raw = ("Updates from EHA 2024\n\nBackground: Bispecific antibodies are now used earlier.\n\n"
           "2.1 CAR T cells in lymphoma\nAxicabtagene ciloleucel was compared with standard care in two trials.\n\n"
           "Table 1 Trials of CD19 CAR T cells\nTrial Product ORR\nZUMA-7 axi-cel 83%\n\n"
           "Acknowledgments\nWe thank the patients.\n\nReferences\n1. Smith J. Blood. 2024.\n")
    doc = ingest_text(raw, "mine")
    kinds = {s.title: s.kind for s in doc.sections}
    assert kinds["Background"] == "front"
    assert kinds[["2.1", "CAR T cells in lymphoma"][1]] == "body"
    assert kinds["Table 1 Trials of CD19 CAR T cells"] == "table"
    assert kinds["References"] == "back" and kinds["Acknowledgments"] == "back"


def test_aligned_table_columns_keep_their_gaps_while_prose_is_folded():
    raw = ("Some  prose  with  doubled spaces.\n\nTable 1 Trials\n"
           "Trial        Target   ORR\n"
           "NCT01234567  CD19     80%\n"
           "             (dual)\n"
           "NCT07654321  BCMA     73%\n")
    text = _norm(raw)
    assert "Some prose with doubled spaces." in text
    assert "NCT01234567  CD19     80%\n             (dual)\nNCT07654321  BCMA     73%" in text

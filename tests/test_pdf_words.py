"""The text layer read word by word (``pipeline.ingest.pdf_words``), on the benchmark's documents.

Reading a word as one box must give the page the layout gives when every glyph is read one by one,
superscripts included: a dose printed with a raised power of ten ("6 × 10⁸") reads "6 × 10^8"
because the "8" is smaller and raised, while a caret typed into the text ("5 x 10^6 cells/kg", "grade
^3", "CD3^+") stays what it is and is no superscript.
"""

from __future__ import annotations

import re
from pathlib import Path

import pdfgen
import pypdfium2 as pdfium
import pytest

from pipeline.ingest.pdf import read_pdf_file, read_pdf_pages
from pipeline.ingest.pdf_glyphs import pdfium_glyphs
from pipeline.ingest.pdf_layout import layout_page, page_text
from pipeline.ingest.pdf_settings import PdfSettings
from pipeline.ingest.pdf_words import read_words

PAGES = 10
RAISED = re.compile(r"(\d(?:\.\d)?) × 10\^(\d) cells per infusion")
FLAT = re.compile(r"\d(?:\.\d)? x 10\^\d")


@pytest.fixture(scope="module")
def prose(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("words") / "prose.pdf"
    pdfgen.prose_document(path, pages=PAGES)
    return path


def _drawn(path: Path) -> list[str]:
    """Each page's text layer as pypdfium2 gives it: the raised digits come flat after "10"."""
    with pdfium.PdfDocument(path) as document:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def test_raised_doses_read_as_powers_of_ten(prose: Path) -> None:
    layers = _drawn(prose)
    pages = read_pdf_pages(prose)
    for layer, page in zip(layers, pages, strict=True):
        drawn = layer.count("×")  # only the doses drawn with a raised power use the sign
        flat_text = " ".join(page.text.split())
        raised = RAISED.findall(flat_text)
        assert len(raised) == drawn, f"page {page.number}"
        assert ("superscript" in page.reasons) == (drawn > 0), f"page {page.number}"
        assert "× 10 " not in flat_text and not re.search(r"(?m)^\^\d$", page.text)
    assert sum(page.text.count("×") for page in pages) >= 3


def test_carets_in_the_text_are_no_superscripts(prose: Path) -> None:
    """Every flat dose and caret the PDF prints comes back as printed, on every page."""
    layers = _drawn(prose)
    pages = read_pdf_pages(prose)
    for layer, page in zip(layers, pages, strict=True):
        flat_text = " ".join(page.text.split())
        assert len(FLAT.findall(flat_text)) == len(FLAT.findall(" ".join(layer.split())))
        assert flat_text.count("CD3^+") == layer.count("CD3^+") > 0
    assert all("superscript" not in page.reasons for page in pages if page.number % 5)


def test_raised_doses_reach_the_normalised_text(prose: Path) -> None:
    """The caret survives ingestion, so the dose stages read a power of ten."""
    doc = read_pdf_file(prose)
    assert RAISED.search(" ".join(doc.text.split()))


@pytest.mark.parametrize("kind", sorted(pdfgen.BENCH_DOCUMENTS))
def test_words_read_a_page_as_its_glyphs_do(kind: str, tmp_path: Path) -> None:
    """Word by word or glyph by glyph, the layout gives the same page (rotated tables and raised
    doses included)."""
    path = tmp_path / f"{kind}.pdf"
    pdfgen.BENCH_DOCUMENTS[kind](path, pages=PAGES)
    settings = PdfSettings()
    with pdfium.PdfDocument(path) as document:
        for index in range(len(document)):
            page = document[index]
            words = read_words(page, page.get_textpage())
            assert words is not None
            glyphs = pdfium_glyphs(page, page.get_textpage())
            assert page_text(layout_page(words, [], settings), settings) == \
                page_text(layout_page(glyphs, [], settings), settings), f"page {index + 1}"
            assert len(words) < len(glyphs) / 3  # a word a box: the point of reading by words


def test_words_pdfium_joined_across_a_gap_are_cut() -> None:
    """pdfium leaves out the space between two dashes of one text object in neighbouring cells
    ("- -" reads "--" in its text layer); the reader cuts them by their boxes."""
    path = Path(__file__).resolve().parents[1].parent / "shared" / "pdfs" / "camelot_superscript.pdf"
    if not path.is_file():
        pytest.skip(f"{path} absent: the shared test PDFs are not checked out next to this repository")
    with pdfium.PdfDocument(path) as document:
        assert "- --\r\n" in document[0].get_textpage().get_text_range()
    [page] = read_pdf_pages(path)
    rows = {row[0]: row for table in page.tables for row in table.rows}
    assert rows["Chhattisgarh"][-2:] == ["-", "-"]

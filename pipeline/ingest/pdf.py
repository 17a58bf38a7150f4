"""Read a ``.pdf`` file into an ``IngestedText``: the PDF reader beside the text reader.

Each page becomes text in reading order (columns read one after the other, rotated text read upright,
tables as pipe tables after their caption, superscript exponents as ``^``); pages are joined with
form feeds and handed to ``ingest_text``, so normalisation, offsets, pages and sections are those of
the text path and every later stage is shared.

Everything comes from pdfium (pypdfium2), in a few calls per word rather than per glyph: the text
layer cut into words with a box, size and direction each (``pdf_words``; a word that mixes text
objects, such as "10" with a raised "8", is read glyph by glyph so its superscript is seen), and the
page's path objects as edges (``pdf_rules``), from which pdfplumber's table finder closes the cells
of ruled tables without pdfplumber ever parsing the page. One layout routine (``pdf_layout``) reads
every page, prose, tables and rotated frames alike. Pages are closed as soon as they are read, so
memory stays flat on long documents. A page that fails is kept empty with a warning; only a document
nothing can be read from raises.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.ingest.errors import IngestError
from pipeline.ingest.pdf_glyphs import UPRIGHT, Glyph, pdfium_glyphs
from pipeline.ingest.pdf_layout import PageLayout, layout_page, page_text
from pipeline.ingest.pdf_rules import read_rules, ruled_cells
from pipeline.ingest.pdf_settings import PdfSettings
from pipeline.ingest.pdf_tables import TableGrid, ruled_tables
from pipeline.ingest.pdf_words import read_words
from pipeline.ingest.text import ingest_text
from pipeline.models import IngestedText

__all__ = [
    "CorruptPdfError",
    "EmptyPdfError",
    "EncryptedPdfError",
    "IngestError",
    "NoTextLayerError",
    "PdfPage",
    "PdfSettings",
    "read_pdf_file",
    "read_pdf_pages",
]

log = logging.getLogger(__name__)
PAGE_BREAK = "\f"


class EncryptedPdfError(IngestError):
    def __init__(self) -> None:
        super().__init__("encrypted PDF: password required")


class CorruptPdfError(IngestError):
    def __init__(self, reason: str) -> None:
        super().__init__(f"corrupt PDF: {' '.join(reason.split())}")


class EmptyPdfError(IngestError):
    def __init__(self) -> None:
        super().__init__("PDF has no pages")


class NoTextLayerError(IngestError):
    def __init__(self) -> None:
        super().__init__("no text layer; OCR not supported")


Reason = Literal["rotated", "ruled", "superscript", "table"]


@dataclass
class PdfPage:
    """One page as read: its text, its tables, how it was read and what geometry it needed.

    ``engine`` is "words" when the text layer was read word by word (``pdf_words``) and "glyphs" when
    the page had to be read glyph by glyph (characters outside the BMP); ``reasons`` are what the
    layout met beyond plain text: rotated text, ruling lines, raised superscripts, aligned tables.
    """

    number: int
    text: str
    tables: list[TableGrid] = field(default_factory=list)
    engine: Literal["words", "glyphs"] = "words"
    reasons: list[Reason] = field(default_factory=list)
    glyphs: int = 0
    images: int = 0
    warnings: list[str] = field(default_factory=list)


def read_pdf_file(path: Path, settings: PdfSettings | None = None) -> IngestedText:
    """Read a PDF into the document model of the text path (``kind="pdf"``, ``encoding="pdf"``).

    Raises ``IngestError`` subclasses for encrypted, corrupt, page-less and image-only files.
    """
    settings = settings or PdfSettings()
    pages = read_pdf_pages(path, settings)
    raw = PAGE_BREAK.join(page.text for page in pages)
    doc = ingest_text(raw, path.stem, str(path), encoding="pdf", kind="pdf")
    doc.warnings.extend(warning for page in pages for warning in page.warnings)
    doc.rotated_captions = [
        " ".join(grid.caption.split()) for page in pages for grid in page.tables
        if grid.orientation == "rotated" and grid.caption
    ]
    return doc


def read_pdf_pages(path: Path, settings: PdfSettings | None = None) -> list[PdfPage]:
    """Every page read, in order, each closed once read, so nothing of a page outlives it."""
    settings = settings or PdfSettings()
    pages: list[PdfPage] = []
    with _open_pdfium(path) as document:
        for index in range(len(document)):
            page = PdfPage(index + 1, "")
            try:
                _read_page(document, index, page, settings)
            except pdfium.PdfiumError as error:
                page.warnings.append(f"page {page.number}: unreadable ({error})")
            pages.append(page)
    if not any(page.glyphs for page in pages):
        if all("unreadable" in " ".join(page.warnings) for page in pages):
            raise CorruptPdfError("no page can be read")
        raise NoTextLayerError()
    return pages


def _open_pdfium(path: Path) -> pdfium.PdfDocument:
    """The pdfium document, or the reader's own error for what cannot be opened."""
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        raise _open_error(path, getattr(error, "err_code", None)) from error
    if len(document) == 0:
        document.close()
        raise EmptyPdfError()
    return document


_PDFIUM_REASONS = {
    pdfium_c.FPDF_ERR_FILE: "file cannot be read",
    pdfium_c.FPDF_ERR_FORMAT: "not a PDF, or damaged or truncated",
    pdfium_c.FPDF_ERR_PAGE: "page tree damaged",
}


def _open_error(path: Path, code: int | None) -> IngestError:
    """Name what pdfium could not open. pdfium also refuses a well-formed document without pages
    (reporting no error code), so pdfminer gets a second look before "corrupt" is said."""
    if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
        return EncryptedPdfError()
    try:
        with pdfplumber.open(path) as pdf:
            if not pdf.pages:
                return EmptyPdfError()
    except Exception as error:  # pdfminer agrees the file is broken; pdfium's reason is clearer
        if "password" in type(error).__name__.lower() or "encrypt" in str(error).lower():
            return EncryptedPdfError()
    return CorruptPdfError(_PDFIUM_REASONS.get(code or -1, "unreadable document structure"))


def _read_page(document: pdfium.PdfDocument, index: int, page: PdfPage, settings: PdfSettings) -> None:
    """Read page ``index`` into ``page``: its words and rules from pdfium, then the layout."""
    pdfium_page = document[index]
    try:
        textpage = pdfium_page.get_textpage()
        try:
            units = read_words(pdfium_page, textpage, settings)
            if units is None:
                units, page.engine = pdfium_glyphs(pdfium_page, textpage), "glyphs"
        finally:
            textpage.close()
        rules = read_rules(pdfium_page)
    finally:
        pdfium_page.close()
    page.glyphs, page.images = sum(len(unit.text) for unit in units), rules.images
    if not units:
        image_only = " (image only)" if rules.images else ""
        page.warnings.append(f"page {page.number}: no text layer{image_only}")
        return
    ruled = rules.ruling_lines(settings) >= settings.min_ruling_lines
    grids = ruled_tables(ruled_cells(rules), units, settings) if ruled else []
    layout = layout_page(units, grids, settings)
    page.text, page.tables = page_text(layout, settings), layout.tables
    page.reasons = _reasons(units, ruled, layout)


def _reasons(units: list[Glyph], ruled: bool, layout: PageLayout) -> list[Reason]:
    """What the page held beyond lines of upright text, for the benchmark and the tests."""
    reasons: list[Reason] = []
    if any(unit.orient != UPRIGHT for unit in units):
        reasons.append("rotated")
    if ruled:
        reasons.append("ruled")
    if layout.superscripts:
        reasons.append("superscript")
    if any(table.source == "aligned" for table in layout.tables):
        reasons.append("table")
    return reasons

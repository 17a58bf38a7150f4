"""Read a ``.pdf`` file into an ``IngestedText``: the PDF reader beside the text reader.

Each page becomes text in reading order (columns read one after the other, rotated text read upright,
tables as pipe tables after their caption, superscript exponents as ``^``); pages are joined with
form feeds and handed to ``ingest_text``, so normalisation, offsets, pages and sections are those of
the text path and every later stage is shared.

Two engines, for speed: pypdfium2 reads every page's glyphs (several times faster than pdfminer,
which pdfplumber runs on) and the page is laid out from them unless it needs more. A page goes to
pdfplumber when it has rotated glyphs, ruling lines (its table finder needs them), superscripts or
aligned table rows (``PdfSettings`` can keep the last two on the fast engine): there its glyph boxes
and edges are used. Pages are closed as soon as they are read, so memory stays flat on long
documents. A page that fails is kept empty with a warning; only a document nothing can be read
from raises.
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
from pipeline.ingest.pdf_glyphs import (
    UPRIGHT,
    Glyph,
    PageObjects,
    glyphs_from_plumber,
    pdfium_glyphs,
    pdfium_objects,
)
from pipeline.ingest.pdf_layout import PageLayout, layout_page, page_text
from pipeline.ingest.pdf_settings import PdfSettings
from pipeline.ingest.pdf_tables import TableGrid, ruled_tables
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
    """One page as read: its text, its tables, which engine read it and why."""

    number: int
    text: str
    tables: list[TableGrid] = field(default_factory=list)
    engine: Literal["pdfium", "pdfplumber"] = "pdfium"
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
    """Every page read, in order: pypdfium2 first, pdfplumber again for the pages that need it.

    Both documents stay open side by side and each page is closed once read, so nothing of a page
    outlives it.
    """
    settings = settings or PdfSettings()
    pages: list[PdfPage] = []
    with _open_pdfium(path) as document, _LazyPlumber(path) as plumber:
        for index in range(len(document)):
            page = PdfPage(index + 1, "")
            try:
                glyphs, objects = _read_pdfium_page(document, index, settings)
            except pdfium.PdfiumError as error:
                page.warnings.append(f"page {page.number}: unreadable ({error})")
                pages.append(page)
                continue
            page.glyphs, page.images = len(glyphs), objects.images
            if glyphs:
                _read_page(page, glyphs, objects, plumber, settings)
            else:
                image_only = " (image only)" if objects.images else ""
                page.warnings.append(f"page {page.number}: no text layer{image_only}")
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


def _read_pdfium_page(document: pdfium.PdfDocument, index: int, settings: PdfSettings
                      ) -> tuple[list[Glyph], PageObjects]:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            glyphs = pdfium_glyphs(page, textpage)
        finally:
            textpage.close()
        objects = pdfium_objects(page, settings.rule_max_thickness, settings.rule_min_length)
    finally:
        page.close()
    return glyphs, objects


def _read_page(page: PdfPage, glyphs: list[Glyph], objects: PageObjects, plumber: _LazyPlumber,
               settings: PdfSettings) -> None:
    """Lay the page out from the fast glyphs, or from pdfplumber's when the page needs its geometry."""
    page.reasons = _geometry_reasons(glyphs, objects, settings)
    layout = None
    if not page.reasons:
        layout = layout_page(glyphs, [], settings)
        page.reasons = _layout_reasons(layout, settings)
    if page.reasons:
        plumbed = plumber.layout(page.number, "ruled" in page.reasons, settings)
        if isinstance(plumbed, PageLayout):
            layout, page.engine = plumbed, "pdfplumber"
        else:
            page.warnings.append(f"page {page.number}: {plumbed}; read with pypdfium2 only")
    if layout is None:
        layout = layout_page(glyphs, [], settings)
    page.text, page.tables = page_text(layout, settings), layout.tables


def _geometry_reasons(glyphs: list[Glyph], objects: PageObjects, settings: PdfSettings) -> list[Reason]:
    """Rotated glyphs and ruling lines: known before any layout work."""
    reasons: list[Reason] = []
    if any(g.orient != UPRIGHT for g in glyphs):
        reasons.append("rotated")
    if objects.ruling_lines >= settings.min_ruling_lines:
        reasons.append("ruled")
    return reasons


def _layout_reasons(layout: PageLayout, settings: PdfSettings) -> list[Reason]:
    """Superscripts and aligned tables: found by laying the fast glyphs out."""
    reasons: list[Reason] = []
    if settings.pdfplumber_for_superscripts and layout.superscripts:
        reasons.append("superscript")
    if settings.pdfplumber_for_tables and layout.tables:
        reasons.append("table")
    return reasons


class _LazyPlumber:
    """pdfplumber, opened at the first page that needs it; pages closed (caches flushed) after use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pdf: pdfplumber.PDF | None = None
        self.failed = False

    def __enter__(self) -> _LazyPlumber:
        return self

    def __exit__(self, *_: object) -> None:
        if self.pdf is not None:
            self.pdf.close()

    def layout(self, number: int, ruled: bool, settings: PdfSettings) -> PageLayout | str:
        """Page ``number`` laid out from pdfplumber's glyphs (and ruled tables), or why it could not be."""
        if self.failed:
            return "pdfplumber cannot read this file"
        try:
            if self.pdf is None:
                self.pdf = pdfplumber.open(self.path)
            page = self.pdf.pages[number - 1]
        except Exception as error:  # pdfminer cannot parse what pdfium could: keep the fast pass
            log.warning("pdfplumber cannot read %s (%s); using pypdfium2 only", self.path, error)
            self.failed = True
            return "pdfplumber cannot read this file"
        try:
            glyphs = glyphs_from_plumber(page.chars)
            grids = ruled_tables(page, glyphs, settings) if ruled else []
            return layout_page(glyphs, grids, settings)
        except Exception as error:  # one odd page must not lose the document
            log.warning("pdfplumber failed on page %d of %s (%s)", number, self.path, error)
            return f"pdfplumber failed ({type(error).__name__})"
        finally:
            page.close()

"""Text out of a PDF the way users' own scripts get it: each library's one obvious call, no settings.

confmine is fed ``.txt`` files that users made with whatever they had at hand, so the forge reproduces
those files rather than the best text each library could give: pdfplumber's ``extract_text()`` with
its defaults, pypdfium2's ``get_text_range()``, pdfminer.six's ``extract_text``. The only touch is the
one a user's script makes without thinking: pdfium ends its lines with "\\r\\n", which Python's text
mode would have turned into "\\n" had the user written the file that way, so it is normalised.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

PAGE_SEPARATOR = "\n"
"""How a user's loop joins the pages of pdfplumber and pypdfium2 (pdfminer's own call ends each page with
a form feed, which is kept: that is what its users get)."""


def pdfplumber_text(path: Path) -> str:
    """``"\\n".join(page.extract_text() for page in pdf.pages)``, pdfplumber's defaults."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return PAGE_SEPARATOR.join(page.extract_text() or "" for page in pdf.pages)


def pypdfium2_text(path: Path) -> str:
    """Each page's ``get_textpage().get_text_range()``, pages joined by "\\n", "\\r\\n" made "\\n"."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        pages = []
        for page in pdf:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        pdf.close()
    return PAGE_SEPARATOR.join(pages).replace("\r\n", "\n").replace("\r", "\n")


def pdfminer_text(path: Path) -> str:
    """``pdfminer.high_level.extract_text(path)`` as it comes."""
    from pdfminer.high_level import extract_text

    return extract_text(str(path))


EXTRACTORS: dict[str, Callable[[Path], str]] = {
    "pdfplumber": pdfplumber_text,
    "pypdfium2": pypdfium2_text,
    "pdfminer": pdfminer_text,
}
"""Extractor name (as in document names) -> the call."""

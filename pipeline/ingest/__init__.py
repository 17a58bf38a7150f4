"""Readers: turn an input file into the normalised ``IngestedText`` every later stage reads."""

from __future__ import annotations

from pathlib import Path

from pipeline.ingest.errors import IngestError
from pipeline.models import IngestedText

SUPPORTED_SUFFIXES = (".txt", ".pdf")


def read_document(path: Path) -> IngestedText:
    """Pick the reader by suffix (a PDF saved under a .txt name is still read as a PDF); an empty or
    whitespace-only document is an error, not a result."""
    suffix = path.suffix.lower()
    with path.open("rb") as handle:
        is_pdf = handle.read(5) == b"%PDF-"
    if suffix == ".pdf" or (suffix == ".txt" and is_pdf):
        from pipeline.ingest.pdf import read_pdf_file

        doc = read_pdf_file(path)
    elif suffix == ".txt":
        from pipeline.ingest.text import read_text_file

        doc = read_text_file(path)
    else:
        raise IngestError(f"unsupported file type {suffix or '(none)'}; expected .txt or .pdf")
    if not doc.text.strip():
        raise IngestError("empty document: no text")
    return doc


__all__ = ["IngestError", "SUPPORTED_SUFFIXES", "read_document"]

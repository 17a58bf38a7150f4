"""Decode the bytes of a text dump, saying which encoding was used.

PDF-to-text tools write UTF-8, sometimes with a byte-order mark; older tools and copy-pastes from
Windows give cp1252. A file that decodes as neither is read as latin-1 (which never fails) with a
warning, because losing a document is worse than a few wrong accented letters.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.ingest.errors import IngestError

# Bytes that do not count as control characters: printable ones and tab, line feed, form feed, CR.
_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 12, 13))


class BinaryInputError(IngestError):
    """The bytes are not text (NUL bytes or mostly control characters)."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    warning: str = ""


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = len(sample.translate(None, _NOT_CONTROL))  # what is left once the rest is deleted
    return control > max(8, len(sample) // 20)


def decode_bytes(data: bytes) -> Decoded:
    """Decode ``data`` as UTF-8 (with or without BOM), else cp1252, else latin-1."""
    if _looks_binary(data):
        raise BinaryInputError("binary content, not text (NUL or control bytes)")
    if data.startswith(b"\xef\xbb\xbf"):
        return Decoded(data[3:].decode("utf-8", errors="replace"), "utf-8-sig")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return Decoded(data.decode("cp1252"), "cp1252", "not UTF-8; decoded as cp1252")
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), "latin-1", "not UTF-8 or cp1252; decoded as latin-1")

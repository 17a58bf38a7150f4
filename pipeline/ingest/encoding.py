"""Decode the bytes of a text dump, saying which encoding was used.

PDF-to-text tools write UTF-8, sometimes with a byte-order mark (UTF-16 and UTF-32 dumps carry one);
older tools and copy-pastes from Windows give cp1252. A UTF-8 file with a few stray bytes (a cut
character, a byte of another encoding pasted in) stays UTF-8: only those bytes are read as cp1252, and
the warning says how many, since reading the whole file as cp1252 would turn every "×" into "Ã—". A
file with no UTF-8 sequence at all is cp1252, else latin-1 (which never fails), with a warning:
losing a document is worse than a few wrong accented letters.
"""

from __future__ import annotations

import codecs
import re
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


# Byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# A well-formed multi-byte UTF-8 sequence: a file that holds one is UTF-8, whatever stray bytes it has.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _stray_bytes(error: UnicodeError) -> tuple[str, int]:
    """Read the bytes UTF-8 refused one by one as cp1252 (latin-1 where cp1252 has no character)."""
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start:error.end]
    out = []
    for byte in bad:
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(bytes([byte]).decode("latin-1"))
    return "".join(out), error.end


codecs.register_error("confmine-stray-bytes", _stray_bytes)


def decode_bytes(data: bytes) -> Decoded:
    """Decode ``data``: by its byte-order mark, else as UTF-8 (its stray bytes as cp1252), else cp1252,
    else latin-1."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(encoding, errors="replace").lstrip("\ufeff"), encoding)
    if _looks_binary(data):
        raise BinaryInputError("binary content, not text (NUL or control bytes)")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as error:
        first_bad = error.start
    if _UTF8_SEQUENCE.search(data):
        text = data.decode("utf-8", errors="confmine-stray-bytes")
        line = data.count(b"\n", 0, first_bad) + 1
        stray = _count_stray(data)
        return Decoded(text, "utf-8", f"{stray} run(s) of bytes not UTF-8 (first on line {line}) read as cp1252")
    try:
        return Decoded(data.decode("cp1252"), "cp1252", "not UTF-8; decoded as cp1252")
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), "latin-1", "not UTF-8 or cp1252; decoded as latin-1")



def _count_stray(data: bytes) -> int:
    """How many runs of bytes UTF-8 refuses (each becomes one U+FFFD under "replace"; a U+FFFD the file
    itself holds is not one)."""
    return data.decode("utf-8", errors="replace").count("\ufffd") - data.count("\ufffd".encode())

"""Find evidence quotes in the normalised text and pick the quote that supports a given value.

The ``evidence`` column holds quotes, `` | ``-joined, copied from the normalised text; but a quote may
have had its line breaks folded into spaces, so quotes are matched with any run of whitespace standing
for any other. A record's quotes are not tied to its fields, so a cell is linked to the quote that
mentions its value (or a surface form of it: "AML" for "acute myeloid leukemia", "BCMA" for TNFRSF17,
taken from the document's own abbreviations and entities).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.report.load import Row, Table

QUOTE_SEPARATOR = " | "


def split_quotes(evidence: str) -> list[str]:
    """The quotes of an ``evidence`` cell, stripped, empty ones dropped."""
    return [q.strip() for q in evidence.split(QUOTE_SEPARATOR) if q.strip()]


def evidence_id(prefix: str, span: tuple[int, int]) -> str:
    """The id of an evidence span in the text of the document whose anchors start with ``prefix``."""
    return f"{prefix}-ev-{span[0]}-{span[1]}"


def _fold(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip().casefold()


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """``(start, end)`` of the first occurrence of ``quote`` in ``text``, whitespace-insensitively."""
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    words = quote.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (match.start(), match.end()) if match else None


def table_row_id(prefix: str, table: str, index: int) -> str:
    """The id of row ``index`` (0-based) of a reconstructed table of the document."""
    return f"{prefix}-table-{table}-row-{index + 1}"


@dataclass(frozen=True)
class Located:
    """Where a quote is: a span of the text, else a row of a reconstructed table, else nowhere."""

    span: tuple[int, int] | None = None
    table_row: tuple[str, int] | None = None


class EvidenceIndex:
    """The evidence of one document, each quote looked up once, so that equal quotes share one anchor.

    Quotes are looked for in the normalised text first. A quote taken from a reconstructed table (its
    cells joined by spaces, as the record builder quotes table rows) is not in the text when the PDF
    text ran the cells together; it is then linked to the table row it came from.
    ``anchor`` prefixes the ids of this document's elements (doc_ids need not be valid HTML ids).
    """

    def __init__(self, text: str | None, anchor: str, tables: Sequence[Table] = ()) -> None:
        self.text = text
        self.anchor = anchor
        self._rows = [(t.number, k, _fold(" ".join(cells))) for t in tables for k, cells in enumerate(t.rows)]
        self._found: dict[str, Located] = {}

    def locate(self, quote: str) -> Located:
        if quote not in self._found:
            span = find_quote(self.text, quote) if self.text else None
            self._found[quote] = Located(span, None if span else self._table_row(quote))
        return self._found[quote]

    def _table_row(self, quote: str) -> tuple[str, int] | None:
        folded = _fold(quote)
        if len(folded) < 8:
            return None
        return next(((number, k) for number, k, row in self._rows if folded in row), None)

    def href(self, quote: str) -> str | None:
        """``#id`` of the quote's span in the text (or table row), ``None`` if it is in neither."""
        located = self.locate(quote)
        if located.span is not None:
            return "#" + evidence_id(self.anchor, located.span)
        if located.table_row is not None:
            return "#" + table_row_id(self.anchor, *located.table_row)
        return None

    def spans(self) -> list[tuple[int, int]]:
        """Every distinct text span found so far, in text order."""
        return sorted({f.span for f in self._found.values() if f.span is not None})

    def missing(self) -> list[str]:
        """Quotes found neither in the text nor in a table."""
        return [q for q, f in self._found.items() if f.span is None and f.table_row is None]


def surface_forms(entities: Iterable[Row], abbreviations: Iterable[Row]) -> dict[str, set[str]]:
    """Folded canonical value -> the ways the document writes it (entity mentions, short forms)."""
    forms: dict[str, set[str]] = {}
    for row in entities:
        mention = row.get("text", "")
        for key in (row.get("normalized", ""), row.get("value", "")):
            if key.strip() and mention.strip():
                forms.setdefault(_fold(key), set()).add(mention)
    for row in abbreviations:
        long_form, short_form = row.get("long_form", ""), row.get("short_form", "")
        if long_form.strip() and short_form.strip():
            forms.setdefault(_fold(long_form), set()).add(short_form)
    return forms


def quotes_for(value: str, quotes: list[str], forms: dict[str, set[str]]) -> list[str]:
    """The quotes that mention ``value`` (any ``;``-part of it, or one of its surface forms)."""
    parts = [p.strip() for p in value.split(";") if p.strip()]
    needles: set[str] = set()
    for part in parts:
        needles.add(_fold(part))
        needles.update(_fold(f) for f in forms.get(_fold(part), ()))
    needles.discard("")
    folded = [(q, _fold(q)) for q in quotes]
    whole = [q for q, fq in folded if any(_mentions(fq, n) for n in needles)]
    if whole:
        return whole
    # Table rows flattened into text run cells together ("NCT01234567ALLCord blood").
    return [q for q, fq in folded if any(len(n) >= 3 and n in fq for n in needles)]


def _mentions(haystack: str, needle: str) -> bool:
    """Whole-word containment, so that the value "1" does not match every quote with a digit 1 in it."""
    return re.search(rf"(?<![\w.]){re.escape(needle)}(?![\w])", haystack) is not None

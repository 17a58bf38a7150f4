"""Small HTML building blocks shared by the report's sections: escaped text, tables, quote lists.

Every value from a CSV goes through ``html.escape`` here or in the caller; nothing from the data is
ever put into the page raw. Tables sit in a scrollable, focusable region so that a wide record table
scrolls on its own in a narrow window instead of widening the whole page.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.report.evidence import EvidenceIndex


def esc(value: object) -> str:
    return html.escape(str(value))


def count(n: int, one: str, many: str | None = None) -> str:
    """``1 quote``, ``2 quotes``."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


@dataclass
class Cell:
    """A table cell's inner HTML (already escaped) and optional attributes."""

    html: str
    attrs: str = ""


def table(table_id: str, caption: str, header: Sequence[str], rows: Sequence[Sequence[Cell | str]],
          row_ids: Sequence[str | None] | None = None, row_classes: Sequence[str] | None = None,
          caption_html: str | None = None) -> str:
    """A captioned table in a scroll region; plain ``str`` cells are escaped, ``Cell``\\s are not."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in header)
    body = []
    for i, row in enumerate(rows):
        cells = []
        for cell in row:
            if isinstance(cell, Cell):
                attrs = f" {cell.attrs}" if cell.attrs else ""
                cells.append(f"<td{attrs}>{cell.html}</td>")
            else:
                cells.append(f"<td>{esc(cell)}</td>")
        ident = row_ids[i] if row_ids else None
        klass = row_classes[i] if row_classes else ""
        attrs = (f' id="{esc(ident)}"' if ident else "") + (f' class="{esc(klass)}"' if klass else "")
        body.append(f"<tr{attrs}>{''.join(cells)}</tr>")
    caption_markup = caption_html if caption_html is not None else esc(caption)
    return (
        f'<div class="scroll" role="region" tabindex="0" aria-labelledby="{esc(table_id)}-caption">'
        f'<table id="{esc(table_id)}"><caption id="{esc(table_id)}-caption">{caption_markup}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def quote_link(index: EvidenceIndex, quote: str) -> str:
    """A quote, linked to its span in the text, or to its table row, when it was found there."""
    href = index.href(quote)
    if href is None:
        return f'<q>{esc(quote)}</q> <em class="not-found">(not found in the text)</em>'
    row = index.locate(quote).table_row
    where = f" (table {esc(row[0])}, row {row[1] + 1})" if row else ""
    return f'<a href="{esc(href)}"><q>{esc(quote)}</q>{where}</a>'


def quote_list(index: EvidenceIndex, quotes: Sequence[str]) -> str:
    if not quotes:
        return ""
    return '<ol class="quotes">' + "".join(f"<li>{quote_link(index, q)}</li>" for q in quotes) + "</ol>"

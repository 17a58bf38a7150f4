"""Trial arms and preclinical studies as tables whose every value links to the words it came from.

A curator checks a value by reading its quote, so each non-empty cell links to the quote of its row
that mentions the value (see ``evidence.quotes_for``), or to the row's first quote when none does; the
full list of quotes and any conflict the extractor noted are shown beside the row.
"""

from __future__ import annotations

from pipeline.report.diff import record_name
from pipeline.report.evidence import EvidenceIndex, quotes_for, split_quotes
from pipeline.report.load import Row
from pipeline.report.markup import Cell, count, esc, quote_list, table

HIDDEN = {"doc_id", "evidence", "conflicts"}
TITLES = {"trials": "Trial arms", "preclinical": "Preclinical studies"}


def row_id(anchor: str, file: str, index: int) -> str:
    return f"{anchor}-{file}-{index + 1}"


def value_cell(value: str, quotes: list[str], index: EvidenceIndex, forms: dict[str, set[str]]) -> Cell:
    """The value, linked to the best located quote for it; a plain value if no quote was located."""
    if not value.strip():
        return Cell("")
    for quote in quotes_for(value, quotes, forms) + quotes:
        href = index.href(quote)
        if href is not None:
            return Cell(f'<a href="{esc(href)}" title="{esc(quote)}">{esc(value)}</a>')
    return Cell(esc(value))


def conflict_cell(conflicts: str) -> Cell:
    if not conflicts.strip():
        return Cell("")
    return Cell(f'<strong class="flag">Conflict:</strong> {esc(conflicts)}', 'class="conflict"')


def records_table(file: str, rows: list[Row], columns: list[str], index: EvidenceIndex,
                  forms: dict[str, set[str]]) -> str:
    """The document's records of ``file`` (``trials`` / ``preclinical``): a table, then their quotes.

    The quotes are listed under the table rather than in a column of it: they are long, and in a cell
    they would make every row a screen tall and push the values apart.
    """
    title = TITLES[file]
    if not rows:
        return f"<p>No {title.lower()} extracted.</p>"
    shown = [c for c in (columns or list(rows[0])) if c not in HIDDEN]
    has_conflicts = any(r.get("conflicts", "").strip() for r in rows)
    header = ["#", *shown, "evidence"] + (["conflicts"] if has_conflicts else [])
    body: list[list[Cell | str]] = []
    classes: list[str] = []
    evidence: list[str] = []
    for i, row in enumerate(rows):
        ident = row_id(index.anchor, file, i)
        quotes = split_quotes(row.get("evidence", ""))
        cells: list[Cell | str] = [str(i + 1)]
        cells += [value_cell(row.get(c, ""), quotes, index, forms) for c in shown]
        missing = sum(index.href(q) is None for q in quotes)
        note = f" ({missing} not in the text)" if missing else ""
        cells.append(Cell(f'<a href="#{esc(ident)}-quotes">{count(len(quotes), "quote")}</a>{esc(note)}'
                          if quotes else "none"))
        if has_conflicts:
            cells.append(conflict_cell(row.get("conflicts", "")))
        body.append(cells)
        classes.append("has-conflict" if row.get("conflicts", "").strip() else "")
        evidence.append(f'<li id="{esc(ident)}-quotes"><a href="#{esc(ident)}">Row {i + 1}: '
                        f"{esc(record_name(file, row))}</a>{quote_list(index, quotes)}</li>")
    ids: list[str | None] = [row_id(index.anchor, file, i) for i in range(len(rows))]
    caption = f"{title} ({len(rows)}): each value links to its evidence in the text below"
    quotes_block = (f'<details class="record-quotes" open><summary>Evidence quotes of each row</summary>'
                    f'<ol class="records">{"".join(evidence)}</ol></details>')
    return table(f"{index.anchor}-{file}", caption, header, body, row_ids=ids, row_classes=classes) + quotes_block

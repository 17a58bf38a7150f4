"""The report's sections, each a function from loaded data to an HTML fragment.

Sections only arrange and escape; finding quotes, comparing with gold and drawing the text are done
by ``evidence``, ``diff``, ``charts`` and ``text``, so each can be tested on its own.
"""

from __future__ import annotations

from collections import Counter

from pipeline.report.charts import FieldScore, score_chart
from pipeline.report.diff import Disagreement, record_name
from pipeline.report.evidence import EvidenceIndex, quotes_for, split_quotes, table_row_id
from pipeline.report.load import Document, Row, Table
from pipeline.report.markup import Cell, count, esc, quote_list, table
from pipeline.report.records import row_id
from pipeline.report.text import definition_id, definition_span, label_color

META_FIELDS = ("source_path", "kind", "pages", "chars", "status", "error")
FILE_ORDER = ("trials", "preclinical", "abbreviations", "entities")  # records first: they matter most


def section(ident: str, title: str, body: str, level: int = 2, klass: str = "") -> str:
    attrs = f' class="{klass}"' if klass else ""
    return (f'<section id="{esc(ident)}" aria-labelledby="{esc(ident)}-h"{attrs}>'
            f'<h{level} id="{esc(ident)}-h">{esc(title)}</h{level}>{body}</section>')


# --- documents ---------------------------------------------------------------------------------------

def document_meta(document: Document) -> str:
    items = [(k, document.info.get(k, "")) for k in META_FIELDS if document.info.get(k, "").strip()]
    if not items:
        return "<p>Not listed in documents.csv.</p>"
    status = document.info.get("status", "")
    flag = ('<p><strong class="flag">Failed:</strong> this document could not be processed.</p>'
            if status == "failed" else "")
    pairs = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items)
    return f'{flag}<dl class="meta">{pairs}</dl>'


def abbreviations_table(document: Document, anchor: str) -> str:
    if not document.abbreviations:
        return "<p>No abbreviations found.</p>"
    length = len(document.text or "")
    rows: list[list[Cell | str]] = []
    for row in document.abbreviations:
        span = definition_span(row, length) if document.text else None
        where = Cell(f'<a href="#{esc(definition_id(anchor, span))}">{span[0]}–{span[1]}</a>') if span else \
            Cell(esc(f"{row.get('start', '')}–{row.get('end', '')}"))
        short = f'<abbr title="{esc(row.get("long_form", ""))}">{esc(row.get("short_form", ""))}</abbr>'
        rows.append([Cell(short), row.get("long_form", ""), row.get("source", ""), where])
    return table(f"{anchor}-abbreviations", f"Abbreviations ({len(rows)})",
                 ["short form", "long form", "source", "defined at"], rows)


def reconstructed_table(table_data: Table, anchor: str) -> str:
    meta = table_data.meta
    details = [f"page {meta['page']}" if meta.get("page", "").strip() else "",
               meta.get("orientation", "").strip()]
    caption = f"Table {table_data.number}. {meta.get('caption', '').strip()}".strip()
    extra = ", ".join(d for d in details if d)
    if extra:
        caption += f" ({extra})"
    width = max([len(table_data.header), *(len(r) for r in table_data.rows)], default=0)
    header = table_data.header + [""] * (width - len(table_data.header))
    rows = [r + [""] * (width - len(r)) for r in table_data.rows]
    footnotes = [f.strip() for f in meta.get("footnotes", "").split(" | ") if f.strip()]
    notes = ('<ul class="footnotes">' + "".join(f"<li>{esc(f)}</li>" for f in footnotes) + "</ul>") \
        if footnotes else ""
    ids: list[str | None] = [table_row_id(anchor, table_data.number, k) for k in range(len(rows))]
    grid = table(f"{anchor}-table-{table_data.number}", caption, header, rows, row_ids=ids) if header else \
        f"<p>{esc(caption)}: no cells were written.</p>"
    return grid + notes


def entity_legend(document: Document) -> str:
    counts = Counter(r.get("label", "").strip() or "ENTITY" for r in document.entities)
    if not counts:
        return "<p>No entities found.</p>"
    items = "".join(
        f'<li><mark class="entity" style="background: {label_color(label)}">'
        f'<span class="entity-label">{esc(label)}</span></mark> {n}</li>'
        for label, n in sorted(counts.items())
    )
    return f'<ul class="legend" aria-label="Entity labels and counts">{items}</ul>'


def document_text(document: Document, text_markup: str | None) -> str:
    if text_markup is None:
        return (f"<p>The normalised text (<code>texts/{esc(document.doc_id)}.txt</code>) is not in the "
                "output folder, so entities and evidence cannot be shown in context.</p>")
    hint = ("<p class=\"hint\">Entities are marked with their label; hover a mark for its canonical value, "
            "and a dotted abbreviation for its long form. Underlined passages are evidence quotes.</p>")
    return entity_legend(document) + hint + f'<div class="doc-text">{text_markup}</div>'


# --- scores ------------------------------------------------------------------------------------------

def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number == number else None


def _unscored(row: Row) -> bool:
    """Neither prediction nor gold states the field: the scorer's 1.0 there would look like a success."""
    counts = [_number(row.get(k, "")) for k in ("tp", "fp", "fn")]
    return all(c == 0 for c in counts)


def field_scores(rows: list[Row]) -> tuple[dict[str, list[FieldScore]], dict[str, list[str]]]:
    """Chartable scores per file (``ALL`` last), and per file the fields that nothing states."""
    charted: dict[str, list[FieldScore]] = {}
    empty: dict[str, list[str]] = {}
    for row in rows:
        file, field = row.get("file", ""), row.get("field", "")
        p, r, f = (_number(row.get(k, "")) for k in ("precision", "recall", "f1"))
        if _unscored(row):
            empty.setdefault(file, []).append(field)
        elif p is not None and r is not None and f is not None:
            charted.setdefault(file, []).append(FieldScore(field, p, r, f))
    for scores in charted.values():
        scores.sort(key=lambda s: s.field == "ALL")
    return charted, empty


def scores_section(rows: list[Row], source: str) -> str:
    """One chart per scored file, then every number in a table (the chart's accessible twin)."""
    charted, empty = field_scores(rows)
    if not charted and not empty:
        return "<p>No scores to show.</p>"
    parts = [f"<p>{esc(source)}</p>"]
    order = {name: i for i, name in enumerate(FILE_ORDER)}
    for i, file in enumerate(sorted(set(charted) | set(empty), key=lambda f: (order.get(f, 99), f))):
        ident = f"chart-{i + 1}"
        title = f"Precision, recall and F1 per field: {file}"
        chart = score_chart(ident, title, charted[file]) if file in charted else ""
        note = (f"<p>Stated neither in the prediction nor in gold (not charted): {esc(', '.join(empty[file]))}.</p>"
                if empty.get(file) else "")
        parts.append(f'<figure id="{ident}-figure" aria-labelledby="{ident}-cap">'
                     f'<figcaption id="{ident}-cap">{esc(title)}</figcaption>{chart}{note}</figure>')
    numbers = [[r.get("file", ""), r.get("field", ""), r.get("tp", ""), r.get("fp", ""), r.get("fn", ""),
                r.get("precision", ""), r.get("recall", ""), r.get("f1", "")] for r in rows]
    parts.append("<details><summary>All scores as a table</summary>"
                 + table("scores-table", "Scores per field", ["file", "field", "tp", "fp", "fn", "precision",
                                                              "recall", "f1"], numbers)
                 + "</details>")
    return "".join(parts)


# --- disagreements -----------------------------------------------------------------------------------

def _side(value: str, row: Row | None, index: EvidenceIndex | None, forms: dict[str, set[str]]) -> str:
    """A value with the quote(s) of its row that mention it (all quotes, folded away, if none does)."""
    shown = f"<strong>{esc(value)}</strong>" if value.strip() else '<em class="empty">(empty)</em>'
    if row is None:
        return shown + ' <em class="empty">(no such record)</em>'
    quotes = split_quotes(row.get("evidence", ""))
    if index is None:
        index = EvidenceIndex(None, "")
    relevant = quotes_for(value, quotes, forms) if value.strip() else []
    if relevant:
        return shown + quote_list(index, relevant)
    if quotes:
        return shown + f"<details><summary>{count(len(quotes), 'quote')} of this record</summary>" \
            f"{quote_list(index, quotes)}</details>"
    return shown


def _kind_class(kind: str) -> str:
    return "kind-" + kind.replace(" ", "-")


def _record_link(d: Disagreement, index: EvidenceIndex | None) -> Cell:
    record = esc(d.record)
    if index is not None and d.predicted_index is not None:
        record = f'<a href="#{esc(row_id(index.anchor, d.file, d.predicted_index))}">{record}</a>'
    return Cell(record)


def _kind_cell(kind: str) -> Cell:
    return Cell(f'<span class="kind">{esc(kind)}</span>', f'class="{_kind_class(kind)}"')


def _field_row(d: Disagreement, index: EvidenceIndex | None, forms: dict[str, set[str]]) -> list[Cell | str]:
    return [d.doc_id, d.file, _record_link(d, index), d.field, _kind_cell(d.kind),
            Cell(_side(d.predicted, d.predicted_row, index, forms)), Cell(_side(d.gold, d.gold_row, index, forms))]


def _whole_record(group: list[Disagreement], index: EvidenceIndex | None) -> list[Cell | str]:
    """One row for a record that has no counterpart: its stated fields, its quotes, the other side empty."""
    first = group[0]
    predicted_side = first.gold_row is None
    row = first.predicted_row if predicted_side else first.gold_row
    values = "".join(f"<dt>{esc(d.field)}</dt><dd>{esc(d.predicted if predicted_side else d.gold)}</dd>"
                     for d in group)
    quotes = split_quotes((row or {}).get("evidence", ""))
    listed = quote_list(index or EvidenceIndex(None, ""), quotes)
    stated = f'<dl class="fields">{values}</dl>' + (
        f"<details><summary>{count(len(quotes), 'quote')} of this record</summary>{listed}</details>" if quotes else "")
    absent = '<em class="empty">(no such record)</em>'
    return [first.doc_id, first.file, _record_link(first, index), f"all {len(group)} stated fields",
            _kind_cell(f"record {first.kind}"), Cell(stated if predicted_side else absent),
            Cell(absent if predicted_side else stated)]


def _absent_documents(items: list[Disagreement]) -> str:
    """Gold documents the run did not process: one line each, not one per field."""
    groups: dict[tuple[str, str], list[Disagreement]] = {}
    for d in items:
        groups.setdefault((d.doc_id, d.file), []).append(d)
    rows: list[list[Cell | str]] = [
        [doc_id, file, str(len({id(d.gold_row) for d in group})), str(len(group))]
        for (doc_id, file), group in groups.items()
    ]
    return table("absent-documents", f"Gold documents not in this run ({len({k[0] for k in groups})}): "
                 "all their fields count as missed", ["document", "file", "gold records", "fields missed"], rows)


def disagreements_section(items: list[Disagreement], indexes: dict[str, EvidenceIndex],
                          forms: dict[str, dict[str, set[str]]]) -> str:
    """Every disagreement: field by field for aligned records, record by record for unaligned ones."""
    if not items:
        return "<p>Predictions agree with gold on every field of every trial arm and preclinical study.</p>"
    absent = [d for d in items if d.doc_id not in indexes]
    present = [d for d in items if d.doc_id in indexes]
    counts = Counter(d.kind for d in present)
    summary = ", ".join(f"{kind}: {n}" for kind, n in sorted(counts.items()))
    entries: list[Disagreement | list[Disagreement]] = []
    groups: dict[tuple[str, str, int, int], list[Disagreement]] = {}
    for d in present:
        if d.predicted_row is not None and d.gold_row is not None:
            entries.append(d)
            continue
        key = (d.doc_id, d.file, id(d.predicted_row), id(d.gold_row))
        if key not in groups:
            groups[key] = []
            entries.append(groups[key])
        groups[key].append(d)
    rows = [_whole_record(e, indexes.get(e[0].doc_id)) if isinstance(e, list)
            else _field_row(e, indexes.get(e.doc_id), forms.get(e.doc_id, {})) for e in entries]
    parts = [f"<p>{len(present)} field disagreements in the documents of this run"
             + (f" ({esc(summary)})" if summary else "") + ". Records are aligned as the scorer aligns them: "
             "trial arms by registry id, else study, else product, else abstract number, and arm; preclinical "
             "studies by abstract_number. A record with no "
             "counterpart is one row listing all its stated fields.</p>"]
    if rows:
        parts.append(table("disagreement-list", f"Disagreements with gold ({len(present)} fields)",
                           ["document", "file", "record", "field", "kind", "predicted (with its evidence)",
                            "gold (with its evidence)"], rows))
    if absent:
        parts.append(_absent_documents(absent))
    return "".join(parts)


# --- warnings, conflicts, errors ---------------------------------------------------------------------

def conflicts_table(documents: list[Document], anchors: dict[str, str]) -> str:
    rows: list[list[Cell | str]] = []
    for document in documents:
        for file in ("trials", "preclinical"):
            for i, row in enumerate(getattr(document, file)):
                if row.get("conflicts", "").strip():
                    name = record_name(file, row)
                    link = f'<a href="#{esc(row_id(anchors[document.doc_id], file, i))}">{esc(name)}</a>'
                    rows.append([document.doc_id, file, Cell(link),
                                 Cell(f'<strong class="flag">Conflict:</strong> {esc(row["conflicts"])}')])
    if not rows:
        return "<p>No conflicts noted by the extractor.</p>"
    return table("conflicts", f"Conflicts noted by the extractor ({len(rows)})",
                 ["document", "file", "record", "conflict"], rows)


def warnings_list(warnings: list[str]) -> str:
    if not warnings:
        return "<p>The report found nothing to warn about.</p>"
    items = "".join(f'<li><strong class="flag">Warning:</strong> {esc(w)}</li>' for w in warnings)
    return f'<ul class="warnings">{items}</ul>'


def errors_table(errors: list[Row]) -> str:
    if not errors:
        return "<p>errors.csv has no rows.</p>"
    header = list(errors[0])
    rows: list[list[Cell | str]] = [[r.get(c, "") for c in header] for r in errors]
    return table("error-list", f"Errors recorded during the run ({len(rows)})", header, rows)

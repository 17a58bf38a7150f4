"""Assemble the review report from an output folder (and gold) and write it atomically.

Order matters: the record tables and the disagreement list are built first, because building them
finds their quotes in each text; only then is the text drawn, with an anchor on every quote found.
"""

from __future__ import annotations

from pathlib import Path

from pipeline import __version__
from pipeline.output import write_atomic
from pipeline.report import sections
from pipeline.report.diff import Comparison, compare_with_gold, score_rows
from pipeline.report.evidence import EvidenceIndex, surface_forms
from pipeline.report.load import Document, Run, load_gold, load_run
from pipeline.report.markup import count, esc
from pipeline.report.page import page
from pipeline.report.records import records_table
from pipeline.report.text import abbreviation_wraps, evidence_wraps, render_text, resolve_entities

REPORT_FILE = Path("report") / "index.html"
_MAX_MISSING_SHOWN = 5


def write_report(out_dir: Path, gold_dir: Path | None = None) -> Path:
    """Write ``out_dir/report/index.html`` for what ``confmine run`` wrote in ``out_dir``; return its path.

    With ``gold_dir`` (one folder per document, as ``confmine score`` reads), the page also lists every
    field where trials or preclinical studies disagree with gold, and charts the scores (from
    ``out_dir/scores.csv`` when it exists, else computed here for trials and preclinical studies).
    """
    out_dir = Path(out_dir)
    path = out_dir / REPORT_FILE
    write_atomic(path, build_html(out_dir, Path(gold_dir) if gold_dir is not None else None))
    return path


def build_html(out_dir: Path, gold_dir: Path | None = None) -> str:
    """The report as one HTML string."""
    run = load_run(out_dir)
    warnings = list(run.warnings)
    comparison = compare_with_gold(run, load_gold(gold_dir, warnings)) if gold_dir is not None else None
    anchors = {d.doc_id: f"doc-{i + 1}" for i, d in enumerate(run.documents)}
    indexes = {d.doc_id: EvidenceIndex(d.text, anchors[d.doc_id], d.tables) for d in run.documents}
    forms = {d.doc_id: surface_forms(d.entities, d.abbreviations) for d in run.documents}

    records = {
        d.doc_id: (records_table("trials", d.trials, run.trial_columns, indexes[d.doc_id], forms[d.doc_id]),
                   records_table("preclinical", d.preclinical, run.preclinical_columns, indexes[d.doc_id],
                                 forms[d.doc_id]))
        for d in run.documents
    }
    disagreements = (
        sections.disagreements_section(comparison.disagreements, indexes, forms) if comparison is not None
        else "<p>No gold folder was given, so predictions are not compared with gold.</p>"
    )
    documents = []
    for document in run.documents:
        text_markup, text_warnings = _text(document, indexes[document.doc_id])
        warnings += text_warnings
        warnings += _missing_quotes(document.doc_id, indexes[document.doc_id])
        documents.append(_document_section(document, anchors[document.doc_id], records[document.doc_id],
                                           text_markup))

    main = "".join([
        sections.section("scores", "Scores against gold", _scores(run, comparison)),
        sections.section("disagreements", "Disagreements with gold", disagreements),
        sections.section("warnings", "Warnings and conflicts",
                         sections.conflicts_table(run.documents, anchors) + "<h3>Report warnings</h3>"
                         + sections.warnings_list(warnings)),
        sections.section("errors", "Errors", sections.errors_table(run.errors)),
        sections.section("documents", "Documents", "".join(documents) or "<p>No documents in this run.</p>"),
    ])
    nav = [("scores", "Scores", []), ("disagreements", "Disagreements", []),
           ("warnings", "Warnings and conflicts", []), ("errors", "Errors", []),
           ("documents", "Documents", [(anchors[d.doc_id], d.doc_id or "(no doc_id)")
                                       for d in run.documents])]
    footer = (f"<p>Written by confmine {esc(__version__)} from <code>{esc(out_dir)}</code>"
              + (f" and gold <code>{esc(gold_dir)}</code>" if gold_dir is not None else "")
              + ". A static page: no scripts, nothing fetched from the network.</p>")
    return page(f"confmine review report: {out_dir.resolve().name}", _header(run, comparison, out_dir), nav,
                main, footer)


def _text(document: Document, index: EvidenceIndex) -> tuple[str | None, list[str]]:
    if document.text is None:
        return None, []
    entities, warnings = resolve_entities(document.text, document.entities, document.doc_id)
    wraps = abbreviation_wraps(document.text, document.abbreviations, index.anchor)
    wraps += evidence_wraps(index.spans(), index.anchor)
    markup, render_warnings = render_text(document.text, entities, wraps)
    return markup, warnings + [f"{document.doc_id}: {w}" for w in render_warnings]


def _missing_quotes(doc_id: str, index: EvidenceIndex) -> list[str]:
    missing = index.missing()
    if not missing or index.text is None:
        return []
    shown = "; ".join(repr(q[:80]) for q in missing[:_MAX_MISSING_SHOWN])
    more = f" and {len(missing) - _MAX_MISSING_SHOWN} more" if len(missing) > _MAX_MISSING_SHOWN else ""
    return [f"{doc_id}: {len(missing)} evidence quotes not found in the normalised text: {shown}{more}"]


def _document_section(document: Document, anchor: str, records: tuple[str, str],
                      text_markup: str | None) -> str:
    trials, preclinical = records
    tables = "".join(sections.reconstructed_table(t, anchor) for t in document.tables) \
        or "<p>No tables reconstructed.</p>"
    body = "".join([
        sections.document_meta(document),
        sections.section(f"{anchor}-trials-s", "Trial arms", trials, level=3),
        sections.section(f"{anchor}-preclinical-s", "Preclinical studies", preclinical, level=3),
        sections.section(f"{anchor}-tables-s", "Tables", tables, level=3),
        sections.section(f"{anchor}-abbreviations-s", "Abbreviations",
                         sections.abbreviations_table(document, anchor), level=3),
        sections.section(f"{anchor}-text-s", "Text with entities",
                         sections.document_text(document, text_markup), level=3),
    ])
    return sections.section(anchor, document.doc_id or "(no doc_id)", body, klass="document")


def _scores(run: Run, comparison: Comparison | None) -> str:
    if run.has_scores:
        totals = [r for r in run.scores if r.get("doc_id") == "ALL"]
        return sections.scores_section(totals, "From scores.csv (written by confmine score): micro-averaged "
                                               "over documents.")
    if comparison is not None:
        return sections.scores_section(
            score_rows(comparison), "scores.csv is not in the output folder, so trial and preclinical fields "
            "are scored here against gold with the scorer's rules (run confmine score for abbreviations and "
            "entities).")
    return "<p>No scores.csv and no gold folder: nothing to score.</p>"


def _header(run: Run, comparison: Comparison | None, out_dir: Path) -> str:
    docs = run.documents
    failed = sum(d.info.get("status") == "failed" for d in docs)
    facts = [
        count(len(docs), "document") + f" ({failed} failed)",
        count(sum(len(d.trials) for d in docs), "trial arm"),
        count(sum(len(d.preclinical) for d in docs), "preclinical study", "preclinical studies"),
        count(sum(len(d.entities) for d in docs), "entity", "entities"),
        count(sum(len(d.abbreviations) for d in docs), "abbreviation"),
        count(sum(len(d.tables) for d in docs), "table"),
        count(len(run.errors), "error"),
    ]
    if comparison is not None:
        known = {d.doc_id for d in docs}
        in_run = [d for d in comparison.disagreements if d.doc_id in known]
        absent = {d.doc_id for d in comparison.disagreements if d.doc_id not in known}
        facts.append(count(len(in_run), "field disagreement") + " with gold")
        if absent:
            facts.append(count(len(absent), "gold document") + " not in this run")
    items = "".join(f"<li>{esc(f)}</li>" for f in facts)
    return (f"<h1>confmine review report</h1><p>Every extracted value next to the words it came from. "
            f"Output folder: <code>{esc(out_dir)}</code>.</p>"
            f'<ul class="summary" aria-label="Summary">{items}</ul>')

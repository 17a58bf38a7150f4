"""The table forge against confmine: gold grids drawn in many styles, read back as users read them.

    .venv/bin/python bench/forge.py --grids DIR --out DIR [--styles S ...] [--extractors E ...]
        [--holdout-file F] [--no-pdfs] [--workers N] [--confmine PATH]

Builds the corpus (``tests/forge``: every grid x style as a PDF, and x extractor as the text a user's
script gets; gold by construction) in ``OUT/corpus``, runs ``confmine run`` on it into ``OUT/pred`` and
``confmine score`` against the corpus's gold, scores confmine's tables cell by cell, and prints and
writes (``OUT/forge_results.json``, ``OUT/forge_results.md``) per style x extractor, and for the PDFs:
trials F1 (micro over every trials field, the ALL row of ``confmine score`` summed over documents) and
the exact-cell share, with held-back grids, styles and extractors (``tests/forge/holdout.py``) apart.

confmine is used only from the outside, as its users do; the forge never imports it.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # first: this script is itself called forge

from forge.cells import CellScore, pooled, read_table, score_document  # noqa: E402
from forge.documents import PDF, Document, build  # noqa: E402
from forge.extract import EXTRACTORS  # noqa: E402
from forge.grids import load_grids  # noqa: E402
from forge.holdout import Holdout  # noqa: E402
from forge.render import STYLES  # noqa: E402

TRIALS_ALL = ("trials", "ALL")
"""The (file, field) row of scores.csv that sums every trials field of a document."""


@dataclass
class DocResult:
    doc_id: str
    grid_id: str
    style: str
    extractor: str
    held: tuple[str, ...]
    status: str  # confmine's documents.csv status; "missing" when it wrote no row
    tp: int
    fp: int
    fn: int
    cells: CellScore


def f1(tp: int, fp: int, fn: int) -> float | None:
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None


def trial_counts(scores_csv: Path) -> dict[str, tuple[int, int, int]]:
    """doc_id -> (tp, fp, fn) of its trials ALL row."""
    counts = {}
    with scores_csv.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if (row["file"], row["field"]) == TRIALS_ALL:
                counts[row["doc_id"]] = (int(row["tp"]), int(row["fp"]), int(row["fn"]))
    return counts


def statuses(documents_csv: Path) -> dict[str, str]:
    """Input file stem -> confmine's status (by source path, in case confmine changed a doc_id)."""
    if not documents_csv.exists():
        return {}
    with documents_csv.open(newline="", encoding="utf-8") as handle:
        return {Path(row["source_path"]).stem: row["status"] for row in csv.DictReader(handle)}


def run(command: Sequence[str]) -> tuple[int, str, float]:
    """Run a confmine command; its exit code, output and wall time."""
    start = time.perf_counter()
    done = subprocess.run(list(command), capture_output=True, text=True, check=False)
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - start


@dataclass
class Group:
    """Pooled numbers over a set of documents."""

    docs: int
    f1: float | None
    cells: float | None
    no_table: int


def pool(results: Iterable[DocResult]) -> Group:
    results = list(results)
    tp, fp, fn = (sum(getattr(r, key) for r in results) for key in ("tp", "fp", "fn"))
    return Group(len(results), f1(tp, fp, fn), pooled(r.cells for r in results),
                 sum(r.cells.table is None for r in results))


def summarise(results: list[DocResult], styles: Sequence[str], extractors: Sequence[str],
              holdout: Holdout) -> tuple[list[dict], list[dict]]:
    """Rows per style x extractor (development and held-back grids apart) and the summary by part."""
    rows = []
    for style in styles:
        for extractor in [*extractors, PDF]:
            mine = [r for r in results if r.style == style and r.extractor == extractor]
            if not mine:
                continue
            held = [part for part in holdout.held_parts("", style, extractor) if part != "grid"]
            rows.append({
                "style": style, "extractor": extractor, "held_back": held,
                "dev_grids": asdict(pool(r for r in mine if "grid" not in r.held)),
                "held_grids": asdict(pool(r for r in mine if "grid" in r.held)),
            })
    parts = [
        ("development (no held-back part)", lambda r: not r.held),
        ("held-back grids only", lambda r: r.held == ("grid",)),
        ("held-back styles only", lambda r: r.held == ("style",)),
        ("held-back extractor only", lambda r: r.held == ("extractor",)),
        ("any held-back part", lambda r: bool(r.held)),
        ("PDFs (confmine's reader), development", lambda r: r.extractor == PDF and not r.held),
        ("PDFs (confmine's reader), any held-back part", lambda r: r.extractor == PDF and bool(r.held)),
        ("everything", lambda r: True),
    ]
    summary = [{"part": name, **asdict(pool(r for r in results if test(r)))} for name, test in parts]
    return rows, summary


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def markdown(rows: list[dict], summary: list[dict], meta: dict) -> str:
    lines = [
        "# Table forge results",
        "",
        f"{meta['grids']} grids ({meta['held_grids']} held back), {meta['documents']} documents; "
        f"confmine run {meta['seconds']['run']:.0f} s, whole bench {meta['seconds']['total']:.0f} s.",
        "Trials F1: micro over every trials field (the ALL row of `confmine score`, summed over the documents). "
        "Cells: exact cells / max(predicted, gold) cells, pooled. No table: documents where confmine wrote no "
        "table. `pdf`: the PDF itself, read by confmine.",
        "",
        "## By part",
        "",
        "| part | docs | trials F1 | cells | no table |",
        "|---|---:|---:|---:|---:|",
    ]
    for part in summary:
        lines.append(f"| {part['part']} | {part['docs']} | {_number(part['f1'])} | {_number(part['cells'])} | "
                     f"{part['no_table']} |")
    lines += [
        "",
        "## By style and extractor",
        "",
        "Held back: the style or extractor is held back (every grid of the row is then held-back material).",
        "",
        "| style | extractor | held back | docs (dev grids) | trials F1 | cells | no table | "
        "docs (held-back grids) | trials F1 | cells | no table |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        dev, held = row["dev_grids"], row["held_grids"]
        lines.append(
            f"| {row['style']} | {row['extractor']} | {', '.join(row['held_back']) or '—'} | "
            f"{dev['docs']} | {_number(dev['f1'])} | {_number(dev['cells'])} | {dev['no_table']} | "
            f"{held['docs']} | {_number(held['f1'])} | {_number(held['cells'])} | {held['no_table']} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grids", type=Path, required=True, help="folder of grid JSON files")
    parser.add_argument("--out", type=Path, required=True, help="folder for the corpus, confmine's output, results")
    parser.add_argument("--styles", nargs="+", default=list(STYLES), choices=list(STYLES))
    parser.add_argument("--extractors", nargs="+", default=list(EXTRACTORS), choices=list(EXTRACTORS))
    parser.add_argument("--holdout-file", type=Path, help="JSON replacing parts of the held-back split")
    parser.add_argument("--no-pdfs", action="store_true", help="do not give confmine the PDFs themselves")
    parser.add_argument("--workers", type=int, help="confmine run --workers")
    parser.add_argument("--confmine", default=str(Path(sys.executable).with_name("confmine")),
                        help="the confmine command (default: the one next to this interpreter)")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    started = datetime.now(UTC).isoformat(timespec="seconds")  # confmine is a moving target: say when
    grids, problems = load_grids(args.grids)
    for problem in problems:
        print(f"skipped grid: {problem}", file=sys.stderr)
    if not grids:
        print(f"no valid grid in {args.grids}", file=sys.stderr)
        return 2
    ids = [grid.id for grid in grids]
    holdout = Holdout.from_file(args.holdout_file, ids) if args.holdout_file else Holdout.default(ids)

    corpus, pred = args.out / "corpus", args.out / "pred"
    for folder in (corpus, pred):  # only the forge's own sub-folders: stale files would be scored
        shutil.rmtree(folder, ignore_errors=True)
    built = time.perf_counter()
    documents: list[Document] = build(grids, args.styles, args.extractors, corpus, pdfs=not args.no_pdfs)
    built = time.perf_counter() - built
    print(f"corpus: {len(grids)} grids, {len(documents)} documents in {built:.0f} s -> {corpus}")

    command = [args.confmine, "run", str(corpus / "docs"), "--out", str(pred), "--force"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    code, output, run_seconds = run(command)
    print(f"confmine run: exit {code}, {run_seconds:.0f} s")
    if code not in (0, 1):  # 1: some documents failed, the others are written
        print(output, file=sys.stderr)
        return 1
    score_command = [args.confmine, "score", "--pred", str(pred), "--gold", str(corpus / "gold")]
    code, score_output, score_seconds = run(score_command)
    if code != 0 or not (pred / "scores.csv").exists():
        print(score_output, file=sys.stderr)
        return 1
    counts = trial_counts(pred / "scores.csv")
    status = statuses(pred / "documents.csv")

    results = []
    for document in documents:
        gold = read_table(corpus / "gold" / document.doc_id / "tables" / f"{document.doc_id}__table1.csv")
        tp, fp, fn = counts.get(document.doc_id, (0, 0, 0))
        results.append(DocResult(
            document.doc_id, document.grid_id, document.style, document.extractor,
            holdout.held_parts(document.grid_id, document.style, document.extractor),
            status.get(document.doc_id, "missing"), tp, fp, fn, score_document(pred, document.doc_id, gold)))
    unscored = [r.doc_id for r in results if r.doc_id not in counts]
    rows, summary = summarise(results, args.styles, args.extractors, holdout)
    meta = {
        "grids": len(grids), "held_grids": len(holdout.grids & set(ids)), "documents": len(documents),
        "seconds": {"build": built, "run": run_seconds, "score": score_seconds, "total": time.perf_counter() - start},
    }
    report = {
        **meta, "started_utc": started, "confmine": args.confmine, "grids_folder": str(args.grids),
        "styles": args.styles, "extractors": args.extractors,
        "pdfs": not args.no_pdfs, "holdout": holdout.as_dict(), "skipped_grids": problems,
        "failed_documents": [r.doc_id for r in results if r.status != "ok"], "unscored_documents": unscored,
        "summary": summary, "rows": rows,
        "per_document": [{**asdict(r), "held": list(r.held), "cells": {**asdict(r.cells), "share": r.cells.share}}
                         for r in results],
    }
    (args.out / "forge_results.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    text = markdown(rows, summary, meta)
    (args.out / "forge_results.md").write_text(text, encoding="utf-8")
    print(text)
    if report["failed_documents"] or unscored:
        print(f"failed: {len(report['failed_documents'])} documents, unscored: {len(unscored)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run many documents and write the CSVs of SCHEMA.md.

Inputs are collected (folders walked, duplicates by content processed once), each document goes
through ``extract_document`` with one spaCy pipeline, and every output file is written atomically at
the end, so an interrupted run leaves the previous outputs intact.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline import columns
from pipeline.extract import DEFAULT_MAX_BYTES, extract_document, sha256_of
from pipeline.ingest import SUPPORTED_SUFFIXES
from pipeline.models import DocumentResult, ErrorRecord
from pipeline.ner import build_nlp
from pipeline.output import frame, write_atomic, write_csv


@dataclass
class InputProblem:
    path: str
    message: str


@dataclass
class Collected:
    files: list[Path] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)


def collect_inputs(inputs: Iterable[str | Path]) -> Collected:
    """Supported files named or found under the given folders, in sorted order, each once.

    Symlink loops and unreadable folders are reported instead of stopping the walk.
    """
    collected = Collected()
    seen: set[Path] = set()
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = []
            for root, dirs, files in os.walk(path, followlinks=False, onerror=lambda e: collected.problems.append(
                    InputProblem(str(e.filename), f"cannot read folder: {e.strerror}"))):
                dirs.sort()
                found.extend(Path(root) / name for name in files if Path(name).suffix.lower() in SUPPORTED_SUFFIXES)
            if not found:
                collected.problems.append(InputProblem(str(path), "no .txt or .pdf files in this folder"))
            candidates = sorted(found)
        elif path.exists() or path.is_symlink():
            candidates = [path]
        else:
            collected.problems.append(InputProblem(str(path), "no such file or folder"))
            continue
        for candidate in candidates:
            try:
                key = candidate.resolve(strict=True)
            except (OSError, RuntimeError) as exc:
                collected.problems.append(InputProblem(str(candidate), f"cannot resolve path: {exc}"))
                continue
            if key not in seen:
                seen.add(key)
                collected.files.append(candidate)
    return collected


@dataclass
class RunSummary:
    documents: int = 0
    failed: int = 0
    trials: int = 0
    preclinical: int = 0
    entities: int = 0
    input_problems: int = 0

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.input_problems == 0


def process(files: list[Path], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[DocumentResult]:
    """Results in input order; a document identical (by sha256) to an earlier one is not re-run."""
    nlp = build_nlp()
    done: dict[str, DocumentResult] = {}
    for path in files:
        try:
            digest = sha256_of(path)
        except OSError:
            digest = ""
        if digest and digest in done:
            first = done[digest]
            info = first.info.model_copy(update={"doc_id": path.stem, "source_path": str(path)})
            info.error = info.error or f"duplicate of {first.info.source_path}; processed once"
            yield DocumentResult(info=info, text=first.text)
            continue
        result = extract_document(path, nlp=nlp, max_bytes=max_bytes)
        if digest:
            done[digest] = result
        yield result


def write_outputs(results: list[DocumentResult], problems: list[InputProblem], out: Path) -> None:
    """Every CSV of SCHEMA.md plus ``texts/<doc_id>.txt`` (the normalised text offsets refer to)."""
    results = sorted(results, key=lambda r: r.info.doc_id)
    docs = [r.info for r in results]
    errors: list[ErrorRecord] = [e for r in results for e in r.errors]
    errors += [ErrorRecord(doc_id=Path(p.path).stem, source_path=p.path, stage="input", error_type="InputError",
                           message=p.message) for p in problems]

    def rows(attr: str) -> list[dict]:
        return [{"doc_id": r.info.doc_id, **item.model_dump(exclude={"doc_id"})}
                for r in results for item in getattr(r, attr)]

    write_csv(out / "documents.csv", frame(docs, columns.DOCUMENTS))
    write_csv(out / "errors.csv", frame(errors, columns.ERRORS))
    write_csv(out / "abbreviations.csv", frame(rows("abbreviations"), columns.ABBREVIATIONS))
    write_csv(out / "entities.csv", frame(rows("entities"), columns.ENTITIES))
    write_csv(out / "trials.csv", frame(rows("trials"), columns.TRIALS))
    write_csv(out / "preclinical.csv", frame(rows("preclinical"), columns.PRECLINICAL))
    table_rows = []
    for result in results:
        for table in result.tables:
            table_rows.append({
                "doc_id": result.info.doc_id, "table": table.number, "caption": table.caption,
                "n_rows": len(table.rows), "n_cols": len(table.header), "orientation": table.orientation,
                "footnotes": " | ".join(table.footnotes), "page": table.page,
            })
            grid = pd.DataFrame(table.rows, columns=_unique(table.header))
            write_csv(out / "tables" / f"{result.info.doc_id}__table{table.number}.csv", grid)
        if result.text:
            write_atomic(out / "texts" / f"{result.info.doc_id}.txt", result.text)
    write_csv(out / "tables.csv", frame(table_rows, columns.TABLES))


def _unique(header: list[str]) -> list[str]:
    """Header cells as column names; a repeated or empty name gets its position appended."""
    names: list[str] = []
    for i, name in enumerate(header):
        name = name or f"column{i + 1}"
        names.append(name if name not in names else f"{name} ({i + 1})")
    return names


def run_batch(
    inputs: Iterable[str | Path],
    out: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_document: Callable[[DocumentResult], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> RunSummary:
    """Process ``inputs`` into ``out``; the callbacks drive a progress display."""
    collected = collect_inputs(inputs)
    if on_start:
        on_start(len(collected.files))
    results: list[DocumentResult] = []
    for result in process(collected.files, max_bytes=max_bytes):
        results.append(result)
        if on_document:
            on_document(result)
    write_outputs(results, collected.problems, out)
    return RunSummary(
        documents=len(results),
        failed=sum(1 for r in results if r.info.status == "failed"),
        trials=sum(len(r.trials) for r in results),
        preclinical=sum(len(r.preclinical) for r in results),
        entities=sum(len(r.entities) for r in results),
        input_problems=len(collected.problems),
    )


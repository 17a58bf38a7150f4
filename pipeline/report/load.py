"""Read what ``confmine run`` (and ``confmine score``) wrote into an output folder, for the report.

The report must open on a partial or damaged run, because that is when people need it most: a missing
file reads as "no rows", and a file that cannot be read becomes a warning on the page, not a crash.
Every value stays a string, exactly as in the CSV, so the page shows what users' scripts will read.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.output import unmark

Row = dict[str, str]

_TABLE_FILE = re.compile(r"^(?P<doc>.+)__table(?P<n>\d+)\.csv$")


@dataclass
class Table:
    """One reconstructed table: its ``tables.csv`` row (caption, footnotes) and its own grid."""

    number: str
    meta: Row
    header: list[str]
    rows: list[list[str]]


@dataclass
class Document:
    """Everything the run wrote about one document, its rows in document order."""

    doc_id: str
    info: Row = field(default_factory=dict)
    text: str | None = None
    entities: list[Row] = field(default_factory=list)
    abbreviations: list[Row] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    trials: list[Row] = field(default_factory=list)
    preclinical: list[Row] = field(default_factory=list)
    errors: list[Row] = field(default_factory=list)


@dataclass
class Run:
    """An output folder as read: documents, run-level errors, scores and problems met while reading."""

    out_dir: Path
    documents: list[Document]
    errors: list[Row]
    scores: list[Row]
    has_scores: bool
    trial_columns: list[str]
    preclinical_columns: list[str]
    warnings: list[str]

    def document(self, doc_id: str) -> Document | None:
        return next((d for d in self.documents if d.doc_id == doc_id), None)


def read_rows(path: Path, warnings: list[str]) -> tuple[list[str], list[Row]]:
    """Header and rows of a CSV; ``([], [])`` if it is missing, with a warning if it is unreadable."""
    if not path.is_file():
        return [], []
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = [unmark(name) for name in next(reader, [])]
            rows = [{name: (unmark(row[i]) if i < len(row) else "") for i, name in enumerate(header)}
                    for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        warnings.append(f"Could not read {path.name}: {exc}")
        return [], []
    return header, rows


def read_grid(path: Path, warnings: list[str]) -> tuple[list[str], list[list[str]]]:
    """A reconstructed table as header cells and rows of cells (its columns are the table's own)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = [[unmark(cell) for cell in row] for row in csv.reader(handle)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        warnings.append(f"Could not read tables/{path.name}: {exc}")
        return [], []
    return (rows[0], rows[1:]) if rows else ([], [])


def read_text(path: Path, warnings: list[str]) -> str | None:
    """The normalised text, read without newline translation so that CSV offsets index it exactly."""
    if not path.is_file():
        return None
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        warnings.append(f"Could not read texts/{path.name}: {exc}")
        return None


def load_run(out_dir: Path) -> Run:
    """Read every file of SCHEMA.md that exists in ``out_dir`` and group the rows by document."""
    warnings: list[str] = []
    _, documents = read_rows(out_dir / "documents.csv", warnings)
    _, errors = read_rows(out_dir / "errors.csv", warnings)
    _, abbreviations = read_rows(out_dir / "abbreviations.csv", warnings)
    _, entities = read_rows(out_dir / "entities.csv", warnings)
    _, tables = read_rows(out_dir / "tables.csv", warnings)
    trial_columns, trials = read_rows(out_dir / "trials.csv", warnings)
    preclinical_columns, preclinical = read_rows(out_dir / "preclinical.csv", warnings)
    has_scores = (out_dir / "scores.csv").is_file()
    _, scores = read_rows(out_dir / "scores.csv", warnings)

    by_id: dict[str, Document] = {}

    def doc(doc_id: str) -> Document:
        return by_id.setdefault(doc_id, Document(doc_id))

    for row in documents:
        doc(row.get("doc_id", "")).info = row
    for name, rows in (("entities", entities), ("abbreviations", abbreviations), ("trials", trials),
                       ("preclinical", preclinical), ("errors", errors)):
        for row in rows:
            getattr(doc(row.get("doc_id", "")), name).append(row)

    grids = _table_files(out_dir / "tables")
    for row in tables:
        doc_id, number = row.get("doc_id", ""), row.get("table", "")
        path = grids.pop((doc_id, number), None)
        header, cells = read_grid(path, warnings) if path else ([], [])
        if path is None:
            warnings.append(f"{doc_id}: table {number} is in tables.csv but has no file in tables/")
        doc(doc_id).tables.append(Table(number, row, header, cells))
    for (doc_id, number), path in sorted(grids.items()):
        header, cells = read_grid(path, warnings)
        doc(doc_id).tables.append(Table(number, {"doc_id": doc_id, "table": number}, header, cells))

    for document in by_id.values():
        if document.doc_id:
            document.text = read_text(out_dir / "texts" / f"{document.doc_id}.txt", warnings)
    ordered = sorted(by_id.values(), key=lambda d: (d.doc_id == "", d.doc_id))
    return Run(out_dir, ordered, errors, scores, has_scores, trial_columns, preclinical_columns, warnings)


def _table_files(folder: Path) -> dict[tuple[str, str], Path]:
    """``tables/<doc_id>__table<N>.csv`` files by (doc_id, N)."""
    if not folder.is_dir():
        return {}
    found: dict[tuple[str, str], Path] = {}
    for path in folder.glob("*.csv"):
        match = _TABLE_FILE.match(path.name)
        if match:
            found[(match["doc"], match["n"])] = path
    return found


@dataclass
class Gold:
    """Gold trial arms and preclinical studies per document (``gold_dir/<doc_id>/*.csv``)."""

    trials: dict[str, list[Row]]
    preclinical: dict[str, list[Row]]


def load_gold(gold_dir: Path, warnings: list[str]) -> Gold:
    """Gold records of every document folder, as the scorer reads them (rows of that doc_id only)."""
    gold = Gold({}, {})
    if not gold_dir.is_dir():
        warnings.append(f"Gold folder {gold_dir} does not exist; no comparison with gold")
        return gold
    for folder in sorted(p for p in gold_dir.iterdir() if p.is_dir()):
        for name, target in (("trials", gold.trials), ("preclinical", gold.preclinical)):
            path = folder / f"{name}.csv"
            if path.is_file():
                _, rows = read_rows(path, warnings)
                target[folder.name] = [r for r in rows if r.get("doc_id") == folder.name]
    return gold

"""Score confmine's reconstructed tables against the printed grids, cell by cell.

trials.csv scores say whether confmine understood a table; this says whether it read the table at
all: header and body cells at their places. For each document the predicted table is the one of
``OUT/tables/<doc_id>__table<N>.csv`` whose header best matches the gold header (confmine numbers a
table by the number its caption prints, so the first table need not be ``table1``). Rows are aligned in
order (an extra or a lost row costs its own cells, not every row after it); within a row, cells are
compared position by position, so merged or split columns count as wrong. The share is exact cells
over the larger of the predicted and the gold cell counts, so missing and extra cells both cost.

Cells are compared after folding what a PDF cannot be blamed for: runs of whitespace (a wrapped cell),
the space after a hyphen broken across lines, a power of ten written ``10^6``, ``106`` or ``10 6``
(all read ``106``, as a PDF reader gives a superscript it lost),
a space before a trailing footnote mark, the apostrophe confmine puts before text a spreadsheet would
take for a formula. Footnote marks themselves are kept.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

Cells = list[list[str]]

SPREADSHEET_GUARD = re.compile(r"^'(?=[=+\-@\t\r])")
"""SCHEMA.md: a text cell that would start with = + - @ tab or CR is written with a leading apostrophe,
which confmine's own readers strip; so does this one."""

POWER_CARET = re.compile(r"10\s*\^\s*(?=-?\d)")
"""A power of ten as grids write it (``10^6``)."""

POWER_SPACED = re.compile(r"(?:(?<=[×xX*(])|(?<=[×xX*(] )|(?<=\b3 ))10\s+(?=\d{1,2}(?!\d))")
"""``10 6``: a raised exponent that came out with a space before it, after a multiplication sign (or a
symbol font's "3" for it) or an opening bracket only, so "10 12" in a list of counts is left alone."""

BROKEN_HYPHEN = re.compile(r"(?<=[A-Za-z])-\s+(?=[a-z])")
"""A word hyphenated across a line of a wrapped cell: "Lympho-\\ndepletion" and "Lympho-depletion"."""

MARK_SPACE = re.compile(r"\s+(?=[*†‡§¶‖]+$)")
"""A raised footnote mark often comes out with a space before it ("62 *"); the mark itself is kept."""


def fold(cell: str) -> str:
    """The form in which two cells are compared (see the module docstring)."""
    cell = SPREADSHEET_GUARD.sub("", cell)
    cell = " ".join(cell.split())
    cell = BROKEN_HYPHEN.sub("-", cell)
    cell = POWER_SPACED.sub("10", POWER_CARET.sub("10", cell))
    return MARK_SPACE.sub("", cell)


@dataclass(frozen=True)
class CellScore:
    """One table's comparison: ``exact`` cells equal at aligned places, out of the cell counts."""

    exact: int
    pred_cells: int
    gold_cells: int
    table: int | None = None  # confmine's N of the table that was scored; None: no table found
    tables_found: int = 0

    @property
    def denominator(self) -> int:
        return max(self.pred_cells, self.gold_cells)

    @property
    def share(self) -> float:
        return self.exact / self.denominator if self.denominator else 1.0


def pooled(scores: Iterable[CellScore]) -> float | None:
    """Exact cells over the summed denominators of ``scores`` (None for no scores)."""
    exact = denominator = 0
    for score in scores:
        exact += score.exact
        denominator += score.denominator
    return exact / denominator if denominator else None


def _row_matches(pred: Sequence[str], gold: Sequence[str]) -> int:
    return sum(p == g for p, g in zip(pred, gold, strict=False))


def compare(pred: Cells, gold: Cells) -> CellScore:
    """Exact cells of ``pred`` against ``gold`` (both header row first), rows aligned in order so as to
    match the most cells (a weighted longest-common-subsequence over rows; the tables are small)."""
    pred_folded = [[fold(cell) for cell in row] for row in pred]
    gold_folded = [[fold(cell) for cell in row] for row in gold]
    rows_p, rows_g = len(pred_folded), len(gold_folded)
    best = [[0] * (rows_g + 1) for _ in range(rows_p + 1)]
    for i in range(rows_p - 1, -1, -1):
        for j in range(rows_g - 1, -1, -1):
            best[i][j] = max(best[i + 1][j], best[i][j + 1],
                             best[i + 1][j + 1] + _row_matches(pred_folded[i], gold_folded[j]))
    return CellScore(best[0][0] if rows_p and rows_g else 0, sum(map(len, pred)), sum(map(len, gold)))


def read_table(path: Path) -> Cells:
    """A table CSV as rows of cells, header first (blank lines dropped)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.reader(handle) if row]


TABLE_FILE = re.compile(r"__table(\d+)\.csv$")


def predicted_tables(pred_dir: Path, doc_id: str) -> dict[int, Cells]:
    """confmine's tables of one document, by N."""
    found = {}
    for path in (pred_dir / "tables").glob(f"{glob_escape(doc_id)}__table*.csv"):
        number = TABLE_FILE.search(path.name)
        if number and path.name == f"{doc_id}__table{number.group(1)}.csv":
            found[int(number.group(1))] = read_table(path)
    return dict(sorted(found.items()))


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def header_match(pred_header: Sequence[str], gold_header: Sequence[str]) -> float:
    """Share of the gold header cells that are among the predicted header cells (folded)."""
    wanted = [fold(cell) for cell in gold_header]
    have = {fold(cell) for cell in pred_header}
    return sum(cell in have for cell in wanted) / len(wanted) if wanted else 0.0


def score_document(pred_dir: Path, doc_id: str, gold: Cells) -> CellScore:
    """The best-matching predicted table of ``doc_id`` against ``gold``: highest header match, then
    most exact cells, then lowest N. No table at all scores 0 of the gold's cells."""
    tables = predicted_tables(pred_dir, doc_id)
    if not tables:
        return CellScore(0, 0, sum(map(len, gold)))
    ranked = []
    for number, cells in tables.items():
        score = compare(cells, gold)
        ranked.append((header_match(cells[0] if cells else [], gold[0]), score.exact, -number, number, score))
    *_, number, score = max(ranked, key=lambda item: item[:3])
    return CellScore(score.exact, score.pred_cells, score.gold_cells, number, len(tables))

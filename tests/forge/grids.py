"""Gold table grids (the JSON format of /work/corpus_work/GRIDS.md), loaded and checked.

A grid is the table as printed (caption, header, rows, footnotes) plus the trials.csv rows a reader of
that table alone should write. The forge trusts grids it did not write, so everything the renderer and
the gold writer rely on is checked here once: rows as long as the header, trial keys that are trials.csv
columns, ids safe as file names.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

TRIAL_COLUMNS: tuple[str, ...] = (
    "doc_id", "trial_id", "arm", "abstract_number", "reference", "phase", "disease", "cell_source",
    "product", "target_symbols", "n_patients", "preconditioning", "doses_cells", "dose_unit",
    "combination", "orr_pct", "cr_pct", "gvhd", "crs", "crs_max_grade", "crs_n", "icans", "icans_n",
    "evidence", "study", "doses_drug", "drug_dose_unit",
)  # fmt: skip
"""trials.csv's columns in SCHEMA.md's order (BRIEF.md spells out the same list)."""

GRID_TRIAL_KEYS = frozenset(TRIAL_COLUMNS) - {"doc_id", "evidence"}
"""Keys a grid's trial may carry: the forge fills doc_id from the file name and leaves evidence empty
(a quote into extracted text cannot be known before the text is extracted)."""

GRID_ID = re.compile(r"[a-z0-9_]+")
"""Ids become parts of file names and doc_ids; lower-case ascii keeps them safe everywhere."""


def _cell_text(value: Any) -> str:
    """A JSON value as the text a CSV cell holds: numbers as Python writes them (``5e+06`` via ``g``
    so that a JSON ``5000000.0`` does not become ``5000000.0``), null as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise ValueError("a boolean is not a cell")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return value
    raise ValueError(f"a cell must be text or a number, not {type(value).__name__}")


class Grid(BaseModel):
    """One gold table: as printed, and the trial rows it states."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    source: str = ""
    caption: str
    transposed: bool = False
    header: list[str]
    rows: list[list[str]]
    footnotes: list[str] = []
    trials: list[dict[str, str]]
    notes: str = ""

    @field_validator("id")
    @classmethod
    def _safe_id(cls, value: str) -> str:
        if not GRID_ID.fullmatch(value):
            raise ValueError(f"grid id {value!r} is not lower-case ascii, digits and '_'")
        return value

    @field_validator("header", "footnotes", mode="before")
    @classmethod
    def _texts(cls, value: Any) -> list[str]:
        return [_cell_text(cell) for cell in value]

    @field_validator("rows", mode="before")
    @classmethod
    def _row_texts(cls, value: Any) -> list[list[str]]:
        return [[_cell_text(cell) for cell in row] for row in value]

    @field_validator("trials", mode="before")
    @classmethod
    def _trial_texts(cls, value: Any) -> list[dict[str, str]]:
        trials = []
        for trial in value:
            unknown = set(trial) - GRID_TRIAL_KEYS
            if unknown:
                raise ValueError(f"trial keys that are not trials.csv columns: {sorted(unknown)}")
            trials.append({key: _cell_text(cell) for key, cell in trial.items()})
        return trials

    @model_validator(mode="after")
    def _rectangular(self) -> Grid:
        if not self.header:
            raise ValueError("empty header")
        if not self.rows:
            raise ValueError("no rows")
        for number, row in enumerate(self.rows, 1):
            if len(row) != len(self.header):
                raise ValueError(f"row {number} has {len(row)} cells, the header {len(self.header)}")
        return self

    @property
    def cells(self) -> list[list[str]]:
        """The printed grid: header row, then the rows (a transposed grid as printed)."""
        return [list(self.header), *(list(row) for row in self.rows)]


def load_grid(path: Path) -> Grid:
    """One grid file; raises ``ValueError`` (with the file's name) when it breaks the format."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Grid.model_validate(data)
    except (json.JSONDecodeError, ValidationError) as error:
        raise ValueError(f"{path.name}: {error}") from error


def load_grids(folder: Path, pattern: str = "*.json") -> tuple[list[Grid], list[str]]:
    """Every valid grid of ``folder`` sorted by id, and one message per file that was skipped.

    Grids are written by other people while the forge runs, so one broken file must not stop a run;
    the caller prints the messages. Two files with one id keep the first (by file name)."""
    grids: dict[str, Grid] = {}
    problems: list[str] = []
    for path in sorted(folder.glob(pattern)):
        try:
            grid = load_grid(path)
        except ValueError as error:
            problems.append(str(error))
            continue
        if grid.id in grids:
            problems.append(f"{path.name}: id {grid.id!r} already used by another file; skipped")
            continue
        grids[grid.id] = grid
    return [grids[key] for key in sorted(grids)], problems

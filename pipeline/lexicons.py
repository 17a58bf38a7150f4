"""Read the TSV lexicons shipped in ``pipeline/data`` (each row carries the source of its fact)."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


@cache
def load_rows(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``pipeline/data/<name>.tsv`` as dicts; read once per process, never modified."""
    path = resources.files("pipeline") / "data" / f"{name}.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        return tuple({k: (v or "").strip() for k, v in row.items() if k} for row in reader)


def mapping(name: str, key: str, value: str) -> dict[str, str]:
    """``{row[key]: row[value]}`` for a lexicon; the first row wins for a repeated key."""
    out: dict[str, str] = {}
    for row in load_rows(name):
        out.setdefault(row[key], row[value])
    return out

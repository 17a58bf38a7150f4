"""Write the CSVs of SCHEMA.md atomically: a reader sees the old file or the new one, never half."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd
from pydantic import BaseModel

# What a spreadsheet runs as a formula when a cell begins with it (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SAFE_MARK = "'"


def spreadsheet_safe(value: object) -> object:
    """A cell as written to a CSV (SCHEMA.md): text that would begin with a formula character gets a
    leading apostrophe, so a spreadsheet shows it as text; numbers, and text that is a number ("-2.5"),
    are written as they are."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS) or _is_number(value):
        return value
    return _SAFE_MARK + value


def unmark(value: str) -> str:
    """A cell as confmine's own readers take it back: the apostrophe ``spreadsheet_safe`` added goes."""
    if value.startswith(_SAFE_MARK) and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def open_temporary(path: Path) -> tuple[int, str]:
    """A temporary file beside ``path`` with the permissions a plain ``open`` would give (mkstemp's
    are owner-only), so a renamed output is as readable as any other file the user writes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, 0o666 & ~_umask())
    return fd, tmp


def remove_temporaries(folder: Path) -> int:
    """Delete the temporary files ``open_temporary`` left in ``folder`` (not below it) when a run
    was killed before renaming them; returns how many. Only run where no other run is writing."""
    removed = 0
    if folder.is_dir():
        for leftover in folder.glob(".*.tmp"):
            if leftover.is_file():
                leftover.unlink(missing_ok=True)
                removed += 1
    return removed


def write_atomic(path: Path, content: str, durable: bool = True) -> None:
    """Write ``content`` to a temporary file beside ``path``, fsync it (unless ``durable`` is off),
    then rename it over ``path``."""
    fd, tmp = open_temporary(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(content)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def frame(rows: Iterable[BaseModel | dict], columns: Sequence[str]) -> pd.DataFrame:
    """Rows as a DataFrame with exactly ``columns`` first (extra fields follow, unknown ones dropped)."""
    records = [row.model_dump() if isinstance(row, BaseModel) else dict(row) for row in rows]
    df = pd.DataFrame.from_records(records)
    if df.empty:
        return pd.DataFrame(columns=list(columns))
    for column in columns:
        if column not in df.columns:
            df[column] = ""
    return df[list(columns)]


def write_csv(path: Path, df: pd.DataFrame) -> None:
    write_atomic(path, df.to_csv(index=False, lineterminator="\n"))

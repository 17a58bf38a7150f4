"""Which grids, styles and extractors are held back: reported apart, never used to tune confmine.

The forge exists to measure confmine on table layouts it has never seen. Once its numbers guide work
on confmine, every layout it reports on is seen; so part of it is kept back, and a change that lifts
the development part but not the held-back part fitted the forge rather than tables. This is the one
place where the split is written.

- Grids: a third, by a rule on the id alone, so that a grid never changes sides when other grids are
  added (a grid once reported as development has been looked at): an id ending in a number is held back
  when the number is a multiple of three (``grid_a_03``, ``grid_a_06``, ...); any other id when the
  first byte of its SHA-256 is.
- Styles: ``narrow`` (wrapped cells and two-line headers) and ``rotated_cw`` (a rotated table read the
  other way round from ``rotated_ccw``): each has a development sibling (``booktabs``/``ruled`` and
  ``rotated_ccw``), so a held-back score says whether what was learnt on the sibling carries over.
- Extractors: ``pdfminer``, whose layout analysis orders text blocks differently from the two others
  (columns of a table often come out one after another), so it tests whether confmine's table reading
  is tied to line-by-line extraction.

``--holdout-file`` (a JSON object with any of the keys ``grids``, ``styles``, ``extractors``, each a
list of names) replaces a part of the split for one run.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

HELD_BACK_STYLES = frozenset({"narrow", "rotated_cw"})
HELD_BACK_EXTRACTORS = frozenset({"pdfminer"})
GRID_SHARE = 3
"""One grid in this many is held back."""


def grid_held_back(grid_id: str) -> bool:
    """The fixed rule on a grid id (see the module docstring)."""
    number = re.search(r"(\d+)$", grid_id)
    if number:
        return int(number.group(1)) % GRID_SHARE == 0
    return hashlib.sha256(grid_id.encode()).digest()[0] % GRID_SHARE == 0


@dataclass(frozen=True)
class Holdout:
    grids: frozenset[str]
    styles: frozenset[str] = HELD_BACK_STYLES
    extractors: frozenset[str] = HELD_BACK_EXTRACTORS

    @classmethod
    def default(cls, grid_ids: Iterable[str]) -> Holdout:
        return cls(frozenset(grid_id for grid_id in grid_ids if grid_held_back(grid_id)))

    @classmethod
    def from_file(cls, path: Path, grid_ids: Iterable[str]) -> Holdout:
        """The default split with the parts that ``path`` names replaced."""
        data = json.loads(path.read_text(encoding="utf-8"))
        unknown = set(data) - {"grids", "styles", "extractors"}
        if unknown:
            raise ValueError(f"{path}: unknown keys {sorted(unknown)} (grids, styles, extractors)")
        default = cls.default(grid_ids)
        return cls(
            frozenset(data.get("grids", default.grids)),
            frozenset(data.get("styles", default.styles)),
            frozenset(data.get("extractors", default.extractors)),
        )

    def held_parts(self, grid_id: str, style: str, extractor: str) -> tuple[str, ...]:
        """Which of a document's grid, style and extractor are held back (empty: development)."""
        parts = []
        if grid_id in self.grids:
            parts.append("grid")
        if style in self.styles:
            parts.append("style")
        if extractor in self.extractors:
            parts.append("extractor")
        return tuple(parts)

    def as_dict(self) -> dict[str, list[str]]:
        return {"grids": sorted(self.grids), "styles": sorted(self.styles), "extractors": sorted(self.extractors)}

"""Write the forge corpus: every grid drawn in every style, read back by every extractor, with its gold.

For a grid ``g`` and a style ``s`` the corpus holds the PDF ``docs/g__s.pdf`` (confmine reads PDFs too)
and, per extractor ``e``, its text ``docs/g__s__e.txt``; each document's doc_id is its file stem (no two
stems are equal, so confmine keeps them as they are). The gold of every document, ``gold/<doc_id>/``,
is known by construction: ``trials.csv`` holds the grid's trial rows, ``tables.csv`` and
``tables/<doc_id>__table1.csv`` the grid as printed (a transposed grid stays transposed).
``manifest.csv`` says which grid, style and extractor made each document.
"""

from __future__ import annotations

import csv
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .extract import EXTRACTORS
from .grids import TRIAL_COLUMNS, Grid
from .render import STYLES, RenderedPdf, TooLarge, render_pdf

PDF = "pdf"
"""The "extractor" of a PDF document: confmine's own PDF reader."""

TABLES_COLUMNS = ("doc_id", "table", "caption", "n_rows", "n_cols", "orientation", "footnotes", "page")
"""tables.csv's columns in SCHEMA.md's order."""

FOOTNOTE_JOIN = " | "
"""How the footnotes of one table share one tables.csv cell (SCHEMA.md joins quotes the same way)."""

MANIFEST_COLUMNS = ("doc_id", "grid_id", "style", "extractor", "path")


@dataclass(frozen=True)
class Document:
    """One forged document: which grid, style and extractor (``pdf`` for the PDF itself) made it."""

    doc_id: str
    grid_id: str
    style: str
    extractor: str
    path: Path


def doc_id(grid_id: str, style: str, extractor: str = PDF) -> str:
    return f"{grid_id}__{style}" if extractor == PDF else f"{grid_id}__{style}__{extractor}"


def build(grids: Iterable[Grid], styles: Sequence[str], extractors: Sequence[str], out_dir: Path,
          pdfs: bool = True) -> list[Document]:
    """Write the documents of ``grids`` x ``styles`` x ``extractors`` (and the PDFs, unless ``pdfs`` is
    False) to ``out_dir/docs``, their gold to ``out_dir/gold`` and the manifest; return the documents.

    A style's text-level part (the symbol-font substitutions) is applied to each extractor's output. A
    grid that does not fit a style (a rotated table taller than the page is wide) is left out of that
    style with a warning, rather than drawn off the page under gold that says it is there."""
    unknown = [name for name in styles if name not in STYLES] + [name for name in extractors if name not in EXTRACTORS]
    if unknown:
        raise ValueError(f"unknown styles or extractors: {unknown}")
    docs_dir, gold_dir = out_dir / "docs", out_dir / "gold"
    docs_dir.mkdir(parents=True, exist_ok=True)
    documents: list[Document] = []
    for grid in grids:
        for style_name in styles:
            style = STYLES[style_name]
            pdf_id = doc_id(grid.id, style_name)
            try:
                rendered = render_pdf(grid, style, docs_dir / f"{pdf_id}.pdf")
            except TooLarge as error:
                warnings.warn(f"{grid.id} not drawn as {style_name}: {error}", stacklevel=2)
                (docs_dir / f"{pdf_id}.pdf").unlink(missing_ok=True)
                continue
            if pdfs:
                documents.append(Document(pdf_id, grid.id, style_name, PDF, rendered.path))
                write_gold(grid, style_name, rendered, pdf_id, gold_dir)
            for extractor in extractors:
                text = style.apply_to_text(EXTRACTORS[extractor](rendered.path))
                text_id = doc_id(grid.id, style_name, extractor)
                path = docs_dir / f"{text_id}.txt"
                path.write_text(text, encoding="utf-8")
                documents.append(Document(text_id, grid.id, style_name, extractor, path))
                write_gold(grid, style_name, rendered, text_id, gold_dir)
            if not pdfs:
                rendered.path.unlink()
    write_manifest(documents, out_dir / "manifest.csv")
    return documents


def write_gold(grid: Grid, style_name: str, rendered: RenderedPdf, document_id: str, gold_dir: Path) -> None:
    """``gold/<doc_id>/``: trials.csv (the grid's trials, doc_id filled, evidence empty), tables.csv and
    the printed grid as ``tables/<doc_id>__table1.csv``."""
    folder = gold_dir / document_id
    (folder / "tables").mkdir(parents=True, exist_ok=True)
    with (folder / "trials.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=TRIAL_COLUMNS)
        writer.writeheader()
        for trial in grid.trials:
            writer.writerow({**{column: "" for column in TRIAL_COLUMNS}, **trial, "doc_id": document_id})
    with (folder / "tables" / f"{document_id}__table1.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(grid.cells)
    with (folder / "tables.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(TABLES_COLUMNS)
        orientation = "rotated" if STYLES[style_name].rotated else "upright"
        writer.writerow([document_id, 1, grid.caption, len(grid.rows), len(grid.header), orientation,
                         FOOTNOTE_JOIN.join(grid.footnotes), rendered.table_page])


def write_manifest(documents: Sequence[Document], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(MANIFEST_COLUMNS)
        for document in documents:
            writer.writerow([document.doc_id, document.grid_id, document.style, document.extractor,
                             document.path.name])


def read_manifest(path: Path) -> list[Document]:
    """The documents listed in a corpus's ``manifest.csv`` (paths under the corpus's ``docs``)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    folder = path.parent / "docs"
    return [Document(row["doc_id"], row["grid_id"], row["style"], row["extractor"], folder / row["path"])
            for row in rows]

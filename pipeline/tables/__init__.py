"""Rebuild tables from PDF-extracted text into cell grids.

``find_tables(doc)`` returns one ``pipeline.models.Table`` per captioned table: upright tables that
came out as flowing text, pipe tables, one-cell-per-line tables, transposed tables, and tables printed
rotated that the extractor shredded into 1-3-character fragments (see ``rotated.py``).
"""

from pipeline.tables.detect import find_tables

__all__ = ["find_tables"]

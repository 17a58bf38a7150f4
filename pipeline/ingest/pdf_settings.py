"""Named tolerances of the PDF reader, in one place.

Lengths are in *em*, fractions of the font size of the glyphs they compare, so that one setting works
for 6-point table cells and 12-point titles alike. The defaults were tuned on the public rotated-table
PDFs in ``../shared/pdfs`` and on the generator in ``tests/pdfgen.py``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PdfSettings:
    """Every threshold the reader uses; pass a modified copy (``dataclasses.replace``) to experiment."""

    # --- glyphs -> lines -> words -------------------------------------------------------------
    line_overlap: float = 0.5
    """Two glyphs share a line when their vertical extents overlap by this fraction of the smaller."""
    line_overlap_full: float = 0.8
    """...and glyphs of the line's size whose bottoms differ join it only when overlapping this much."""
    baseline_tolerance_em: float = 0.2
    """Bottoms of same-size glyphs on one line differ by at most this (fonts differ in descent)."""
    word_gap_em: float = 0.25
    """A horizontal gap wider than this starts a new word even without a space glyph."""
    space_min_em: float = 0.15
    """A space glyph after a letter splits words where the letters around it are this far apart
    (or where the next letter starts past the middle of the space)."""
    phrase_gap_em: float = 0.6
    """Words closer than this belong to one phrase (a table cell or a line of prose)."""
    segment_gap_em: float = 1.2
    """A gap wider than this splits a line into segments (columns of a layout or of a table)."""
    paragraph_gap_em: float = 0.7
    """Extra vertical space above a line, beyond the usual leading, that marks a new paragraph."""

    # --- superscripts -------------------------------------------------------------------------
    superscript_size_ratio: float = 0.85
    """A glyph at most this fraction of its line's body size may be a superscript..."""
    superscript_rise_em: float = 0.18
    """...if its bottom sits at least this far (in body em) above the body glyphs' bottom."""

    # --- multi-column prose ---------------------------------------------------------------------
    column_gutter_em: float = 1.0
    """Narrowest white gutter between two columns of prose."""
    column_min_lines: int = 3
    """Lines a column needs on each side of a gutter before the band is read column by column."""
    column_min_width: float = 0.2
    """Each column must be at least this fraction of the band's width."""

    # --- tables found by word alignment -----------------------------------------------------
    table_min_cells: int = 3
    """A line with at least this many segments may be a table row."""
    table_max_cell_words: float = 4.0
    """...when its segments hold at most this many words (median); prose columns hold more..."""
    table_max_segment_words: int = 8
    """...and none holds more than this many (a line of prose beside a short table cell)."""
    table_min_rows: int = 3
    """Table-like lines needed (caption excluded) before a block is read as a table."""
    table_max_gap_lines: int = 3
    """Non-table lines (wrapped cells, group headings) tolerated inside a table..."""
    table_header_lines: int = 5
    """...and between a caption and the first full row (subtitle, headings spanning columns)."""
    table_gutter_em: float = 0.5
    """Narrowest white gap, across the rows of a table, that separates two of its columns."""
    table_gutter_crossings: float = 0.12
    """Fraction of a table's lines allowed to cross a column gutter (spanning headings)."""
    table_footnote_words: int = 12
    """A single-segment line with this many words ends a table (a footnote or prose)..."""
    table_end_gap_em: float = 3.0
    """...and so does white space this tall above a line."""
    sparse_column_lines: int = 2
    """Words wholly inside a gutter make a column of their own when they come from this many lines."""
    wrap_gap_tolerance_em: float = 0.1
    """A line below a table's last full row continues it (a wrapped cell) only when the white above it
    exceeds the table's usual gap above a wrapped line (above any line, when none of its cells wrap)
    by at most this (rounding of glyph boxes)..."""
    wrap_size_ratio: float = 0.9
    """...and its type is at least this fraction of the table's (footnotes are set smaller)."""
    full_row_share: float = 0.75
    """A line is a full row of the table body (whose white space above it is the row spacing) when it
    fills at least this share of the columns the fullest line fills; wrapped lines fill a few."""
    row_spacing_em: float = 0.25
    """A line with a first cell of its own still belongs to the row above (a wrapped row label) when
    the white above it is at least this much less than above that row and than above most rows
    (wrapped lines are set at the leading, rows are set apart)."""

    # --- tables found by ruling lines (pdfplumber's table finder) -------------------------------
    ruled_min_rows: int = 2
    ruled_min_cols: int = 2
    ruled_max_cell_words: float = 15.0
    """Boxed paragraphs are not tables: mean words per filled cell must stay below this."""
    stacked_row_share: float = 0.6
    """A ruled row holding several text rows is split when this share of its cells line up."""
    stacked_row_tolerance: float = 0.5
    """...each line within this fraction of a line height of the first column's lines."""
    row_label_share: float = 0.5
    """Unruled labels left of a ruled table become its first column when this share of rows get one."""
    caption_distance_em: float = 4.0
    """A caption line this close above a ruled table is its caption."""
    grid_snap: float = 2.0
    """Cell borders closer than this (points) are the same grid line."""

    # --- the text layer, word by word (pdf_words) ----------------------------------------------
    word_max_advance_em: float = 1.05
    """No character of a word advances further than this (the widest, "—" and "W", about 1 em). A
    word of the text layer longer than its characters can be is one pdfium joined across a gap (it
    leaves out the space between characters of one text object that lie far apart: a dash in one
    table cell and a dash or digit in the next); it is read glyph by glyph and cut where the gap is."""
    narrow_space_em: float = 0.3
    """Whether the space before a word was drawn by the PDF or inferred by pdfium is asked only where
    the gap is narrower than this, a little over ``word_gap_em``: a wider gap splits words whoever
    put the space there, and most spaces are wider, so most words cost no call for it."""
    line_tie: float = 0.05
    """Lines a glyph overlaps within this share of each other are a tie, won by the line it is
    horizontally nearest: a raised "7" sits inside the box of its own line and of the other column's
    line (whose baselines are a little higher), and belongs to the line it is printed in."""

    # --- ruling lines ---------------------------------------------------------------------------
    rule_max_thickness: float = 3.0
    """A path thinner than this (points) in one direction is a ruling line."""
    rule_min_length: float = 10.0
    """...and at least this long in the other."""
    min_ruling_lines: int = 3
    """Ruling lines on a page before the cells they close are looked for (``pdf_rules``)."""

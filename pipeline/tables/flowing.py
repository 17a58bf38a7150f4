"""Upright tables that came out as flowing text: the cells of a row separated only by spaces.

The blocks under the caption that hold the table are found here (prose after them is not the table's,
footnotes close it); the cells are read by the one reader of such regions (``reader.py``), which tries
the two reading orders extractors leave (visual lines with wrapped cells below their row; a stream of
cells in reading order) with one typed-column model.
"""

from __future__ import annotations

from pipeline.fields.evidence import DocContext
from pipeline.tables import footnotes
from pipeline.tables.build import Body
from pipeline.tables.header import HeaderChain
from pipeline.tables.layout import Line, footnote_line, is_prose, trailing_notes
from pipeline.tables.reader import header_chains, read_region


def header_line(text: str, line: Line, ctx: DocContext) -> HeaderChain | None:
    """The chain of names covering a whole line, if the line is a header line."""
    chains = header_chains(text, line, ctx)
    return chains[0] if chains else None


def flowing(text: str, blocks: list[list[Line]], ctx: DocContext) -> Body | None:
    table, notes = _table_blocks(text, blocks)
    if not table:
        return None
    return read_region(text, table, notes, ctx)


def _table_blocks(text: str, blocks: list[list[Line]]) -> tuple[list[list[Line]], list[tuple[int, int]]]:
    """The blocks that hold the table, and the footnotes that close it (prose after them is not ours).

    A footnote may start inside the last table block (no blank line before it)."""
    table: list[list[Line]] = []
    notes: list[tuple[int, int]] = []
    for position, block in enumerate(blocks):
        chunk = text[block[0].start:block[-1].end]
        if is_prose(chunk) and table:
            break
        start_note = next((i for i in range(len(block)) if footnote_line(text, block, i)), None)
        if start_note is not None:
            if start_note:
                table.append(block[:start_note])
            notes = footnotes.split_footnotes(text, block[start_note].start, block[-1].end)
            notes += trailing_notes(text, blocks[position + 1:])
            break
        table.append(block)
    return table, notes

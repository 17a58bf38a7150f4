"""Rebuild an upright table from the text after its caption, whatever layout the extractor left.

The layouts met in PDF text dumps, tried in this order (each parser says no when its layout is not
there): pipe tables, aligned columns and one cell per line (``delimited.py``), transposed tables
(``transposed.py``), and flowing text (``flowing.py``). Footnotes printed between the caption and the
table are taken first; their abbreviations join the document's vocabulary for the parsers.
"""

from __future__ import annotations

from pipeline.fields.evidence import DocContext
from pipeline.knowledge.patterns import CAPTION
from pipeline.models import IngestedText
from pipeline.tables import footnotes
from pipeline.tables.build import TableParts
from pipeline.tables.delimited import aligned, cell_per_line, pipe
from pipeline.tables.flowing import flowing
from pipeline.tables.layout import blocks_of, footnote_line, lines_of
from pipeline.tables.transposed import transposed


def parse_upright(doc: IngestedText, start: int, limit: int, ctx: DocContext) -> TableParts | None:
    """The table whose caption line starts at ``start``; its text ends by ``limit``."""
    text = doc.text
    m = CAPTION.match(text, start)
    if not m:
        return None
    caption_end = text.find("\n", start, limit)
    caption_end = limit if caption_end < 0 else caption_end
    blocks = blocks_of(lines_of(text, caption_end + 1, limit), text)
    lead: list[tuple[int, int]] = []
    while blocks and footnote_line(text, blocks[0], 0):
        block = blocks.pop(0)
        lead += footnotes.split_footnotes(text, block[0].start, block[-1].end)
    if not blocks:
        return None
    body = (pipe(text, blocks, ctx) or aligned(text, blocks, ctx) or cell_per_line(text, blocks, ctx)
            or transposed(text, blocks, ctx) or flowing(text, blocks, ctx))
    if body is None or not body.rows:
        return None
    return TableParts(
        number=int(m.group("number")),
        orientation="upright",
        caption=(start, _rstrip(text, start, caption_end)),
        header=body.header,
        rows=body.rows,
        footnotes=lead + body.notes,
        end=body.end,
        warnings=body.warnings,
        kinds=body.kinds,
    )


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end

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
from pipeline.tables.layout import blocks_of, footnote_line, is_prose, lines_of
from pipeline.tables.reader import read_region
from pipeline.tables.rotated import notes_after
from pipeline.tables.transposed import transposed

# A caption wraps over this many lines at most.
MAX_CAPTION_LINES = 3
# A table printed above its caption is looked for this many lines up at most.
MAX_ROWS_ABOVE = 60


def parse_upright(doc: IngestedText, start: int, limit: int, ctx: DocContext) -> TableParts | None:
    """The table whose caption line starts at ``start``; its text ends by ``limit``."""
    text = doc.text
    m = CAPTION.match(text, start)
    if not m:
        return None
    caption_end = start
    for _ in range(MAX_CAPTION_LINES):
        # A caption that wraps: its next line is tried as the caption's until the table reads.
        line_end = text.find("\n", caption_end + 1 if caption_end > start else start, limit)
        caption_end = limit if line_end < 0 else line_end
        parts = _parts(doc, start, caption_end, limit, ctx, int(m.group("number")))
        if parts is not None or caption_end >= limit or not _caption_goes_on(text, caption_end):
            return parts
    return None


def parse_upright_above(doc: IngestedText, start: int, floor: int, ctx: DocContext) -> TableParts | None:
    """A table printed above its caption ("Table 2. ..." under the rows): the region is the text
    between ``floor`` (the end of what came before: prose, another table) and the caption."""
    text = doc.text
    m = CAPTION.match(text, start)
    if not m:
        return None
    lines = lines_of(text, floor, start)
    # The lines between the caption and the prose (or blank line) above it; the table opens with the
    # first of them that starts a header and reads with the rest as a table.
    caption_end = _line_end(text, start)
    for _ in range(MAX_CAPTION_LINES - 1):
        # The caption's own wrapped lines, up to its footnotes.
        following = text[caption_end + 1:_line_end(text, caption_end + 1)].strip()
        if not following or not _caption_goes_on(text, caption_end) or footnotes.is_footnote(following):
            break
        caption_end = _line_end(text, caption_end + 1)
    notes = notes_after(text, caption_end)
    top = len(lines) - 1
    while top > 0 and len(lines) - top < MAX_ROWS_ABOVE:
        line = lines[top - 1].text(text).strip()
        if not line or is_prose(line):
            break
        top -= 1
    for first in range(top, len(lines) - 1):
        line = lines[first].text(text).strip()
        if not line[:1].isupper() and not line.startswith("|"):
            continue
        blocks = blocks_of(lines[first:], text)
        if len(blocks) != 1:
            continue
        # Cells the text delimits (a PDF's ruled table as a pipe table) need no reading of their own.
        body = pipe(text, blocks, ctx) or read_region(text, blocks, [], ctx)
        if body is None or not body.rows or len(body.header) < 2:
            continue
        return TableParts(number=int(m.group("number")), orientation="upright",
                          caption=(start, _rstrip(text, start, caption_end)), header=body.header, rows=body.rows,
                          footnotes=notes, end=body.end, warnings=body.warnings, kinds=body.kinds)
    return None


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _caption_goes_on(text: str, end: int) -> bool:
    """Whether a caption line may wrap onto the next: it does not end a sentence."""
    line = text[text.rfind("\n", 0, end) + 1:end].rstrip()
    return bool(line) and line[-1] not in ".:"


def _parts(doc: IngestedText, start: int, caption_end: int, limit: int, ctx: DocContext,
           number: int) -> TableParts | None:
    text = doc.text
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
        number=number,
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

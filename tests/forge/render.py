"""Draw a gold grid as a one-table conference-summary PDF, in one of several named print styles.

Each style is a small declarative ``Style``: which rules are drawn, how wide the columns are, whether the
table is printed rotated, how powers of ten and footnote marks are set, whether it is split over two
pages, where the caption goes, and whether the symbol characters come out of a font whose glyphs are not
mapped to their Unicode values. Everything else on the page (a title, one or two neutral paragraphs,
the caption and the footnotes) is the same for every style of one grid, so a score that moves between
styles moves because of the drawing.

Layout is reportlab platypus (cells are Paragraphs, so wrapping, superscripts and table splitting are
reportlab's own); a rotated table is a flowable that turns the canvas, so the glyphs themselves are
rotated, as in journals that print a wide table across a portrait page.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .grids import Grid

Rules = Literal["grid", "booktabs", "none"]
Family = Literal["sans", "serif"]


@dataclass(frozen=True)
class Style:
    """How one table is printed. ``rotation`` is in degrees anticlockwise (90: the text reads upwards,
    the table's top at the page's left edge; -90: it reads downwards, the top at the right edge)."""

    name: str
    rules: Rules = "grid"
    family: Family = "sans"
    narrow: bool = False
    rotation: Literal[0, 90, -90] = 0
    superscripts: bool = False
    split_pages: bool = False
    caption_below: bool = False
    symbol_font: bool = False

    @property
    def rotated(self) -> bool:
        return self.rotation != 0

    def apply_to_text(self, text: str) -> str:
        """The text-level part of the style, applied to an extractor's output (the symbol-font
        substitutions; a no-op for the others)."""
        return symbol_font_text(text) if self.symbol_font else text


STYLES: dict[str, Style] = {
    style.name: style
    for style in (
        Style("ruled", rules="grid"),
        Style("booktabs", rules="booktabs", family="serif"),
        Style("unruled", rules="none"),
        Style("narrow", rules="booktabs", family="serif", narrow=True),
        Style("rotated_ccw", rules="booktabs", family="serif", rotation=90),
        Style("rotated_cw", rules="grid", rotation=-90),
        Style("superscript", rules="booktabs", family="serif", superscripts=True),
        Style("split_pages", rules="booktabs", split_pages=True),
        Style("caption_below", rules="grid", caption_below=True),
        Style("symbol_font", rules="booktabs", family="serif", superscripts=True, symbol_font=True),
    )
}
"""The named styles. Most are booktabs or fully ruled with one thing changed; ``symbol_font`` also sets
superscripts because journals whose symbol font failed set their powers of ten raised (that is how
"2 × 10^6" comes out as "2 3 106")."""

SYMBOL_SUBSTITUTIONS: dict[str, str] = {"×": "3", "=": "5", "±": "6", "≥": "$", "≤": "#"}
"""What text extractors give for these symbols in journal PDFs whose symbol font (Mathematical Pi and
kin) has no Unicode map: the glyph's character code, read as ASCII."""

POWER_CARET = re.compile(r"10\^(-?\d+)")
"""A power of ten as grids write it (``10^6``); drawn raised, its caret is not in the PDF at all."""

FOOTNOTE_SYMBOLS = "*†‡§¶‖"
"""Marks that end a cell only as footnote marks. A trailing letter is a mark only when a footnote starts
with that letter (``NCT04245722a`` with footnote ``a Dose escalation ...``): "Phase 1a" keeps its a."""


def symbol_font_text(text: str) -> str:
    """``text`` as extracted from a PDF whose symbol font did not map: powers of ten lose their caret
    (the superscript was drawn raised) and each symbol becomes its ASCII stand-in, so "2 × 10^6" reads
    "2 3 106" and "n = 24" reads "n 5 24"."""
    text = POWER_CARET.sub(r"10\1", text)
    return text.translate(str.maketrans(SYMBOL_SUBSTITUTIONS))


# -- fonts ------------------------------------------------------------------------------------------

FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")
FONT_FILES: dict[Family, tuple[str, str]] = {
    "sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
}
"""Embedded Unicode TrueType faces: the 14 standard PDF fonts cannot draw ≥, ≤ or Greek letters, which
real trial tables print. DejaVu ships with most Linux systems (Debian: fonts-dejavu-core)."""


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    symbol: str  # the regular face with 3 5 6 $ # drawing × = ± ≥ ≤ (see _symbol_font)


def _font_path(name: str) -> Path:
    for folder in FONT_DIRS:
        root = Path(folder).expanduser()
        if root.is_dir():
            found = next(root.rglob(name), None)
            if found is not None:
                return found
    raise FileNotFoundError(f"font {name} not found under {', '.join(FONT_DIRS)}; install DejaVu (fonts-dejavu-core)")


@cache
def fonts(family: Family) -> Fonts:
    """Register (once) and name the regular, bold and unmapped-symbol faces of ``family``."""
    regular_file, bold_file = FONT_FILES[family]
    names = Fonts(f"Forge-{family}", f"Forge-{family}-Bold", f"Forge-{family}-Symbol")
    pdfmetrics.registerFont(TTFont(names.regular, str(_font_path(regular_file))))
    pdfmetrics.registerFont(TTFont(names.bold, str(_font_path(bold_file))))
    pdfmetrics.registerFont(_symbol_font(names.symbol, _font_path(regular_file)))
    return names


def _symbol_font(name: str, path: Path) -> TTFont:
    """A copy of a face in which the characters 3 5 6 $ # are drawn with the glyphs of × = ± ≥ ≤.

    Text set in it looks right on the page while the PDF's Unicode map says "3" — exactly what an
    extractor meets in a journal PDF whose symbol font has no Unicode map and its × at code 0x33. So the
    symbol-font style's PDF carries the defect itself, for confmine's PDF reader as for the extractors.
    (Uses reportlab's TrueType face tables ``charToGlyph``/``charWidths``, stable since reportlab 2.)"""
    font = TTFont(name, str(path))
    face = font.face
    # reportlab registers one font per face name: under the file's own name this font would be
    # replaced by the regular one. Real symbol fonts have names of their own anyway.
    face.name = name.encode() if isinstance(face.name, bytes) else name
    for symbol, stand_in in SYMBOL_SUBSTITUTIONS.items():
        face.charToGlyph[ord(stand_in)] = face.charToGlyph[ord(symbol)]
        face.charWidths[ord(stand_in)] = face.charWidths[ord(symbol)]
    return font


# -- page furniture -----------------------------------------------------------------------------------

PAGE = A4
MARGIN = 20 * mm
FRAME_WIDTH = PAGE[0] - 2 * MARGIN
FRAME_HEIGHT = PAGE[1] - 2 * MARGIN
TITLE_SIZE, BODY_SIZE, CAPTION_SIZE, TABLE_SIZE, FOOTNOTE_SIZE = 12.0, 9.0, 8.5, 7.5, 6.5
"""Point sizes as in a two-column journal: tables and footnotes a step or two below the body."""
MIN_TABLE_SIZE = 5.0
"""A table too wide for the page is set smaller down to this size before its columns are squeezed."""
LEADING = 1.2
"""Line pitch as a multiple of the font size."""
CELL_PADDING = {"grid": 3.0, "booktabs": 4.0, "none": 7.0}
"""Left and right padding of a cell, in points: without rules the columns are told apart by whitespace
alone, so the gap between them (twice this) is wider, as in unruled journal tables."""
NARROW_SHARE = 0.6
"""The narrow style's columns get this share of their natural width (never less than their longest
word), which wraps every cell and header of more than one or two words."""

TITLES = (
    "Meeting digest: engineered cell and antibody therapies",
    "Session highlights in haematological malignancies",
    "Clinical programme update: immune effector therapies",
    "Conference summary: selected trial reports",
)
"""Title lines; none states a value of any table."""

PARAGRAPHS = (
    "This summary gathers results presented at recent meetings. The table lists the studies discussed "
    "in the session as their investigators reported them; the original presentations give full details.",
    "Engineered cell therapies and T-cell-engaging antibodies continue to move from early trials into "
    "wider use. Response and safety figures depend on the population treated, prior therapy and the "
    "length of follow-up, so comparisons across studies need care.",
    "The studies summarised here used different eligibility criteria and response assessments, and "
    "toxicities were graded by each study's own criteria. Cross-trial comparisons are indicative only.",
    "Follow-up is ongoing for most of the programmes shown, and later data cuts may change the estimates. "
    "Where the table leaves a value out, the source did not report it.",
    "Manufacturing, bridging therapy and access to treatment centres differ between programmes. The "
    "speakers discussed how these factors may shape the results seen outside clinical trials.",
    "Abbreviations are defined beneath the table. Values are given as reported at the meeting and have "
    "not been checked against later publications.",
)
"""Neutral prose: enough running text for a reader to tell the table from the page, and no number,
product, target or disease that could be taken for a trial fact."""


def page_text(grid: Grid) -> tuple[str, list[str]]:
    """The title and the one or two paragraphs printed above ``grid`` (the same for every style):
    chosen by a checksum of the grid id, so a rerun prints the same page."""
    key = zlib.crc32(grid.id.encode())
    title = TITLES[key % len(TITLES)]
    first = (key >> 4) % len(PARAGRAPHS)
    paragraphs = [PARAGRAPHS[first]]
    if (key >> 8) % 2:
        paragraphs.append(PARAGRAPHS[(first + 1 + (key >> 12) % (len(PARAGRAPHS) - 1)) % len(PARAGRAPHS)])
    return title, paragraphs


# -- markup ---------------------------------------------------------------------------------------------


def _footnote_letters(grid: Grid) -> frozenset[str]:
    """Lower-case letters that open a footnote as its mark ("a Dose escalation ...")."""
    return frozenset(note[0] for note in grid.footnotes if re.match(r"[a-z][ ,.:]", note))


def _markup(text: str, style: Style, fonts_: Fonts, letters: frozenset[str] = frozenset(),
            mark_at: Literal["end", "start", "none"] = "none") -> str:
    """Paragraph markup for one cell or line: XML-escaped, line breaks kept, powers of ten and footnote
    marks raised in the superscript styles, symbols in the unmapped font in the symbol-font style."""
    mark = ""
    if style.superscripts and mark_at != "none":
        mark, text = _split_mark(text, letters, mark_at)
    out = _inline(text, style, fonts_)
    if mark:
        raised = f"<super>{_inline(mark, style, fonts_)}</super>"
        out = out + raised if mark_at == "end" else raised + out
    return out


def _split_mark(text: str, letters: frozenset[str], mark_at: Literal["end", "start"]) -> tuple[str, str]:
    """(footnote mark, rest) of a cell that ends (or a footnote that starts) with one."""
    if mark_at == "end":
        found = re.search(rf"[{re.escape(FOOTNOTE_SYMBOLS)}]+$", text)
        if found:
            return found.group(), text[: found.start()]
        if text[-1:] in letters and re.search(r"[0-9A-Z)][a-z]$", text):  # "NCT04245722a", "(n = 12)b"
            return text[-1], text[:-1]
        return "", text
    found = re.match(rf"[{re.escape(FOOTNOTE_SYMBOLS)}]+ ?|[a-z] (?=[A-Z])", text)
    return (found.group().strip(), text[found.end():]) if found else ("", text)


def _inline(text: str, style: Style, fonts_: Fonts) -> str:
    pieces: list[str] = []
    position = 0
    for power in POWER_CARET.finditer(text) if style.superscripts else ():
        pieces.append(_symbols(text[position: power.start()], style, fonts_))
        pieces.append(f"10<super>{escape(power.group(1))}</super>")
        position = power.end()
    pieces.append(_symbols(text[position:], style, fonts_))
    return "".join(pieces).replace("\n", "<br/>")


def _symbols(text: str, style: Style, fonts_: Fonts) -> str:
    if not style.symbol_font:
        return escape(text)
    return "".join(
        f'<font name="{fonts_.symbol}">{SYMBOL_SUBSTITUTIONS[char]}</font>' if char in SYMBOL_SUBSTITUTIONS
        else escape(char)
        for char in text
    )


# -- the table ------------------------------------------------------------------------------------------


def _paragraph_styles(fonts_: Fonts, size: float) -> tuple[ParagraphStyle, ParagraphStyle]:
    body = ParagraphStyle("cell", fontName=fonts_.regular, fontSize=size, leading=size * LEADING)
    head = ParagraphStyle("head", parent=body, fontName=fonts_.bold)
    return body, head


def _column_widths(cells: list[list[str]], fonts_: Fonts, size: float, padding: float,
                   available: float, narrow: bool, raised: bool) -> list[float] | None:
    """Column widths in points, or None when even the longest words do not fit at this size.

    Natural width: the widest line of the column; floor: its longest word (a Paragraph never breaks a
    word, so a column narrower than one would overprint its neighbour). Too wide for the page: the
    widest columns are cut down to a common cap (water-filling) until the table fits. ``raised``: the
    powers of ten are drawn raised, without their caret (a raised digit is measured at full size, which
    errs wide)."""
    columns = list(zip(*cells, strict=True))
    natural, floor = [], []
    for column in columns:
        drawn = [POWER_CARET.sub(r"10\1", cell) if raised else cell for cell in column]
        lines = [(line, row == 0) for row, cell in enumerate(drawn) for line in cell.split("\n")]
        natural.append(max(stringWidth(line, fonts_.bold if head else fonts_.regular, size) for line, head in lines))
        words = [(word, head) for line, head in lines for word in line.split()] or [("", False)]
        floor.append(max(stringWidth(word, fonts_.bold if head else fonts_.regular, size) for word, head in words))
    natural = [width + 2 * padding + 1 for width in natural]
    floor = [width + 2 * padding + 1 for width in floor]
    if sum(floor) > available:
        return None
    if narrow:
        natural = [max(low, width * NARROW_SHARE) for low, width in zip(floor, natural, strict=True)]
    if sum(natural) <= available:
        return natural
    low, high = 0.0, max(natural)
    for _ in range(40):  # bisection on the cap; 40 halvings is far below a point
        cap = (low + high) / 2
        if sum(max(f, min(w, cap)) for f, w in zip(floor, natural, strict=True)) > available:
            high = cap
        else:
            low = cap
    return [max(f, min(w, low)) for f, w in zip(floor, natural, strict=True)]


def _table_style(style: Style, rows: int, padding: float) -> TableStyle:
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if style.rules == "grid":
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    elif style.rules == "booktabs":
        commands += [
            ("LINEABOVE", (0, 0), (-1, 0), 1.0, colors.black),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
            ("LINEBELOW", (0, rows - 1), (-1, rows - 1), 1.0, colors.black),
        ]
    return TableStyle(commands)


def _tables(grid: Grid, style: Style, fonts_: Fonts, available: float) -> list[Table]:
    """The grid as one Table, or two (each with the header) for the split style."""
    padding = CELL_PADDING[style.rules]
    size, widths = TABLE_SIZE, None
    while widths is None and size >= MIN_TABLE_SIZE:
        widths = _column_widths(grid.cells, fonts_, size, padding, available, style.narrow, style.superscripts)
        if widths is None:
            size -= 0.5
    if widths is None:  # a single word wider than the page allows; let it run over rather than fail
        size = MIN_TABLE_SIZE
        widths = [available / len(grid.header)] * len(grid.header)
    body, head = _paragraph_styles(fonts_, size)
    letters = _footnote_letters(grid)

    def row(cells: list[str], paragraph_style: ParagraphStyle) -> list[Paragraph]:
        return [Paragraph(_markup(cell, style, fonts_, letters, "end"), paragraph_style) for cell in cells]

    header = row(grid.header, head)
    parts = [grid.rows]
    if style.split_pages and len(grid.rows) > 1:
        half = (len(grid.rows) + 1) // 2
        parts = [grid.rows[:half], grid.rows[half:]]
    tables = []
    for part in parts:
        data = [header, *(row(cells, body) for cells in part)]
        table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(_table_style(style, len(data), padding))
        tables.append(table)
    return tables


class TooLarge(ValueError):
    """The grid cannot be printed in this style on one page (a rotated table taller than a page is wide)."""


class Rotated(Flowable):
    """Flowables drawn on a turned canvas: laid out as if the frame's height were its width, then
    rotated by ``angle`` degrees anticlockwise, so the glyphs themselves are rotated (a landscape table
    on a portrait page)."""

    def __init__(self, content: list[Flowable], angle: Literal[90, -90]) -> None:
        super().__init__()
        self.content = content
        self.angle = angle
        self.inner_width = 0.0
        self.inner_height = 0.0
        self.heights: list[float] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab's names)
        self.inner_width = availHeight
        self.heights = [flowable.wrap(self.inner_width, availWidth)[1] for flowable in self.content]
        self.inner_height = sum(self.heights)
        if self.inner_height > availWidth:  # would run off the page's edge: the gold would be wrong
            raise TooLarge(f"rotated table is {self.inner_height:.0f} pt tall, the page {availWidth:.0f} pt wide")
        return self.inner_height, self.inner_width

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        if self.angle == 90:  # inner x runs up the page, the inner top at the page's left edge
            canvas.translate(self.inner_height, 0)
        else:  # inner x runs down the page, the inner top at the page's right edge
            canvas.translate(0, self.inner_width)
        canvas.rotate(self.angle)
        y = self.inner_height
        for flowable, height in zip(self.content, self.heights, strict=True):
            y -= height
            flowable.drawOn(canvas, 0, y)
        canvas.restoreState()


# -- the document ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedPdf:
    path: Path
    pages: int
    table_page: int  # the page the table starts on (1-based)


class _Document(SimpleDocTemplate):
    """A doc template that notes the page on which the first table (or rotated block) is drawn."""

    table_page = 0

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab's hook)
        if getattr(flowable, "forge_table", False) and not self.table_page:
            self.table_page = self.page


def _page_number(fonts_: Fonts) -> Callable[[Canvas, SimpleDocTemplate], None]:
    """The page-number footer (running furniture every extractor reads along with the table)."""

    def draw(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(fonts_.regular, FOOTNOTE_SIZE)
        canvas.drawCentredString(PAGE[0] / 2, MARGIN / 2, str(document.page))
        canvas.restoreState()

    return draw


def _continued(caption: str) -> str:
    """The label over a table's second part: "Table 2. (continued)" from "Table 2. Outcomes of ..."."""
    found = re.match(r"\s*(Table\s+\S+?)[.:]?\s", caption)
    return f"{found.group(1) if found else 'Table'}. (continued)"


def render_pdf(grid: Grid, style: Style, path: Path) -> RenderedPdf:
    """Draw ``grid`` in ``style`` to ``path``: title, neutral prose, caption, table, footnotes."""
    fonts_ = fonts(style.family)
    title, paragraphs = page_text(grid)
    title_style = ParagraphStyle("title", fontName=fonts_.bold, fontSize=TITLE_SIZE, leading=TITLE_SIZE * LEADING,
                                 spaceAfter=8)
    body_style = ParagraphStyle("body", fontName=fonts_.regular, fontSize=BODY_SIZE, leading=BODY_SIZE * LEADING,
                                spaceAfter=6)
    caption_style = ParagraphStyle("caption", fontName=fonts_.bold, fontSize=CAPTION_SIZE,
                                   leading=CAPTION_SIZE * LEADING, spaceBefore=4, spaceAfter=4)
    note_style = ParagraphStyle("note", fontName=fonts_.regular, fontSize=FOOTNOTE_SIZE,
                                leading=FOOTNOTE_SIZE * LEADING)
    letters = _footnote_letters(grid)

    story: list[Flowable] = [Paragraph(_markup(title, style, fonts_), title_style)]
    story += [Paragraph(_markup(text, style, fonts_), body_style) for text in paragraphs]
    story.append(Spacer(1, 6))

    available = FRAME_HEIGHT if style.rotated else FRAME_WIDTH
    tables = _tables(grid, style, fonts_, available)
    caption = Paragraph(_markup(grid.caption, style, fonts_), caption_style)
    notes = [Paragraph(_markup(note, style, fonts_, letters, "start"), note_style) for note in grid.footnotes]
    block: list[Flowable]
    if len(tables) == 2:
        block = [caption, tables[0], PageBreak(),
                 Paragraph(_markup(_continued(grid.caption), style, fonts_), caption_style), tables[1],
                 Spacer(1, 4), *notes]
    elif style.caption_below:
        block = [tables[0], caption, Spacer(1, 2), *notes]
    else:
        block = [caption, tables[0], Spacer(1, 4), *notes]

    if style.rotated:
        rotated = Rotated(block, 90 if style.rotation == 90 else -90)
        rotated.forge_table = True  # type: ignore[attr-defined]
        story += [PageBreak(), rotated]
    elif len(tables) == 2:
        tables[0].forge_table = True  # type: ignore[attr-defined]
        story += block
    else:
        tables[0].forge_table = True  # type: ignore[attr-defined]
        story.append(KeepTogether(block))

    path.parent.mkdir(parents=True, exist_ok=True)
    document = _Document(str(path), pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                         bottomMargin=MARGIN, invariant=True, title=title, author="confmine table forge")
    number = _page_number(fonts_)
    document.build(story, onFirstPage=number, onLaterPages=number)
    return RenderedPdf(path, document.page, document.table_page or 1)

"""Glyphs from either PDF engine, and the frames in which rotated text reads upright.

A ``Glyph`` is what the layout reads: most are whole words of pypdfium2's text layer
(``pdf_words``); characters read one by one come from pypdfium2 too (a word that mixes text objects,
in ``pdf_words``; a whole page whose text the layer cannot cut by position, ``pdfium_glyphs``) or, to
compare the engines in the tests, from pdfplumber (``glyphs_from_plumber``). One layout routine
serves them all, and a page reads the same whichever way it was read.

Coordinates are *display* coordinates: the page as a viewer shows it after its /Rotate, x to the right,
y downwards, in points. A glyph also carries its ``orient``: the directions, on the display, of its
advance (where the next character goes) and of its "up". Upright text has advance (1, 0) and up
(0, -1); a table turned 90° anticlockwise reads bottom-to-top: advance (0, -1), up (-1, 0). Mirrored
text has the up vector on the other side. ``to_frame`` maps a glyph into the frame where its own
orientation is upright, so rotated text is laid out by the same code as upright text.
"""

from __future__ import annotations

import ctypes
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

Orient = tuple[int, int, int, int]
"""(advance_x, advance_y, up_x, up_y) as axis unit vectors in display space (y down)."""

UPRIGHT: Orient = (1, 0, 0, -1)
_LIGATURES = re.compile("[\ufb00-\ufb06]")
_CID = re.compile(r"\(cid:\d+\)")
_PDFIUM_HYPHENS = "\x02\ufffe"
"""What pdfium puts for a hyphen it recognised at a line end."""
_SAME_BOX = 0.01
"""Points: consecutive characters with the same box are one glyph (a ligature spelled out)."""
Box = tuple[float, float, float, float]
"""(x0, top, x1, bottom)."""


class Glyph(NamedTuple):
    """One character, or a whole word of one text object (``pdf_words``), with its box (in the current
    frame), font size and orientation on the display.

    A named tuple: pages carry thousands of glyphs, and tuples are the cheapest to make and read.
    ``starts`` says that the PDF drew a space before it: a word starts here whatever the gap (glyphs
    read one by one leave it False and are split by their gaps and space glyphs).
    """

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    orient: Orient = UPRIGHT
    starts: bool = False

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


def snap_orient(advance: tuple[float, float], up: tuple[float, float]) -> Orient:
    """Round a glyph's advance and up vectors (display space) to the nearest axis directions.

    Skewed text (a few degrees off) snaps to its axis; text at 45° snaps to one side, which the
    layout then reads as best it can. A degenerate matrix (up along the advance) gets the up of
    unmirrored text.
    """
    ax, ay = _axis(advance)
    ux, uy = _axis(up)
    if ax * ux + ay * uy != 0:
        ux, uy = ay, -ax
    return ax, ay, ux, uy


def _axis(vector: tuple[float, float]) -> tuple[int, int]:
    x, y = vector
    if abs(x) >= abs(y):
        return (1 if x >= 0 else -1, 0)
    return (0, 1 if y >= 0 else -1)


def _map_point(orient: Orient, x: float, y: float) -> tuple[float, float]:
    ax, ay, ux, uy = orient
    return ax * x + ay * y, -(ux * x + uy * y)


def frame_box(box: Box, orient: Orient) -> Box:
    """The box, given in display space, as seen in the frame where ``orient`` is upright."""
    xa, ya = _map_point(orient, box[0], box[1])
    xb, yb = _map_point(orient, box[2], box[3])
    return min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)


def to_frame(glyphs: Iterable[Glyph], orient: Orient) -> list[Glyph]:
    """Glyphs re-expressed in the frame where ``orient`` reads upright (left to right, top to bottom)."""
    if orient == UPRIGHT:
        return list(glyphs)
    out = []
    for g in glyphs:
        x0, top, x1, bottom = frame_box((g.x0, g.top, g.x1, g.bottom), orient)
        out.append(Glyph(g.text, x0, top, x1, bottom, g.size, g.orient, g.starts))
    return out


def _up_extent(box: Box, orient: Orient) -> float:
    """The glyph box's extent along its up axis: its font size as drawn."""
    return box[3] - box[1] if orient[3] != 0 else box[2] - box[0]


def clean_text(text: str) -> str:
    """A glyph's text as both engines should agree on it.

    Ligatures are spelled out ("ﬁ" -> "fi": pdfium does, pdfminer does not); control characters and
    pdfminer's "(cid:N)" (glyphs without a Unicode mapping) are dropped.
    """
    if _CID.fullmatch(text):
        return ""
    text = _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) != "Cc")


# --- pdfplumber --------------------------------------------------------------------------------


def glyphs_from_plumber(chars: Sequence[dict[str, Any]]) -> list[Glyph]:
    """pdfplumber chars (display space, matrix with the page rotation applied) as glyphs.

    pdfplumber's own ``size`` is the box width for non-upright glyphs, so the size is taken from the
    box along the glyph's up axis instead.
    """
    glyphs = []
    for c in chars:
        text = clean_text(c.get("text") or "")
        if not text:
            continue
        a, b, cc, d = c["matrix"][:4]
        orient = snap_orient((a, -b), (cc, -d))
        box = (float(c["x0"]), float(c["top"]), float(c["x1"]), float(c["bottom"]))
        size = _up_extent(box, orient) or float(c.get("size") or 0.0)
        glyphs.append(Glyph(text, *box, size=size, orient=orient))
    return glyphs


# --- pypdfium2 ---------------------------------------------------------------------------------

def display_transform(page: pdfium.PdfPage) -> tuple[float, float, float, float, float, float]:
    """Affine (a, b, c, d, e, f) from PDF user space (y up) to display space (y down, /Rotate
    applied): X = a*x + b*y + e, Y = c*x + d*y + f."""
    left, bottom, right, top = page.get_bbox()
    return {
        0: (1.0, 0.0, 0.0, -1.0, -left, top),
        90: (0.0, 1.0, 1.0, 0.0, -bottom, -left),
        180: (-1.0, 0.0, 0.0, 1.0, right, -bottom),
        270: (0.0, -1.0, -1.0, 0.0, top, right),
    }[page.get_rotation() % 360]


_TEXT_OBJECT = ctypes.cast(pdfium_c.FPDFText_GetTextObject,
                           ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int))
"""FPDFText_GetTextObject returning a plain address, to key a cache by text object cheaply."""


def pdfium_glyphs(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> list[Glyph]:
    """Every drawn character of a pdfium page, in display space.

    Characters pdfium generates itself (spaces and line breaks it infers) are skipped: the layout
    infers its own. This loop is the fast pass over every page, so it makes one pdfium call per
    character (its box); matrix and font size belong to the text object and are read once per object.
    """
    a, b, c, d, e, f = display_transform(page)
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    if len(text) != count:  # characters outside the BMP: fall back to one call per character
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage, i)) for i in range(count))
    rect, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    loose_box, get_matrix = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetMatrix
    font_size, generated = pdfium_c.FPDFText_GetFontSize, pdfium_c.FPDFText_IsGenerated
    raw = textpage.raw
    styles: dict[int, tuple[float, Orient]] = {}
    glyphs: list[Glyph] = []
    prev: Glyph | None = None
    for i, ch in enumerate(text):
        if ch in _PDFIUM_HYPHENS:
            ch = "-"
        elif not ch.isprintable() or ch.isspace():
            if ch in "\r\n" or generated(raw, i) == 1:
                continue
            ch = clean_text(ch)
        elif not ch.isascii():
            ch = clean_text(ch)
        if not ch or not loose_box(raw, i, rect):
            continue
        handle = _TEXT_OBJECT(raw, i) or -i - 1
        style = styles.get(handle)
        if style is None:
            if not get_matrix(raw, i, matrix):
                continue
            scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c)) or 1.0
            advance = (a * matrix.a + b * matrix.b, c * matrix.a + d * matrix.b)
            up = (a * matrix.c + b * matrix.d, c * matrix.c + d * matrix.d)
            style = styles[handle] = (font_size(raw, i) * scale, snap_orient(advance, up))
        x0, x1 = a * rect.left + b * rect.top + e, a * rect.right + b * rect.bottom + e
        y0, y1 = c * rect.left + d * rect.top + f, c * rect.right + d * rect.bottom + f
        glyph = Glyph(ch, min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), *style)
        if prev is not None and abs(prev.x0 - glyph.x0) < _SAME_BOX and _same_box(prev, glyph):
            glyph = Glyph(glyphs.pop().text + ch, *glyph[1:])  # a ligature pdfium spelled out ("ffi")
        glyphs.append(glyph)
        prev = glyph
    return glyphs


def _same_box(a: Glyph, b: Glyph) -> bool:
    return a.orient == b.orient and not a.text.isspace() and not b.text.isspace() and all(
        abs(u - v) < _SAME_BOX for u, v in ((a.x0, b.x0), (a.x1, b.x1), (a.top, b.top), (a.bottom, b.bottom))
    )

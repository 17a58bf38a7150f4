"""Test PDFs drawn with reportlab, each with the ground truth a reader must give back.

- ``conference_summary``: a conference-summary page with a two-column body whose line ends are
  hyphenated, a dose with a real superscript ("6 × 10⁸"), then the same clinical table printed
  rotated 90° (anticlockwise, booktabs rules) and 270° (clockwise, a full grid of rules);
- ``long_document``: many such pages, for the speed and memory benchmark;
- ``article_pdf``: any document given as blocks of text and tables (two-column body, tables upright or
  rotated on pages of their own, back matter), in an installed Unicode TrueType font
  (``unicode_typeface``); ``tests/test_pdf_parity.py`` draws the example document with it;
- ``encrypted_pdf``, ``corrupt_pdf``, ``truncated_pdf``, ``zero_page_pdf``, ``image_only_pdf``: the
  files a reader must refuse with a clear message.

Everything is drawn line by line on the canvas (no Platypus), so the generator knows exactly where each
line, hyphen and cell ends up.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

FONT, BOLD = "Helvetica", "Helvetica-Bold"
BODY_SIZE, TABLE_SIZE = 9.0, 7.5
LEADING = 1.25
"""Line pitch as a multiple of the font size."""
SUPERSCRIPT_SCALE, SUPERSCRIPT_RISE = 0.6, 0.35
"""A superscript's size and baseline rise as fractions of the body size (Word's defaults, roughly)."""
MARGIN = 18 * mm
GUTTER = 8 * mm

TITLE = "CAR-NK cell therapy at ASH 2024: a synthetic meeting summary"
AUTHORS = "A. Tester, B. Generator and C. Fixture"

LEFT_COLUMN = [
    "Natural killer cells engineered with chimeric antigen receptors are attracting attention "
    "because allogeneic products can be manufactured in advance and stored, which removes the "
    "waiting time that limits autologous manufacturing for rapidly progressing leukemias.",
    "Several groups reported phase one experience with cord blood derived products. In the "
    "largest cohort, patients received three dose levels and the maximum dose was 6 × 10^8 "
    "cells per infusion without dose limiting toxicities or neurotoxicity.",
]
RIGHT_COLUMN = [
    "Persistence remains the central limitation: circulating cells were rarely detectable beyond "
    "four weeks, and investigators are combining interleukin fifteen armoring with repeated "
    "dosing schedules to extend exposure.",
    "The clinical results presented at the meeting are summarised in Table 2, which is printed "
    "rotated on the following pages together with the abbreviations used in its columns.",
]

CAPTION = "Table 2 Clinical trials of CAR-NK cells presented at the meeting"
FOOTNOTE = "ORR overall response rate, CR complete remission, CRS cytokine release syndrome"
HEADER = ["Abstract", "NCT number", "Disease", "NK source", "Target", "Patients", "Dose (10^8 cells)",
          "ORR/CR", "CRS/ICANS"]
ROWS = [
    ["1001", "NCT05008536", "R/R AML", "Cord blood", "CD33", "10", "1.0, 2.0 and 3.0", "60%/40%",
     "CRS grade 1 (2); no ICANS"],
    ["2417", "NCT05215015", "R/R B-ALL", "iPSC-derived", "CD19/CD22", "7", "6.0 x 3 rounds", "71%/57%",
     "None"],
    ["3390", "NCT05247957", "Multiple myeloma", "Peripheral blood", "BCMA", "12", "0.5 to 1.8",
     "83%/25%", "CRS grade 2 (1); ICANS grade 1 (1)"],
    ["4102", "NCT04796675", "R/R B-NHL", "Cord blood", "CD19", "9", "2.0", "67%/44%", "None"],
]
COLUMN_WIDTHS = [44, 66, 58, 58, 52, 40, 72, 48, 92]
"""Points; narrow enough that some cells wrap onto a second line."""


@dataclass
class Summary:
    """What ``conference_summary`` drew: the body paragraphs in reading order and the table."""

    path: Path
    paragraphs: list[str]
    hyphenated: list[str] = field(default_factory=list)
    caption: str = CAPTION
    header: list[str] = field(default_factory=lambda: list(HEADER))
    rows: list[list[str]] = field(default_factory=lambda: [list(r) for r in ROWS])
    footnote: str = FOOTNOTE


# --- drawing helpers -----------------------------------------------------------------------------


def _width(text: str, size: float, font: str = FONT) -> float:
    return sum(_run_width(run, sup, size, font) for run, sup in _runs(text))


LITERAL_CARET = "^^"
"""Written in a text to draw, a caret printed as it is ("5 x 10^^6" prints "5 x 10^6", nothing raised):
the lookalike of a superscript that plain-text doses in abstracts are full of."""


def _runs(text: str) -> list[tuple[str, bool]]:
    """Split "10^8 cells" into ("10", False), ("8", True), (" cells", False); "^^" is a caret as printed."""
    out: list[tuple[str, bool]] = []
    parts = text.replace(LITERAL_CARET, "\x00").split("^")
    out.append((parts[0], False))
    for part in parts[1:]:
        digits = len(part) - len(part.lstrip("0123456789-"))
        out.append((part[:digits], True))
        out.append((part[digits:], False))
    return [(run.replace("\x00", "^"), sup) for run, sup in out if run]


def _run_width(run: str, sup: bool, size: float, font: str) -> float:
    return stringWidth(run, font, size * SUPERSCRIPT_SCALE if sup else size)


def draw_text(canvas: Canvas, x: float, y: float, text: str, size: float, font: str = FONT) -> None:
    """Draw a line at baseline ``y``; ``^digits`` are drawn as a real superscript (smaller, raised)."""
    for run, sup in _runs(text):
        run_size = size * SUPERSCRIPT_SCALE if sup else size
        canvas.setFont(font, run_size)
        canvas.drawString(x, y + (size * SUPERSCRIPT_RISE if sup else 0.0), run)
        x += _run_width(run, sup, size, font)


def wrap(text: str, width: float, size: float, hyphenate: bool = False, font: str = FONT
         ) -> tuple[list[str], list[str]]:
    """Greedy line breaking; with ``hyphenate``, a long lowercase word that does not fit is split
    with a hyphen (at least four letters on each side). Returns the lines and the split words."""
    lines: list[str] = []
    split_words: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if _width(candidate, size, font) <= width:
            line = candidate
            continue
        if hyphenate and word.isalpha() and word.islower() and len(word) >= 9:
            for cut in range(len(word) - 4, 3, -1):
                head = f"{line} {word[:cut]}-".strip()
                if _width(head, size, font) <= width:
                    lines.append(head)
                    split_words.append(word)
                    line = word[cut:]
                    break
            else:
                lines.append(line)
                line = word
            continue
        lines.append(line)
        line = word
    if line:
        lines.append(line)
    return lines, split_words


# --- the conference summary ------------------------------------------------------------------------


def _draw_body(canvas: Canvas, top: float) -> list[str]:
    """Two columns of hyphenated prose; returns the words split across lines."""
    page_width, _ = A4
    column = (page_width - 2 * MARGIN - GUTTER) / 2
    split: list[str] = []
    for x, paragraphs in ((MARGIN, LEFT_COLUMN), (MARGIN + column + GUTTER, RIGHT_COLUMN)):
        y = top
        for paragraph in paragraphs:
            lines, words = wrap(paragraph, column, BODY_SIZE, hyphenate=True)
            split.extend(words)
            for line in lines:
                draw_text(canvas, x, y, line, BODY_SIZE)
                y -= BODY_SIZE * LEADING
            y -= BODY_SIZE  # paragraph space
    return split


def _running_head(canvas: Canvas, page: int, pages: int) -> None:
    canvas.setFont(FONT, 7)
    canvas.drawString(MARGIN, A4[1] - 12 * mm, f"Page {page} of {pages}   Synthetic Meeting Reports 2024")


def _draw_front(canvas: Canvas, page_number: int, pages: int) -> float:
    """Title block and running head; returns the baseline where the body starts."""
    _, height = A4
    _running_head(canvas, page_number, pages)
    y = height - MARGIN - 10
    canvas.setFont(BOLD, 14)
    canvas.drawString(MARGIN, y, TITLE)
    y -= 20
    canvas.setFont(FONT, 9)
    canvas.drawString(MARGIN, y, AUTHORS)
    return y - 28


def _cell_lines(text: str, width: float) -> list[str]:
    return wrap(text, width - 6, TABLE_SIZE)[0] or [""]


def _row_heights() -> list[float]:
    pitch = TABLE_SIZE * LEADING
    return [max(len(_cell_lines(c, w)) for c, w in zip(row, COLUMN_WIDTHS, strict=True)) * pitch + 6
            for row in [HEADER, *ROWS]]


def table_size() -> tuple[float, float]:
    """Width and height of the drawn table block (caption to footnote), in points."""
    return sum(COLUMN_WIDTHS), 9 + 1.2 * TABLE_SIZE * LEADING + sum(_row_heights()) + 12


def draw_table(canvas: Canvas, ruled: bool, caption: str = CAPTION) -> None:
    """The clinical table with its top-left corner at the local origin (y up), caption above."""
    pitch = TABLE_SIZE * LEADING
    width = sum(COLUMN_WIDTHS)
    xs = [sum(COLUMN_WIDTHS[:k]) for k in range(len(COLUMN_WIDTHS) + 1)]
    canvas.setFont(BOLD, 9)
    canvas.drawString(0, -9, caption)
    y = -9 - 1.2 * pitch
    row_tops = [y]
    for r, (row, height) in enumerate(zip([HEADER, *ROWS], _row_heights(), strict=True)):
        for cell, w, x in zip(row, COLUMN_WIDTHS, xs, strict=False):
            for k, line in enumerate(_cell_lines(cell, w)):
                draw_text(canvas, x + 3, y - 3 - TABLE_SIZE - k * pitch, line, TABLE_SIZE,
                          BOLD if r == 0 else FONT)
        y -= height
        row_tops.append(y)
    canvas.setLineWidth(0.5)
    if ruled:
        for top in row_tops:
            canvas.line(0, top, width, top)
        for x in xs:
            canvas.line(x, row_tops[0], x, row_tops[-1])
    else:
        for top in (row_tops[0], row_tops[1], row_tops[-1]):
            canvas.line(0, top, width, top)
    canvas.setFont(FONT, 6.5)
    canvas.drawString(0, y - 10, FOOTNOTE)


def _draw_rotated_table(canvas: Canvas, angle: int, ruled: bool, caption: str = CAPTION) -> None:
    """The table turned by ``angle`` (90: reads bottom to top; 270: top to bottom), centred."""
    page_width, page_height = A4
    width, height = table_size()
    canvas.saveState()
    if angle == 90:
        canvas.translate((page_width - height) / 2, (page_height - width) / 2)
        canvas.rotate(90)
    else:
        canvas.translate((page_width + height) / 2, (page_height + width) / 2)
        canvas.rotate(-90)
    draw_table(canvas, ruled, caption)
    canvas.restoreState()


def summary_pages(canvas: Canvas, first: int, pages: int) -> list[str]:
    """Draw the three pages of one summary (body, table at 90°, table at 270°)."""
    top = _draw_front(canvas, first, pages)
    split = _draw_body(canvas, top)
    canvas.showPage()
    for k, (angle, ruled) in enumerate(((90, False), (270, True))):
        _running_head(canvas, first + k + 1, pages)
        _draw_rotated_table(canvas, angle, ruled)
        canvas.showPage()
    return split


def conference_summary(path: Path) -> Summary:
    """Three pages: two-column body with hyphenation and a superscript, the table at 90° and 270°."""
    canvas = Canvas(str(path), pagesize=A4)
    split = summary_pages(canvas, 1, 3)
    canvas.save()
    return Summary(path, [*LEFT_COLUMN, *RIGHT_COLUMN], split)


def long_document(path: Path, pages: int = 300, table_every: int = 10) -> None:
    """A long summary for the benchmark: body pages (every fifth with a superscript dose), and every
    ``table_every`` pages the rotated table."""
    canvas = Canvas(str(path), pagesize=A4)
    page = 1
    while page <= pages:
        if page % table_every == 0:
            _running_head(canvas, page, pages)
            _draw_rotated_table(canvas, 90 if page % (2 * table_every) else 270, ruled=page % 3 == 0)
            canvas.showPage()
            page += 1
            continue
        top = _draw_front(canvas, page, pages)
        if page % 5 != 1:
            _plain_body(canvas, top)
        else:
            _draw_body(canvas, top)
        canvas.showPage()
        page += 1
    canvas.save()


def _plain_body(canvas: Canvas, top: float) -> None:
    """A full two-column page of prose without superscripts (the common case in a long summary)."""
    page_width, _ = A4
    column = (page_width - 2 * MARGIN - GUTTER) / 2
    text = " ".join(p.replace("^8", "8") for p in LEFT_COLUMN + RIGHT_COLUMN)
    for x in (MARGIN, MARGIN + column + GUTTER):
        y = top
        while y > MARGIN + 40:
            for line in wrap(text, column, BODY_SIZE, hyphenate=True)[0]:
                if y <= MARGIN:
                    break
                draw_text(canvas, x, y, line, BODY_SIZE)
                y -= BODY_SIZE * LEADING
            y -= BODY_SIZE


# --- the benchmark's long documents ------------------------------------------------------------------

DISEASES = ("relapsed or refractory multiple myeloma", "relapsed B-cell acute lymphoblastic leukemia",
            "large B-cell lymphoma", "acute myeloid leukemia", "mantle cell lymphoma", "T-cell lymphoma")
TARGETS = ("CD19", "BCMA", "GPRC5D", "CD22", "CD33", "CD7", "CD123", "CD70")
PRODUCTS = ("cord blood derived CAR-NK cells", "autologous CAR-T cells", "allogeneic CAR-T cells",
            "a bispecific T-cell engager", "iPSC-derived NK cells", "dual-targeting CAR-T cells")
PROSE_PITCH = BODY_SIZE * LEADING
MEETINGS = ("ASH", "EHA", "ASCO", "EBMT", "TCT", "ICML", "IMS", "SOHO")


def _caption(rng: random.Random, number: int) -> str:
    """A caption of its own for each table: a caption line recurring page after page with only its
    number changed is what a running head looks like, and the text path removes those."""
    return (f"Table {number} {rng.choice(PRODUCTS).capitalize()} against {rng.choice(TARGETS)} in "
            f"{rng.choice(DISEASES)} ({rng.choice(MEETINGS)})")


def _dose(rng: random.Random, raised: bool) -> str:
    """A dose in one of the notations abstracts use; ``raised`` draws the power of ten as a real
    superscript, otherwise it is written flat with a caret ("5 x 10^6"), a lookalike."""
    mantissa = rng.choice(("1", "2", "3", "5", "6", "1.5", "2.5"))
    power = rng.choice(("6", "7", "8"))
    if raised:
        return f"{mantissa} × 10^{power} cells per infusion"
    return f"{mantissa} x 10{LITERAL_CARET}{power} {rng.choice(('cells/kg', 'CAR+ cells/kg', 'cells'))}"


def _sentence(rng: random.Random, raised: bool) -> str:
    """One sentence of a meeting summary, with trial facts for the text stages to find."""
    nct = f"NCT0{rng.randrange(1000000, 5999999)}"
    n, orr = rng.randrange(6, 80), rng.randrange(30, 96)
    kind = rng.randrange(7)
    if kind == 0:
        return (f"In the phase {rng.choice(('1', '2', '1/2'))} study {nct}, {n} patients with "
                f"{rng.choice(DISEASES)} received {rng.choice(PRODUCTS)} against {rng.choice(TARGETS)} "
                f"at {_dose(rng, raised)}.")
    if kind == 1:
        return (f"The overall response rate was {orr}% and {rng.randrange(10, orr)}% of patients reached "
                f"complete remission after a median follow-up of {rng.randrange(3, 30)} months.")
    if kind == 2:
        return (f"Cytokine release syndrome of grade {LITERAL_CARET}{rng.randrange(2, 4)} (written as such in "
                f"the slides) occurred in {rng.randrange(0, 9)} patients, and ICANS in {rng.randrange(0, 5)}.")
    if kind == 3:
        return (f"Expansion peaked at day {rng.randrange(7, 21)} with CD3{LITERAL_CARET}+ counts of "
                f"{rng.randrange(2, 9)} x 10{LITERAL_CARET}3 per microlitre, and persistence was measured "
                "by flow cytometry and digital droplet PCR.")
    if kind == 4:
        return (f"Lymphodepletion used fludarabine {rng.choice(('25', '30'))} mg/m2 and cyclophosphamide "
                f"{rng.choice(('250', '300', '500'))} mg/m2 for three days before the infusion.")
    if kind == 5:
        return (f"Investigators of {nct} escalated from {_dose(rng, False)} to {_dose(rng, raised)} "
                "without dose limiting toxicities.")
    return ("Persistence remains the central limitation, and several groups are combining cytokine "
            "armoring with repeated dosing schedules to extend exposure and deepen responses.")


def _paragraphs(rng: random.Random, count: int, raised: int) -> list[str]:
    """``count`` paragraphs of three to six sentences; the first ``raised`` doses get a real superscript."""
    out = []
    for _ in range(count):
        sentences = []
        for _ in range(rng.randrange(3, 7)):
            sentences.append(_sentence(rng, raised > 0))
            raised -= "×" in sentences[-1]
        out.append(" ".join(sentences))
    return out


def _prose_columns(canvas: Canvas, top: float, bottom: float, paragraphs: Sequence[str]) -> None:
    """Two columns of hyphenated prose between baselines ``top`` and ``bottom``, a blank em between
    paragraphs; what does not fit is left out."""
    page_width, _ = A4
    column = (page_width - 2 * MARGIN - GUTTER) / 2
    lines: list[str | None] = []
    for paragraph in paragraphs:
        lines.extend(wrap(paragraph, column, BODY_SIZE, hyphenate=True)[0])
        lines.append(None)
    for x in (MARGIN, MARGIN + column + GUTTER):
        y = top
        while lines and y > bottom:
            line = lines.pop(0)
            if line is None:
                y -= BODY_SIZE
                continue
            draw_text(canvas, x, y, line, BODY_SIZE)
            y -= PROSE_PITCH


def _bench_head(canvas: Canvas, page: int, pages: int, heading: str) -> float:
    """Running head and a bold heading; returns the baseline where the body starts."""
    _running_head(canvas, page, pages)
    y = A4[1] - MARGIN - 6
    canvas.setFont(BOLD, 11)
    canvas.drawString(MARGIN, y, heading)
    return y - 20


def prose_document(path: Path, pages: int = 120, seed: int = 0, raised_every: int = 5) -> None:
    """Dense prose pages (two columns, about 5,600 characters each) full of superscript lookalikes:
    doses written flat with a caret ("5 x 10^6 cells/kg"), "grade ^3", "CD3^+". Every
    ``raised_every``-th page also prints real doses with a raised power of ten ("6 × 10⁸")."""
    canvas = Canvas(str(path), pagesize=A4)
    for page in range(1, pages + 1):
        rng = random.Random(seed * 100003 + page)
        top = _bench_head(canvas, page, pages, f"Session {page}: cellular therapies in haematological cancers")
        raised = 3 if page % raised_every == 0 else 0
        _prose_columns(canvas, top, MARGIN, _paragraphs(rng, 14, raised))
        canvas.showPage()
    canvas.save()


def _bench_table(rng: random.Random, number: int) -> TableSpec:
    header = ["Study", "Product", "Target", "Patients", "Dose", "ORR", "CR", "CRS >=3"]
    rows = []
    for _ in range(8):
        n, orr = rng.randrange(6, 80), rng.randrange(30, 96)
        rows.append([f"NCT0{rng.randrange(1000000, 5999999)}", rng.choice(("CAR-NK", "CAR-T", "BiTE", "TIL")),
                     rng.choice(TARGETS), str(n), f"{rng.choice(('1', '2', '5'))} x 10{LITERAL_CARET}"
                     f"{rng.choice('678')}", f"{orr}%", f"{rng.randrange(10, orr)}%", str(rng.randrange(0, 4))])
    return TableSpec(_caption(rng, number), header, rows,
                     ["ORR overall response rate, CR complete remission, CRS cytokine release syndrome"],
                     rules="none")


def upright_table_document(path: Path, pages: int = 120, seed: int = 0) -> None:
    """Every page: prose in two columns above an upright table printed without any rule (columns by
    white space alone), with its caption and footnote, and prose again below it."""
    canvas = Canvas(str(path), pagesize=A4)
    face = Typeface()
    for page in range(1, pages + 1):
        rng = random.Random(seed * 100003 + page)
        top = _bench_head(canvas, page, pages, f"Session {page}: trials in this session")
        _prose_columns(canvas, top, top - 22 * PROSE_PITCH, _paragraphs(rng, 4, 0))
        table, widths = fitted(_bench_table(rng, page), A4[0] - 2 * MARGIN, face)
        table_top = top - 24 * PROSE_PITCH
        canvas.saveState()
        canvas.translate(MARGIN, table_top)
        draw_grid(canvas, table, widths, face)
        canvas.restoreState()
        below = table_top - grid_height(table, widths, face) - 2 * PROSE_PITCH
        _prose_columns(canvas, below, MARGIN, _paragraphs(rng, 4, 0))
        canvas.showPage()
    canvas.save()


def rotated_table_document(path: Path, pages: int = 120, seed: int = 0, table_every: int = 10) -> None:
    """Dense prose pages (``prose_document``'s, a real raised dose every fifth page), and every
    ``table_every``-th page the summary's clinical table turned 90° (booktabs) or 270° (a full grid),
    alone on its page."""
    canvas = Canvas(str(path), pagesize=A4)
    for page in range(1, pages + 1):
        if page % table_every == 0:
            _running_head(canvas, page, pages)
            _draw_rotated_table(canvas, 90 if page % (2 * table_every) else 270, ruled=page % (2 * table_every) == 0,
                                caption=_caption(random.Random(seed * 100003 + page), page // table_every))
        else:
            rng = random.Random(seed * 100003 + page)
            top = _bench_head(canvas, page, pages, f"Session {page}: cellular therapies in haematological cancers")
            _prose_columns(canvas, top, MARGIN, _paragraphs(rng, 14, 3 if page % 5 == 0 else 0))
        canvas.showPage()
    canvas.save()


BENCH_DOCUMENTS = {"prose": prose_document, "upright_tables": upright_table_document,
                   "rotated_tables": rotated_table_document}
"""The benchmark's three kinds of long document (``bench/pdf_speed.py``), by name."""


# --- an article drawn from a document's own text and tables -------------------------------------------


@dataclass(frozen=True)
class Typeface:
    """The regular and bold fonts an article is drawn in (registered reportlab font names)."""

    regular: str = FONT
    bold: str = BOLD


FONT_FILES = (("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"), ("Arial.ttf", "Arial Bold.ttf"),
              ("arial.ttf", "arialbd.ttf"), ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
              ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"))
"""Sans-serif pairs with Greek and Latin Extended glyphs; Helvetica-compatible metrics first."""
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts", "/Library/Fonts",
             "/System/Library/Fonts/Supplemental", "C:/Windows/Fonts")


def unicode_typeface(characters: str) -> Typeface | None:
    """An installed TrueType regular/bold pair with a glyph for each of ``characters``, registered with
    reportlab; None when there is none. (The standard PDF fonts only know WinAnsi: a Greek letter drawn
    in Helvetica comes out as an empty box, so a document with "CD3ζ" needs an embedded font.)"""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    needed = {ord(c) for c in characters if not c.isspace()}
    folders = [folder for name in FONT_DIRS if (folder := Path(name).expanduser()).is_dir()]
    for files in FONT_FILES:
        for folder in folders:
            paths = [next(folder.rglob(name), None) for name in files]
            if None in paths:
                continue
            faces = [TTFont(path.stem, str(path)) for path in paths if path is not None]
            if all(needed <= set(face.face.charToGlyph) for face in faces):
                for face in faces:
                    pdfmetrics.registerFont(face)
                return Typeface(faces[0].fontName, faces[1].fontName)
    return None


@dataclass
class Block:
    """A unit of running text: a heading, a paragraph, a numbered list entry (``label`` "1.", hanging
    indent) or a glossary line (``label`` the short form, ``text`` the long form)."""

    kind: Literal["heading", "paragraph", "entry", "glossary"]
    text: str
    label: str = ""


@dataclass
class TableSpec:
    """A table to draw: the full caption ("Table 2 ..."), header, rows (``^digits`` are superscripts),
    footnotes below it. ``rotated`` turns it 90° (reading bottom to top); ``ruled`` draws a full grid
    of rules instead of booktabs (rules above and below the header and below the last row); the
    columns in ``unwrapped`` are as wide as their longest cell, the others are narrowed to fit; ``size``
    is the font size of the cells, made smaller when the table cannot fit otherwise; ``row_space`` is
    the white added to each row's height (half above, half below its lines; 0 sets rows at the
    leading, like the lines of a wrapped cell); with ``hyphenate``, long lowercase words of body cells
    are split at a line end with a hyphen (``wrap``); ``rules="none"`` draws no rule at all (columns
    told apart by white space alone)."""

    caption: str
    header: list[str]
    rows: list[list[str]]
    footnotes: list[str] = field(default_factory=list)
    rotated: bool = False
    ruled: bool = False
    unwrapped: tuple[int, ...] = ()
    size: float = TABLE_SIZE
    row_space: float = 6.0
    hyphenate: bool = False
    rules: Literal["auto", "none"] = "auto"


@dataclass
class Article:
    """What ``article_pdf`` drew: the file, its page count and the page of each table (1-based)."""

    path: Path
    pages: int
    table_pages: list[int]


CELL_PADDING = 6.0
"""Points of white on each side of a cell's text (two paddings separate neighbouring columns)."""
CAPTION_SIZE, FOOTNOTE_SIZE = 9.0, 6.5
ENTRY_INDENT = 16.0
"""Hanging indent of numbered entries (reference lists), in points."""
Run = tuple[float, str, str]
"""(indent, text, font): a piece of one printed line."""


def _column_width() -> float:
    return (A4[0] - 2 * MARGIN - GUTTER) / 2


def _block_lines(block: Block, width: float, tab: float, face: Typeface) -> list[list[Run]]:
    """The printed lines ``block`` takes in a column ``width`` points wide (``tab``: where glossary long
    forms start)."""
    if block.kind in ("heading", "paragraph"):
        font = face.bold if block.kind == "heading" else face.regular
        lines = wrap(block.text, width, BODY_SIZE, block.kind == "paragraph", font)[0]
        return [[(0.0, line, font)] for line in lines]
    indent = ENTRY_INDENT if block.kind == "entry" else tab
    lines = wrap(block.text, width - indent, BODY_SIZE, block.kind == "entry", face.regular)[0] or [""]
    return ([[(0.0, block.label, face.regular), (indent, lines[0], face.regular)]]
            + [[(indent, line, face.regular)] for line in lines[1:]])


def _flow(canvas: Canvas, blocks: Sequence[Block], face: Typeface) -> int:
    """Blocks in two columns, page after page; returns the number of pages drawn.

    A paragraph may run from the left column into the right one but never over a page break, and a
    heading stays with the block after it. Blocks are separated by one em of extra space (a heading and
    its block, and glossary lines, by none); glossary long forms line up one em after the longest
    short form."""
    width = _column_width()
    pitch = BODY_SIZE * LEADING
    top, bottom = A4[1] - MARGIN - BODY_SIZE, MARGIN
    tab = max((_width(b.label, BODY_SIZE, face.regular) for b in blocks if b.kind == "glossary"), default=0.0)
    tab += BODY_SIZE
    groups: list[list[tuple[float, list[list[Run]]]]] = []
    for index, block in enumerate(blocks):
        previous = blocks[index - 1].kind if index else "heading"
        gap = 0.0 if previous == "heading" or block.kind == previous == "glossary" else BODY_SIZE
        item = (gap, _block_lines(block, width, tab, face))
        if index and previous == "heading":
            groups[-1].append(item)
        else:
            groups.append([item])
    pages, column, y = 1, 0, top
    for group in groups:
        need = sum(gap + len(lines) * pitch for gap, lines in group)
        room = (y - bottom + pitch) + (0 if column else top - bottom + pitch)
        if need > room and (column or y < top):
            canvas.showPage()
            pages, column, y = pages + 1, 0, top
        for gap, lines in group:
            y -= gap if y < top else 0.0
            for line in lines:
                if y < bottom:
                    column, y = column + 1, top
                    if column == 2:
                        canvas.showPage()
                        pages, column = pages + 1, 0
                x = MARGIN + column * (width + GUTTER)
                for indent, text, font in line:
                    draw_text(canvas, x + indent, y, text, BODY_SIZE, font)
                y -= pitch
    canvas.showPage()
    return pages


def column_widths(table: TableSpec, total: float, face: Typeface) -> list[float]:
    """Each column as wide as its longest cell on one line; when the table would be wider than
    ``total`` points, the columns but ``table.unwrapped`` are narrowed in proportion to what they can
    give, never below their longest word."""
    columns = list(zip(table.header, *table.rows, strict=True))
    natural = [max(_width(cell, table.size, face.bold) for cell in column) + 2 * CELL_PADDING
               for column in columns]
    least = [natural[k] if k in table.unwrapped else
             max((_width(word, table.size, face.bold) for cell in column for word in cell.split()), default=0.0)
             + 2 * CELL_PADDING for k, column in enumerate(columns)]
    excess = sum(natural) - total
    if excess <= 0:
        return natural
    slack = sum(n - m for n, m in zip(natural, least, strict=True))
    if slack < excess:
        raise ValueError(f"table {table.caption[:20]!r} cannot fit in {total:.0f} points")
    return [n - (n - m) * excess / slack for n, m in zip(natural, least, strict=True)]


def _grid_lines(table: TableSpec, widths: Sequence[float], face: Typeface
                ) -> tuple[list[str], list[list[list[str]]], list[str]]:
    """The caption's lines, each cell's lines, the footnotes' lines."""
    width = sum(widths)
    caption = wrap(table.caption, width, CAPTION_SIZE, font=face.bold)[0]
    rows = []
    for r, row in enumerate([table.header, *table.rows]):
        font = face.bold if r == 0 else face.regular
        hyphenate = table.hyphenate and r > 0
        rows.append([[line for line in wrap(cell, w - 2 * CELL_PADDING + 0.01, table.size, hyphenate, font)[0]
                      if line] or [""] for cell, w in zip(row, widths, strict=True)])
    notes = [line for note in table.footnotes for line in wrap(note, width, FOOTNOTE_SIZE, font=face.regular)[0]]
    return caption, rows, notes


def grid_height(table: TableSpec, widths: Sequence[float], face: Typeface) -> float:
    caption, rows, notes = _grid_lines(table, widths, face)
    pitch = table.size * LEADING
    cells = sum(max(len(cell) for cell in row) * pitch + table.row_space for row in rows)
    return len(caption) * CAPTION_SIZE * LEADING + 0.4 * pitch + cells + 4 + len(notes) * FOOTNOTE_SIZE * LEADING


def draw_grid(canvas: Canvas, table: TableSpec, widths: Sequence[float], face: Typeface) -> None:
    """The table with its top-left corner at the local origin (y up): caption, rules, cells top-aligned
    and wrapped, then the footnotes."""
    caption, rows, notes = _grid_lines(table, widths, face)
    pitch = table.size * LEADING
    xs = [sum(widths[:k]) for k in range(len(widths))]
    y = 0.0
    for line in caption:
        y -= CAPTION_SIZE * LEADING
        draw_text(canvas, 0, y + 2, line, CAPTION_SIZE, face.bold)
    y -= 0.4 * pitch
    rules = [y]
    for r, row in enumerate(rows):
        for cell, x in zip(row, xs, strict=True):
            for k, line in enumerate(cell):
                draw_text(canvas, x + CELL_PADDING, y - table.row_space / 2 - table.size - k * pitch, line, table.size,
                          face.bold if r == 0 else face.regular)
        y -= max(len(cell) for cell in row) * pitch + table.row_space
        if r == 0 or table.ruled:
            rules.append(y)
    if not table.ruled:
        rules.append(y)
    canvas.setLineWidth(0.5)
    for rule in rules if table.rules == "auto" else []:
        canvas.line(0, rule, sum(widths), rule)
    if table.ruled and table.rules == "auto":
        for x in [*xs, sum(widths)]:
            canvas.line(x, rules[0], x, rules[-1])
    y -= 4
    for line in notes:
        y -= FOOTNOTE_SIZE * LEADING
        draw_text(canvas, 0, y + 1.5, line, FOOTNOTE_SIZE, face.regular)


def fitted(table: TableSpec, total: float, face: Typeface) -> tuple[TableSpec, list[float]]:
    """The table at the largest cell size (``table.size``, then half a point smaller each time, down to
    5 points) at which its columns fit in ``total`` points, with their widths."""
    size = table.size
    while True:
        sized = replace(table, size=size)
        try:
            return sized, column_widths(sized, total, face)
        except ValueError:
            if size <= 5:
                raise
            size -= 0.5


def _table_page(canvas: Canvas, table: TableSpec, face: Typeface) -> None:
    """The table alone on a page: upright at the top, or turned 90° anticlockwise and centred."""
    page_width, page_height = A4
    canvas.saveState()
    if table.rotated:
        table, widths = fitted(table, page_height - 2 * MARGIN, face)
        width, height = sum(widths), grid_height(table, widths, face)
        if height > page_width - 2 * MARGIN:
            raise ValueError(f"table {table.caption[:20]!r} is too long for one rotated page")
        canvas.translate((page_width - height) / 2, (page_height - width) / 2)
        canvas.rotate(90)
    else:
        table, widths = fitted(table, page_width - 2 * MARGIN, face)
        canvas.translate(MARGIN, page_height - MARGIN)
    draw_grid(canvas, table, widths, face)
    canvas.restoreState()
    canvas.showPage()


def table_pdf(path: Path, table: TableSpec, widths: Sequence[float], face: Typeface | None = None) -> Path:
    """One page holding ``table`` alone, upright at the top left, its columns ``widths`` points wide
    (narrow ones make chosen cells wrap), for tests of how a reader joins wrapped cell lines."""
    face = face or Typeface()
    canvas = Canvas(str(path), pagesize=A4)
    canvas.translate(MARGIN, A4[1] - MARGIN)
    draw_grid(canvas, table, widths, face)
    canvas.showPage()
    canvas.save()
    return path


def cell_lines(table: TableSpec, widths: Sequence[float], face: Typeface | None = None) -> list[list[list[str]]]:
    """The printed lines of each cell of ``table`` (header first) at column ``widths``."""
    return _grid_lines(table, widths, face or Typeface())[1]


def article_pdf(path: Path, body: Sequence[Block], tables: Sequence[TableSpec], back: Sequence[Block],
                face: Typeface | None = None) -> Article:
    """An article: ``body`` in two columns, each table on a page of its own, then ``back`` (glossary,
    back matter, references) in two columns. ``face`` must have glyphs for every character drawn
    (see ``unicode_typeface``); by default Helvetica."""
    face = face or Typeface()
    canvas = Canvas(str(path), pagesize=A4)
    pages = _flow(canvas, body, face) if body else 0
    table_pages = []
    for table in tables:
        _table_page(canvas, table, face)
        pages += 1
        table_pages.append(pages)
    if back:
        pages += _flow(canvas, back, face)
    canvas.save()
    return Article(path, pages, table_pages)


# --- files a reader must refuse ---------------------------------------------------------------------


def _one_page(text: str = "Confidential abstract", **canvas_args: object) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, **canvas_args)  # type: ignore[arg-type]
    canvas.setFont(FONT, 12)
    canvas.drawString(MARGIN, A4[1] - MARGIN, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def encrypted_pdf(path: Path) -> Path:
    """Opens only with the user password "secret"."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    path.write_bytes(_one_page(encrypt=StandardEncryption("secret", ownerPassword="owner", strength=128)))
    return path


def corrupt_pdf(path: Path) -> Path:
    """A PDF header followed by bytes that are not a PDF."""
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    return path


def truncated_pdf(path: Path) -> Path:
    """A real PDF cut off after its first few hundred bytes (a broken download)."""
    path.write_bytes(_one_page()[:400])
    return path


def zero_page_pdf(path: Path) -> Path:
    """A well-formed PDF whose page tree is empty (reportlab cannot write one, so by hand)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def _scanned_page(canvas: Canvas) -> None:
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (400, 200), 255)
    ImageDraw.Draw(image).text((20, 80), "Scanned abstract 1001", fill=0)
    canvas.drawImage(ImageReader(image), MARGIN, A4[1] / 2, width=400, height=200)
    canvas.showPage()


def image_only_pdf(path: Path) -> Path:
    """A scanned page: one image, no text layer."""
    canvas = Canvas(str(path), pagesize=A4)
    _scanned_page(canvas)
    canvas.save()
    return path


def text_then_scan_pdf(path: Path) -> Path:
    """A text page followed by a scanned one: readable, with a warning for page 2."""
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont(FONT, 12)
    canvas.drawString(MARGIN, A4[1] - MARGIN, "Abstract 1001: a readable first page")
    canvas.showPage()
    _scanned_page(canvas)
    canvas.save()
    return path


def pipe_rows(text: str) -> list[list[str]]:
    """Cells of the pipe-table rows in ``text`` (the reader's table output), separators skipped."""
    from pipeline.ingest.pdf_tables import parse_pipe_row

    return [cells for line in text.split("\n") if (cells := parse_pipe_row(line)) is not None]


def write_all(folder: Path) -> dict[str, Path]:
    """Every fixture into ``folder`` (handy for looking at them: ``python -m tests.pdfgen DIR``)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {"summary": conference_summary(folder / "summary.pdf").path}
    for name, make in (("encrypted", encrypted_pdf), ("corrupt", corrupt_pdf), ("truncated", truncated_pdf),
                       ("zero_page", zero_page_pdf), ("image_only", image_only_pdf)):
        made[name] = make(folder / f"{name}.pdf")
    return made


def _main(argv: Sequence[str]) -> None:
    for name, path in write_all(Path(argv[0] if argv else "pdfgen-out")).items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    import sys

    _main(sys.argv[1:])

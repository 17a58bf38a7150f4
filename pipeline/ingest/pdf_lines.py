"""Glyphs of one frame -> lines -> words, with superscripts recovered from size and baseline.

Everything here works in a frame where the text reads upright (see ``pdf_glyphs.to_frame``), so a
table printed at 90° is grouped into lines exactly like body text. These loops run over every glyph
of every page, so they are written for speed: one pass, no per-glyph objects beyond the words.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

from pipeline.ingest.pdf_glyphs import Glyph
from pipeline.ingest.pdf_settings import PdfSettings

_SIZE_STEP = 1.15
"""Glyph sizes within this factor of each other are "the same size" (bold, italics, rounding)."""
_DUPLICATE_EM = 0.15
"""A glyph repeated within this distance is overprinting (fake bold), not a second letter."""
_CARET_CHARS = frozenset("0123456789-\u2212")
"""Superscript runs made only of these get a caret: "10" + raised "8" -> "10^8", like ``normalize``."""
_LEADER_CHARS = frozenset(".\u00b7\u2026_")
_TOP_LEFT = itemgetter(2, 1)
"""A glyph's (top, x0), the order lines are grown in."""
_LEFT = itemgetter(1)
"""A glyph's x0."""
class Word(NamedTuple):
    """A run of glyphs without a space between them; ``text`` carries ``^`` before superscript digits,
    and ``raised`` says it got one (a caret the PDF printed as a character is no superscript). A
    named tuple, as glyphs are: a page makes a thousand of them."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    raised: bool = False


@dataclass
class Line:
    """Glyphs sharing a baseline (superscripts included), read left to right. A line's words never
    change once it is made (a part of it is a new line, ``sub_line``), so its text and its segments
    are worked out once: the layout asks for them again and again."""

    glyphs: list[Glyph]
    top: float
    bottom: float
    size: float
    words: list[Word] = field(default_factory=list)
    x0: float = 0.0
    x1: float = 0.0
    superscripts: int = 0
    text: str = ""
    segment_memo: dict[float, list[list[Word]]] = field(default_factory=dict, repr=False, compare=False)


def make_line(glyphs: list[Glyph], top: float, bottom: float, size: float, words: list[Word]) -> Line:
    return Line(glyphs, top, bottom, size, words, words[0].x0 if words else 0.0,
                max((w.x1 for w in words), default=0.0), sum(w.raised for w in words),
                " ".join([w.text for w in words]))


def sub_line(line: Line, words: list[Word]) -> Line:
    """The part of ``line`` made of ``words`` (a subset of its words, in order)."""
    starts = [g.x0 for g in line.glyphs]
    glyphs: list[Glyph] = []
    for w in words:
        lo, hi = bisect.bisect_left(starts, w.x0 - 1e-6), bisect.bisect_right(starts, w.x1)
        glyphs.extend(line.glyphs[lo:hi])
    return make_line(glyphs, line.top, line.bottom, line.size, words)


@dataclass
class _Acc:
    """A line being grown. Its core is the box of its largest glyph, never a union: a union creeps
    down a stack of staggered lines (table headers whose cells sit half a line apart) and swallows
    them all. ``x0``/``x1`` are the horizontal extent of all its glyphs."""

    glyphs: list[Glyph]
    top: float
    bottom: float
    size: float
    x0: float
    x1: float

    def add(self, g: Glyph) -> None:
        self.glyphs.append(g)
        self.x0, self.x1 = min(self.x0, g.x0), max(self.x1, g.x1)
        if g.size > self.size * _SIZE_STEP:
            self.top, self.bottom, self.size = g.top, g.bottom, g.size

    def distance(self, g: Glyph) -> float:
        """Horizontal white between ``g`` and the glyphs of this line (0 when they overlap)."""
        return max(g.x0 - self.x1, self.x0 - g.x1, 0.0)

    def accepts(self, g: Glyph, settings: PdfSettings) -> float:
        """How well ``g`` sits on this line (its vertical overlap ratio), 0 if it does not.

        Glyphs of the body size must also share the baseline, unless they overlap almost fully (a
        symbol font with its own descent); smaller or larger glyphs (superscripts, drop caps) only
        need to overlap.
        """
        overlap = min(self.bottom, g.bottom) - max(self.top, g.top)
        ratio = overlap / max(min(self.bottom - self.top, g.bottom - g.top), 1e-6)
        if ratio < settings.line_overlap:
            return 0.0
        same_size = g.size <= self.size * _SIZE_STEP and g.size * _SIZE_STEP >= self.size
        level = abs(g.bottom - self.bottom) <= settings.baseline_tolerance_em * self.size
        return ratio if not same_size or level or ratio >= settings.line_overlap_full else 0.0


def build_lines(glyphs: Iterable[Glyph], settings: PdfSettings) -> list[Line]:
    """Group glyphs into lines by vertical overlap; return them top to bottom with their words."""
    accs: list[_Acc] = []
    open_accs: list[_Acc] = []
    tie = settings.line_tie
    last_acc: _Acc | None = None
    last_top = last_bottom = last_size = -1.0
    for g in sorted([g for g in glyphs if g.bottom > g.top], key=_TOP_LEFT):
        top, bottom, size = g.top, g.bottom, g.size
        if top == last_top and bottom == last_bottom and size == last_size and last_acc is not None:
            last_acc.glyphs.append(g)  # same box height as the glyph before: same line, no search
            if g.x1 > last_acc.x1:
                last_acc.x1 = g.x1
            continue
        best: _Acc | None = None
        best_ratio = 0.0
        still_open = []
        for acc in open_accs:
            if acc.bottom < top:
                continue
            still_open.append(acc)
            ratio = acc.accepts(g, settings)
            if ratio > best_ratio + tie or (
                    best is not None and ratio >= best_ratio - tie and acc.distance(g) < best.distance(g)):
                best, best_ratio = acc, max(ratio, best_ratio)
        open_accs = still_open
        if best is None:
            best = _Acc([g], top, bottom, size, g.x0, g.x1)
            accs.append(best)
            open_accs.append(best)
        else:
            best.add(g)
        last_acc, last_top, last_bottom, last_size = best, top, bottom, size
    lines = [_finish(acc, settings) for acc in accs]
    lines = [line for line in lines if line.words]
    lines.sort(key=lambda line: (line.top, line.x0))
    return lines


def _finish(acc: _Acc, settings: PdfSettings) -> Line:
    glyphs = _dedupe(sorted(acc.glyphs, key=_LEFT))
    return make_line(glyphs, acc.top, acc.bottom, acc.size, line_words(glyphs, settings))


def _dedupe(glyphs: list[Glyph]) -> list[Glyph]:
    out: list[Glyph] = []
    prev: Glyph | None = None
    for g in glyphs:
        if prev is not None and prev.text == g.text:
            near = _DUPLICATE_EM * g.size
            if abs(prev.x0 - g.x0) < near and abs(prev.top - g.top) < near:
                continue
        out.append(g)
        prev = g
    return out


def body_metrics(glyphs: Sequence[Glyph]) -> tuple[float, float]:
    """The line's body size (most common size, by character count) and the median bottom of its body
    characters. A glyph that is a whole word (``pdf_words``) counts for each of its characters, so a
    line reads the same whether it came as words or as glyphs."""
    visible = [g for g in glyphs if not g.text.isspace()] or list(glyphs)
    first = visible[0]
    if all(g.size == first.size and g.bottom == first.bottom for g in visible):
        return round(first.size, 1), first.bottom  # one style on one baseline: most lines of prose
    sizes: Counter[float] = Counter()
    for g in visible:
        sizes[round(g.size, 1)] += len(g.text)
    body = max(sizes.items(), key=lambda kv: (kv[1], kv[0]))[0]
    bottoms = sorted((g.bottom, len(g.text)) for g in visible if g.size * _SIZE_STEP >= body)
    return body, _weighted_median(bottoms) if bottoms else first.bottom


def _weighted_median(values: Sequence[tuple[float, int]]) -> float:
    """``statistics.median`` of the sorted values each repeated its weight times, without the repeats."""
    total = sum(weight for _, weight in values)
    low, high = (total - 1) // 2, total // 2
    found: list[float] = []
    seen = 0
    for value, weight in values:
        while len(found) < 2 and seen + weight > (low if not found else high):
            found.append(value)
        seen += weight
        if len(found) == 2:
            break
    return (found[0] + found[1]) / 2


def line_words(glyphs: Sequence[Glyph], settings: PdfSettings) -> list[Word]:
    """Split a line's glyphs (sorted by x) into words at gaps wider than a space, or at space glyphs.

    A space glyph counts only where it starts past the middle of the previous letter and either
    opens a real gap or has its middle before the next letter: some generators paint stray spaces
    over the letters of a heading ("LE GISLATIVE"), under a superscript ("Defense³") or under a
    line's first capital. A glyph smaller than the body and raised above its baseline is a
    superscript (a dose exponent, a footnote mark).
    """
    if not glyphs:
        return []
    if _whole_words(glyphs, settings):
        words: list[Word] = []
        new = tuple.__new__
        for g in glyphs:  # words of the text layer, one style, a space before each: nothing to decide
            if g.text[-1] in _LEADER_CHARS:
                _close_word([g], [False], words)
            else:
                words.append(new(Word, (g.text, g.x0, g.x1, g.top, g.bottom, g.size, False)))
        return words
    body, body_bottom = body_metrics(glyphs)
    sup_size = settings.superscript_size_ratio * body
    sup_bottom = body_bottom - settings.superscript_rise_em * body
    word_gap, space_min, half_body = settings.word_gap_em, settings.space_min_em, body * 0.5
    words: list[Word] = []
    current: list[Glyph] = []
    raised: list[bool] = []
    space: Glyph | None = None
    for g in glyphs:
        if g.text.isspace():
            space = g
            continue
        if current:
            if g.starts:  # a word of the text layer (pdf_words): the PDF drew a space before it
                _close_word(current, raised, words)
                current, raised = [], []
            else:
                prev = current[-1]
                gap = g.x0 - prev.x1
                em = max(prev.size, g.size, half_body)
                spaced = space is not None and 2 * space.x0 >= prev.x0 + prev.x1 and (
                    gap > space_min * em or 2 * g.x0 >= space.x0 + space.x1)
                if gap > word_gap * em or spaced:
                    _close_word(current, raised, words)
                    current, raised = [], []
        space = None
        current.append(g)
        raised.append(g.size <= sup_size and g.bottom <= sup_bottom)
    _close_word(current, raised, words)
    return words


def _whole_words(glyphs: Sequence[Glyph], settings: PdfSettings) -> bool:
    """Whether a line is words of the text layer (``pdf_words``) all of one size on one baseline, each
    after a space the PDF drew or a gap wider than a space (the other column's line): then each glyph
    is a word and none is raised."""
    first = glyphs[0]
    size, bottom = first.size, first.bottom
    if first.text.isspace():
        return False
    gap = settings.word_gap_em * size
    prev = first
    for g in glyphs[1:]:
        if g.size != size or g.bottom != bottom or not (g.starts or g.x0 - prev.x1 > gap):
            return False
        prev = g
    return True


def _close_word(glyphs: list[Glyph], raised: list[bool], words: list[Word]) -> None:
    if not glyphs:
        return
    if len(glyphs) == 1 and not raised[0] and glyphs[0].text[-1] not in _LEADER_CHARS:
        g = glyphs[0]  # a whole word of the text layer: most words of a page
        words.append(Word(g.text, g.x0, g.x1, g.top, g.bottom, g.size))
        return
    carets = any(raised)
    text = _caret_text(glyphs, raised) if carets else "".join(g.text for g in glyphs)
    carets = carets and text.count("^") > sum(g.text.count("^") for g in glyphs)
    if text[-1] in _LEADER_CHARS:
        if len(text) >= 3 and set(text) <= _LEADER_CHARS:  # a dot leader ("Defense ........ 699")
            return
        stripped = text.rstrip(".\u00b7\u2026")
        if len(text) - len(stripped) >= 3 and stripped:
            text = stripped
    x1, top, bottom, size = glyphs[0].x1, glyphs[0].top, glyphs[0].bottom, glyphs[0].size
    for g in glyphs:
        x1, top, bottom, size = max(x1, g.x1), min(top, g.top), max(bottom, g.bottom), max(size, g.size)
    words.append(Word(text, glyphs[0].x0, x1, top, bottom, size, carets))


def _caret_text(glyphs: list[Glyph], raised: list[bool]) -> str:
    """Glyph texts with ``^`` before each run of raised digits (only digits: "m²" stays readable)."""
    parts: list[str] = []
    for i, g in enumerate(glyphs):
        if raised[i] and (i == 0 or not raised[i - 1]):
            run = []
            for h, up in zip(glyphs[i:], raised[i:], strict=True):
                if not up:
                    break
                run.append(h.text)
            if all(ch in _CARET_CHARS for ch in "".join(run)):
                parts.append("^")
        parts.append(g.text)
    return "".join(parts)


def line_segments(line: Line, gap_em: float) -> list[list[Word]]:
    """``segments`` of a line's words, worked out once per line and gap."""
    found = line.segment_memo.get(gap_em)
    if found is None:
        found = line.segment_memo[gap_em] = segments(line.words, gap_em)
    return found


def segments(words: Sequence[Word], gap_em: float) -> list[list[Word]]:
    """Runs of words separated by less than ``gap_em`` (of the larger font size) of white space."""
    groups: list[list[Word]] = []
    current: list[Word] = []
    prev: Word | None = None
    for w in words:
        if prev is not None and w.x0 - prev.x1 <= gap_em * (w.size if w.size > prev.size else prev.size):
            current.append(w)
        else:
            current = [w]
            groups.append(current)
        prev = w
    return groups


def line_free_gaps(line: Line, gap_em: float) -> list[tuple[float, float]]:
    """White intervals inside a line between its segments."""
    segs = line_segments(line, gap_em)
    return [(a[-1].x1, b[0].x0) for a, b in zip(segs, segs[1:], strict=False)]

"""Character- and line-level clean-up of PDF-extracted text, each step a list of offset-keeping edits.

The steps run in the order of ``normalize_steps``; fragment joining (``fragments.py``) runs between the
character folding and the header removal because it needs the extractor's original line structure.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from pipeline.knowledge.patterns import CAPTION_LABEL
from pipeline.offsets import Edit

# Characters PDF extractors emit for spacing: NBSP, en/em/thin/hair/narrow spaces, ideographic space,
# and U+FFFD, which replaces the tab leader of glossary lines ("CAR\t\ufffd Chimeric ...").
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\ufffd"
# Soft hyphen, zero-width characters and byte-order marks; and the bidirectional controls (marks,
# embeddings, isolates) a right-to-left source leaves in: invisible, but inside a word they split it
# ("AML\u200f" is no disease name).
_DROP = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
# Fullwidth ASCII (U+FF01-U+FF5E), as East Asian text writes digits and signs ("１０", "６０％"): each is
# its ASCII character, one for one.
_FULLWIDTH = re.compile("[\uff01-\uff5e]+")
_FULLWIDTH_OFFSET = 0xFEE0
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")
# Ligatures and presentation forms NFKC folds to plain letters (ﬁ -> fi); other NFKC changes
# (× , µ, ≥) carry meaning and are kept.
_LIGATURES = re.compile("[\ufb00-\ufb06]")
_SPACE_CHARS = re.compile(f"[{_SPACES}]")
_DROP_CHARS = re.compile(f"[{_DROP}]")


def line_endings(text: str) -> list[Edit]:
    """CRLF and CR to LF; form feeds (page breaks of pdftotext) become a newline too."""
    return [Edit(m.start(), m.end(), "\n" * (m.end() - m.start()) if m.group() != "\r\n" else "\n")
            for m in re.finditer(r"\r\n|\r|\f", text)]


def fold_characters(text: str) -> list[Edit]:
    """Exotic spaces to a space, invisible characters dropped, ligatures split, fullwidth forms made
    ASCII, superscripts marked.

    A superscript digit run becomes ``^digits`` so that "10⁸" reads as 10^8 downstream, which is the
    one thing a lost superscript ("108") cannot tell us.
    """
    edits: list[Edit] = []
    if text.isascii():
        return edits  # every character folded here lies outside ASCII
    for m in _SPACE_CHARS.finditer(text):
        edits.append(Edit(m.start(), m.end(), " "))
    for m in _DROP_CHARS.finditer(text):
        edits.append(Edit(m.start(), m.end(), ""))
    for m in _LIGATURES.finditer(text):
        edits.append(Edit(m.start(), m.end(), unicodedata.normalize("NFKC", m.group())))
    for m in _FULLWIDTH.finditer(text):
        edits.append(Edit(m.start(), m.end(), "".join(chr(ord(c) - _FULLWIDTH_OFFSET) for c in m.group())))
    for m in _SUPERSCRIPT_RUN.finditer(text):
        edits.append(Edit(m.start(), m.end(), "^" + m.group().translate(_SUPERSCRIPTS)))
    return edits


_PAGE_LINE = re.compile(r"^[^\n]*\bPage\s+\d+\s+of\s+\d+(?!\d)[^\n]*\n?", re.MULTILINE)
_DIGITS = re.compile(r"\d+")


# A page carries a running head and a footer, each a line or two; more line shapes that recur like
# one mean the text itself repeats (a block pasted twice, tables of one template), and none is removed.
MAX_RUNNING_LINES = 4
# Cells of a row printed apart: a table row, not a running head.
_COLUMN_GAP = re.compile(r"\S(?: {2,}|\t)\S")


def page_header_lines(text: str, min_gap: int = 800) -> list[tuple[int, int]]:
    """Spans of running header/footer lines ("Page 3 of 4 Smith et al. Blood Adv ...").

    Besides "Page N of M" lines, a line that recurs at least three times, a page's worth of text
    apart, and differs between its occurrences only in its numbers (a journal running head with the
    page number) counts too. The spacing keeps out lists whose lines share a shape, such as the
    "Blood. 2023;142(Suppl 1):3385." lines of a reference list; a row of aligned cells ("Patients, n
    10") is never one, nor is a table caption ("Table 2 Outcomes of cohort 2" under tables of one
    template), and when more than ``MAX_RUNNING_LINES`` shapes recur so, the text repeats
    itself and none is removed.
    """
    spans = [(m.start(), m.end()) for m in _PAGE_LINE.finditer(text)] if "Page" in text else []
    by_shape: dict[str, list[tuple[int, int]]] = {}
    # Lines are read by splitting, not by a regular expression per line: a line keeps its "\n"
    # in its span, and the text's last line has none.
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        span_end = end + 1 if end < len(text) else end
        if len(line) >= 20:  # the stripped line must be that long, so the raw one is too
            stripped = line.strip()
            if (20 <= len(stripped) <= 160 and not stripped.startswith("|")
                    and not _COLUMN_GAP.search(stripped) and not CAPTION_LABEL.match(stripped)):
                shape = _DIGITS.sub("#", stripped)
                if shape != stripped:  # holds a digit
                    by_shape.setdefault(shape, []).append((start, span_end))
        start = end + 1
    running = []
    for places in by_shape.values():
        if len(places) < 3:
            continue
        gaps = [b[0] - a[1] for a, b in zip(places, places[1:], strict=False)]
        if min(gaps) >= min_gap:
            running.append(places)
    if len(running) <= MAX_RUNNING_LINES:
        for places in running:
            spans.extend(places)
    return sorted(set(spans))


def remove_lines(spans: list[tuple[int, int]]) -> list[Edit]:
    """Delete whole lines, leaving a line break so neighbouring paragraphs do not run together."""
    return [Edit(start, end, "\n") for start, end in spans]


# The lookbehind only lets a match start where its left part can start (after a space, "-" or "/"):
# a start inside a word fails exactly when the word's start failed, and trying each one cost a scan
# of the rest of the word at every letter of the document.
HYPHEN_BREAK = re.compile(
    r"(?<![^\s\-/])(?P<left>[^\s\-/]*[A-Za-z0-9)\]])-[ \t]*\n[ \t]*(?P<right>[A-Za-z0-9][^\s]*)"
)
# Every line-end break holds one of these; a text without one has no break to decide.
_MAY_BREAK = re.compile(r"-[ \t]*\n")
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]*[A-Za-z]|[A-Za-z]")
_LETTERS = re.compile(r"[A-Za-z]+")
_LAST_LETTERS = re.compile(r"[A-Za-z]+$")
_OPEN_BRACKET = re.compile(r"[(\[]")


def document_vocabulary(text: str) -> tuple[Counter[str], set[str]]:
    """Words (lower-cased) as the document spells them within a line, and its hyphenated compounds.

    The halves of a line-end break are left out: they are what is being decided.
    """
    words: Counter[str] = Counter()
    compounds: set[str] = set()
    # A word never spans a line break, so the whole text is scanned at once; each spelling is
    # lower-cased and split once, weighted by how often it occurs.
    for written, count in Counter(_WORD.findall(HYPHEN_BREAK.sub(" ", text))).items():
        word = written.lower()
        if "-" in word:
            compounds.add(word)
            for part in word.split("-"):
                if part:
                    words[part] += count
        else:
            words[word] += count
    return words, compounds


def _holds_digit_or_closes_bracket(left: str) -> bool:
    token = _OPEN_BRACKET.split(left)[-1]
    return token.endswith((")", "]")) or any(ch.isdigit() for ch in token)


def dehyphenate(text: str) -> list[Edit]:
    """Undo line-end hyphenation where the hyphen was only the typesetter's (``keeps_hyphen``)."""
    if not _MAY_BREAK.search(text):
        return []
    breaks = list(HYPHEN_BREAK.finditer(text))
    if not breaks:
        return []
    words, compounds = document_vocabulary(text)
    edits: list[Edit] = []
    for m in breaks:
        hyphen = m.start() + len(m.group("left"))
        keep = keeps_hyphen(m.group("left"), m.group("right"), words, compounds)
        edits.append(Edit(hyphen, m.start("right"), "-" if keep else ""))
    return edits


def keeps_hyphen(left: str, right: str, words: Counter[str], compounds: set[str]) -> bool:
    """Whether the line-end break "left-\\nright" keeps its hyphen (``words`` and ``compounds``: the
    document's vocabulary, see ``document_vocabulary``).

    It does when the right part starts with a capital or digit (CAR-\\nNK, anti-\\nCD38, Senti-\\n202),
    when the left part holds a capital after its first letter, a digit or a bracket ((iPSC)-\\nderived,
    Bcl11b-\\nedited), or when the document itself writes the pair as a hyphenated compound elsewhere,
    or writes both halves as words but never the joined word (receptor-\\nengineered). Otherwise the
    hyphen goes (syn-\\ndrome, capac-\\nity).
    """
    right_word = _LETTERS.match(right)
    left_word = _LAST_LETTERS.search(left)
    if not right_word or not left_word:
        return True
    joined = (left_word.group() + right_word.group()).lower()
    pair = f"{left_word.group()}-{right_word.group()}".lower()
    return (
        right[0].isupper()
        or _holds_digit_or_closes_bracket(left)
        or any(ch.isupper() for ch in left_word.group()[1:])
        or (pair in compounds and words[joined] == 0)
        or (
            words[joined] == 0
            and len(left_word.group()) > 2
            and words[left_word.group().lower()] > 0
            and words[right_word.group().lower()] > 0
        )
    )


_LINE = re.compile(r"[^\n]*\n?")
_COLUMN_GAP = re.compile(r"\S {2,}(?=\S)")
# Every alternative starts with a space, tab or newline; the lookahead skips other characters
# without trying the five alternatives at each of them.
_WHITESPACE_RUN = re.compile(r"(?=[ \t\n])(?:[ ]*\t[ \t]*|[ ]{2,}|[ \t]+(?=\n)|(?<=\n)[ ]+|\n{3,})")


def aligned_blocks(text: str, min_lines: int = 3) -> list[tuple[int, int]]:
    """Spans of blocks whose lines are cut into columns by runs of two or more spaces.

    A table typeset with aligned columns keeps its column gaps only as wide space runs; in at least
    ``min_lines`` consecutive lines with two or more such gaps each, those runs are the cell
    boundaries and must survive whitespace folding.
    """
    blocks: list[tuple[int, int]] = []
    lines = list(_LINE.finditer(text))
    # two column gaps need two double spaces: most lines have none and are not searched
    aligned = [m.group().count("  ") >= 2 and len(_COLUMN_GAP.findall(m.group())) >= 2 for m in lines]
    i = 0
    while i < len(lines):
        if not aligned[i]:
            i += 1
            continue
        j = i
        # A wrapped cell's second line ("   ibrutinib") sits between two aligned rows.
        while j + 1 < len(lines) and (aligned[j + 1] or (j + 2 < len(lines) and aligned[j + 2]
                                                         and lines[j + 1].group().strip())):
            j += 1
        if sum(aligned[i : j + 1]) >= min_lines:
            blocks.append((lines[i].start(), lines[j].end()))
        i = j + 1
    return blocks


def fold_whitespace(text: str) -> list[Edit]:
    """Collapse runs of spaces, trim line ends, keep at most one blank line between blocks.

    Tabs survive (glossary lines use them as the separator) but lose the spaces around them, and the
    column gaps of aligned tables survive inside their lines.
    """
    edits: list[Edit] = []
    protected = aligned_blocks(text)
    for m in _WHITESPACE_RUN.finditer(text):
        s = m.group()
        inside = bool(protected) and any(a <= m.start() < b for a, b in protected)
        if inside and s.strip(" ") == "" and text[m.end() : m.end() + 1] not in ("\n", ""):
            continue
        if s.startswith("\n"):
            edits.append(Edit(m.start(), m.end(), "\n\n"))
        elif "\t" in s and text[m.end() : m.end() + 1] != "\n":
            if s != "\t":
                edits.append(Edit(m.start(), m.end(), "\t"))
        elif m.end() == len(text) or text[m.end()] == "\n" or (m.start() > 0 and text[m.start() - 1] == "\n"):
            edits.append(Edit(m.start(), m.end(), ""))
        else:
            edits.append(Edit(m.start(), m.end(), " "))
    return edits

"""Character- and line-level clean-up of PDF-extracted text, each step a list of offset-keeping edits.

The steps run in the order of ``normalize_steps``; fragment joining (``fragments.py``) runs between the
character folding and the header removal because it needs the extractor's original line structure.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from pipeline.offsets import Edit

# Characters PDF extractors emit for spacing: NBSP, en/em/thin/hair/narrow spaces, ideographic space,
# and U+FFFD, which replaces the tab leader of glossary lines ("CAR\t\ufffd Chimeric ...").
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\ufffd"
_DROP = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")
# Ligatures and presentation forms NFKC folds to plain letters (ﬁ -> fi); other NFKC changes
# (× , µ, ≥) carry meaning and are kept.
_LIGATURES = re.compile("[\ufb00-\ufb06]")


def line_endings(text: str) -> list[Edit]:
    """CRLF and CR to LF; form feeds (page breaks of pdftotext) become a newline too."""
    return [Edit(m.start(), m.end(), "\n" * (m.end() - m.start()) if m.group() != "\r\n" else "\n")
            for m in re.finditer(r"\r\n|\r|\f", text)]


def fold_characters(text: str) -> list[Edit]:
    """Exotic spaces to a space, invisible characters dropped, ligatures split, superscripts marked.

    A superscript digit run becomes ``^digits`` so that "10⁸" reads as 10^8 downstream, which is the
    one thing a lost superscript ("108") cannot tell us.
    """
    edits: list[Edit] = []
    for m in re.finditer(f"[{_SPACES}]", text):
        edits.append(Edit(m.start(), m.end(), " "))
    for m in re.finditer(f"[{_DROP}]", text):
        edits.append(Edit(m.start(), m.end(), ""))
    for m in _LIGATURES.finditer(text):
        edits.append(Edit(m.start(), m.end(), unicodedata.normalize("NFKC", m.group())))
    for m in _SUPERSCRIPT_RUN.finditer(text):
        edits.append(Edit(m.start(), m.end(), "^" + m.group().translate(_SUPERSCRIPTS)))
    return edits


_PAGE_LINE = re.compile(r"^[^\n]*\bPage\s+\d+\s+of\s+\d+(?!\d)[^\n]*\n?", re.MULTILINE)


def page_header_lines(text: str, min_gap: int = 800) -> list[tuple[int, int]]:
    """Spans of running header/footer lines ("Page 3 of 4 Smith et al. Blood Adv ...").

    Besides "Page N of M" lines, a line that recurs at least three times, a page's worth of text
    apart, and differs between its occurrences only in its numbers (a journal running head with the
    page number) counts too. The spacing keeps out lists whose lines share a shape, such as the
    "Blood. 2023;142(Suppl 1):3385." lines of a reference list.
    """
    spans = [(m.start(), m.end()) for m in _PAGE_LINE.finditer(text)]
    by_shape: dict[str, list[tuple[int, int]]] = {}
    for m in re.finditer(r"^[^\n]*\n?", text, re.MULTILINE):
        line = m.group().strip()
        if 20 <= len(line) <= 160 and re.search(r"\d", line) and not line.startswith("|"):
            by_shape.setdefault(re.sub(r"\d+", "#", line), []).append((m.start(), m.end()))
    for places in by_shape.values():
        gaps = [b[0] - a[1] for a, b in zip(places, places[1:], strict=False)]
        if len(places) >= 3 and min(gaps) >= min_gap:
            spans.extend(p for p in places if p not in spans)
    return sorted(spans)


def remove_lines(spans: list[tuple[int, int]]) -> list[Edit]:
    """Delete whole lines, leaving a line break so neighbouring paragraphs do not run together."""
    return [Edit(start, end, "\n") for start, end in spans]


HYPHEN_BREAK = re.compile(r"(?P<left>[^\s\-/]*[A-Za-z0-9)\]])-[ \t]*\n[ \t]*(?P<right>[A-Za-z0-9][^\s]*)")
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]*[A-Za-z]|[A-Za-z]")


def document_vocabulary(text: str) -> tuple[Counter[str], set[str]]:
    """Words (lower-cased) as the document spells them within a line, and its hyphenated compounds.

    The halves of a line-end break are left out: they are what is being decided.
    """
    words: Counter[str] = Counter()
    compounds: set[str] = set()
    for line in HYPHEN_BREAK.sub(" ", text).split("\n"):
        for m in _WORD.finditer(line):
            word = m.group().lower()
            if "-" in word:
                compounds.add(word)
                words.update(part for part in word.split("-") if part)
            else:
                words[word] += 1
    return words, compounds


def _holds_digit_or_closes_bracket(left: str) -> bool:
    token = re.split(r"[(\[]", left)[-1]
    return token.endswith((")", "]")) or any(ch.isdigit() for ch in token)


def dehyphenate(text: str) -> list[Edit]:
    """Undo line-end hyphenation where the hyphen was only the typesetter's (``keeps_hyphen``)."""
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
    right_word = re.match(r"[A-Za-z]+", right)
    left_word = re.search(r"[A-Za-z]+$", left)
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


def aligned_blocks(text: str, min_lines: int = 3) -> list[tuple[int, int]]:
    """Spans of blocks whose lines are cut into columns by runs of two or more spaces.

    A table typeset with aligned columns keeps its column gaps only as wide space runs; in at least
    ``min_lines`` consecutive lines with two or more such gaps each, those runs are the cell
    boundaries and must survive whitespace folding.
    """
    blocks: list[tuple[int, int]] = []
    lines = list(re.finditer(r"[^\n]*\n?", text))
    aligned = [len(re.findall(r"\S {2,}(?=\S)", m.group())) >= 2 for m in lines]
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
    for m in re.finditer(r"[ ]*\t[ \t]*|[ ]{2,}|[ \t]+(?=\n)|(?<=\n)[ ]+|\n{3,}", text):
        s = m.group()
        inside = any(a <= m.start() < b for a, b in protected)
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

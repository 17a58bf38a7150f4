"""Split a table's caption from its footnotes, and its footnotes from one another.

A caption ends where the first footnote begins: a marker ("* Three patients received ...") or the
abbreviation list ("AML acute myeloid leukemia, FC fludarabine and cyclophosphamide, ..."). In a
shredded table nothing separates them ("...at ASH 2022* Three...", "...of 7 daysAML acute..."), so the
list is recognised by its items: a short form followed by a long form whose words carry the short
form's letters in order, the way abbreviation finders (Schwartz & Hearst 2003) pair them.
"""

from __future__ import annotations

import re

MARKERS = "*†‡§¶"
_MARKER = re.compile(rf"[{MARKERS}]+\s?(?=[A-Z(\d])")
# A letter note at the start of a line under a table ("a Primary efficacy analysis set").
_LETTER_MARKER = re.compile(r"(?m)^[a-e]\s(?=[A-Z(])")
_FOOTNOTE_PREFIX = re.compile(r"(?:Abbreviations?|Notes?|Source|Footnotes?)\s*[:.]\s*")
_DEFINITION = re.compile(r"(?P<sf>\S{1,16}?)(?P<sep>\s*[:=,]\s+|\s+)(?P<lf>.+)", re.DOTALL)


def parse_definition(item: str) -> tuple[str, str] | None:
    """``(short, long)`` if ``item`` reads as "SF long form" / "SF, long form" / "SF: long form"."""
    item = " ".join(item.split())
    m = _DEFINITION.fullmatch(item)
    if not m:
        return None
    short, long, sep = m.group("sf"), m.group("lf").strip().rstrip("."), m.group("sep").strip()
    letters = [c.lower() for c in short if c.isalpha()]
    if letters and not short[0].isalpha():
        return None
    if not letters:
        return (short, long) if sep and not any(c.isdigit() for c in short) and len(long.split()) <= 4 else None
    if not (any(c.isupper() or c.isdigit() for c in short) or sep):
        return None
    if re.search(r"[.!?]\s+[A-Z]", long) or len(long) < 2:
        return None
    lf_words = re.sub(r"\([^()]*\)", " ", long).split()
    if not lf_words or len(lf_words) > max(4, len(letters) + 3):
        return None
    if sum(1 for w in lf_words if sum(c.isupper() or c.isdigit() for c in w) >= 2) >= 2:
        return None
    lower = long.lower()
    if not lower or lower[0] != letters[0]:
        return None
    pos = 1
    for letter in letters[1:]:
        found = lower.find(letter, pos)
        if found < 0:
            return None
        pos = found + 1
    return short, long


def _separator(text: str) -> str:
    return ";" if text.count(";") >= 2 else ","


def _items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    sep = _separator(text[start:end])
    items: list[tuple[int, int]] = []
    pos = start
    for m in re.finditer(rf"{sep}\s*", text[start:end]):
        items.append((pos, start + m.start()))
        pos = start + m.end()
    items.append((pos, end))
    return [(a, b) for a, b in items if text[a:b].strip()]


def list_start(text: str, start: int, end: int, min_items: int = 2) -> int | None:
    """Where an abbreviation list that runs to ``end`` begins, or ``None`` if ``text[start:end]``
    does not end with one of at least ``min_items`` definitions."""
    items = _items(text, start, end)
    count = 0
    first: int | None = None
    for index in range(len(items) - 1, -1, -1):
        a, b = items[index]
        if parse_definition(text[a:b]):
            count += 1
            first = a
            continue
        for pos in _token_starts(text, a + 1, b):
            if parse_definition(text[pos:b]):
                count += 1
                first = pos
                break
        break
    if first is None or count < min_items:
        return None
    prefix = _FOOTNOTE_PREFIX.search(text, max(start, first - 20), first)
    if prefix and prefix.end() == first:
        first = prefix.start()
    return first


def _token_starts(text: str, start: int, end: int) -> list[int]:
    """Positions where a word can begin: after a space or stop, or at a lower-to-upper change
    ("daysAML" in a shredded table, where the space between two notes was lost)."""
    starts = []
    for pos in range(start, end):
        ch, before = text[pos], text[pos - 1]
        if ch.isspace():
            continue
        glued = ch.isupper() and (before.islower() or before in ")]" or before.isdigit())
        if before.isspace() or before in ".;" or glued:
            starts.append(pos)
    return starts


def is_footnote(text: str) -> bool:
    """Whether a block of text reads as a table footnote (marker, "Abbreviations:", or a list)."""
    stripped = text.strip()
    if not stripped:
        return False
    if stripped[0] in MARKERS or _FOOTNOTE_PREFIX.match(stripped) or _LETTER_MARKER.match(stripped):
        return True
    items = _items(stripped, 0, len(stripped))
    parsed = sum(1 for a, b in items if parse_definition(stripped[a:b]))
    return parsed >= 2 and parsed >= 0.5 * len(items)


def caption_end(text: str, start: int, end: int) -> int:
    """End of a caption that runs from ``start`` into its footnotes (at most ``end``)."""
    marker = _MARKER.search(text, start, end)
    abbreviations = list_start(text, start, end)
    if abbreviations is None:
        single = list_start(text, start, end, min_items=1)
        if single is not None and single > start and (text[single - 1].islower() or text[single - 1].isdigit()):
            abbreviations = single  # one definition glued to the caption ("...malignanciesAML acute ...")
    candidates = [pos for pos in (marker.start() if marker else None, abbreviations) if pos is not None]
    stop = min(candidates) if candidates else end
    while stop > start and text[stop - 1] in " \n\t":
        stop -= 1
    return stop


def split_footnotes(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the separate footnotes in ``text[start:end]`` (marker notes, then a list)."""
    spans: list[tuple[int, int]] = []
    listed = list_start(text, start, end)
    if listed is None:
        single = list_start(text, start, end, min_items=1)
        if single is not None and text[start:single].rstrip().endswith("."):
            listed = single
    before = text[start:listed].lstrip() if listed is not None else ""
    if listed is not None and not (_MARKER.match(before) or _LETTER_MARKER.match(before)):
        listed = start
    notes_end = listed if listed is not None else end
    cuts = [start]
    for m in _LETTER_MARKER.finditer(text, start, notes_end):
        if m.start() > start:
            cuts.append(m.start())
    for m in _MARKER.finditer(text, start, notes_end):
        before = text[max(start, m.start() - 2):m.start()]
        if m.start() > start and (before.endswith((". ", ".\n", "\n")) or before.rstrip().endswith(".")):
            cuts.append(m.start())
    cuts.append(notes_end)
    cuts = sorted(set(cuts))
    for a, b in zip(cuts, cuts[1:], strict=False):
        a, b = _trim(text, a, b)
        if b > a:
            spans.append((a, b))
    if listed is not None:
        a, b = _trim(text, listed, end)
        if b > a:
            spans.append((a, b))
    return spans


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b

"""Glossary blocks: an "Abbreviations" heading followed by one "SF<tab>Long form" line per entry.

A glossary is the author's own list, so its entries are trusted without letter matching when the
separator is unambiguous (a tab, two spaces, a colon or a dash); a single space separates an entry
only when the letters of the short form are found in the rest of the line.
"""

from __future__ import annotations

import re

from pipeline.abbreviations.align import align
from pipeline.abbreviations.definitions import Definition
from pipeline.abbreviations.shapes import looks_like_short_form

_HEADING = re.compile(
    r"^[ \t]*(?:list of )?(?:abbreviations?|acronyms|abbreviations and acronyms|glossary)[ \t]*:?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_STRONG = re.compile(r"^(\S+(?: \S+)?)(?:\t+|[ \t]{2,}|[ \t]*[:=][ \t]*|[ \t]+[–—-][ \t]+)(\S.*)$")
_WEAK = re.compile(r"^(\S+) (\S.*)$")
_MAX_WORDS = 14


def find_glossary(text: str) -> list[Definition]:
    """Entries of every glossary block, in text order."""
    found: list[Definition] = []
    for heading in _HEADING.finditer(text):
        found.extend(_entries(text, heading.end()))
    return found


def _entries(text: str, pos: int) -> list[Definition]:
    out: list[Definition] = []
    blank_run = 0
    for m in re.finditer(r"[^\n]*\n?", text[pos:]):
        if not m.group():
            break
        line = m.group().rstrip("\n")
        start = pos + m.start()
        if not line.strip():
            blank_run += 1
            if out or blank_run > 2:
                break  # a blank line ends the block; two before the first entry mean no block
            continue
        blank_run = 0
        entry = _entry(line, start)
        if entry is None:
            break
        out.append(entry)
    return out


def _entry(line: str, line_start: int) -> Definition | None:
    lead = len(line) - len(line.lstrip())
    body = line.strip()
    m = _STRONG.match(body)
    weak = False
    if not m or not looks_like_short_form(m.group(1)):
        m = _WEAK.match(body)
        weak = True
    if not m or not looks_like_short_form(m.group(1)):
        return None
    short = m.group(1)
    long_form = " ".join(m.group(2).split()).lstrip("\ufffd•·.:–—- ")  # tab leaders the extractor kept
    if not any(ch.isalpha() for ch in long_form) or len(long_form.split()) > _MAX_WORDS:
        return None
    if weak:
        found = align(short, long_form, 1)
        if found is None or found.start != 0:
            return None
    start = line_start + lead
    return Definition(short, long_form, "glossary", start, start + len(short))

"""Abbreviation lists run together in one paragraph, as under tables and at the end of abstracts.

Three styles occur: "AML acute myeloid leukemia, FC fludarabine and cyclophosphamide, ...",
"Abbreviations: AML, acute myeloid leukaemia; BV, brentuximab vedotin; ..." and
"PFS: progression-free survival; EFS: event-free survival". Nothing marks where one entry's long
form ends and the next short form begins except a separator followed by a token shaped like a
short form whose letters open the words after it; so a piece is an entry only when its letters
match, and a list is only believed when at least two consecutive pieces are entries (one suffices
after an "Abbreviations:" label). PDF extraction glues a caption to the first entry ("7 daysAML
acute ...") and a table header to the last ("... syndromeNCT number"); both are cut at the case
switch when the letters say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.abbreviations.align import Alignment, align, units
from pipeline.abbreviations.definitions import Definition
from pipeline.abbreviations.linebreaks import KEPT_HYPHEN
from pipeline.abbreviations.shapes import looks_like_short_form

_LABEL = re.compile(r"\b(?:abbreviations?|acronyms)(?:\s+used)?\s*:\s*", re.IGNORECASE)
_ENTRY = re.compile(r"^(\S+?)(?:\s*[:=]\s*|\s*,\s+|\s+[–—-]\s+|\s+)(\S.*)$", re.DOTALL)
_GLUED = re.compile(r"(?<=[a-z0-9])([A-Z][A-Z0-9][A-Za-z0-9]*)$")
_MAX_WORDS = 12
# A paragraph: lines up to a blank line (runs of other characters taken whole, not one by one). The
# look-ahead reads only the next line's spaces: "\s*" there ran over every blank line that followed, at
# each of them (200 KB of blank lines took 25 s).
_PARAGRAPH = re.compile(r"(?:[^\n]+|\n(?![ \t]*\n))+")
_SEPARATOR = {sep: re.compile(re.escape(sep) + r"\s+|" + re.escape(sep) + r"$") for sep in (";", ",")}
_TOKEN = re.compile(r"\S+")
_LEAD = re.compile(r"^\s*[:=,–—]?\s*")
_CASE_GLUE = re.compile(r"(?<=[a-z])[A-Z]")
# A word cut short, as a list of abbreviations may hold one: "Pts patients", "Costim. costimulatory".
# A piece may hold the end of what precedes the list on earlier lines: the word then opens a line.
_ABBREVIATED_WORD = re.compile(r"(?m)^([A-Z][a-z]{1,7}\.?)[ \t]+([a-z]\S*(?:[ \t]\S+){0,5})\Z")


@dataclass(frozen=True)
class FootnoteSettings:
    """An entry's letters must align at least this well (score per unit, see ``align``)."""

    min_score: float = 1.4
    max_skipped: int = 1


def find_footnotes(text: str, settings: FootnoteSettings | None = None) -> list[Definition]:
    """Entries of every abbreviation list, in text order."""
    settings = settings or FootnoteSettings()
    found: list[Definition] = []
    for para in _PARAGRAPH.finditer(text):
        if para.group().count(",") + para.group().count(";") < 1:
            continue
        found.extend(_paragraph(text, para.start(), para.end(), settings))
    return found


def _paragraph(text: str, start: int, end: int, settings: FootnoteSettings) -> list[Definition]:
    body = text[start:end]
    label = _LABEL.search(body)
    if label:
        start += label.end()
        body = text[start:end]
    best: list[Definition] = []
    for sep in (";", ","):
        pieces = _pieces(body, start, sep)
        entries = _runs(text, pieces, settings, labelled=bool(label))
        if len(entries) > len(best):
            best = entries
    return best


def _pieces(body: str, offset: int, sep: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for m in _SEPARATOR[sep].finditer(body):
        out.append((offset + pos, offset + m.start()))
        pos = m.end()
    out.append((offset + pos, offset + len(body.rstrip(". \n"))))
    return [(a, b) for a, b in out if b > a]


def _runs(
    text: str, pieces: list[tuple[int, int]], settings: FootnoteSettings, labelled: bool
) -> list[Definition]:
    """Entries of runs of consecutive matching pieces; a lone match counts only after a label."""
    # each piece after the first is split by shape once, for the run test and for its entry
    opened = [None] + [_opens_with_short_form(text[a:b].strip()) for a, b in pieces[1:]]
    if not labelled and not _may_hold_run(opened):
        return []
    entries = [_entry(text, a, b, settings, k == 0, opened[k] if k else _opens_with_short_form(text[a:b].strip()))
               for k, (a, b) in enumerate(pieces)]
    # Inside a list, an abbreviated word stands for a word too ("Pts patients, Costim. costimulatory, CR
    # complete remission"): a piece opening with one is an entry when a neighbour is a sure one.
    for k, (a, b) in enumerate(pieces):
        sure = (k > 0 and entries[k - 1] is not None) or (k + 1 < len(pieces) and entries[k + 1] is not None)
        if entries[k] is None and sure:
            piece = text[a:b].rstrip()
            word = _ABBREVIATED_WORD.search(piece)
            if word:
                entries[k] = _build(word.group(1), word.group(2), a + word.start(1), settings)
    out: list[Definition] = []
    run: list[Definition] = []
    for entry in entries:
        if entry is not None:
            run.append(entry)
            continue
        if len(run) >= 2 or (labelled and run):
            out.extend(run)
        run = []
    if len(run) >= 2 or (labelled and run):
        out.extend(run)
    return out


def _may_hold_run(opened: list[re.Match[str] | None]) -> bool:
    """Whether two consecutive pieces could both be entries, judged by shape alone (the letter
    alignment is what costs): prose paragraphs with commas are ruled out before any alignment.
    ``opened`` is each piece's ``_opens_with_short_form``; the first piece may open anywhere."""
    possible = [k == 0 or m is not None for k, m in enumerate(opened)]
    return any(possible[k] and possible[k + 1] for k in range(len(possible) - 1))


def _opens_with_short_form(piece: str) -> re.Match[str] | None:
    """The piece split as "SF long form" when its first token is shaped like a short form."""
    m = _ENTRY.match(piece)
    return m if m and looks_like_short_form(m.group(1)) else None


def _entry(
    text: str, a: int, b: int, settings: FootnoteSettings, first: bool, m: re.Match[str] | None
) -> Definition | None:
    """The entry in piece ``text[a:b]``; ``m`` is its ``_opens_with_short_form``."""
    piece = text[a:b]
    lead = len(piece) - len(piece.lstrip())
    if m:
        return _build(m.group(1), m.group(2), a + lead, settings)
    if not first:
        return None
    # the list's first entry may follow a caption on the same line, glued or not ("7 daysAML acute")
    tokens = list(_TOKEN.finditer(piece))
    for k in range(len(tokens) - 2, max(-1, len(tokens) - 2 - _MAX_WORDS), -1):
        tok, follower = tokens[k], tokens[k + 1].group()[0].lower()
        glued = _GLUED.search(tok.group())
        options = [(tok.group(), a + tok.start())]
        if glued:
            options.append((glued.group(1), a + tok.start() + glued.start(1)))
        for short, s_start in options:
            if short[0].lower() != follower or not looks_like_short_form(short):
                continue
            found = _build(short, piece[tok.end():], s_start, settings)
            if found is not None:
                return found
    return None


def _build(short: str, rest: str, s_start: int, settings: FootnoteSettings) -> Definition | None:
    rest = _LEAD.sub("", rest)
    long_form = " ".join(KEPT_HYPHEN.sub("-", rest).split())
    found = _fits(short, long_form, settings)
    if found is None:
        long_form = _trim_tail(short, long_form, settings)
        found = _fits(short, long_form, settings) if long_form else None
    if found is None:
        return None
    # "NA not available; neurotoxicity was ...": the list's separator that closes the entry is not its own.
    return Definition(short, long_form.rstrip(";,"), "footnote", s_start, s_start + len(short))


def _fits(short: str, long_form: str, settings: FootnoteSettings) -> Alignment | None:
    if not long_form or not long_form[0].isalnum() or len(units(long_form)) <= len(units(short)):
        return None
    if long_form[0].lower() != short[0].lower() or len(long_form.split()) > _MAX_WORDS:
        return None  # an entry's long form opens with the short form's first letter
    found = align(short, long_form, 1)
    if found is None or found.start != 0 or found.skipped > settings.max_skipped:
        return None
    return found if found.score >= settings.min_score else None


def _trim_tail(short: str, long_form: str, settings: FootnoteSettings) -> str:
    """A piece may run into what follows the list: keep the shortest word prefix that fits,
    cutting a glued word at its case switch ("syndromeNCT number" -> "syndrome")."""
    words = long_form.split()[: len(units(short)) + 4]
    if not words or words[0][0].lower() != short[0].lower():
        return ""
    for j, word in enumerate(words):
        glue = _CASE_GLUE.search(word)
        if glue:
            candidate = " ".join([*words[:j], word[: glue.start()]])
            return candidate if _fits(short, candidate, settings) is not None else ""
    for j in range(1, len(words) + 1):
        candidate = " ".join(words[:j])
        if _fits(short, candidate, settings) is not None:
            return candidate
    return ""

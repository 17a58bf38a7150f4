"""Definitions written in running text: "long form (SF)" and "SF (long form)".

Every bracketed group is a candidate. Its content (up to a ";" or ", ") is tried as a short form
against the words before the bracket, and -- when that fails -- the word before the bracket is tried
as a short form against the content. The letter matching of ``align`` chooses the long-form
boundary; the thresholds below decide what counts as a definition. They were set once, on the
pooled public corpora, and are not specific to any one of them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from pipeline.abbreviations.align import STOPWORDS, Alignment, align, units
from pipeline.abbreviations.definitions import Definition
from pipeline.abbreviations.linebreaks import KEPT_HYPHEN, join_line_breaks
from pipeline.occurrences import token_spans

_OPEN = {"(": ")", "[": "]"}
# A gene-style name written in title case ("Sdic", "Epac"): a short form before a bracket only when its
# letters open the words of the bracket's content.
_TITLE_NAME = re.compile(r"^[A-Z][a-z]{2,5}$")
_REVERSED_CUE = re.compile(r"^(?:for|short\s+for|standing\s+for|i\.\s?e\.,?)\s+", re.IGNORECASE)
_MAX_CONTENT = 120
_CUE = re.compile(
    r"^(?:hereafter|henceforth|hereinafter|termed|called|named|designated|abbreviated(?:\s+as)?|"
    r"referred\s+to\s+as|i\.\s?e\.,?|or)\s+",
    re.IGNORECASE,
)
# What stops the search for a long form: a bracket, a clause or sentence break, a blank line.
# A period after a lone capital is an initial or an abbreviated genus ("S. aureus protein A"), not a stop.
# (The leading look-ahead lists the characters every alternative starts with, so that the scan skips
# the others without trying each alternative there; it changes no match.)
_BOUNDARY = re.compile(r"(?=[()\[\];.!?:\n=])(?:[()\[\];]|(?<!\b[A-Z])[.!?:](?=\s)|\n\s*\n|=)")
_NOT_SHORT = re.compile(
    r"[=<>%±×]|^\d+(?:\.\d+)?$|^\d+\s|^(?:19|20)\d\d[a-z]?$"
    r"|^(?:i\.\s?e\b|e\.\s?g\b|cf\.|vs\.|etc\.|et al\b)",
    re.IGNORECASE,
)
_GLUED = re.compile(r"[(\[][^()\[\]\s]{0,12}[)\]]")
_WORD_RUN = re.compile(r"\S+")
_BRACKET_OPEN = re.compile(r"[(\[]")
_LABEL_PAIR = re.compile(r"[A-Za-z]\s*,\s*[A-Za-z]\s*$")
_SHORT_END = re.compile(r"[;,]\s|\s-\s")
_LONG_END = re.compile(r";\s|,\s")
_TAIL_WORD = re.compile(r"(?:\b(type|class|group)\s+)?(\S+)(\s+kDa?)?\s+$", re.IGNORECASE)
_LAST_WORD = re.compile(r"([A-Za-z][a-z]+)\s*$")
_LAST_TOKEN = re.compile(r"(\S+)\s*$")
_PLURAL = re.compile(r"(?<=[A-Z])s$")
_ROMAN_ONLY = re.compile(r"^(?:I{1,3}|IV|VI{0,3}|IX|X)$")
_TAIL = re.compile(r"(?<=[A-Za-z])-?(\d{1,2}[ps]?|I{1,3}|IV|VI{0,3})$")
# The item that follows a lower-case enumeration marker: "(a)" then "(b)", "(i)" then "(ii)".
_NEXT_ITEM = {chr(c): chr(c + 1) for c in range(ord("a"), ord("h"))} | {"i": "ii"}
_ORDINALS = {
    "1": "first", "2": "second", "3": "third", "4": "fourth", "5": "fifth",
    "6": "sixth", "7": "seventh", "8": "eighth", "9": "ninth",
}


@dataclass(frozen=True)
class InlineSettings:
    """Acceptance thresholds for an alignment (score is per short-form unit, see ``align``)."""

    min_score: float = 1.0
    min_score_reversed: float = 1.5
    min_score_comma: float = 2.0
    max_skipped: int = 2
    max_skipped_reversed: int = 1
    max_short_chars: int = 15
    max_short_words: int = 3
    min_single_letter_word: int = 4


@dataclass
class _Stops:
    """The clause boundaries and word-glued brackets of one document, found in one scan each.

    ``_window`` needs the last boundary before a bracket that is not part of a word; scanning the
    400 characters before every bracket again was the costliest part of the finder. Each match of
    ``_BOUNDARY`` or ``_GLUED`` in a stretch of text is a match in the whole text too (their
    look-behind sees the characters before the stretch), except a blank-line run cut by the
    stretch's start; that case is left to the stretch scan (``_window_start_scanned``).
    """

    text: str
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    glued: dict[int, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str) -> _Stops:
        stops = cls(text)
        spans = [m.span() for m in _BOUNDARY.finditer(text)]
        stops.starts = [a for a, _ in spans]
        stops.ends = [b for _, b in spans]
        for m in _GLUED.finditer(text):
            a, b = m.start(), m.end()
            if _glued_to_word(text, a, b):
                stops.glued[a] = stops.glued[b - 1] = (a, b)
        return stops

    def window_start(self, lo: int, end: int) -> int:
        """Where the long-form search starts: after the last boundary in ``text[lo:end]`` that is not
        a bracket glued to a word inside that stretch, else ``lo`` (as ``_window_start_scanned``)."""
        k = bisect_right(self.ends, end) - 1
        if k + 1 < len(self.starts) and self.starts[k + 1] < end:
            return _window_start_scanned(self.text, lo, end)  # a match runs past the stretch's end
        while k >= 0:
            start, stop = self.starts[k], self.ends[k]
            if start < lo:
                return _window_start_scanned(self.text, lo, end) if stop > lo else lo
            if stop == end and self.text[start] in ".!?:":
                k -= 1  # its look-ahead needs the character at ``end``, outside the stretch
                continue
            pair = self.glued.get(start)
            if pair is None or pair[0] < lo or pair[1] > end:
                return stop
            k -= 1
        return lo


def find_inline(text: str, settings: InlineSettings | None = None) -> list[Definition]:
    """All "long form (SF)" and "SF (long form)" definitions, in text order."""
    settings = settings or InlineSettings()
    clean = join_line_breaks(text)
    stops = _Stops.of(clean.text)
    found: list[Definition] = []
    for open_at, close_at in _brackets(clean.text):
        definition = _definition_at(clean.text, open_at, close_at, settings, stops)
        if definition is None:
            continue
        short, long_form, s_start, s_end = definition
        start, end = clean.original_span(s_start, s_end)
        short = text[start:end]
        if not short.strip():
            continue
        found.append(Definition(short, long_form, "inline", start, end))
    return found


def _brackets(text: str) -> list[tuple[int, int]]:
    """(open, close) offsets of every balanced bracket group short enough to hold a definition."""
    out = []
    for m in _BRACKET_OPEN.finditer(text):
        open_at = m.start()
        closer = _OPEN[text[open_at]]
        depth = 0
        limit = min(len(text), open_at + _MAX_CONTENT + 2)
        for k in range(open_at, limit):
            ch = text[k]
            if ch == text[open_at]:
                depth += 1
            elif ch == closer:
                depth -= 1
                if depth == 0:
                    out.append((open_at, k))
                    break
    return out


def _definition_at(
    text: str, open_at: int, close_at: int, settings: InlineSettings, stops: _Stops
) -> tuple[str, str, int, int] | None:
    content = text[open_at + 1 : close_at]
    short, s_start = _short_in_brackets(content, open_at + 1)
    if short and _looks_short(short, settings) and not _is_marker(text, open_at, close_at, short):
        long_form = _long_before(text, open_at, short, settings, stops)
        if long_form:
            return short, long_form, s_start, s_start + len(short)
    return _short_before(text, open_at, close_at, settings)


def _is_marker(text: str, open_at: int, close_at: int, short: str) -> bool:
    """A one-letter bracket that is not a short form: a suffix glued to its word ("signal(s)",
    "apolipoprotein(a)"), an item of an enumeration whose next item follows ("to assess (a) whether
    ... and (b)", "includes (i) ... (ii)"), or a list of labels ("two clones (C, D)")."""
    if len(short) != 1:
        return False
    if open_at > 0 and text[open_at - 1].isalnum():
        return True
    if _LABEL_PAIR.match(text[open_at + 1 : close_at]):
        return True
    following = _NEXT_ITEM.get(short)
    return following is not None and f"({following})" in text[close_at : close_at + 600]


def _short_in_brackets(content: str, offset: int) -> tuple[str, int]:
    """The short-form candidate inside a bracket: up to the first "; " or ", ", after a cue word."""
    part = _SHORT_END.split(content, maxsplit=1)[0]
    lead = len(part) - len(part.lstrip())
    part = part.strip()
    cue = _CUE.match(part)
    if cue:
        lead += cue.end()
        part = part[cue.end():]
    return part, offset + lead


def _looks_short(short: str, settings: InlineSettings) -> bool:
    """Schwartz & Hearst's filter, widened to digits-first forms: a few characters, a letter, not a
    number, statistic or year."""
    words = short.split()
    if len(short) > settings.max_short_chars or len(words) > settings.max_short_words:
        return False
    if len(words) > 1 and not any(ch.isupper() or ch.isdigit() for ch in short):
        return False  # "(within a limb)": words, not a short form
    if not any(ch.isalpha() for ch in short) or _NOT_SHORT.search(short) or _ROMAN_ONLY.match(short):
        return False
    return short[0].isalnum() or short[0] in "αβγδεκλμ"


def _optional_tail(short: str) -> int:
    """How many trailing units a long form may leave out: a plural "s", a number or roman numeral."""
    if _PLURAL.search(short):
        return 1
    m = _TAIL.search(short)
    if m and len(units(short)) - len(m.group(1)) >= 2:
        return len(m.group(1))
    return 0


def _window(text: str, end: int, max_words: int, stops: _Stops) -> tuple[int, str]:
    """The last ``max_words`` words before ``end``, not crossing a clause boundary."""
    start = stops.window_start(max(0, end - 400), end)
    words = [m.start() for m in _WORD_RUN.finditer(text, start, end)]
    if not words:
        return end, ""
    first = words[max(0, len(words) - max_words)]
    return first, text[first:end]


def _window_start_scanned(text: str, lo: int, end: int) -> int:
    """``_Stops.window_start`` by scanning the stretch itself, for the rare stretch whose ends cut a
    match of the whole text."""
    start = lo
    glued = _glued_brackets(text, lo, end)
    for m in _BOUNDARY.finditer(text, lo, end):
        if m.start() not in glued:
            start = m.end()
    return start


def _glued_brackets(text: str, lo: int, end: int) -> set[int]:
    """Offsets of brackets that are part of a word ("poly(A)-binding", "Na(+)-coupled",
    "N-(1-naphthyl)"): they do not end a long form."""
    out: set[int] = set()
    for m in _GLUED.finditer(text, lo, end):
        a, b = m.start(), m.end()
        if _glued_to_word(text, a, b):
            out.update((a, b - 1))
    return out


def _glued_to_word(text: str, a: int, b: int) -> bool:
    """Whether the bracket group ``text[a:b]`` touches a letter, digit or hyphen on either side."""
    before = text[a - 1] if a > 0 else " "
    after = text[b] if b < len(text) else " "
    return before.isalnum() or after.isalnum() or "-" in (before, after)


def _accept(found: Alignment | None, short: str, min_score: float, settings: InlineSettings) -> bool:
    if found is None or found.skipped > settings.max_skipped:
        return False
    if found.score < min_score:
        return False
    # an ordinary word in brackets ("(see)", "(data)") is not a short form unless it is an acronym
    return not (short.isalpha() and short.islower() and len(short) > 4 and found.word_starts < len(short))


def _long_before(text: str, open_at: int, short: str, settings: InlineSettings, stops: _Stops) -> str:
    n = len(units(short))
    if n == 1:
        return _single_letter(text, open_at, short, settings) if short.isalpha() else ""
    max_words = min(n + 5, 2 * n) if n > 1 else 2
    first, window = _window(text, open_at, max_words, stops)
    window = window.rstrip()
    if not window:
        return ""
    found = align(short, window, _optional_tail(short))
    if not _accept(found, short, settings.min_score, settings):
        return ""
    assert found is not None
    start = first + found.start
    if found.unmatched:
        start = _extend_for_tail(text, start, short, found.unmatched)
    joined = KEPT_HYPHEN.sub("-", text[start:open_at])  # a hyphen the document keeps
    long_form = " ".join(joined.split()).strip(",;:-\"' ")
    if ", " in long_form and found.score < settings.min_score_comma:
        return ""
    letters = sum(ch.isalpha() for ch in long_form)
    if letters < 2 * len(units(short)) // 1 and letters < len(long_form) / 2:
        return ""  # "2,6(R),10(S),14 (RS)": stereodescriptors, not words
    last = long_form.split()[-1]
    if last in STOPWORDS and len(last) > 1:
        return ""  # "... [3H]prazosin and (3H)": a long form does not end on "and"
    if len(units(long_form)) <= len(units(short)):
        return ""
    variant = len(long_form) - len(short) <= 2 and long_form.lower().startswith(short.lower()[:2])
    if " " not in long_form and variant:
        return ""  # "BELL1 (BEL1)": a variant spelling, not a definition
    if _names_itself(short, long_form):
        return ""  # "GM1 ganglioside (GM1)": the short form is a word of its long form
    return long_form


def _extend_for_tail(text: str, start: int, short: str, unmatched: int) -> int:
    """Take in the word before the long form when it carries the short form's unmatched number:
    "70-kD heat shock protein (Hsp70)", "first transmembrane domain (TMD1)"."""
    tail = "".join(units(short)[-unmatched:]).rstrip("ps")
    lo = max(0, start - 40)
    m = _TAIL_WORD.search(text[lo:start])
    if not m or not tail:
        return start
    word = m.group(2).lower()
    if word.startswith(tail) or word == _ORDINALS.get(tail):
        return lo + m.start()
    return start


def _single_letter(text: str, open_at: int, short: str, settings: InlineSettings) -> str:
    """A one-letter short form is defined only by the one word right before it that starts with it."""
    m = _LAST_WORD.search(text[max(0, open_at - 40):open_at])
    if not m or len(m.group(1)) < settings.min_single_letter_word:
        return ""
    word = m.group(1)
    return word if word[0].lower() == short.lower() else ""


def _short_before(
    text: str, open_at: int, close_at: int, settings: InlineSettings
) -> tuple[str, str, int, int] | None:
    """"SF (long form)": the token before the bracket is the short form, the content its long form."""
    m = _LAST_TOKEN.search(text[max(0, open_at - 40):open_at])
    if not m:
        return None
    token = m.group(1)
    s_start = max(0, open_at - 40) + m.start(1)
    stripped = token.rstrip(",;:")
    lead = len(stripped) - len(stripped.lstrip("\"'"))
    short = stripped[lead:]
    s_start += lead
    acronym = _looks_like_acronym(short)
    if not acronym and not _TITLE_NAME.match(short):
        return None
    long_part = _reversed_long(text[open_at + 1 : close_at])
    if not _enough_words(long_part) or len(units(long_part)) <= len(units(short)):
        return None
    if _names_itself(short, long_part, substring=True):
        return None
    found = align(short, long_part, _optional_tail(short))
    if not _accept(found, short, settings.min_score_reversed, settings) or found is None:
        return None
    if found.start != 0 or found.skipped > settings.max_skipped_reversed:
        return None
    if not acronym and (found.word_starts < found.units or found.unmatched):
        return None  # "Sdic (sperm-specific dynein intermediate chain)": every letter opens a word
    return short, " ".join(long_part.split()), s_start, s_start + len(short)


def _reversed_long(content: str) -> str:
    """The long-form candidate in "SF (long form)": up to the first "; " or ", ", after a cue that
    announces an expansion ("Sdic (for sperm-specific dynein intermediate chain)")."""
    part = _LONG_END.split(content, maxsplit=1)[0].strip()
    return _REVERSED_CUE.sub("", part, count=1)


def _names_itself(short: str, long_part: str, substring: bool = False) -> bool:
    """A long form that holds the short form as a word ("GM1 ganglioside (GM1)", "IL-1 (IL-1 alpha)")
    names a variant or a member of it; an expansion spells the short form out instead. With
    ``substring``, a long short form inside a word counts too ("HB-EGF (proHB-EGF)"): right for the
    bracketed side of "SF (...)", too strict before "(SF)", where a name is often cut ("diltiazem (DILT)")."""
    s, lower = short.lower(), long_part.lower()
    if substring and len(units(short)) >= 4 and s in lower:
        return True
    return bool(token_spans(lower, s))  # edges: ASCII letters and digits, as the pattern had them


def _enough_words(long_part: str) -> bool:
    """Two words, or one word with two hyphen-joined word parts ("N-methyl-D-aspartate",
    "Skp1-cullin-F-box"): a single plain word or a variant name ("L1CAM", "His-Prt1p") in brackets is
    a synonym or a gloss, not an expansion."""
    words = long_part.split()
    if len(words) != 1:
        return len(words) >= 2
    return sum(part.isalpha() and len(part) >= 3 for part in words[0].split("-")) >= 2


def _looks_like_acronym(token: str) -> bool:
    """A short form before a bracket must look like one: two capitals, or a capital and a digit."""
    if not 2 <= len(token) <= 10 or not token[0].isalnum():
        return False
    capitals = sum(ch.isupper() for ch in token)
    digits = sum(ch.isdigit() for ch in token)
    return capitals >= 2 or (capitals >= 1 and digits >= 1)

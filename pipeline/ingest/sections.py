"""Find the headed parts of a normalised text so later stages can skip back matter and adverts."""

from __future__ import annotations

import re
from functools import cache

from pipeline.knowledge.lexicon import load_rows
from pipeline.knowledge.patterns import ABSTRACT_HEADING, CAPTION
from pipeline.models import Section

_NUMBERED = re.compile(r"^\d+(?:\.\d+)*\.?\s+(?=[A-Z])")
_INLINE = re.compile(r"^([A-Z][A-Za-z ]{2,30}):\s")


@cache
def _heading_kinds() -> dict[str, str]:
    """Lower-cased heading -> section kind; built once per process from the lexicon (never modified)."""
    return {row["heading"].lower(): row["kind"] for row in load_rows("section_headings")}


def _boilerplate_phrases() -> list[str]:
    return [row["phrase"].lower() for row in load_rows("boilerplate")]


@cache
def _boilerplate_pattern() -> re.Pattern[str] | None:
    """One search for all boilerplate phrases (lower-cased, literal) instead of one ``in`` test per
    phrase and line; None when the lexicon has none. Built once per process from the lexicon."""
    phrases = _boilerplate_phrases()
    return re.compile("|".join(map(re.escape, phrases))) if phrases else None


def _is_generic_heading(lines: list[str], i: int) -> bool:
    """A short unpunctuated line between a blank line and a line of prose is a heading."""
    line = lines[i].strip()
    words = line.split()
    if not 1 <= len(words) <= 7 or line[-1] in ".,;:" or not (line[0].isupper() or line[0].isdigit()):
        return False
    if i > 0 and lines[i - 1].strip():
        return False
    following = lines[i + 1].strip() if i + 1 < len(lines) else ""
    return len(following.split()) >= 6


def _caption_line(line: str) -> bool:
    """A line that opens a table section: a caption whose label and number are apart ("Table 2").
    A label glued to its number ("Table2Outcomesof...") is the caption of a rotated table shredded by
    the extractor; its fragment run is read by the tables stage, and the prose glued after the run
    stays prose."""
    m = CAPTION.match(line)
    return m is not None and line[m.end("label"):m.end("label") + 1].isspace()


def find_sections(text: str) -> list[Section]:
    """Sections in order, covering the whole text; the part before the first heading is ``front``."""
    kinds = _heading_kinds()
    boilerplate = _boilerplate_pattern()
    # A phrase never spans a line and lower-casing works letter by letter, so a text without any
    # phrase has no line with one: most documents skip the per-line search.
    if boilerplate is not None and not boilerplate.search(text.lower()):
        boilerplate = None
    starts: list[tuple[int, str, str]] = [(0, "", "front")]
    seen: set[str] = set()
    in_back = False
    in_boilerplate = False
    offset = 0
    lines = text.split("\n")
    # Each abstract of an abstract-book page starts afresh: the previous abstract's disclosures or
    # references end there, and its Background, Methods and Results are the new abstract's own.
    abstracts = {text.rfind("\n", 0, m.start("number")) + 1 for m in ABSTRACT_HEADING.finditer(text)}
    for i, raw_line in enumerate(lines):
        line = raw_line.strip()
        bare = _NUMBERED.sub("", line).rstrip(":").strip()
        key = bare.lower()
        inline = _INLINE.match(line)
        kind: str | None = None
        if offset in abstracts and line:
            kind, in_back, in_boilerplate = "body", False, False
            seen.clear()
        elif boilerplate is not None and boilerplate.search(line.lower()):
            if not in_boilerplate:
                kind = "boilerplate"
            in_boilerplate = True
        elif key in kinds or (inline and inline.group(1).lower() in kinds):
            key = key if key in kinds else inline.group(1).lower()  # type: ignore[union-attr]
            kind = "back" if (key in seen and in_back) else kinds[key]
            seen.add(key)
        elif _caption_line(line):
            kind = "back" if in_back else "table"
        elif line and _is_generic_heading(lines, i):
            kind = "back" if in_back else "body"
        if kind is not None and (kind != "boilerplate" or starts[-1][2] != "boilerplate"):
            if kind != "boilerplate":
                in_boilerplate = False
            title = inline.group(1) if inline and kind not in ("table", "boilerplate") else (bare or line)
            starts.append((offset + len(raw_line) - len(raw_line.lstrip()), title, kind))
            in_back = in_back or kind == "back"
        offset += len(raw_line) + 1
    sections: list[Section] = []
    for (start, title, kind), nxt in zip(starts, starts[1:] + [(len(text), "", "")], strict=True):
        if nxt[0] > start or (start == 0 and nxt[0] > 0):
            sections.append(Section(title=title, kind=kind, start=start, end=nxt[0]))  # type: ignore[arg-type]
    return sections


# A paragraph of running text: a sentence of at least six words that ends with a full stop.
_PROSE_SENTENCE = re.compile(r"(?:[A-Za-z(][\w(),/%≥≤+-]*\s+){5,}[^.\n]*\.(?:\s|$)")


def close_table_sections(text: str, sections: list[Section], tables: list[tuple[int, int]]) -> list[Section]:
    """Sections with each table section ended where its last table (caption, rows and footnotes) ends.

    A "Table N" caption opens a section that otherwise runs to the next heading, so a paragraph of prose
    printed after the table and its notes ("The single-arm phase 2 ZUMA-12 study gave ...") would be read as
    part of the table and never as prose. What follows the table is body prose again when it holds a
    sentence; a stray bullet or page furniture stays with the table.
    """
    out: list[Section] = []
    for section in sections:
        ends = [end for start, end in tables if section.start <= start < section.end]
        if section.kind != "table" or not ends:
            out.append(section)
            continue
        after = max(ends)
        rest = text[after : section.end]
        body_start = after + len(rest) - len(rest.lstrip())
        if body_start >= section.end or not _PROSE_SENTENCE.search(text, body_start, section.end):
            out.append(section)
            continue
        out.append(section.model_copy(update={"end": body_start}))
        out.append(Section(title="", kind="body", start=body_start, end=section.end))
    return out

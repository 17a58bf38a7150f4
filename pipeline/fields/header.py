"""What a table column holds, read from its header: the one place that decides it.

A header cell names its column with a head word ("Target", "Dose", "Abstract", "ORR") and modifiers
("number", "(10^8)", "any/≥G3"). ``read_header`` gives the column's field (its role in a record), the
kind of cell the segmenter scores in it, and, for a dose column, the scale and unit its header puts on
the cells. The head words are declared by each field's module; whole names that words do not cover
are the patterns of ``pipeline/data/table_headers.tsv``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from pipeline.fields import BY_NAME, FIELDS
from pipeline.fields.base import ColumnType, Field
from pipeline.fields.dose import header_scale, header_unit
from pipeline.fields.outcome import header_outcomes
from pipeline.knowledge.lexicon import optional_rows
from pipeline.models import Column, Table

T = ColumnType

# Head words, matched case-insensitively on a header word; abbreviations matched with their case.
HEAD_WORDS: dict[str, Field] = {w: f for f in FIELDS for w in f.words}
HEAD_ABBREVIATIONS: dict[str, Field] = {a: f for f in FIELDS for a in f.abbreviations}

# Words that qualify a head word without naming a column themselves.
MODIFIERS: frozenset[str] = frozenset(
    ["number", "no", "no.", "nos", "of", "or", "and", "&", "/", "any", "all", "the", "a", "an", "grade",
     "grades", "rate", "rates", "level", "levels", "median", "range", "total", "type", "types", "cell",
     "cells", "kg", "per", "at", "in", "with", "by", "id", "evaluable", "treated", "nk", "car", "binding",
     "improved", "dual", "best", "overall", "complete", "partial", "max", "maximum", "regimen", "regimens",
     "size", "time", "days", "months", "mo", "value", "values", "mean", "count", "name", "names", "list",
     "main", "key", "prior", "previous", "cohort", "cohorts", "arm", "arms", "group", "groups", "line",
     "lines", "setting", "used", "given", "infused", "infusion", "schedule", "first", "second", "third",
     "duration", "rounds", "round", "follow", "up", "t-cell", "t", "x", "×", "%", "n", "mg", "m2", "kg.",
     "cells/kg", "severe", "≥", "≤", ">", "<", "+", "-", "–", ",", ".", ":", ";", "#", "reported",
     "stated", "ids"]
)

NAME_TOKEN = re.compile(
    r"[≥≤<>][Gg]?\d+|[Gg]\d\b|(?:GvHD|DoR|sCR|CRi|AEs|TRAEs|DLTs|ChiCTR)(?![a-z])|[A-Z]{2,}[a-z]+|"
    r"[A-Z]+[a-z]*(?:[-.][A-Za-z]+)*\.?|[a-z]+(?:[-.][A-Za-z]+)*\.?|\d+(?:\.\d+)?|\S"
)
_GRADE = re.compile(r"^[≥≤<>]?[Gg]?\d+[a-z]?$")
# What a data cell holds and a column name never does (outside brackets): a number of three digits or
# more, or a digit right after two letters ("NCT04567890", "2019", "CD19").
_DATA_LIKE = re.compile(r"(?<![\d.])\d{3,}|[A-Za-z]{2,}\d")
# The whole-name patterns of table_headers.tsv whose role the segmenter weighs when a name's words name
# several kinds ("Targets or combination"); free-text roles (summary, design) leave such a name unnamed.
_WEIGHED_ROLES = frozenset({"trial_id", "study", "disease", "cell_source", "target", "n_patients", "preconditioning",
                            "doses", "combination", "outcomes", "gvhd", "adverse_events", "icans",
                            "abstract_number", "reference", "phase", "product", "method", "purpose"})


def word_field(word: str) -> Field | None:
    """The field a single header word names, if it is a head word."""
    if word in HEAD_ABBREVIATIONS:
        return HEAD_ABBREVIATIONS[word]
    return HEAD_WORDS.get(word.lower().rstrip("."))


def word_type(word: str) -> ColumnType | None:
    """The column type a single header word names, if it is a head word."""
    found = word_field(word)
    return found.type if found is not None else None


def is_modifier(word: str) -> bool:
    lower = word.lower()
    return lower in MODIFIERS or lower.rstrip(".") in MODIFIERS or bool(_GRADE.match(word)) or not any(
        ch.isalnum() for ch in word
    )


def split_glued(token: str) -> list[str]:
    """Capitals run into a word lost its space or its case boundary: "CRSany" is CRS + any,
    "ORRComplete" is ORR + Complete; keep the reading whose parts are known words."""
    caps = len(token) - len(token.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    if caps == len(token) >= 4 and word_type(token) is None:
        for at in range(2, len(token) - 1):
            parts = [token[:at], token[at:]]
            if all(word_type(p) is not None or is_modifier(p) for p in parts):
                return parts
        return [token]
    if caps < 2 or len(token) - caps < 2:
        return [token]
    options = ([token[:caps - 1], token[caps - 1:]], [token[:caps], token[caps:]])
    return max(options, key=lambda parts: sum(word_type(p) is not None or is_modifier(p) for p in parts))


def header_tokens(name: str) -> list[str]:
    """Every token of a header name, glued capitals split ("CRSany" -> CRS, any)."""
    return [part for token in NAME_TOKEN.findall(name) for part in split_glued(token)]


def header_words(name: str) -> list[str]:
    """Words of a header name outside parentheses (units in parentheses qualify, never name)."""
    depth = 0
    kept: list[str] = []
    for token in header_tokens(name):
        if token in "([":
            depth += 1
        elif token in ")]":
            depth = max(0, depth - 1)
        elif depth == 0:
            kept.append(token)
    return kept


def outside_brackets(value: str) -> str:
    """The text of a name outside its brackets (a unit in brackets qualifies, it does not name)."""
    if not ("(" in value or ")" in value or "[" in value or "]" in value):
        return value
    depth, out = 0, []
    for ch in value:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def numbered(name: str) -> bool:
    """Whether a name holds, outside brackets, what a data cell holds and a column name never does."""
    return data_like(outside_brackets(name))


def data_like(text: str) -> bool:
    """Whether ``text`` holds a number of three digits or more, or a digit right after two letters:
    what a data cell holds ("NCT04567890", "2019", "CD19"), not a column name."""
    return _DATA_LIKE.search(text) is not None


@cache
def _role_patterns() -> tuple[tuple[re.Pattern[str], Field], ...]:
    patterns: list[tuple[re.Pattern[str], Field]] = []
    for row in optional_rows("table_headers"):
        field = BY_NAME.get(row.get("role", ""))
        if field is None:
            continue
        try:
            patterns.append((re.compile(row.get("pattern", "")), field))
        except re.error:
            continue
    return tuple(patterns)


def role_field(name: str, weighed_only: bool = False) -> Field | None:
    """The field of a whole header name by the curated patterns of ``table_headers.tsv`` (the longest
    match wins: "Targets or combination" is a combination column, not a target column)."""
    lower = " ".join(name.lower().split())
    best: tuple[int, Field] | None = None
    for pattern, field in _role_patterns():
        if weighed_only and field.name not in _WEIGHED_ROLES:
            continue
        m = pattern.search(lower)
        if m and (best is None or len(m.group()) > best[0]):
            best = (len(m.group()), field)
    return best[1] if best else None


def role_type(name: str) -> ColumnType | None:
    """The column type of a whole header name by ``table_headers.tsv`` (see ``role_field``)."""
    found = role_field(name, weighed_only=True)
    return found.type if found is not None else None


LongForm = Callable[[str], "str | None"]


def abbreviation_field(word: str, long_form: LongForm | None) -> Field | None:
    """A header word the document (or the abbreviation lexicon) defines, named by its long form's head
    word ("LD" -> lymphodepletion)."""
    long = long_form(word) if long_form is not None else None
    if not long:
        return None
    for part in header_words(long):
        found = word_field(part)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class HeaderReading:
    """What a header says of its column (see ``read_header``)."""

    field: Field | None
    type: ColumnType
    scale: float | None = None
    unit: str = ""
    outcomes: tuple[str, ...] = ()

    @property
    def role(self) -> str:
        return self.field.name if self.field is not None else ""


def name_fields(name: str, long_form: LongForm | None = None) -> tuple[list[Field], int]:
    """The fields the words of a name point at (head words, then words the document defines), and how
    many of its words are neither head words, modifiers nor defined."""
    named: list[Field] = []
    unknown = 0
    for word in header_words(name):
        found = word_field(word)
        if found is None and not is_modifier(word):
            found = abbreviation_field(word, long_form)
            if found is None:
                unknown += 1
                continue
        if found is not None:
            named.append(found)
    return named, unknown


MAX_UNKNOWN_IN_NAME = 1  # a column name is a head word and known modifiers, at most one other word


def read_header(name: str, long_form: LongForm | None = None) -> HeaderReading:
    """What the column headed ``name`` holds: its field, the kind of cell, its scale, unit and outcomes.

    The words decide when they name one kind of cell (and at most one word is unknown); a whole-name
    pattern of ``table_headers.tsv`` decides when they name several, and says which field of that kind
    ("CRS/ICANS" is the adverse-events field, "Grade ≥3 ICANS" the ICANS field); a name that names
    nothing holds free text.
    """
    if numbered(name):
        return HeaderReading(None, ColumnType.TEXT)
    named, unknown = name_fields(name, long_form)
    kinds = {f.type for f in named}
    weighed = role_field(name, weighed_only=True)
    if len(kinds) == 1 and unknown <= MAX_UNKNOWN_IN_NAME:
        kind = next(iter(kinds))
    else:
        kind = weighed.type if weighed is not None else ColumnType.TEXT
    role = role_field(name)
    if role is not None and role.type is kind:
        field: Field | None = role
    else:
        field = next((f for f in named if f.type is kind), None)
    if field is not None and field.type is ColumnType.DOSE:
        return HeaderReading(field, kind, header_scale(name), header_unit(name))
    if field is not None and field.type is ColumnType.OUTCOME:
        return HeaderReading(field, kind, outcomes=tuple(header_outcomes(name)))
    return HeaderReading(field, kind)


def typed_columns(header: list[str], long_form: LongForm | None = None) -> list[Column]:
    """The columns of a table as their header names them (one ``read_header`` per column)."""
    out = []
    for name in header:
        reading = read_header(name, long_form)
        out.append(Column(name=name, field=reading.role, type=str(reading.type), scale=reading.scale,
                          unit=reading.unit, outcomes=list(reading.outcomes)))
    return out


def columns_of(table: Table) -> list[Column]:
    """A table's typed columns; a table made without them (by a user of the API, or a test) has its
    header read now, as the tables stage reads it but without the document's abbreviations."""
    return table.columns or typed_columns(table.header)

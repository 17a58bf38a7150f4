"""Dose levels: the header words that name a dose column, its scale and unit, and every notation of a cell dose.

How summaries write doses:

Cell doses come as "6 × 10^8", "1.2x10(9)", "1e9", "300 million", "2 × 10^6 cells/kg", lists
("6, 12 and 18", "1 or 3") and ranges ("1–3 × 10^8", "0.3–9.0 × 10^6"), and PDF text loses the
superscript: "6 × 108" is 6 × 10^8. That last reading is only allowed when the context says so — a
multiplication sign before "10" and an exponent after it — never from the digits alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.fields.base import ColumnType, Field
from pipeline.fields.cell_facts import FOOTNOTE_MARK as FOOTNOTE_MARK_CHARS
from pipeline.fields.cell_facts import CellFacts
from pipeline.fields.evidence import DocContext
from pipeline.fields.phrases import Glossary
from pipeline.fields.score_settings import S
from pipeline.knowledge.patterns import (
    DECIMAL,
    DRUG_DOSE,
    FOOTNOTE_MARK,
    FULL_DOSE,
    GARBLED_TIMES,
    NUMBER,
    STEP_UP_DOSE,
)
from pipeline.models import Column

_TIMES_SIGNS = "×xX*"  # signs of multiplication, written into every pattern below that reads one
_TIMES = rf"\s*[{_TIMES_SIGNS}]\s*"
# 10 followed by an exponent: "10^8", "10(8)", "10⁸" (already "10^8" after ingestion), "10 8",
# or the flattened "108" whose superscript was lost.
_POWER = r"10\s*(?:\^\s*|\(\s*)?(?P<exp>-?\d{1,2})\)?"
_WORD_SCALES = {"thousand": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9}
_LIST_SEP = r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*[–—-]\s*|\s+to\s+)\s*"

_PER_KG = (
    r"^\s*(?:[\w+-]+\s+){0,4}?cells?\s*(?:/|per)\s*(?:kg|kilogram)"
    r"|^\s*(?:CAR[\s+-]*(?:positive|\+)?\s*)?(?:[A-Z]+-?)?(?:T\s+|NK\s+)?cells?\s*(?:/|per)\s*(?:kg|kilogram)"
    r"|^\s*/\s*kg|^\s*per\s+(?:kilogram|kg)"
)
_PER_M2 = r"^\s*(?:[A-Za-z+\-]+\s+){0,3}cells?\s*(?:/|per)\s*m\s*(?:2|\^2|²)"
UNIT_PATTERNS = ((re.compile(_PER_KG, re.I), "cells/kg"), (re.compile(_PER_M2, re.I), "cells/m2"))


@dataclass(frozen=True)
class Dose:
    """Dose levels in cells (per infusion, per kg or per m2), in the order the text gives them."""

    values: tuple[float, ...]
    unit: str
    start: int
    end: int
    parts: tuple[tuple[int, int], ...] = ()

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        """Where each written expression lies: "6 × 10^8, 1.2 × 10^9 and 1.8 × 10^9" is three."""
        return self.parts or ((self.start, self.end),)


def unit_after(text: str) -> str:
    """The dose unit a number is followed by (``cells/kg``, ``cells/m2``), else ``cells``."""
    window = text[:60]
    for pattern, unit in UNIT_PATTERNS:
        if pattern.search(window):
            return unit
    return "cells"


def to_float(number: str) -> float:
    return float(number.replace(",", "."))


def split_levels(text: str) -> list[float]:
    """"6, 12 and 18" -> [6, 12, 18]; "1 or 3" -> [1, 3]; "0.3–9.0" -> [0.3, 9.0]."""
    parts = re.split(_LIST_SEP, text.strip())
    return [to_float(p) for p in parts if re.fullmatch(NUMBER, p)]


_LEVELS = rf"(?P<levels>\(?{NUMBER}(?:{_LIST_SEP}{NUMBER})*\)?)"
_SCIENTIFIC = re.compile(
    rf"{_LEVELS}{_TIMES}\(?{_POWER}(?:\s*[–—-]\s*10\s*\^?\s*(?P<exp2>\d{{1,2}}))?\)?"
)
_BRACKET_POWERS = re.compile(
    rf"(?P<coef>{NUMBER}){_TIMES}\(\s*10\s*\^?(?P<e1>\d{{1,2}})\s*[–—-]\s*10\s*\^?(?P<e2>\d{{1,2}})\s*\)"
)
# A median with its range: "2 (1–4) × 10^6 cells/kg" is the median 2 × 10^6, not the range's ends.
_MEDIAN_RANGE = re.compile(
    rf"(?P<median>{NUMBER})\s*\(\s*(?:range,?\s*)?{NUMBER}\s*[–—-]\s*{NUMBER}\s*\){_TIMES}{_POWER}"
)
# Every "6 × 10^8" or "2 × (10^6–10^7)" dose holds a multiplication sign before "10", and no
# character outside this class: the text between two such characters cannot hold one.
_TIMES_TEN = re.compile(rf"[{_TIMES_SIGNS}]\s*\(?\s*10")
_NOT_IN_POWERS = re.compile(rf"[^\d\s.,()\-–—{_TIMES_SIGNS}^andort]")
_E_NOTATION = re.compile(rf"(?P<levels>{NUMBER})[eE](?P<exp>[+-]?\d{{1,2}})\b")
_WORDS = re.compile(rf"{_LEVELS}\s+(?P<word>thousand|millions?|billions?)\b", re.I)
# "30M, 90M and 300M cells": millions written as a capital M glued to each level, read only before a mention of cells
# (an M alone may be months or molar).
_M_SUFFIX = re.compile(rf"(?P<levels>{NUMBER}M(?:{_LIST_SEP}{NUMBER}M)*)(?![\w])(?=\s*(?:[\w+-]+\s+){{0,3}}?cells?\b)")
# A level written out in full with thousands separators ("100,000, 1 million or 10 million cells"): not scaled by
# the word that closes the list, and never split at its commas.
_FULL_NUMBER = r"\d{1,3}(?:,\d{3})+(?![\d.,]\d)"
_WORD_LEVEL = re.compile(rf"{_FULL_NUMBER}|{NUMBER}")
# Cheap tests that a text can hold a match at all: both patterns above try a number list at every digit.
_E_NOTATION_HINT = re.compile(r"\d[eE][+-]?\d")
# Bare powers of ten as dose levels ("106, 107 or 108 cells/kg"): only with a unit right after. The
# look-behind (no digit or decimal mark before the "10") follows the literal "10" so that the regex
# engine can jump from one "10" to the next instead of trying every position of the text.
_BARE_POWERS = re.compile(
    r"(?P<levels>10(?<![\d.,]10)\^?\d(?:(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)10\^?\d)*)"
    r"(?=\s*(?:cells|/\s*kg|per\s+kg))"
)

_CELLS_AFTER = re.compile(r"^\s*(?:\)|\s)*(?:[A-Za-z0-9/+\-]+\s+){0,4}?cells?\b|^\s*(?:/|per)\s*(?:kg|kilogram)", re.I)


def _may_name_a_scale(text: str) -> bool:
    """Whether ``text`` can hold "thousand", "million" or "billion" in any case (``_WORDS`` cannot
    match otherwise). A lower-cased copy searched for "llion" and "thou" is a quarter of the cost of
    a case-insensitive search, and as wide: these letters match no other letter than their capitals
    case-insensitively (unlike "i" and "s", which also match "ı" and "ſ")."""
    lowered = text.lower()
    return "llion" in lowered or "thou" in lowered


def _power_windows(text: str) -> list[tuple[int, int]]:
    """The stretches of ``text`` where a dose written with a power of ten can lie: around each "× 10",
    as far as the characters such a dose is made of reach.

    Both power patterns try a number list at every digit of the text; scanned only here they find
    the same matches (they look at nothing outside the match) for a fraction of the cost.
    """
    windows: list[tuple[int, int]] = []
    backwards = ""
    for m in _TIMES_TEN.finditer(text):
        if windows and m.start() < windows[-1][1]:
            continue
        backwards = backwards or text[::-1]
        before = _NOT_IN_POWERS.search(backwards, len(text) - m.start())
        after = _NOT_IN_POWERS.search(text, m.end())
        windows.append((len(text) - before.start() if before else 0, after.start() if after else len(text)))
    return windows


def parse_doses(text: str, require_cells: bool = False) -> list[Dose]:
    """Every cell-dose expression in ``text``.

    With ``require_cells`` a match must be followed by a mention of cells (or per kg), which is how
    prose doses are told apart from other large numbers ("≤ 8 × 10^7 nucleated red cells" still
    passes; the caller decides by context).
    """
    doses: list[Dose] = []
    taken: list[tuple[int, int]] = []

    def add(values: list[float], start: int, end: int) -> None:
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        doses.append(Dose(tuple(values), unit_after(text[end:]), start, end))

    windows = _power_windows(text)
    for m in (m for lo, hi in windows for m in _MEDIAN_RANGE.finditer(text, lo, hi)):
        add([to_float(m.group("median")) * 10 ** int(m.group("exp"))], m.start(), m.end())
    for m in (m for lo, hi in windows for m in _BRACKET_POWERS.finditer(text, lo, hi)):
        coef = to_float(m.group("coef"))
        add([coef * 10 ** int(m.group("e1")), coef * 10 ** int(m.group("e2"))], m.start(), m.end())
    for m in (m for lo, hi in windows for m in _SCIENTIFIC.finditer(text, lo, hi)):
        exp = int(m.group("exp"))
        levels = split_levels(m.group("levels").strip("()"))
        values = [level * 10**exp for level in levels]
        if m.group("exp2") and len(levels) == 1:
            values = [levels[0] * 10**exp, levels[0] * 10 ** int(m.group("exp2"))]
        add(values, m.start(), m.end())
    for m in _BARE_POWERS.finditer(text):
        exps = re.findall(r"10\^?(\d)", m.group("levels"))
        add([10.0 ** int(e) for e in exps], m.start(), m.end())
    for m in _E_NOTATION.finditer(text) if _E_NOTATION_HINT.search(text) else ():
        add([to_float(m.group("levels")) * 10 ** int(m.group("exp"))], m.start(), m.end())
    for m in _WORDS.finditer(text) if _may_name_a_scale(text) else ():
        scale = _WORD_SCALES.get(m.group("word").lower())
        if scale is None:  # a case-folded look-alike ("mıllion") matches the pattern but names no scale
            continue
        add(_scaled_levels(m.group("levels").strip("()"), scale), m.start(), m.end())
    for m in _M_SUFFIX.finditer(text) if "M" in text else ():
        add([to_float(v) * 1e6 for v in re.findall(NUMBER, m.group("levels"))], m.start(), m.end())
    merged = _merge_lists(text, sorted(doses, key=lambda d: d.start))
    if require_cells:
        merged = [d for d in merged if _CELLS_AFTER.match(text[d.end :])]
    return merged


def _scaled_levels(levels: str, scale: float) -> list[float]:
    """The levels of a list closed by a scale word ("1, 3 or 10 million"), each scaled, but for a level written
    out in full before the last ("100,000, 1 million or 10 million": 100,000 cells)."""
    found = list(_WORD_LEVEL.finditer(levels))
    out = []
    for i, m in enumerate(found):
        full = re.fullmatch(_FULL_NUMBER, m.group()) and i < len(found) - 1
        out.append(float(m.group().replace(",", "")) if full else to_float(m.group()) * scale)
    return out


_JOINER = re.compile(r"\s*(?:,\s*(?:and|or)?|and|or|to|[–—-])\s*")


def _merge_lists(text: str, doses: list[Dose]) -> list[Dose]:
    """"6 × 10^8, 1.2 × 10^9 and 1.8 × 10^9 cells" is one dose list, "2.5 × 10^5–2.5 × 10^6/kg" one
    range; the unit is the last one's."""
    merged: list[Dose] = []
    for dose in doses:
        last = merged[-1] if merged else None
        if last and _JOINER.fullmatch(text[last.end : dose.start]):
            merged[-1] = Dose(last.values + dose.values, dose.unit, last.start, dose.end, last.spans + dose.spans)
        else:
            merged.append(dose)
    return merged


def format_cells(value: float) -> str:
    """A cell number as SCHEMA.md writes it, readable by ``float()``: 6e+08, 1.2e+09."""
    return f"{value:g}"


def parse_percent(text: str) -> float | None:
    m = re.search(rf"({NUMBER})\s*%", text)
    return to_float(m.group(1)) if m else None

DOSES = Field("doses", ColumnType.DOSE, words=("dose", "doses", "dosage", "dosing"))
FIELDS = (DOSES,)

# "Cell dose (108 )" (10^8 with the superscript lost), "(10^8)", "(×10 6)", "Dose (×10^6 CAR+ cells/kg)":
# a header's parenthesised "10N" can only be a power of ten (a unit is never the number 108).
_SCALE = re.compile(r"\(\s*(?:[×xX]\s*)?10\s*\^?\s*([1-9]\d?)(?![\d.])[^()]*\)")
_PER_KG = re.compile(r"/\s*kg\b|\bper\s+(?:kg|kilogram)\b", re.I)
_PER_M2 = re.compile(r"/\s*m\s*(?:2|\^2|²)|\bper\s+m\s*(?:2|\^2|²)", re.I)


def header_scale(header: str) -> float | None:
    """The power of ten a dose column's header puts on its cells ("Cell dose (108 )" -> 1e8)."""
    m = _SCALE.search(header)
    return float(10 ** int(m.group(1))) if m else None


def header_unit(header: str) -> str:
    """The unit a dose column's header states anywhere in it: "Dose (×10^6/kg)" -> cells/kg."""
    if _PER_KG.search(header):
        return "cells/kg"
    if _PER_M2.search(header):
        return "cells/m2"
    return "cells"


def is_range(written: str, values: tuple[float, ...]) -> bool:
    """Two dose values joined by a dash or "to" are the ends of a range, not two levels."""
    return len(values) == 2 and bool(re.search(r"\d\s*(?:–|—|-|\bto\b)\s*\d", written))


# Marks a row whose dose cell is a range ("2.5 × 10^5–2.5 × 10^6/kg"): its two numbers are bounds, not
# the dose levels, and the prose may list the levels in between. Not a record field (dropped on output).
DOSE_RANGE = "_dose_range"


def read_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    """A dose cell: doses written out ("1 × 10^6 cells/kg"), or bare levels under a scaled header
    ("0.5, 1, 2" under "Dose (×10^6 cells/kg)"); the header's unit wins over the cell's. A symbol font's
    "2 3 106" is 2 × 10^6."""
    cell = GARBLED_TIMES.sub(" × ", cell)
    written = parse_doses(cell)
    if written:
        record["doses_cells"] = ";".join(format_cells(v) for d in written for v in d.values)
        record[DOSE_RANGE] = len(written) == 1 and is_range(cell[written[0].start : written[0].end], written[0].values)
        record["dose_unit"] = column.unit if column.unit != "cells" else written[0].unit
        return
    drugs = drug_doses(cell, 0, len(cell))
    if drugs:  # an antibody's levels ("2.5 mg → 10 mg → 30 mg"), never cells
        values, unit = drug_schedule(drugs)
        record["doses_drug"] = ";".join(format_cells(v) for v in values)
        record["drug_dose_unit"] = unit
        return
    levels = split_levels(FOOTNOTE_MARK.sub("", cell))
    if levels:
        record["doses_cells"] = ";".join(format_cells(v * (column.scale or 1.0)) for v in levels)
        record["dose_unit"] = column.unit if column.unit != "cells" else unit_after(cell)


# --- Doses of an antibody or a drug product (``doses_drug``, ``drug_dose_unit``) ------------------------

_DRUG_UNITS = {"mg/kg": "mg/kg", "mg/m2": "mg/m2", "mg/m²": "mg/m2", "µg/kg": "ug/kg", "μg/kg": "ug/kg",
               "ug/kg": "ug/kg", "mcg/kg": "ug/kg", "mg": "mg"}
# How far before an amount the agent it belongs to may stand ("fludarabine 30 mg/m2", "ibrutinib 420 mg").
_OWNER_REACH = 25
# Between an amount and the agent named after it that owns it: "1000 mg dose of obinutuzumab", "20 mg of".
_DOSE_OF = re.compile(r"\s+(?:(?:single|one|flat|fixed)\s+)?(?:doses?\s+)?of\s+(?:the\s+)?")


@dataclass(frozen=True)
class DrugDose:
    """Dose levels of a drug in one unit, as written in one expression ("12 mg and 32 mg" is two)."""

    values: tuple[float, ...]
    unit: str
    start: int
    end: int
    step: bool  # a step of a step-up schedule (given before the full dose)


def drug_doses(text: str, start: int, end: int, others: list[tuple[int, int]] = ()) -> list[DrugDose]:
    """Every drug dose in ``text[start:end]`` that no other agent owns: an amount right after the name of
    another agent (``others``: spans of agents that are not the product, "fludarabine 30 mg/m2", "oral
    ibrutinib 420 mg daily") is that agent's."""
    out = []
    for m in DRUG_DOSE.finditer(text, start, end):
        owner = [e for s, e in others if e <= m.start() and m.start() - e <= _OWNER_REACH
                 and not re.search(r"[.;]", text[e : m.start()])]
        # "a single 1000 mg dose of obinutuzumab": the agent named right after the amount's "dose of" owns it
        owned_after = [s for s, e in others if m.end() <= s and _DOSE_OF.fullmatch(text, m.end(), s)]
        if owner or owned_after:
            continue
        # the words of its own clause say whether it is a step: "a 0.16 mg priming dose", "step-up doses of 12 mg"
        before = re.split(r"[,;(]", text[max(start, m.start() - 40) : m.start()])[-1]
        after = " ".join(re.split(r"[,;)]", text[m.end() : min(end, m.end() + 25)])[0].split()[:2])
        step = bool(STEP_UP_DOSE.search(before) or STEP_UP_DOSE.search(after)) and not FULL_DOSE.search(after)
        values = tuple(float(v) for v in re.findall(DECIMAL, m.group("values")))
        out.append(DrugDose(values, _DRUG_UNITS[m.group("unit")], m.start(), m.end(), step))
    return out


def drug_schedule(doses: list[DrugDose]) -> tuple[list[float], str]:
    """The levels a study gives, in the order a patient gets them: the steps of a step-up schedule first
    (as written), then the full doses; one unit (the full dose's), each level once."""
    if not doses:
        return [], ""
    full = [d for d in doses if not d.step] or doses
    unit = full[0].unit
    ordered = [d for d in doses if d.step and d.unit == unit] + [d for d in full if d.unit == unit]
    return list(dict.fromkeys(v for d in ordered for v in d.values)), unit


_DOSE_WORDS = frozenset(
    ["cells", "cell", "car-t", "car-nk", "car+", "car-positive", "positive", "t", "nk", "kg", "/kg", "per",
     "and", "or", "to", "x", "m", "million", "billion", "mg", "mg/kg", "µg/kg", "μg/kg", "ug/kg", "m2",
     "cells/kg", "cells/m2", "flat", "fixed", "dose", "doses", "level", "levels", "round", "rounds",
     "weekly", "biweekly", "qw", "q2w", "q3w", "iv", "sc", "na", "nr", "times", "day", "days", "d",
     "step-up", "mg/m2", "e", "cohort", "each", "total", "then"]
)


_DOSE_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-zµμ]+(?:[-/+][A-Za-z0-9µμ]+)*\+?|\S")


_DOSE_UNIT = re.compile(r"×|\bx\b|cells|/kg|mg|million")


_DOSE_SYMBOLS = set("×x*†‡,;/–-()≤≥<>~.^+=")


_LEADING_ZERO = re.compile(r"0\d")


_TWO_NUMBERS = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s+(?=\d)")
_TIMES_BEFORE = re.compile(rf"[{_TIMES_SIGNS}]\s*$")


def _adjacent_numbers(value: str) -> bool:
    """Whether two numbers stand side by side with nothing between them but a space, as no dose is
    written: a lost superscript after a sign ("× 10 6") and the symbol font's "2 3 106" excepted."""
    if not _TWO_NUMBERS.search(value):
        return False
    value = GARBLED_TIMES.sub(" × ", value)
    for m in _TWO_NUMBERS.finditer(value):
        if m.group(1) == "10" and _TIMES_BEFORE.search(value, 0, m.start()):
            continue
        return True
    return False


_BRACKETED_NUMBER = re.compile(r"\(\d+(?:\.\d+)?%?\)[*†‡§¶]*")


ROUTE_PREFIX = re.compile(r"(?:SC|IV|s\.c\.|i\.v\.)\s*:?\s*(?=\d)")
"""How a dose cell may name the route before the dose: "SC: 0.06 mg/kg", "IV 5 mg"."""


def score_cell(f: CellFacts, ctx: DocContext) -> float | None:
    value = f.value
    route = ROUTE_PREFIX.match(value)
    if route:
        value = value[route.end():]
    if not (value[0].isdigit() or value[0] in "(≤≥<>~" or value.startswith(("NA", "NR"))):
        return None
    if _BRACKETED_NUMBER.fullmatch(value):
        return None  # "(63)": the second figure of another cell ("95 (63)"), no dose
    if value[-1] == ".":
        return None
    tokens = _DOSE_TOKEN.findall(value)
    if not any(t[0].isdigit() for t in tokens):
        return S.dose_not_available if value in ("NA", "NR") else None
    unknown = 0
    for token in tokens:
        if token[0].isdigit():
            if _LEADING_ZERO.match(token):
                return None
            continue
        if len(token) == 1 and token in _DOSE_SYMBOLS:
            continue
        if token.lower() not in _DOSE_WORDS and token not in FOOTNOTE_MARK_CHARS:
            unknown += 1
    if unknown:
        return None
    if _adjacent_numbers(value):
        return None  # "101 2 × 10^6": two cells' numbers, no dose is written so
    unit = bool(_DOSE_UNIT.search(value))
    bare = value.rstrip(FOOTNOTE_MARK_CHARS)
    squashed = f.squashed_in_prose(ctx) if bare == f.value else ctx.squashed_in_prose(bare)
    evidence = S.dose_in_prose if len(value) >= S.min_dose_chars and squashed else 0.0
    return S.dose + (S.dose_unit if unit else 0.0) + evidence

"""Column-name vocabulary: which words make a table header cell, and which type of column each names.

A header cell of a review table names its column with a head word ("Target", "Dose", "Abstract",
"ORR") and modifiers ("number", "(10^8)", "any/≥G3"). When a rotated table is shredded, its header
cells run together ("NCT numberDiseaseSourceTarget"), so the header is found by reading the run as a
chain of such names. The words below come from the column names of trial tables in conference
summaries and reviews of our field (the example document and the dev corpus, ClinicalTrials.gov /
WHO ICTRP identifier columns, ASH/EHA/ASCO review tables); they are general rules, not the column
names of one document. ``pipeline/data/table_headers.tsv`` (whole-name patterns curated with the
lexicons) is consulted as a fallback for names these words do not cover.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache


class ColumnType(StrEnum):
    """What a column holds; each type has its own cell scorer in ``columns.py``."""

    TRIAL = "trial"
    DISEASE = "disease"
    SOURCE = "cell_source"
    TARGET = "target"
    COUNT = "count"
    REGIMEN = "regimen"
    DOSE = "dose"
    AGENT = "agent"
    OUTCOME = "outcome"
    ADVERSE = "adverse_event"
    ABSTRACT = "abstract"
    REFERENCE = "reference"
    PHASE = "phase"
    PRODUCT = "product"
    YEAR = "year"
    STATUS = "status"
    TEXT = "text"


T = ColumnType

# Head words, matched case-insensitively on a header word.
HEAD_WORDS: dict[str, ColumnType] = {
    **dict.fromkeys(("nct", "registry", "registration", "trial", "trials", "identifier", "study",
                     "studies", "chictr", "clinicaltrials.gov"), T.TRIAL),
    **dict.fromkeys(("disease", "diseases", "indication", "indications", "diagnosis", "malignancy",
                     "malignancies", "histology", "tumor", "tumour", "cancer"), T.DISEASE),
    **dict.fromkeys(("source", "origin"), T.SOURCE),
    **dict.fromkeys(("target", "targets", "antigen", "antigens", "specificity"), T.TARGET),
    **dict.fromkeys(("patient", "patients", "pts", "subjects", "cases", "participants", "enrolled",
                     "enrollment"), T.COUNT),
    **dict.fromkeys(("preconditioning", "pre-conditioning", "lymphodepletion", "lymphodepleting",
                     "conditioning"), T.REGIMEN),
    **dict.fromkeys(("dose", "doses", "dosage", "dosing"), T.DOSE),
    **dict.fromkeys(("combination", "combinations", "combined", "agent", "agents"), T.AGENT),
    **dict.fromkeys(("response", "responses", "efficacy", "outcome", "outcomes", "remission",
                     "survival"), T.OUTCOME),
    **dict.fromkeys(("toxicity", "toxicities", "safety", "adverse", "neurotoxicity"), T.ADVERSE),
    **dict.fromkeys(("abstract", "abstracts", "abstr"), T.ABSTRACT),
    **dict.fromkeys(("reference", "references", "ref", "refs", "citation"), T.REFERENCE),
    **dict.fromkeys(("phase",), T.PHASE),
    **dict.fromkeys(("product", "products", "construct", "constructs", "drug", "drugs"), T.PRODUCT),
    **dict.fromkeys(("year",), T.YEAR),
    **dict.fromkeys(("status",), T.STATUS),
    **dict.fromkeys(("method", "methods", "strategy", "engineering", "design", "purpose", "aim",
                     "objective", "mechanism", "comments", "notes", "summary", "costimulation",
                     "costimulatory", "follow-up", "signal"), T.TEXT),
}

# Head words that are abbreviations: matched with their case (lower-case "or" is a conjunction).
HEAD_ABBREVIATIONS: dict[str, ColumnType] = {
    **dict.fromkeys(("NCT", "ChiCTR"), T.TRIAL),
    **dict.fromkeys(("ORR", "OR", "CR", "PR", "VGPR", "sCR", "CRi", "MRD", "OS", "PFS", "EFS", "DOR",
                     "DoR", "BOR"), T.OUTCOME),
    **dict.fromkeys(("CRS", "ICANS", "GVHD", "GvHD", "AE", "AEs", "TRAE", "TRAEs", "DLT", "DLTs"),
                    T.ADVERSE),
    **dict.fromkeys(("LD",), T.REGIMEN),
}

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

# Column names that legitimately start with a lower-case letter.
LOWERCASE_NAMES: frozenset[str] = frozenset({"n", "N", "n (%)", "n/N"})

# Words after which a header cell cannot end: they need what follows.
DANGLING = frozenset({"and", "or", "of", "the", "with", "to", "in", "by", "for", "at", "per", "vs", "vs."})

# Abbreviated header words that may end a cell with their period ("Registry no.", "Costim.").
_ABBREVIATED = re.compile(r"(?:[A-Z][a-z]{1,7}|no|nos|ref|pts|approx|resp)\.$")

_TOKEN = re.compile(
    r"[≥≤<>][Gg]?\d+|[Gg]\d\b|(?:GvHD|DoR|sCR|CRi|AEs|TRAEs|DLTs|ChiCTR)(?![a-z])|[A-Z]{2,}[a-z]+|"
    r"[A-Z]+[a-z]*(?:[-.][A-Za-z]+)*\.?|[a-z]+(?:[-.][A-Za-z]+)*\.?|\d+(?:\.\d+)?|\S"
)
_GRADE = re.compile(r"^[≥≤<>]?[Gg]?\d+[a-z]?$")

GLUE_MODIFIER = 1.0
GLUE_HEAD = 2.5

# Roles of pipeline/data/table_headers.tsv mapped onto our column types.
_ROLE_TYPES: dict[str, ColumnType] = {
    "trial_id": T.TRIAL, "study": T.TRIAL, "disease": T.DISEASE, "cell_source": T.SOURCE,
    "target": T.TARGET, "n_patients": T.COUNT, "preconditioning": T.REGIMEN, "doses": T.DOSE,
    "combination": T.AGENT, "outcomes": T.OUTCOME, "gvhd": T.ADVERSE, "adverse_events": T.ADVERSE,
    "icans": T.ADVERSE, "abstract_number": T.ABSTRACT, "reference": T.REFERENCE, "phase": T.PHASE,
    "product": T.PRODUCT, "method": T.TEXT, "purpose": T.TEXT,
}


def _split_glued(token: str) -> list[str]:
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


def glue_cost(name: str) -> float:
    """Cost of the places where a name ran two words together (their space lost in extraction):
    light before a modifier ("AbstractNumber"), heavy before a head word, which more likely starts
    the next name ("Number|Phase")."""
    cost = 0.0
    for token in _TOKEN.findall(name):
        for part in _split_glued(token)[1:]:
            cost += GLUE_HEAD if word_type(part) else GLUE_MODIFIER
    for token in re.findall(r"[A-Za-z]+", name):
        if word_type(token) is not None:
            continue
        for m in re.finditer(r"[a-z]([A-Z][A-Za-z]*)", token):
            cost += GLUE_HEAD if word_type(m.group(1)) else GLUE_MODIFIER
    return cost


def header_words(name: str) -> list[str]:
    """Words of a header name outside parentheses (units in parentheses qualify, never name)."""
    depth = 0
    kept: list[str] = []
    tokens = [part for token in _TOKEN.findall(name) for part in _split_glued(token)]
    for token in tokens:
        if token in "([":
            depth += 1
        elif token in ")]":
            depth = max(0, depth - 1)
        elif depth == 0:
            kept.append(token)
    return kept


def word_type(word: str) -> ColumnType | None:
    """The column type a single header word names, if it is a head word."""
    if word in HEAD_ABBREVIATIONS:
        return HEAD_ABBREVIATIONS[word]
    return HEAD_WORDS.get(word.lower().rstrip("."))


def is_modifier(word: str) -> bool:
    lower = word.lower()
    return lower in MODIFIERS or lower.rstrip(".") in MODIFIERS or bool(_GRADE.match(word)) or not any(
        ch.isalnum() for ch in word
    )


def ends_abbreviated(name: str) -> bool:
    """A header may end with a period only when its last word is an abbreviation ("Registry no.")."""
    return bool(_ABBREVIATED.search(name))


@cache
def _role_patterns() -> tuple[tuple[re.Pattern[str], ColumnType], ...]:
    from pipeline.knowledge.lexicon import load_rows

    try:
        rows = load_rows("table_headers")
    except (FileNotFoundError, OSError):
        return ()
    patterns: list[tuple[re.Pattern[str], ColumnType]] = []
    for row in rows:
        kind = _ROLE_TYPES.get(row.get("role", ""))
        if not kind:
            continue
        try:
            patterns.append((re.compile(row.get("pattern", "")), kind))
        except re.error:
            continue
    return tuple(patterns)


def role_type(name: str) -> ColumnType | None:
    """Type of a whole header name by the curated patterns of ``table_headers.tsv`` (the longest
    match wins: "Targets or combination" is a combination column, not a target column)."""
    lower = " ".join(name.lower().split())
    best: tuple[int, ColumnType] | None = None
    for pattern, kind in _role_patterns():
        m = pattern.search(lower)
        if m and (best is None or len(m.group()) > best[0]):
            best = (len(m.group()), kind)
    return best[1] if best else None

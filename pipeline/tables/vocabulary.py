"""Column-name vocabulary of the segmenter: which spans of a run-together header can be column names.

What each head word names is declared by the fields (``pipeline.fields``) and read by
``pipeline.fields.header``; here are the rules of a name's *shape* that a shredded header ("NCT
numberDiseaseSourceTarget") is cut by: names that legitimately start in lower case, words a name cannot
end on, abbreviated words that may end with a period, and the cost of a name that ran two words together.
"""

from __future__ import annotations

import re

from pipeline.fields.base import ColumnType
from pipeline.fields.header import (
    NAME_TOKEN,
    header_words,
    is_modifier,
    role_type,
    split_glued,
    word_type,
)

__all__ = ["ARM_COLUMNS", "CORNER_WORDS", "ColumnType", "DANGLING", "LOWERCASE_NAMES", "ends_abbreviated", "glue_cost",
           "header_words", "is_modifier", "role_type", "word_type"]

# Column names that legitimately start with a lower-case letter.
LOWERCASE_NAMES: frozenset[str] = frozenset({"n", "N", "n (%)", "n/N"})

# What the corner cell of a transposed table (studies as columns) calls its row labels: it names the
# labels' column, not a field ("Parameter | ZUMA-5 | ELARA"), so it is told from a study's name by these
# words alone.
CORNER_WORDS: frozenset[str] = frozenset({"parameter", "parameters", "characteristic", "characteristics",
                                          "variable", "variables", "feature", "features", "attribute",
                                          "attributes", "item", "items", "measure", "measures"})

# Columns that describe one arm of a study, not the study: a continuation row (another arm) prints
# them, while the study's columns (id, disease, source, target, a free-text note, abstract, reference...)
# span all its arms and are left empty on the arm's row.
ARM_COLUMNS = frozenset({ColumnType.COUNT, ColumnType.REGIMEN, ColumnType.DOSE, ColumnType.AGENT,
                         ColumnType.OUTCOME, ColumnType.ADVERSE})

# Words after which a header cell cannot end: they need what follows.
DANGLING = frozenset({"and", "or", "of", "the", "with", "to", "in", "by", "for", "at", "per", "vs", "vs."})

# Abbreviated header words that may end a cell with their period ("Registry no.", "Costim.").
_ABBREVIATED = re.compile(r"(?:[A-Z][a-z]{1,7}|no|nos|ref|pts|approx|resp)\.$")

GLUE_MODIFIER = 1.0
GLUE_HEAD = 2.5

def glue_cost(name: str) -> float:
    """Cost of the places where a name ran two words together (their space lost in extraction):
    light before a modifier ("AbstractNumber"), heavy before a head word, which more likely starts
    the next name ("Number|Phase")."""
    cost = 0.0
    for token in NAME_TOKEN.findall(name):
        for part in split_glued(token)[1:]:
            cost += GLUE_HEAD if word_type(part) else GLUE_MODIFIER
    for token in re.findall(r"[A-Za-z]+", name):
        if word_type(token) is not None:
            continue
        for m in re.finditer(r"[a-z]([A-Z][A-Za-z]*)", token):
            cost += GLUE_HEAD if word_type(m.group(1)) else GLUE_MODIFIER
    return cost


def ends_abbreviated(name: str) -> bool:
    """A header may end with a period only when its last word is an abbreviation ("Registry no.")."""
    return bool(_ABBREVIATED.search(name))

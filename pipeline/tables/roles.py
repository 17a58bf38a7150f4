"""What each column of a rebuilt table holds, from its header (``pipeline/data/table_headers.tsv``).

Entity recognition reads cells through it (an "Abstract number" cell is an abstract id, a "Cell dose
(108 )" cell a list of doses) and so does record assembly (which field a cell fills).
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.knowledge.lexicon import load_rows


@cache
def _rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(row["pattern"], re.I), row["role"]) for row in load_rows("table_headers"))


def column_roles(header: list[str]) -> list[str]:
    """The role of each column ("trial_id", "doses", ...); "" where the header says nothing known."""
    roles = []
    for cell in header:
        text = re.sub(r"\s*\(.*?\)\s*", " ", cell).strip()
        roles.append(next((role for pattern, role in _rules() if pattern.search(text) or pattern.search(cell)), ""))
    return roles

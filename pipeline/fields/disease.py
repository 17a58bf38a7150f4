"""The disease a study treats ("Disease", "Indication", "Histology")."""

from __future__ import annotations

import re

from pipeline.fields.base import ColumnType, Field
from pipeline.fields.cell_facts import CellFacts
from pipeline.fields.evidence import DocContext
from pipeline.fields.phrases import Glossary, canonical
from pipeline.fields.score_settings import S
from pipeline.knowledge.gates import Gate
from pipeline.knowledge.patterns import COUNT_NOTE, DISEASE_JOIN
from pipeline.models import Column, Entity

DISEASE = Field("disease", ColumnType.DISEASE,
                words=("disease", "diseases", "indication", "indications", "diagnosis", "malignancy",
                       "malignancies", "histology", "tumor", "tumour", "cancer"))
FIELDS = (DISEASE,)


# "CD19+ B-cell malignancies (n = 37)": a disease cell may carry the number of patients.
# "CD30+ lymphoma after BV and CPI": what the patients had before is history, not the disease.
_PRIOR_THERAPY = re.compile(r"\s+(?:after|following|refractory\s+to|relapsed\s+after|post)\s+.*$", re.I | re.S)


# "CD19+ B-cell malignancies": the antigen the tumour expresses qualifies the disease, it is not part of it.
_MARKER_POSITIVE = re.compile(r"(?<![\w-])[A-Z][\w-]*\+\s+(?=\S)")


def disease_name(cell: str) -> str:
    """The disease a cell names, without a patient count "(n = 37)", the prior therapy that follows it or
    the antigen that qualifies it ("CD30+")."""
    name = _MARKER_POSITIVE.sub("", _PRIOR_THERAPY.sub("", COUNT_NOTE.sub("", cell))).strip()
    return name or cell


def read_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    """A disease cell, and the patient count it may carry ("CD19+ B-cell malignancies (n = 37)")."""
    count = COUNT_NOTE.search(cell)
    if count and record.get("n_patients") is None:
        record["n_patients"] = int(count.group(1))
    record["disease"] = canonical(disease_name(cell), "DISEASE", glossary)


def named_together(text: str, diseases: list[Entity]) -> list[str]:
    """The first disease the prose names and those written together with it ("CLL/SLL", "T-ALL or T-LBL"), in
    order, each once: a study of several diseases names them in one phrase."""
    ordered = sorted((d for d in diseases if d.normalized), key=lambda d: d.start)
    if not ordered:
        return []
    names, last = [ordered[0].normalized], ordered[0]
    for d in ordered[1:]:
        if d.start < last.end:
            continue
        if not DISEASE_JOIN.fullmatch(text, last.end, d.start):
            break
        names.append(d.normalized)
        last = d
    return list(dict.fromkeys(names))


_DISEASE_HEAD = Gate(
    re.compile(r"(?i)leuk|lymphom|myelom|tumou?r|cancer|carcinom|malignan|neoplas|sarcom|"
               r"blastom|syndrome|disease|\b(?:MDS|AML|ALL|CLL|NHL|DLBCL|LBCL|MM|RRMM|HL)\b"),
    ("leuk", "lymphom", "myelom", "tumo", "cancer", "carcinom", "malignan", "neoplas", "sarcom", "blastom",
     "syndrome", "disease"), fold=True,
    words=frozenset({"mds", "aml", "all", "cll", "nhl", "dlbcl", "lbcl", "mm", "rrmm", "hl"}))


_DISEASE_MODIFIERS = frozenset(
    ["r/r", "relapsed", "refractory", "relapsed/refractory", "high-risk", "secondary", "advanced", "solid",
     "de", "novo", "newly", "diagnosed", "and", "or", "with", "without", "primary", "metastatic",
     "recurrent", "progressive", "untreated", "naive", "n", "=", "(n", "and/or", "all", "b-cell", "t-cell",
     "cd19+", "cd30+", "cd33+", "hematological", "haematological"]
)


def score_cell(f: CellFacts, ctx: DocContext) -> float | None:
    found, unknown = f.lexical(ctx, ctx.lexicon.diseases, "diseases", _DISEASE_MODIFIERS)
    if found and not unknown:
        return S.whole_term + (S.whole_term_in_prose if f.in_prose(ctx) else 0.0)
    if found:
        return max(S.some_term_floor, S.some_term - unknown)
    if f.search(_DISEASE_HEAD):
        return S.head_word + min(0.0, f.text(ctx) - S.plausible_text)
    return f.text(ctx) + S.text_fallback

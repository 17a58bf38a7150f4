"""The disease a study treats ("Disease", "Indication", "Histology")."""

from __future__ import annotations

import re

from pipeline.fields.base import ColumnType, Field
from pipeline.fields.cell_facts import CellFacts
from pipeline.fields.evidence import DocContext
from pipeline.fields.phrases import Glossary, canonical
from pipeline.fields.score_settings import S
from pipeline.knowledge.gates import Gate
from pipeline.knowledge.patterns import COUNT_NOTE, DISEASE_JOIN, ENROLLED_WITH
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


def study_diseases(text: str, diseases: list[Entity]) -> list[str]:
    """The diseases a study's prose says it treats, in order, each once.

    The diseases named together ("CLL/SLL", "T-ALL or T-LBL") where the prose says whom the study enrolled
    ("adults with relapsed or refractory CLL or SLL"), else the first it names; a name that the prose narrows
    elsewhere ("lymphoma" in a title over "diffuse large B-cell lymphoma" in the text) gives way to the
    narrower names; and a later list that names them all and more ("CLL" in a title, "CLL or SLL" in the
    methods) is the fuller statement of the same diseases.
    """
    groups = _named_together(text, sorted((d for d in diseases if d.normalized), key=lambda d: d.start))
    if not groups:
        return []
    enrolled = next((g for g in groups if ENROLLED_WITH.search(text, max(0, g[0].start - 100), g[0].start)), None)
    found = _names(enrolled or groups[0])
    found = _narrowed(found, groups)
    wider = next((g for g in groups if set(_names(g)) > set(found)), None)
    return _names(wider) if wider else found


def _names(group: list[Entity]) -> list[str]:
    """The diseases of a run of mentions, each once (a mention of a short form may stand for two: "CLL/SLL")."""
    return list(dict.fromkeys(n for d in group for n in d.normalized.split(";")))


def _named_together(text: str, ordered: list[Entity]) -> list[list[Entity]]:
    """The mentions in runs joined by "and", "or", "/" or commas, each run a list in order."""
    groups: list[list[Entity]] = []
    for d in ordered:
        last = groups[-1][-1] if groups else None
        if last is not None and d.start < last.end:
            continue  # inside the mention before it
        if last is not None and DISEASE_JOIN.fullmatch(text, last.end, d.start):
            groups[-1].append(d)
        else:
            groups.append([d])
    return groups


# The words that name a disease's lineage before it: "b-cell acute lymphoblastic leukemia" is the acute
# lymphoblastic leukemia of B cells, "b-cell non-hodgkin lymphoma" the non-Hodgkin lymphoma of B cells.
_LINEAGES = ("b-cell", "t-cell", "nk-cell", "b-lineage", "t-lineage", "precursor b-cell", "precursor t-cell")


def narrower(name: str, other: str) -> bool:
    """Whether ``other`` names a kind of the broad disease ``name``: a one-word name it ends with ("diffuse
    large b-cell lymphoma" of "lymphoma", "synovial sarcoma" of "sarcoma"), or ``name`` with its lineage
    ("b-cell acute lymphoblastic leukemia" of "acute lymphoblastic leukemia"). A name of several words
    already says which disease it is: "diffuse large b-cell lymphoma" is no kind of "large b-cell lymphoma"
    a study of the latter would be reported as."""
    if len(other) <= len(name) or not other.endswith(name) or other[-len(name) - 1] not in " -":
        return False
    return " " not in name or other[: -len(name) - 1] in _LINEAGES


def _narrowed(found: list[str], groups: list[list[Entity]]) -> list[str]:
    """Each name replaced by the names written together with the first mention of a kind of it."""
    out: list[str] = []
    for name in found:
        group = next((g for g in groups if any(narrower(name, d.normalized) for d in g)), None)
        out.extend(_names(group) if group else [name])
    return list(dict.fromkeys(out))


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

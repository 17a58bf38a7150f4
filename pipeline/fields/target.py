"""The antigen a therapy targets ("Target", "Antigen", "Specificity"), as HGNC symbols.

A target is read from a cell by its lexicon names (with one-edit spelling correction, "GRPC5D"), and
from prose only where the words around a name say it is what the therapy is directed at.
"""

from __future__ import annotations

import re

from pipeline.fields.base import ColumnType, Field
from pipeline.fields.cell_facts import CellFacts
from pipeline.fields.evidence import DocContext
from pipeline.fields.phrases import Glossary, _matches
from pipeline.fields.score_settings import S
from pipeline.knowledge.lexicon import near_target
from pipeline.models import Column, Entity, IngestedText

TARGET = Field("target", ColumnType.TARGET, words=("target", "targets", "antigen", "antigens", "specificity"))
FIELDS = (TARGET,)


def target_symbols(text: str) -> str:
    """HGNC symbols of every target named in ``text``, sorted and ``;``-joined."""
    symbols: set[str] = set()
    covered: list[tuple[int, int]] = []
    for m, entry in _matches(text, "TARGET"):
        covered.append((m.start(), m.end()))
        symbols.update(entry.normalized.split(";"))
    for m in re.finditer(r"[A-Za-z0-9]{5,}", text):
        if not any(s <= m.start() < e for s, e in covered):
            near = near_target(m.group())
            if near:
                symbols.update(near.normalized.split(";"))
    return ";".join(sorted(symbols))


# A name is the therapy's target when the words around it say so ("BCMA CAR T cells", "CD19-directed",
# "BCMA×CD3", "targets GPRC5D"), as opposed to a hinge "taken from CD8" or a prior "anti-CD38" antibody.
_THERAPY_AFTER = re.compile(
    r"[\s-]*(?:/\s*\w+\s*)?(?:dual\s+)?(?:CAR|chimeric|directed|targeted|targeting|specific|bispecific|×|x\s*CD3|"
    r"engager|BiTE|CAR-?T|CAR-?NK)", re.I)


_THERAPY_BEFORE = re.compile(r"(?:targets?|targeting|directed\s+against)\s*(?:the\s+)?$", re.I)


# What ``_therapy_before`` searches first: a match holds at most 18 characters that are not spaces.
_BEFORE_REACH = 200


_BEFORE_LETTERS = 18


# The T-cell arm of an engager (CD3) is not what the therapy targets on the tumour.
EFFECTOR_ARMS = {"CD3E", "CD3", "CD3D", "CD3G", "CD247", "FCGR3A", "CD16A"}


def aimed_at(text: str, start: int, end: int) -> bool:
    """Whether the words around a target named at ``text[start:end]`` make it what a therapy is directed
    at ("BCMA CAR T cells", "CD19-directed", "targeting GPRC5D")."""
    return bool(_THERAPY_AFTER.match(text, end)) or _therapy_before(text, start)


def _therapy_before(text: str, end: int) -> bool:
    """Whether ``text[:end]`` ends with a word that makes the next target a therapy's ("targeting",
    "directed against the"). The match ends at ``end``, so the stretch just before it is searched,
    not the whole text before; only when that stretch could lie wholly inside a longer match (it
    holds no more letters than a match can: whitespace runs) is the whole text searched."""
    lo = max(0, end - _BEFORE_REACH)
    if _THERAPY_BEFORE.search(text, lo, end):
        return True
    if lo == 0 or len("".join(text[lo:end].split())) > _BEFORE_LETTERS:
        return False
    return _THERAPY_BEFORE.search(text, 0, end) is not None


def document_target(doc: IngestedText, entities: list[Entity], share: float = 0.6) -> str:
    """The target a summary's products are aimed at ("CD19 CAR T cells in large B-cell lymphoma",
    "CD19-directed"), when one accounts for most mentions written as a therapy's target.

    A study paragraph of such a summary need not repeat the antigen; a record that names no target takes
    the document's. Signalling domains ("CD3ζ / CD28") and hinges are named too, but never as what a
    therapy is directed at, so only mentions the words around them call a target count.
    """
    aimed = [e.normalized for e in entities if e.label == "TARGET" and e.normalized
             and (aimed_at(doc.text, e.start, e.end))
             and not set(e.normalized.split(";")) & EFFECTOR_ARMS]
    if not aimed:
        return ""
    top = max(set(aimed), key=aimed.count)
    return top if aimed.count(top) >= share * len(aimed) else ""


def read_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    record["target_symbols"] = target_symbols(cell)


_TARGET_CONNECTORS = frozenset(
    ["/", ",", ";", "or", "and", "+", "×", "x", "et", "al", "al.", "dual", "car", "cars", "anti",
     "targeting", "bispecific", "trispecific", "tandem", "bicistronic", "(", ")", "&", "-"]
)


_TARGET_SHAPE = re.compile(r"(?:CD\d{1,3}[a-z]?|[A-Z][A-Z0-9]{1,6}(?:-\d)?)")


def score_cell(f: CellFacts, ctx: DocContext) -> float | None:
    found, unknown = f.lexical(ctx, ctx.lexicon.targets, "targets", _TARGET_CONNECTORS)
    if found:
        return S.whole_term - unknown + (S.whole_term_in_prose if f.in_prose(ctx) else 0.0)
    if _TARGET_SHAPE.fullmatch(f.value):
        return S.target_shape
    return f.text(ctx) + S.text_fallback

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
from pipeline.knowledge.patterns import PRIOR_THERAPY_BEFORE, TARGET_JOIN
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
    r"[\s-]*(?:/\s*\w+\s*)?(?:dual[\s-]+)?(?:CAR|chimeric|directed|targeted|targeting|specific|bispecific|×|x\s*CD3|"
    r"engager|BiTE|CAR-?T|CAR-?NK)", re.I)


# "targeting GPRC5D", "directed against the", "aimed at the cancer-testis antigen MAGE-A4", "a chimeric antigen receptor
# against CD19", "a TCR recognising a MAGE-A4 peptide": up to two words (of at most 20 letters) may name what it is.
_THERAPY_BEFORE = re.compile(r"(?:targets?|targeting|(?:directed|aimed|redirected)\s+(?:against|at)|receptor\s+against|"
                             r"recogni[sz](?:es|ing)|binds|binding)\s*(?:(?:the|an?)\s+)?(?:[\w-]{1,20}\s+){0,2}?$",
                             re.I)


# What ``_therapy_before`` searches first: a match holds at most 70 characters that are not spaces ("redirected
# against the", two words of 20 letters).
_BEFORE_REACH = 200


_BEFORE_LETTERS = 70


# The T-cell arm of an engager (CD3) is not what the therapy targets on the tumour.
EFFECTOR_ARMS = {"CD3E", "CD3", "CD3D", "CD3G", "CD247", "FCGR3A", "CD16A"}

# The costimulatory domains of a CAR (4-1BB, CD28, OX40, ICOS, CD27): "a CD19-directed, 4-1BB CAR" names its
# signalling, not a second target (June and Sadelain, N Engl J Med 2018;379:64-73).
SIGNALLING_DOMAINS = {"TNFRSF9", "CD28", "TNFRSF4", "ICOS", "CD27"}

# A target named as what the patients had before ("after BCMA-directed therapy", "previously received BCMA CAR-T",
# "progressed on anti-PD-1 therapy", "CD22 after CD19 failure"), what an added antibody binds ("the anti-CD20
# antibody rituximab") or a subset of the cells given ("CD8+ and CD4+ CAR T cells") is not the study's target.
_PRIOR_AFTER = re.compile(r"[\s-]*(?:(?:CAR[\s-]?T|directed|targeted|CAR)[\s-]+(?:cells?\s+)?)?"
                          r"(?:failure|exposure|refractory|relapse)\b", re.I)
_ANTIBODY_AFTER = re.compile(r"[\s-]*(?:monoclonal\s+)?(?:antibody|antibodies|mAbs?)\b", re.I)
_CELL_SUBSET_AFTER = re.compile(r"\+(?:\s*(?:and|/|,)\s*CD\d+\+|\s*(?:CAR\+?\s*)?(?:T[\s-]cells?|cells)\b)", re.I)


def of_another_therapy(text: str, start: int, end: int) -> bool:
    """Whether a target named at ``text[start:end]`` belongs to a therapy the patients had before, to an antibody
    added to the product, or names a subset of the cells given: not what the study's product is aimed at."""
    before = text[max(0, start - 40) : start]
    anti = before.lower().endswith("anti-")
    return bool(PRIOR_THERAPY_BEFORE.search(before) or _PRIOR_AFTER.match(text, end, end + 40)
                or (anti and _ANTIBODY_AFTER.match(text, end, end + 30))
                or _CELL_SUBSET_AFTER.match(text, end, end + 30))


def study_targets(text: str, targets: list[Entity]) -> list[str]:
    """HGNC symbols of what a study's prose says its product is aimed at: the targets the words around them call a
    therapy's (else every target it names), none named as another therapy's, an engager's T-cell arm or a CAR's
    signalling domain only where nothing else is named."""
    own = sorted((e for e in targets if not of_another_therapy(text, e.start, e.end)), key=lambda e: e.start)
    aimed = [e for e in own if aimed_at(text, e.start, e.end)
             and set(e.normalized.split(";")) - EFFECTOR_ARMS - SIGNALLING_DOMAINS]
    for previous, e in zip(own, own[1:], strict=False):  # "recognises both BCMA and CD19": the list is aimed at
        if previous in aimed and e not in aimed and TARGET_JOIN.fullmatch(text, previous.end, e.start):
            aimed.append(e)
    symbols = {s for e in (aimed or own) for s in e.normalized.split(";") if s}
    for kind in (EFFECTOR_ARMS, SIGNALLING_DOMAINS):
        if symbols - kind:
            symbols -= kind
    return sorted(symbols)


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
             and aimed_at(doc.text, e.start, e.end) and not of_another_therapy(doc.text, e.start, e.end)
             and not set(e.normalized.split(";")) & (EFFECTOR_ARMS | SIGNALLING_DOMAINS)]
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

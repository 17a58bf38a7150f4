"""The arms of one study reported in prose: the product alone, and the product with an added agent.

An abstract may report two arms in one stretch of prose ("FT596 alone (Regimen A) or with rituximab
(Regimen B) ... In Regimen A, 4 of 8 responded; in Regimen B, 8 of 12"), or one arm that adds an agent to
every patient ("mosunetuzumab plus polatuzumab vedotin"). Each sentence, or each clause of a sentence
about both arms, is given to the arm it names: by the arm's label (once the text has tied the label to
an arm), by "monotherapy"/"alone", or by the added agent. A clause naming neither arm follows the clause
before it in its sentence; a sentence naming neither follows the sentence before it, or, before any arm
is named, is about the study as a whole: its design (disease, product, lymphodepletion, doses) holds for
both arms, its results for the product alone (a combination's results are always said of it), unless
it says them of every arm ("in either regimen", "with or without rituximab").

Each arm is read by the prose readers from the document's text with every other arm's clauses blanked
out (offsets kept), so every reader reads an arm as it reads a study.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from pipeline.fields.count import number
from pipeline.fields.phrases import Glossary
from pipeline.fields.regimen import mentions_lymphodepletion
from pipeline.knowledge.lexicon import load_rows
from pipeline.knowledge.patterns import (
    ARM_CLAUSE_BREAKS,
    ARM_COUNT,
    ARM_LABEL,
    EVERY_ARM,
    MONOTHERAPY,
    OTHER_ARM,
    PRETREATMENT,
    WITH_AGENT,
)
from pipeline.knowledge.sentences import sentences
from pipeline.models import Entity

MONO, COMBO, BOTH, NEUTRAL = "monotherapy", "combination", "both", ""
# The fields of a study's design, which a sentence naming no arm gives both arms.
DESIGN = ("phase", "disease", "product", "cell_source", "target_symbols", "preconditioning", "trial_id", "study",
          "doses_drug", "drug_dose_unit")


@dataclass
class Arm:
    """One arm: what it adds, the spans that are its own (and said of every arm), and the spans about the
    study as a whole that give it its design only (``design``) or everything (``shared``)."""

    arm: str
    combination: str = ""
    own: list[tuple[int, int]] = field(default_factory=list)
    neutral: list[tuple[int, int]] = field(default_factory=list)
    n_patients: int | None = None
    count_quote: str = ""
    single: bool = False  # the study's only arm: what is said of the study as a whole is said of it

    def spans(self, with_neutral: bool) -> list[tuple[int, int]]:
        return sorted(self.own + (self.neutral if with_neutral else []))

    @property
    def reads_neutral_results(self) -> bool:
        """Whether the results of sentences naming no arm are this arm's (the product alone's, or the only
        arm's)."""
        return self.arm == MONO or self.single


# Kinds of agent (``agents.tsv``) that no arm adds to a cell or antibody product: lymphodepleting or other
# chemotherapy, a corticosteroid for toxicity, a cytokine the cells are armed with.
_NOT_ADDED = frozenset({"chemotherapy", "corticosteroid", "regimen", "cytokine"})


@cache
def _agent_kinds() -> dict[str, str]:
    return {row["canonical"].lower(): row["kind"] for row in load_rows("agents")}


@cache
def _lymphodepleting() -> frozenset[str]:
    """Each drug of the lymphodepleting regimens (``lymphodepletion.tsv``)."""
    return frozenset(part.strip() for row in load_rows("lymphodepletion")
                     for part in row["agent"].lower().replace(" and ", ",").split(",") if part.strip())


def added_agent(text: str, start: int, end: int, entities: list[Entity], product: str,
                glossary: Glossary) -> Entity | None:
    """The agent the study adds to its product: an agent or drug product other than the product, named
    right after "plus", "+", "combined with" (or "with", where the text also speaks of the product alone),
    and not a lymphodepleting drug, a corticosteroid, a pretreatment, a prior therapy or the subject of a
    sentence about lymphodepletion."""
    chemo = _lymphodepleting()
    own = product.lower()
    two_arms = _two_arms(text, start, end)
    spans = sentences(text, start, end)
    for e in entities:
        if e.label not in ("AGENT", "PRODUCT") or not start <= e.start < end:
            continue
        name = (e.normalized or glossary.expand(e.text)).lower()
        if not name or name == own or glossary.expand(e.text).lower() == own:
            continue
        if any(part.strip() in chemo for part in name.replace(" and ", ",").split(",")):
            continue
        if _agent_kinds().get(name) in _NOT_ADDED:
            continue
        s, t = next(((a, b) for a, b in spans if a <= e.start < b), (start, end))
        if mentions_lymphodepletion(text[max(s, e.start - 60) : e.start]) or \
                PRETREATMENT.search(text, max(s, e.start - 40), min(t, e.end + 30)):
            continue
        joined = WITH_AGENT.search(text[max(s, e.start - 40) : e.start])
        if joined and (joined.group("strong") or two_arms):
            return e
    return None


def _two_arms(text: str, start: int, end: int) -> bool:
    """Whether the text speaks of the product alone, or of an arm besides another."""
    return bool(MONOTHERAPY.search(text, start, end) or OTHER_ARM.search(text, start, end))


def _side(piece: str, agent: str, labels: dict[str, str]) -> set[str]:
    """The arms a piece of text names."""
    found = set()
    if MONOTHERAPY.search(piece):
        found.add(MONO)
    if agent in piece.lower() or "combination" in piece.lower():
        found.add(COMBO)
    for m in ARM_LABEL.finditer(piece):
        arm = labels.get(m.group("label").upper())
        if arm:
            found.add(arm)
    return found


def _clauses(text: str, start: int, end: int, agent: str, labels: dict[str, str]) -> list[tuple[int, int, set[str]]]:
    """``text[start:end]`` cut into clauses until none names both arms (brackets never cut)."""
    piece = text[start:end]
    sides = _side(piece, agent, labels)
    if len(sides - {BOTH}) < 2:
        return [(start, end, sides)]
    for pattern in ARM_CLAUSE_BREAKS:
        cuts = [m for m in pattern.finditer(text, start, end) if _outside_brackets(text, start, m.start())]
        if not cuts:
            continue
        out, at = [], start
        for m in cuts:
            out.append((at, m.start()))
            at = m.end()
        out.append((at, end))
        return [c for a, b in out if text[a:b].strip() for c in _clauses(text, a, b, agent, labels)]
    return [(start, end, sides)]


def _outside_brackets(text: str, start: int, at: int) -> bool:
    return text.count("(", start, at) == text.count(")", start, at)


def _labels(text: str, start: int, end: int, agent: str) -> dict[str, str]:
    """Arm labels the text ties to an arm: "Regimen A was FT596 monotherapy", "alone (Regimen A) or with
    rituximab (Regimen B)", "In Regimen B (FT596 + rituximab)"."""
    labels: dict[str, str] = {}
    for s, e in sentences(text, start, end):
        for a, b, _ in _clauses(text, s, e, agent, {}):
            piece = text[a:b]
            found = {m.group("label").upper() for m in ARM_LABEL.finditer(piece)}
            sides = _side(piece, agent, {})
            if len(found) == 1 and len(sides) == 1:
                labels.setdefault(found.pop(), sides.pop())
    return labels


def split(text: str, start: int, end: int, entities: list[Entity], product: str,
          glossary: Glossary) -> list[Arm]:
    """The arms of the study reported in ``text[start:end]``: two (the product alone, and with an added
    agent), one that adds an agent to every patient, or none (a study of the product alone)."""
    agent_entity = added_agent(text, start, end, entities, product, glossary)
    if agent_entity is None:
        return []
    combination = (agent_entity.normalized or glossary.expand(agent_entity.text)).lower()
    agent = min({combination, agent_entity.text.lower(), glossary.expand(agent_entity.text).lower()}, key=len)
    labels = _labels(text, start, end, agent)
    mono, combo = Arm(MONO), Arm(COMBO, combination)
    by_side = {MONO: mono, COMBO: combo}
    previous, last_end = NEUTRAL, start

    def give(side: str, a: int, b: int, counted: bool) -> None:
        if side == BOTH:
            mono.own.append((a, b))
            combo.own.append((a, b))
        elif side in by_side:
            arm = by_side[side]
            arm.own.append((a, b))
            count = ARM_COUNT.match(text[a:b]) if counted else None
            if count and arm.n_patients is None:
                arm.n_patients, arm.count_quote = number(count.group("n")), " ".join(text[a:b].split())
        else:
            mono.neutral.append((a, b))
            combo.neutral.append((a, b))

    for s, e in sentences(text, start, end):
        if "\n\n" in text[last_end:s]:
            previous = NEUTRAL  # a new paragraph names its arm anew
        last_end = e
        sentence = text[s:e]
        sides = _side(sentence, agent, labels)
        if EVERY_ARM.search(sentence) and not ARM_LABEL.search(sentence) and not MONOTHERAPY.search(sentence):
            give(BOTH, s, e, False)
            previous = NEUTRAL
            continue
        if not sides:
            give(previous, s, e, False)
            continue
        before = NEUTRAL
        for a, b, found in _clauses(text, s, e, agent, labels):
            side = next(iter(found)) if len(found) == 1 else (before if not found else NEUTRAL)
            give(side, a, b, bool(found))
            before = side if side in by_side else before
        previous = before
    if not combo.own:
        return []
    if MONO in labels.values() or _two_arms(text, start, end):
        return [mono, combo]
    combo.single = True
    return [combo]


def masked(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with everything outside ``spans`` blanked (line breaks kept), so offsets stay valid."""
    keep = bytearray(len(text))
    for a, b in spans:
        keep[a:b] = b"\x01" * (b - a)
    return "".join(ch if keep[i] or ch == "\n" else " " for i, ch in enumerate(text))


def verbatim(text: str, spans: list[tuple[int, int]], quotes: list[str]) -> list[str]:
    """Quotes read from the text with everything outside ``spans`` blanked, as words of the text: a sentence that
    joined one arm's clauses across the blanks is quoted as those clauses, each as written."""
    pieces = [" ".join(text[a:b].split()) for a, b in sorted(spans)]
    pieces = [p for p in pieces if p]
    out: list[str] = []
    for quote in quotes:
        if any(quote in piece for piece in pieces):
            out.append(quote)
            continue
        inside = [piece for piece in pieces if piece in quote]
        out.extend(inside or [quote])
    return out

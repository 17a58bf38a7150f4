"""Facts a summary's prose gives about one study.

A summary reports study after study, each closed by its citation ("... (Abstract 1234) [7]."). The
text from the previous citation to this one is the study's segment; the facts in it (phase, response
rates, adverse events, patient numbers, doses) belong to the study the citation names.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache

from pipeline.knowledge.lexicon import load_rows, lookup
from pipeline.knowledge.patterns import (
    NAMED_STUDY,
    PATIENTS_STATED,
    PHASE,
    SIZE_IN_PARENTHESES,
    STUDY_CITATION,
    TRIAL_ID,
    normalize_trial_id,
)
from pipeline.models import Entity, IngestedText
from pipeline.ner.quantities import parse_doses
from pipeline.records.events import EventFacts, read_event, statement
from pipeline.records.normalize import Glossary, phase

PROSE_SECTIONS = {"front", "body"}
# Record field -> the abbreviation naming the event (its canonical name comes from the lexicon).
_EVENTS = {"crs": "CRS", "icans": "ICANS", "gvhd": "GVHD"}
_NEGATION = re.compile(r"\b(?:neither|nor|no|without|none|not observed|absent)\b", re.I)
# "no higher-grade CRS", "no grade 4 or 5 CRS": a bound on the grade, not the absence of the event.
_QUALIFIED = re.compile(
    r"(?:higher|high|severe|grade\s*(?:≥|>=|>)?\s*\d(?:\s*(?:or|and|–|-)\s*\d)?)[\s-]*(?:grade)?\s*$", re.I
)
_HIGHER = re.compile(r"(?:higher|high|severe)[\s-]*(?:grade)?\s*$", re.I)
_LYMPHODEPLETION = re.compile(r"lymphodeplet|precondition|conditioning", re.I)



@dataclass
class Segment:
    """The prose about one study: where it lies and how it is cited."""

    start: int
    end: int
    abstract_number: str = ""
    reference: str = ""
    trial_ids: list[str] = field(default_factory=list)
    name: str = ""


@dataclass
class _Mention:
    name: str
    start: int
    end: int
    sentence: tuple[int, int]


def _study_mentions(text: str, start: int, end: int) -> list[_Mention]:
    """Names given as study names in ``text[start:end]``, outside sentences that carry a registry id
    (there the id names the study) and never a lexicon term (KTE-X19 is a product, SUP-B15 a cell line)."""
    out = []
    spans = _sentences(text, start, end)
    for m in NAMED_STUDY.finditer(text, start, end):
        name = m.group("a") or m.group("b") or m.group("c")
        if lookup(name) is not None:
            continue
        sentence = next(((s, e) for s, e in spans if s <= m.start() < e), (m.start(), m.end()))
        if TRIAL_ID.search(text, sentence[0], sentence[1]):
            continue
        out.append(_Mention(name, m.start(), m.end(), sentence))
    return out


def named_segments(doc: IngestedText) -> list[Segment]:
    """Segments for studies named without a registry id or citation ("The single-arm phase 2 ZUMA-12
    study gave axi-cel to 40 patients ...").

    A study named alone in its sentence owns that sentence and the ones after it, up to the next study
    named, the next registry id or the paragraph end. Several studies named in one sentence ("teclistamab
    ... (MajesTEC-1, N = 165), elranatamab ... (MagnetisMM-3, N = 123)") own only their own clause, since
    what follows such a list is said of all of them at once.
    """
    text = doc.text
    out: list[Segment] = []
    for section in (s for s in doc.sections if s.kind in PROSE_SECTIONS):
        mentions = _study_mentions(text, section.start, section.end)
        for i, m in enumerate(mentions):
            same_sentence = [x for x in mentions if x.sentence == m.sentence]
            if len({x.name for x in same_sentence}) > 1:
                before = [x.end for x in same_sentence if x.end <= m.start]
                out.append(Segment(max(before, default=m.sentence[0]), m.end, name=m.name))
                continue
            if out and out[-1].name == m.name and out[-1].end >= m.sentence[0]:
                continue  # the same study named again inside its own segment
            end = _paragraph_end(text, m.end, section.end)
            later = [x.sentence[0] for x in mentions[i + 1 :] if x.name != m.name and x.sentence[0] > m.start]
            ids = [t.start() for t in TRIAL_ID.finditer(text, m.end, end)]
            for stop in later + ids:
                end = min(end, max(text.rfind(". ", m.end, stop) + 1, m.end) if stop in ids else stop)
            out.append(Segment(m.sentence[0], end, name=m.name))
    return out


def study_name_starts(doc: IngestedText) -> list[int]:
    """Where each sentence naming a study (without a registry id) begins: another study's prose ends there."""
    return sorted({m.sentence[0] for s in doc.sections if s.kind in PROSE_SECTIONS
                   for m in _study_mentions(doc.text, s.start, s.end)})


def stated_sizes(doc: IngestedText, names: list[str]) -> dict[str, tuple[int, str]]:
    """Study name -> (patients, quote) where the prose gives the size in parentheses right after the name:
    "ZUMA-7 with axi-cel (359 patients), TRANSFORM with liso-cel (184 patients)", "ALPHA-2 (n = 40)".

    A review introduces the studies its table compares this way; the count belongs to the name it follows,
    so another study named in between, or a sentence boundary, breaks the link.
    """
    found: dict[str, tuple[int, str]] = {}
    spans = [(s.start, s.end) for s in doc.sections if s.kind in PROSE_SECTIONS]
    text = doc.text
    for name in dict.fromkeys(n for n in names if n):
        for start, end in spans:
            m = _size_after(text, name, start, end)
            if m and not any(other in m.group("between") for other in names if other and other != name):
                quote = text[m.start() - len(name):m.end()]
                found.setdefault(name, (int(m.group("n") or m.group("m")), " ".join(quote.split())))
    return found


def _size_after(text: str, name: str, start: int, end: int) -> re.Match[str] | None:
    """The first whole-word occurrence of ``name`` in ``text[start:end]`` followed by a size, as the
    match of the size part (found by plain search, not a pattern compiled per name)."""
    at = text.find(name, start, end)
    while at >= 0:
        after = at + len(name)
        whole = (at == 0 or not _joins(text[at - 1])) and (after >= end or not _joins(text[after]))
        if whole:
            m = SIZE_IN_PARENTHESES.match(text, after, end)
            if m:
                return m
        at = text.find(name, at + 1, end)
    return None


def _joins(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"


def _paragraph_end(text: str, at: int, limit: int) -> int:
    end = text.find("\n\n", at, limit)
    return end if end >= 0 else limit


def segments(doc: IngestedText) -> list[Segment]:
    """Split body prose at study citations; a segment never crosses a section boundary."""
    out: list[Segment] = []
    for section in doc.sections:
        if section.kind not in PROSE_SECTIONS:
            continue
        text = doc.text[section.start : section.end]
        start = 0
        for m in STUDY_CITATION.finditer(text):
            start += len(text[start : m.start()]) - len(text[start : m.start()].lstrip(".;,) \n"))
            seg = Segment(section.start + start, section.start + m.end(), abstract_number=m.group("abstract") or "",
                          reference=m.group("ref") or m.group("ref2") or "")
            number = seg.abstract_number
            if not number and not seg.reference:
                continue
            body = doc.text[seg.start : seg.end]
            seg.trial_ids = list(dict.fromkeys(normalize_trial_id(t.group()) for t in TRIAL_ID.finditer(body)))
            out.append(seg)
            start = m.end()
    return out


def trial_segments(doc: IngestedText) -> list[Segment]:
    """Segments for registry ids mentioned in prose without a citation: the sentence with the id and
    those after it up to the next id or paragraph end."""
    out: list[Segment] = []
    body = [s for s in doc.sections if s.kind in PROSE_SECTIONS]
    every_id = {normalize_trial_id(m.group()) for s in body for m in TRIAL_ID.finditer(doc.text, s.start, s.end)}
    named = study_name_starts(doc)
    if len(every_id) == 1:
        # A meeting abstract about one trial: its Background, Methods and Results all describe it, up to
        # where another study is named.
        first = min(m.start() for s in body for m in TRIAL_ID.finditer(doc.text, s.start, s.end))
        end = min([body[-1].end, *(n for n in named if n > first)])
        return [Segment(body[0].start, end, trial_ids=sorted(every_id))]
    for section in body:
        text = doc.text[section.start : section.end]
        ids = list(TRIAL_ID.finditer(text))
        for i, m in enumerate(ids):
            sentence_start = max(text.rfind(". ", 0, m.start()) + 2, text.rfind("\n\n", 0, m.start()) + 2, 0)
            nxt = ids[i + 1].start() if i + 1 < len(ids) else len(text)
            para_end = text.find("\n\n", m.end())
            end = min(nxt if i + 1 < len(ids) else len(text), para_end if para_end >= 0 else len(text))
            if i + 1 < len(ids):
                end = min(end, max(text.rfind(". ", m.end(), nxt) + 1, m.end()))
            # The prose of another, named study ("The bb21217 levels in the CRB-402 study ...") is not this one's.
            end = min([end, *(n - section.start for n in named if section.start + m.end() < n)])
            out.append(Segment(section.start + sentence_start, section.start + end,
                               trial_ids=[normalize_trial_id(m.group())]))
    return out


_SENTENCE_BREAK = re.compile(r"(?<=[.;])\s+(?=[A-Z(])")


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]``, split after "." or ";" before a capital or bracket.

    Matched in place rather than on a copy of the stretch; a break cannot open the stretch (on a copy
    the look-behind saw nothing before it), so a match at ``start`` is passed over."""
    spans, s = [], start
    for m in _SENTENCE_BREAK.finditer(text, start, end):
        if m.start() == start:
            continue
        spans.append((s, m.start()))
        s = m.end()
    spans.append((s, end))
    return spans


@dataclass
class ProseFacts:
    fields: dict[str, object] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    doses: list[tuple[list[float], str, str]] = field(default_factory=list)


def facts(doc: IngestedText, seg: Segment, entities: list[Entity], glossary: Glossary) -> ProseFacts:
    """Phase, outcome percentages, adverse events and patient numbers stated in ``seg``."""
    text = doc.text
    out = ProseFacts()
    f = out.fields
    inside = [e for e in entities if seg.start <= e.start < seg.end]
    m = PHASE.search(text, seg.start, seg.end)
    if m:
        f["phase"] = phase(m.group("phase"))
        out.evidence.append(_sentence_of(text, seg, m.start()))
    for e in inside:
        if e.label == "OUTCOME" and e.value is not None and e.normalized in ("ORR", "CR"):
            f.setdefault(f"{e.normalized.lower()}_pct", e.value)
            out.evidence.append(_sentence_of(text, seg, e.start))
        elif e.label == "PRODUCT":
            f.setdefault("product", glossary.expand(e.text))
        elif e.label == "CELL_SOURCE" and e.normalized and not re.match(r"[\w\s-]{0,40}transplant", text[e.end :]):
            f.setdefault("cell_source", e.normalized)

    for s, e in _sentences(text, seg.start, seg.end):
        sentence = " ".join(text[s:e].split())
        for dose in parse_doses(text[s:e], require_cells=True):
            out.doses.append((list(dose.values), dose.unit, sentence))
    _adverse_events(text, seg, inside, out)
    _preconditioning(text, seg, inside, out)
    m = PATIENTS_STATED.search(text, seg.start, seg.end)
    if m:
        n = next(g for g in m.group("n", "n2", "n3", "n4", "n5", "n6") if g)
        f["n_patients_prose"] = int(n)
    if seg.trial_ids:
        f["trial_id"] = ";".join(seg.trial_ids)
    return out


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
_EFFECTOR_ARMS = {"CD3E", "CD3", "CD3D", "CD3G", "CD247", "FCGR3A", "CD16A"}


def subject(doc: IngestedText, seg: Segment, entities: list[Entity], glossary: Glossary) -> dict[str, object]:
    """What a prose-only study is about: its disease, targets and product, from its own paragraph."""
    inside = [e for e in entities if seg.start <= e.start < seg.end]
    fields: dict[str, object] = {}
    disease = next((e.normalized for e in inside if e.label == "DISEASE" and e.normalized), "")
    if disease:
        fields["disease"] = disease
    targets = [e for e in inside if e.label == "TARGET"]
    aimed = [
        e for e in targets if _THERAPY_AFTER.match(doc.text, e.end) or _therapy_before(doc.text, e.start)
    ]
    symbols = {s for e in (aimed or targets) for s in e.normalized.split(";") if s}
    if symbols - _EFFECTOR_ARMS:
        symbols -= _EFFECTOR_ARMS
    if symbols:
        fields["target_symbols"] = ";".join(sorted(symbols))
    return fields


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
             and (_THERAPY_AFTER.match(doc.text, e.end) or _therapy_before(doc.text, e.start))
             and not set(e.normalized.split(";")) & _EFFECTOR_ARMS]
    if not aimed:
        return ""
    top = max(set(aimed), key=aimed.count)
    return top if aimed.count(top) >= share * len(aimed) else ""


def product_sources(doc: IngestedText, entities: list[Entity], glossary: Glossary) -> dict[str, str]:
    """Product (long form, lower case) -> the cell source the text gives it where it introduces the product
    ("the autologous chimeric antigen receptor (CAR) T-cell product idecabtagene vicleucel (ide-cel)").

    A summary may describe a product once, in its opening, and report the study later without repeating
    it. Only a sentence naming a single product counts, the source must stand before the product in it,
    and a product given two different sources is left out.
    """
    prose = [(s.start, s.end) for s in doc.sections if s.kind in PROSE_SECTIONS]
    found: dict[str, set[str]] = {}
    for start, end in prose:
        sentences = _sentences(doc.text, start, end)
        # each entity filed under its sentence in one pass (entity order kept), not every entity
        # tested against every sentence; sentences are consecutive and do not overlap
        bounds = [s for s, _ in sentences]
        filed: list[list[Entity]] = [[] for _ in sentences]
        for x in entities:
            k = bisect_right(bounds, x.start) - 1
            if k >= 0 and x.start < sentences[k][1]:
                filed[k].append(x)
        for inside in filed:
            names = {glossary.expand(x.text).lower() for x in inside if x.label == "PRODUCT"}
            if len(names) != 1:
                continue
            first = min(x.start for x in inside if x.label == "PRODUCT")
            sources = {x.normalized for x in inside if x.label == "CELL_SOURCE" and x.normalized and x.end <= first
                       and not re.match(r"[\w\s-]{0,40}transplant", doc.text[x.end :])}
            if len(sources) == 1:
                found.setdefault(names.pop(), set()).update(sources)
    return {name: sources.pop() for name, sources in found.items() if len(sources) == 1}


def _preconditioning(text: str, seg: Segment, inside: list[Entity], out: ProseFacts) -> None:
    """"after lymphodepletion with fludarabine and cyclophosphamide" -> the regimen's agents; without the
    word, "CAR T cells were given to 20 patients ... after fludarabine and cyclophosphamide" when the
    agents are a known lymphodepleting regimen (``lymphodepletion.tsv``)."""
    sentences = _sentences(text, seg.start, seg.end)
    for s, e in sentences:
        cue = _LYMPHODEPLETION.search(text, s, e)
        if not cue:
            continue
        agents = [x.normalized.lower() for x in inside
                  if x.label == "AGENT" and cue.start() <= x.start < e and x.normalized]
        if agents:
            out.fields.setdefault("preconditioning", " and ".join(dict.fromkeys(agents)))
            out.evidence.append(" ".join(text[s:e].split()))
            return
    for s, e in sentences:
        regimen = _lymphodepleting_after(text, s, e, inside)
        if regimen:
            out.fields.setdefault("preconditioning", regimen)
            out.evidence.append(" ".join(text[s:e].split()))
            return


_AFTER = re.compile(r"\bafter\s+$", re.I)
_GIVES_CELLS = re.compile(r"\b(?:infused|infusion|given|received|administered)\b", re.I)
_AGENT_JOIN = re.compile(r"\s*(?:and|plus|/|,)\s*", re.I)


@cache
def _lymphodepleting() -> frozenset[str]:
    return frozenset(row["agent"].lower() for row in load_rows("lymphodepletion"))


def _lymphodepleting_after(text: str, s: int, e: int, inside: list[Entity]) -> str:
    """The regimen named right after "after" in a sentence that gives cells, if it is lymphodepleting.

    Prior therapies are also named after "after" ("relapsed after R-CHOP"), so only regimens listed as
    lymphodepleting count, and only where the sentence is about giving the cells.
    """
    if not _GIVES_CELLS.search(text, s, e):
        return ""
    agents = sorted((x for x in inside if x.label == "AGENT" and s <= x.start < e and x.normalized),
                    key=lambda x: x.start)
    for i, first in enumerate(agents):
        if not _AFTER.search(text, s, first.start):
            continue
        names, end = [first.normalized.lower()], first.end
        for nxt in agents[i + 1 :]:
            if not _AGENT_JOIN.fullmatch(text[end : nxt.start]):
                break
            names.append(nxt.normalized.lower())
            end = nxt.end
        regimen = " and ".join(names)
        if regimen in _lymphodepleting():
            return regimen
    return ""


def _sentence_of(text: str, seg: Segment, at: int) -> str:
    for s, e in _sentences(text, seg.start, seg.end):
        if s <= at < e:
            return " ".join(text[s:e].split())
    return ""


def _adverse_events(text: str, seg: Segment, inside: list[Entity], out: ProseFacts) -> None:
    """Each event's statement from the sentences that mention it (see ``events.py``).

    A negation ("Neither CRS nor ICANS was observed") gives ``none``; one bounded by a grade ("no
    higher-grade CRS") only bounds the worst grade of what the sentence states.
    """
    events = [x for x in inside if x.label == "ADVERSE_EVENT"]
    for key, event in _EVENTS.items():
        canonical = lookup(event, "ADVERSE_EVENT")
        names = {event, canonical.normalized if canonical else event}
        merged = EventFacts()
        quotes: list[str] = []
        for s, e in _sentences(text, seg.start, seg.end):
            mentions = [x for x in events if x.normalized in names and s <= x.start < e]
            if not mentions:
                continue
            facts = EventFacts()
            for mention in mentions:
                # The clause of a mention runs from the previous event mention to the next one.
                previous_end = max([x.end for x in events if s <= x.end <= mention.start], default=s)
                later = [x.start for x in events if x.start >= mention.end and x.start < e]
                clause_end = min(later, default=e)
                before = text[previous_end : mention.start]
                if _negated(text, previous_end, mention.start) and not re.search(r"\d", before):
                    facts.none = True  # "Neither CRS nor ICANS was observed in 9 patients"
                else:
                    _combine(facts, read_event(before, text[mention.end : clause_end]))
            if facts.stated:
                _combine(merged, facts)
                quotes.append(" ".join(text[s:e].split()))
        if not merged.stated:
            continue
        said, worst, n = statement(merged)
        out.fields[key] = said
        if key == "crs":
            out.fields["crs_max_grade"] = worst
        if key != "gvhd":
            out.fields[f"{key}_n"] = n
        out.evidence.extend(quotes)


def _combine(into: EventFacts, facts: EventFacts) -> None:
    into.none = into.none or facts.none
    into.any_n = into.any_n if into.any_n is not None else facts.any_n
    into.any_pct = into.any_pct if into.any_pct is not None else facts.any_pct
    into.graded.extend(g for g in facts.graded if g not in into.graded)
    into.no_higher_than = into.no_higher_than if into.no_higher_than is not None else facts.no_higher_than


def _negated(text: str, sentence_start: int, at: int) -> bool:
    before = text[sentence_start:at]
    return bool(_NEGATION.search(before)) and not _QUALIFIED.search(before)

"""Facts a summary's prose gives about one study.

A summary reports study after study, each closed by its citation ("... (Abstract 1234) [7]."). The
text from the previous citation to this one is the study's segment; the facts in it (phase, response
rates, adverse events, patient numbers, doses) belong to the study the citation names.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from re import Match

from pipeline.fields import adverse_event, count, outcome, product, regimen, target
from pipeline.fields.base import Readings
from pipeline.fields.cell_source import names_a_transplant, qualifies_cells
from pipeline.fields.disease import study_diseases
from pipeline.fields.dose import Dose, drug_doses, drug_schedule, format_cells, parse_doses
from pipeline.fields.phase import phase
from pipeline.fields.phrases import Glossary, join_names
from pipeline.knowledge.patterns import (
    GLUED_REFERENCES,
    PHASE,
    SIZE_IN_PARENTHESES,
    STUDY_CITATION,
    TRIAL_ID,
    WITH_AGENT,
    normalize_trial_id,
)
from pipeline.knowledge.sentences import by_sentence, sentences
from pipeline.knowledge.spans import covered_by, within
from pipeline.models import Entity, IngestedText
from pipeline.records import studies

PROSE_SECTIONS = {"front", "body"}



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


def _study_mentions(text: str, start: int, end: int, entities: list[Entity] = (),
                    glossary: Glossary | None = None) -> list[_Mention]:
    """Names given as study names in ``text[start:end]``, outside sentences that carry a registry id
    (there the id names the study) and never a lexicon term (KTE-X19 is a product, SUP-B15 a cell line),
    an entity of the document or a short form it defines."""
    out = []
    spans = sentences(text, start, end)
    for m in studies.name_mentions(text, start, end, list(entities), glossary or Glossary({})):
        sentence = next(((s, e) for s, e in spans if s <= m.start < e), (m.start, m.end))
        if TRIAL_ID.search(text, sentence[0], sentence[1]):
            continue
        out.append(_Mention(m.name, m.start, m.clause_end, sentence))
    return out


def glued_references(doc: IngestedText) -> dict[str, str]:
    """Registry id -> the reference numbers glued to it ("NCT0309065912,13" -> "12;13")."""
    found: dict[str, str] = {}
    for section in (s for s in doc.sections if s.kind in PROSE_SECTIONS):
        for m in GLUED_REFERENCES.finditer(doc.text, section.start, section.end):
            refs = ";".join(dict.fromkeys(re.findall(r"\d+", m.group("refs"))))
            found.setdefault(normalize_trial_id(m.group("id")), refs)
    return found


def names_of_ids(doc: IngestedText, entities: list[Entity], glossary: Glossary) -> dict[str, str]:
    """Registry id -> the study name the prose writes next to it ("FELIX (NCT04404660)")."""
    found: dict[str, str] = {}
    for section in (s for s in doc.sections if s.kind in PROSE_SECTIONS):
        mentions = studies.name_mentions(doc.text, section.start, section.end, entities, glossary)
        for key, name in studies.names_by_id(doc.text, mentions).items():
            found.setdefault(key, name)
    return found


def named_segments(doc: IngestedText, exclude: list[tuple[int, int]] = (), entities: list[Entity] = (),
                   glossary: Glossary | None = None) -> list[Segment]:
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
        mentions = _study_mentions(text, section.start, section.end, entities, glossary)
        for i, m in enumerate(mentions):
            if any(s <= m.start < e for s, e in exclude):
                continue
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
                end = min(end, max(_last_stop(text, m.end, stop) + 1, m.end) if stop in ids else stop)
            out.append(Segment(m.sentence[0], end, name=m.name))
    return out


def study_name_starts(doc: IngestedText, entities: list[Entity] = (), glossary: Glossary | None = None) -> list[int]:
    """Where each sentence naming a study (without a registry id) begins: another study's prose ends there."""
    return sorted({m.sentence[0] for s in doc.sections if s.kind in PROSE_SECTIONS
                   for m in _study_mentions(doc.text, s.start, s.end, entities, glossary)})


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


def _size_after(text: str, name: str, start: int, end: int) -> Match[str] | None:
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
            para_start, para_end = _paragraph_around(text, m.start(), m.end())
            if len(STUDY_CITATION.findall(text, para_start, para_end)) == 1:
                # The only citation of its paragraph cites the paragraph: a review may name its source in
                # the first sentence and report the study in the sentences after it.
                seg.start, seg.end = section.start + para_start, section.start + para_end
            body = doc.text[seg.start : seg.end]
            seg.trial_ids = list(dict.fromkeys(normalize_trial_id(t.group()) for t in TRIAL_ID.finditer(body)))
            out.append(seg)
            start = m.end()
    return out


def _paragraph_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph (between blank lines) holding ``text[start:end]``."""
    before = text.rfind("\n\n", 0, start)
    after = text.find("\n\n", end)
    return (before + 2 if before >= 0 else 0), (after if after >= 0 else len(text))


def _last_stop(text: str, lo: int, hi: int) -> int:
    """Where the last sentence of ``text[lo:hi]`` that ends in a full stop ends (the stop), or -1. A sentence
    may end a line ("... 40%.\n" in a PDF's text): a stop before a line break counts as one before a space."""
    return max(text.rfind(". ", lo, hi), text.rfind(".\n", lo, hi))


def trial_segments(doc: IngestedText, exclude: list[tuple[int, int]] = (), entities: list[Entity] = (),
                   glossary: Glossary | None = None) -> list[Segment]:
    """Segments for registry ids mentioned in prose without a citation: the sentence with the id and
    those after it up to the next id or paragraph end (none inside the ``exclude`` spans: the abstracts
    about one study, which are read whole)."""
    out: list[Segment] = []
    body = [s for s in doc.sections if s.kind in PROSE_SECTIONS
            and not any(a <= s.start and s.end <= b for a, b in exclude)]
    excluded = covered_by(exclude)
    every_id = {normalize_trial_id(m.group()) for s in body for m in TRIAL_ID.finditer(doc.text, s.start, s.end)
                if not excluded(m.start())}
    named = sorted(study_name_starts(doc, entities, glossary))
    if not every_id:
        return out
    if len(every_id) == 1 and not exclude:
        # A meeting abstract about one trial: its Background, Methods and Results all describe it, up to
        # where another study is named.
        first = min(m.start() for s in body for m in TRIAL_ID.finditer(doc.text, s.start, s.end))
        end = min([body[-1].end, *(n for n in named if n > first)])
        return [Segment(body[0].start, end, trial_ids=sorted(every_id))]
    for section in body:
        text = doc.text[section.start : section.end]
        ids = [m for m in TRIAL_ID.finditer(text) if not excluded(section.start + m.start())]
        sentence_start, searched = 0, 0
        for i, m in enumerate(ids):
            # Each search runs back only to where the previous id's search began (a match may straddle it):
            # the sentence start only moves forward, and a text of ids without a stop stays linear.
            for mark in (_last_stop(text, max(searched - 1, 0), m.start()),
                         text.rfind("\n\n", max(searched - 1, 0), m.start())):
                if mark >= 0:  # past ". " or the blank line; none found: the section's start
                    sentence_start = max(sentence_start, mark + 2)
            searched = m.start()
            nxt = ids[i + 1].start() if i + 1 < len(ids) else len(text)
            para_end = text.find("\n\n", m.end(), nxt + 1)
            end = para_end if 0 <= para_end < nxt else nxt
            cut = _last_stop(text, m.end(), nxt) if i + 1 < len(ids) else -1
            if cut >= 0:  # the next id is in this paragraph: this study's prose ends with the sentence before it
                end = min(end, cut + 1)
            # The prose of another, named study ("The bb21217 levels in the CRB-402 study ...") is not this one's.
            later = bisect_right(named, section.start + m.end())
            if later < len(named):
                end = min(end, named[later] - section.start)
            out.append(Segment(section.start + sentence_start, section.start + end,
                               trial_ids=[normalize_trial_id(m.group())]))
    return out


@dataclass
class ProseFacts(Readings):
    """What the prose about one study says: field values, their sentences, and its doses (each dose list
    with its unit and sentence, attached to an arm by the record assembly)."""

    doses: list[tuple[list[float], str, str]] = field(default_factory=list)


def facts(doc: IngestedText, seg: Segment, entities: list[Entity], glossary: Glossary) -> ProseFacts:
    """Phase, outcome percentages, adverse events and patient numbers stated in ``seg``."""
    text = doc.text
    out = ProseFacts()
    f = out.fields
    inside = within(entities, seg.start, seg.end)
    m = PHASE.search(text, seg.start, seg.end)
    if m:
        f["phase"] = phase(m.group("phase"))
        out.evidence.append(_sentence_of(text, seg, m.start()))
    outcome.read_prose(text, seg.start, seg.end, inside, out)
    for e in inside:
        if e.label == "PRODUCT":
            f.setdefault("product", glossary.expand(e.text))
    sources = [e for e in inside if e.label == "CELL_SOURCE" and e.normalized and not names_a_transplant(text, e.end)]
    source = next((e for e in sources if qualifies_cells(text, e.start, e.end)), sources[0] if sources else None)
    if source is not None:
        f["cell_source"] = source.normalized

    for s, e in sentences(text, seg.start, seg.end):
        sentence = " ".join(text[s:e].split())
        found = parse_doses(text[s:e], require_cells=True)
        if _levels_of_one_study(text, s, e, found, inside):
            # "Cohort 1 received 2 × 10^8 cells and cohort 2 received 1 × 10^9 cells": one sentence, the levels
            found = [Dose(tuple(dict.fromkeys(v for d in found for v in d.values)), found[0].unit, 0, 0)]
        for dose in found:
            out.doses.append((list(dose.values), dose.unit, sentence))
    _drug_doses(text, seg, inside, glossary, out)
    adverse_event.read_prose(text, seg.start, seg.end, inside, out)
    regimen.read_prose(text, seg.start, seg.end, inside, out)
    count.read_prose(text, seg.start, seg.end, out)
    outcome.shares_of(f)
    outcome.of_one_patient(text, seg.start, seg.end, inside, out)
    if seg.trial_ids:
        f["trial_id"] = ";".join(seg.trial_ids)
    return out




def _levels_of_one_study(text: str, at: int, end: int, doses: list[Dose], inside: list[Entity]) -> bool:
    """Whether the doses of one sentence (``text[at:end]``, dose offsets from ``at``) are the levels of one study:
    several, of one unit, no other dose written between them (a table's line: "3, 6, 10 × 10^6/kg 1 × 10^7 – 1 × 10^8/m2
    1 × 10^6/kg"), and no registry id or product named between them ("... given at 0.3–9.0 × 10^6 cells/kg, and
    the construct CART-X (NCT01234567) at 2.5 × 10^6 cells/kg" gives two studies' doses)."""
    if len(doses) < 2 or len({d.unit for d in doses}) > 1:
        return False
    first, last = at + doses[0].end, at + doses[-1].start
    if "|" in text[first:last] or "\t" in text[first:last] or len(parse_doses(text[at:end])) != len(doses):
        return False
    return not TRIAL_ID.search(text, first, last) and not any(e.label == "PRODUCT" for e in within(inside, first, last))


def _drug_doses(text: str, seg: Segment, inside: list[Entity], glossary: Glossary, out: ProseFacts) -> None:
    """The dose levels of the antibody or drug a study gives (a step-up schedule in the order given), read
    only where the prose names a drug product; amounts of other agents (lymphodepleting chemotherapy, an
    added oral drug) and the sentences about lymphodepletion are left out."""
    agents = [x for x in inside if x.label in ("AGENT", "PRODUCT")]
    drugs = [x for x in agents if product.is_drug(x.normalized or glossary.expand(x.text))]
    if any(x.label == "PRODUCT" for x in agents):
        # a product's study: an antibody it names besides is added to it ("with rituximab 375 mg/m2") or given
        # before it ("a 1000 mg dose of obinutuzumab"), its dose not the product's
        drugs = [x for x in drugs if x.label == "PRODUCT"]
    # an antibody added to a product the lexicons do not know ("QX-505 alone or with obinutuzumab 1000 mg") is no
    # product of the study's either
    drugs = [x for x in drugs if x.label == "PRODUCT" or not WITH_AGENT.search(text, max(seg.start, x.start - 40),
                                                                                   x.start)]
    if not drugs:
        return
    others = [(x.start, x.end) for x in agents if x not in drugs]
    found, quotes = [], []
    for s, e in sentences(text, seg.start, seg.end):
        if regimen.mentions_lymphodepletion(text[s:e]) and any(s <= a < e for a, _ in others):
            continue
        doses = drug_doses(text, s, e, others)
        if doses:
            found.extend(doses)
            quotes.append(" ".join(text[s:e].split()))
    values, unit = drug_schedule(found)
    if values:
        out.fields["doses_drug"] = ";".join(format_cells(v) for v in values)
        out.fields["drug_dose_unit"] = unit
        out.evidence.extend(quotes)


def subject(doc: IngestedText, seg: Segment, entities: list[Entity], glossary: Glossary) -> dict[str, object]:
    """What a prose-only study is about: its disease, targets and product, from its own paragraph."""
    inside = within(entities, seg.start, seg.end)
    fields: dict[str, object] = {}
    diseases = study_diseases(doc.text, [e for e in inside if e.label == "DISEASE"])
    if diseases:
        fields["disease"] = join_names(diseases, "DISEASE")
    symbols = target.study_targets(doc.text, [e for e in inside if e.label == "TARGET"])
    if symbols:
        fields["target_symbols"] = ";".join(symbols)
    return fields






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
        for inside in by_sentence(sentences(doc.text, start, end), within(entities, start, end)):
            names = {glossary.expand(x.text).lower() for x in inside if x.label == "PRODUCT"}
            if len(names) != 1:
                continue
            first = min(x.start for x in inside if x.label == "PRODUCT")
            sources = {x.normalized for x in inside if x.label == "CELL_SOURCE" and x.normalized and x.end <= first
                       and not names_a_transplant(doc.text, x.end)}
            if len(sources) == 1:
                found.setdefault(names.pop(), set()).update(sources)
    return {name: sources.pop() for name, sources in found.items() if len(sources) == 1}










def _sentence_of(text: str, seg: Segment, at: int) -> str:
    for s, e in sentences(text, seg.start, seg.end):
        if s <= at < e:
            return " ".join(text[s:e].split())
    return ""







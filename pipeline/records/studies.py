"""Which studies a document reports, and where each is written about.

A document is cut into units: the abstracts of an abstract-book page (each opened by its number and
title), or the whole document. A unit that reports one study (a meeting abstract, a news item, a press
release, a letter) is that study's prose from its title to its end, whatever identifies it: its registry
ids, its name, its product or its abstract number. A unit that reports several (a review, a meeting
summary, a table of trials) is left to the citations, registry ids and study names that cut its prose.

Study names are read where the words around a name make it one ("the pivotal FELIX study", "KarMMa
(NCT03361748)", "ELARA is an international, single-arm phase 2 trial"): a lexicon term, an entity of
the document (a product, a target, a disease) or a short form the document defines never is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.fields.phrases import Glossary
from pipeline.knowledge.lexicon import abbreviation_long_forms, is_centre, lookup
from pipeline.knowledge.patterns import (
    ABSTRACT_CITED,
    ABSTRACT_CODE,
    ABSTRACT_HEADING,
    AUTHOR_CITATION,
    GLUED_REFERENCES,
    ID_AFTER_NAME,
    ID_PREFIX,
    PAREN_REFERENCE,
    PATIENTS_ANY,
    PERCENT,
    REFERENCE,
    SENTENCE_REFERENCE,
    STUDY_NAME_GROUPS,
    STUDY_NAMED,
    TRIAL_ID,
    normalize_trial_id,
)
from pipeline.knowledge.sentences import sentences
from pipeline.knowledge.spans import within
from pipeline.models import Entity, IngestedText, Table

PROSE_SECTIONS = {"front", "body"}
# Entities a study's name is never one of (its registry id and abstract number may stand inside it).
_NOT_A_NAME = {"TARGET", "DISEASE", "CELL_SOURCE", "AGENT", "PRODUCT", "CELL_LINE", "OUTCOME", "ADVERSE_EVENT"}
_ROMAN = {"I", "II", "III", "IV", "V", "IA", "IB", "IIA", "IIB"}


@dataclass
class NameMention:
    """A study's name where the words around it make it one."""

    name: str
    start: int
    end: int
    kind: str  # the STUDY_NAMED group: "b"/"c" stand next to a registry id
    clause_end: int = 0  # where the words that make it a name end ("(MajesTEC-1, N = 165)")


@dataclass
class Unit:
    """A stretch of the document about one study or several: an abstract, or the whole document."""

    start: int
    end: int
    abstract_number: str = ""
    title_end: int = 0
    single: bool = False
    trial_ids: list[str] = field(default_factory=list)
    name: str = ""
    reference: str = ""  # a reference number glued to the study's name ("ELARA2")
    prose: list[tuple[int, int]] = field(default_factory=list)


# No recognised name runs longer than this many characters (the longest lexicon terms are under 100):
# an entity that could cover a word starts at most this far before it.
LONGEST_ENTITY = 400


def _valid_name(name: str, start: int, entities: list[Entity], glossary: Glossary) -> str:
    """The name without a leading phase numeral ("II ZUMA-2" -> "ZUMA-2"), or "" if it is no study's."""
    words = name.split(" ")
    while words and words[0].upper() in _ROMAN:
        start += len(words[0]) + 1
        words = words[1:]
    if not words:
        return ""
    name, head = " ".join(words), words[0]
    if head.upper() in _ROMAN or ID_PREFIX.match(name) or lookup(name) or lookup(head) or is_centre(head):
        return ""
    if head in glossary.pairs or name in glossary.pairs or head in abbreviation_long_forms():
        return ""
    head_end = start + len(head)
    near = within(entities, start - LONGEST_ENTITY, head_end)
    if any(e.label in _NOT_A_NAME and start < e.end for e in near):
        return ""
    return name


def name_mentions(text: str, start: int, end: int, entities: list[Entity], glossary: Glossary) -> list[NameMention]:
    """Study names given as such in ``text[start:end]``, in order."""
    out = []
    for m in STUDY_NAMED.finditer(text, start, end):
        group = next(g for g in STUDY_NAME_GROUPS if m.group(g))
        raw = m.group(group)
        offset = m.start(group)
        name = _valid_name(raw, offset, entities, glossary)
        if name:
            at = offset + raw.index(name)
            out.append(NameMention(name, at, at + len(name), group, max(m.end(), at + len(name))))
    return out


def names_by_id(text: str, mentions: list[NameMention]) -> dict[str, str]:
    """Registry id -> the study name written right next to it ("KarMMa (NCT03361748)", "NCT02435849 (ELIANA)")."""
    found: dict[str, str] = {}
    for m in mentions:
        if m.kind != "c":  # "KarMMa (NCT...)", "the phase 2 part of EPCORE NHL-1 (NCT...)"
            after = TRIAL_ID.search(text, m.end, m.end + 40)
            if after and ID_AFTER_NAME.fullmatch(text, m.end, after.start()):
                found.setdefault(normalize_trial_id(after.group()), m.name)
        elif m.kind == "c":
            before = list(TRIAL_ID.finditer(text, max(0, m.start - 40), m.start))
            if before:
                found.setdefault(normalize_trial_id(before[-1].group()), m.name)
    return found


def reports_results(text: str) -> bool:
    """Whether a stretch of prose states a result: a percentage or a number of patients."""
    return bool(PERCENT.search(text) or PATIENTS_ANY.search(text))


def _id_groups(text: str, spans: list[tuple[int, int]]) -> list[list[str]]:
    """The registry ids of the prose, those written in one sentence kept together (one study's ids)."""
    groups: list[list[str]] = []
    first_group: dict[str, int] = {}  # the first group holding each id, so ids are not compared pairwise
    for start, end in spans:
        for s, e in sentences(text, start, end):
            ids = list(dict.fromkeys(normalize_trial_id(m.group()) for m in TRIAL_ID.finditer(text, s, e)))
            if not ids:
                continue
            known = [first_group[i] for i in ids if i in first_group]
            if not known:
                groups.append([])
            k = min(known) if known else len(groups) - 1
            group = groups[k]
            for i in ids:
                if i not in group:
                    group.append(i)
                    first_group.setdefault(i, k)
    return groups


def _headings(text: str) -> list[tuple[int, int, str]]:
    """(start, end of title, number) of each abstract an abstract-book page opens with its number and title."""
    return [(m.start("number"), m.end("title"), m.group("number")) for m in ABSTRACT_HEADING.finditer(text)]


def units(doc: IngestedText, entities: list[Entity], glossary: Glossary, tables: list[Table]) -> list[Unit]:
    """The document's abstracts (or the whole document), each marked single-study or not."""
    text = doc.text
    heads = _headings(text)
    bounds = [(s, heads[i + 1][0] if i + 1 < len(heads) else len(text), n, t) for i, (s, t, n) in enumerate(heads)]
    if not bounds:
        bounds = [(0, len(text), "", 0)]
    out = []
    for start, end, number, title_end in bounds:
        unit = Unit(start, end, abstract_number=number, title_end=title_end)
        unit.prose = [(max(s.start, start), min(s.end, end)) for s in doc.sections
                      if s.kind in PROSE_SECTIONS and s.start < end and start < s.end]
        _classify(doc, unit, entities, glossary, tables)
        out.append(unit)
    return out


@dataclass
class ParagraphStudy:
    """A paragraph that reports one study, with every identifier it gives that study."""

    start: int
    end: int
    trial_ids: list[str] = field(default_factory=list)
    name: str = ""
    abstract_number: str = ""
    reference: str = ""
    product: str = ""
    author: str = ""

    def keys(self) -> set[tuple[str, str]]:
        found = {("id", i) for i in self.trial_ids}
        for kind in ("name", "abstract_number", "product", "author"):
            if getattr(self, kind):
                found.add((kind, str(getattr(self, kind)).lower()))
        return found

    @property
    def cited(self) -> bool:
        """Whether it names its study by more than a product (an id, a name, an abstract, a citation)."""
        return bool(self.trial_ids or self.name or self.abstract_number or self.reference or self.author)


def paragraphs(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The paragraphs (between blank lines) of the prose spans, a heading line kept with its text."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        at = start
        while at < end:
            gap = text.find("\n\n", at, end)
            stop = gap if gap >= 0 else end
            if text[at:stop].strip():
                lead = len(text[at:stop]) - len(text[at:stop].lstrip())
                out.append((at + lead, stop))
            at = stop + 2 if gap >= 0 else end
    merged: list[tuple[int, int]] = []
    for start, end in out:  # prose sections cut at a heading line: the heading belongs to its paragraph
        if merged and "\n\n" not in text[merged[-1][1]:start]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _citations(text: str, start: int, end: int) -> list[str]:
    """Reference numbers cited in ``text[start:end]``: in brackets or parentheses, glued to a sentence's full stop
    or to a registry id; a range or list kept as one citation."""
    found = [(m.start(), m.group("number")) for m in REFERENCE.finditer(text, start, end)]
    found += [(m.start(), m.group("number")) for m in PAREN_REFERENCE.finditer(text, start, end)]
    found += [(m.start(), m.group("number")) for m in SENTENCE_REFERENCE.finditer(text, start, end)]
    found += [(m.start(), m.group("refs")) for m in GLUED_REFERENCES.finditer(text, start, end)]
    return list(dict.fromkeys(";".join(n for n in _numbers(ref)) for _, ref in sorted(found)))


def _numbers(ref: str) -> list[str]:
    return [n.strip() for n in ref.replace("–", ",").replace("-", ",").split(",") if n.strip()]


def paragraph_study(doc: IngestedText, start: int, end: int, entities: list[Entity],
                    glossary: Glossary) -> ParagraphStudy | None:
    """The one study a paragraph reports, or None: a paragraph that states no result, names several
    studies (registry ids of different sentences, names with results of their own, several abstracts or
    citations) or names none (no id, name, abstract, citation or product) is left to the sentence-level
    readers."""
    text = doc.text
    if not reports_results(text[start:end]):
        return None
    inside = within(entities, start, end)
    mentions = name_mentions(text, start, end, inside, glossary)
    groups = _id_groups(text, [(start, end)])
    by_id = names_by_id(text, mentions)
    attached = {by_id[i] for g in groups for i in g if i in by_id}
    spans = sentences(text, start, end)
    others = [n for n in dict.fromkeys(m.name for m in mentions if m.name not in attached)
              if any(n in text[a:b] and reports_results(text[a:b]) for a, b in spans)]
    if len(groups) + len(others) > 1:
        return None
    codes = list(dict.fromkeys(m.group("hash") or m.group("code") or m.group("abstract")
                               for m in ABSTRACT_CODE.finditer(text, start, end)))
    refs = _citations(text, start, end)
    authors = list(dict.fromkeys(m.group().split()[0] for m in AUTHOR_CITATION.finditer(text, start, end)))
    if len(codes) > 1 or len(authors) > 1:
        return None
    products = [glossary.expand(e.text) for e in inside if e.label == "PRODUCT"]
    study = ParagraphStudy(start, end, trial_ids=groups[0] if groups else [],
                           name=next((by_id[i] for i in (groups[0] if groups else []) if i in by_id), "")
                           or (others[0] if others else (mentions[0].name if mentions else "")),
                           abstract_number=codes[0] if codes else "", reference=";".join(refs),
                           product=products[0] if products else "", author=authors[0] if authors else "")
    return study if study.keys() else None


def paragraph_studies(doc: IngestedText, unit: Unit, entities: list[Entity],
                      glossary: Glossary) -> list[ParagraphStudy]:
    """The paragraphs of a unit that each report one study, consecutive paragraphs about the same study
    joined."""
    out: list[ParagraphStudy] = []
    for start, end in paragraphs(doc.text, unit.prose):
        study = paragraph_study(doc, start, end, entities, glossary)
        if study is None:
            continue
        if out and out[-1].keys() & study.keys():
            last = out[-1]
            last.end = study.end
            last.trial_ids = list(dict.fromkeys(last.trial_ids + study.trial_ids))
            for kind in ("name", "abstract_number", "reference", "product", "author"):
                if not getattr(last, kind):
                    setattr(last, kind, getattr(study, kind))
            continue
        out.append(study)
    return out


def several_studies(found: list[ParagraphStudy]) -> bool:
    """Whether paragraphs report different studies: two naming their study by more than a product, or
    three about different products."""
    return sum(1 for p in found if p.cited) >= 2 or len(found) >= 3


def _classify(doc: IngestedText, unit: Unit, entities: list[Entity], glossary: Glossary,
              tables: list[Table]) -> None:
    """Single-study when the unit's prose names at most one study with results (ids written together are
    one study's; a name next to an id is that study's) and cites at most one reference."""
    text = doc.text
    if not unit.prose:
        return
    inside = within(entities, unit.start, unit.end)
    mentions = [m for s, e in unit.prose for m in name_mentions(text, s, e, inside, glossary)]
    groups = _id_groups(text, unit.prose)
    by_id = names_by_id(text, mentions)
    refs = {m.group("number") for s, e in unit.prose for m in REFERENCE.finditer(text, s, e)}
    table_rows = sum(len(t.studies().rows) for t in tables if unit.start <= t.start < unit.end)
    attached = {by_id[i] for g in groups for i in g if i in by_id}
    others = []
    for name in dict.fromkeys(m.name for m in mentions if m.name not in attached):
        if _named_with_results(text, unit, name):
            others.append(name)
    studies = len(groups) + len(others)
    if studies > 1 or len(refs) > 1 or table_rows > 1:
        return
    if not table_rows and several_studies(paragraph_studies(doc, unit, entities, glossary)):
        return
    unit.single = True
    unit.trial_ids = groups[0] if groups else []
    named = [by_id.get(i) for i in unit.trial_ids if by_id.get(i)]
    counts = {m.name: sum(1 for x in mentions if x.name == m.name) for m in mentions}
    unit.name = named[0] if named else (max(counts, key=lambda n: (counts[n], -_first(mentions, n))) if counts else "")
    unit.name, unit.reference = glued_reference(text, unit.start, unit.end, unit.name)
    if not unit.abstract_number:
        cited = {m.group(1) for s, e in unit.prose for m in ABSTRACT_CITED.finditer(text, s, e)}
        if len(cited) == 1:
            unit.abstract_number = cited.pop()


# A study name that ends in a PDF's superscript reference number: "ELARA2 (NCT03568461)" where the text also says
# "the phase 2 ELARA trial".
_GLUED_NUMBER = re.compile(r"(?P<base>.*[A-Za-z])(?P<ref>\d{1,2})")


def glued_reference(text: str, start: int, end: int, name: str) -> tuple[str, str]:
    """(name, reference) of a study name a PDF glued a superscript reference to ("ELARA2" -> "ELARA", "2"), when
    the text names the study without the digits elsewhere; else (name, "")."""
    m = _GLUED_NUMBER.fullmatch(name)
    if not m:
        return name, ""
    base = m.group("base")
    at = text.find(base, start, end)
    while at >= 0:
        after = at + len(base)
        if (at == 0 or not _joins(text[at - 1])) and (after >= len(text) or not (_joins(text[after])
                                                                               or text[after].isdigit())):
            return base, m.group("ref")
        at = text.find(base, at + 1, end)
    return name, ""


def _joins(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"


def _first(mentions: list[NameMention], name: str) -> int:
    return next(m.start for m in mentions if m.name == name)


def _named_with_results(text: str, unit: Unit, name: str) -> bool:
    """Whether a sentence naming the study states a result (a name in passing reports nothing)."""
    for s, e in unit.prose:
        for a, b in sentences(text, s, e):
            if name in text[a:b] and reports_results(text[a:b]):
                return True
    return False

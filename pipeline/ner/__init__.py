"""Named-entity recognition as registered spaCy components over ``spacy.blank("en")``.

Users can add any component to their own pipeline (``nlp.add_pipe("confmine_targets")``) once
``pipeline`` is imported. Every component appends plain dicts (label, start, end, normalized, value,
unit) to ``doc._.confmine_entities`` — picklable, so ``nlp.pipe(n_process=2)`` works — and the last
one, ``confmine_entities``, resolves overlaps and sets ``doc.ents``.
"""


import re
from bisect import bisect_right

import spacy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

from pipeline.knowledge.lexicon import LEXICONS, disease_modifiers, lookup
from pipeline.knowledge.patterns import NAME_NUMBER_AFTER, NAME_WORD_BEFORE
from pipeline.knowledge.spans import covered_by
from pipeline.models import Abbreviation, Entity, IngestedText, Table
from pipeline.ner.agents import target_agent_entities
from pipeline.ner.definitions import long_form_spans
from pipeline.ner.doc_text import doc_text, read
from pipeline.ner.lexicon import LexiconMatcher, agent_parts
from pipeline.ner.meanings import document_meanings, with_document_meanings
from pipeline.ner.overlaps import resolve_overlaps
from pipeline.ner.patterns import (
    dose_entities,
    grade_near,
    identifier_entities,
    landmark_rate,
    percent_near,
    response_entities,
)
from pipeline.ner.table_cells import table_cell_entities
from pipeline.ner.tokenizer import CachedTokenizer

if not Doc.has_extension("confmine_entities"):
    Doc.set_extension("confmine_entities", default=None)

SKIPPED_SECTIONS = {"back", "boilerplate", "abbreviations"}


def _found(doc: Doc) -> list[dict]:
    """The Doc's candidate list, created by the first component that asks (``doc._`` builds a new
    accessor object on every use, so it is used once)."""
    underscore = doc._
    found = underscore.confmine_entities
    if found is None:
        found = underscore.confmine_entities = []
    return found


@Language.factory("confmine_targets")
def make_targets(nlp: Language, name: str) -> "_Collecting":
    """CAR/antibody targets normalised to HGNC symbols, with one-edit spelling correction."""
    return _Collecting(LexiconMatcher(nlp, ("TARGET",)))


@Language.factory("confmine_lexicons")
def make_lexicons(nlp: Language, name: str) -> "_Collecting":
    """Diseases, agents, products, cell sources, cell lines, outcome and adverse-event terms."""
    return _Collecting(LexiconMatcher(nlp, tuple(label for label in LEXICONS if label != "TARGET")))


class _Collecting:
    """Make sure the entity list exists before a matcher appends to it."""

    def __init__(self, inner):
        self.inner = inner

    def __call__(self, doc: Doc) -> Doc:
        _found(doc)
        return self.inner(doc)


@Language.component("confmine_target_agents")
def target_agents(doc: Doc) -> Doc:
    """Agents written as their target and a class word ("anti-CD38 mAb", "CD33 TriKE")."""
    found = _found(doc)
    found.extend(target_agent_entities(doc_text(doc), [e for e in found if e["label"] == "TARGET"]))
    return doc


@Language.component("confmine_responses")
def responses(doc: Doc) -> Doc:
    """Outcomes written as what patients achieved ("two patients achieved a response")."""
    _found(doc).extend(response_entities(doc_text(doc)))
    return doc


@Language.component("confmine_identifiers")
def identifiers(doc: Doc) -> Doc:
    """Registry ids (NCT, ChiCTR, ...) and conference abstract numbers."""
    _found(doc).extend(identifier_entities(doc_text(doc)))
    return doc


@Language.component("confmine_doses")
def doses(doc: Doc) -> Doc:
    """Cell doses in any notation, converted to a number of cells."""
    _found(doc).extend(dose_entities(doc_text(doc)))
    return doc


@Language.component("confmine_values")
def values(doc: Doc) -> Doc:
    """Attach the reported percentage to outcome terms and the grade to adverse events; a landmark
    rate ("5-day OS: 100%") becomes one mention with its time point and value."""
    text = doc_text(doc)
    for entity in _found(doc):
        landmark = landmark_rate(text, entity["start"], entity["end"]) if entity["label"] == "OUTCOME" else None
        if landmark is not None:
            entity["start"], entity["end"], entity["value"], entity["unit"] = *landmark, "%"
        elif entity["label"] == "OUTCOME" and "value" not in entity:
            near = percent_near(text, entity["start"], entity["end"])
            if near:
                entity["value"], entity["unit"] = near[0], "%"
        elif entity["label"] == "ADVERSE_EVENT" and "value" not in entity:
            grade = grade_near(text, entity["start"], entity["end"])
            if grade is not None:
                entity["value"], entity["unit"] = float(grade), "grade"
    return doc


@Language.component("confmine_entities")
def entities(doc: Doc) -> Doc:
    """Resolve overlapping candidates and expose the winners as ``doc.ents``."""
    kept = resolve_overlaps(_found(doc))
    doc._.confmine_entities = kept
    spans = [doc.char_span(e["start"], e["end"], label=e["label"], alignment_mode="expand") for e in kept]
    clean, last_end = [], -1
    for span in spans:
        if span is not None and span.start >= last_end:
            clean.append(span)
            last_end = span.end
    doc.ents = clean
    return doc


COMPONENTS = ["confmine_targets", "confmine_lexicons", "confmine_target_agents", "confmine_responses",
              "confmine_identifiers", "confmine_doses", "confmine_values", "confmine_entities"]


def build_nlp() -> Language:
    """The recognition pipeline: a blank English tokenizer (cached, see ``tokenizer.py``), a
    sentencizer and our components."""
    nlp = spacy.blank("en")
    # "GPRC5D×CD3", "CD33/FLT3": multiplication signs and slashes join names in this field.
    infixes = [*nlp.Defaults.infixes, r"[×/]"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.tokenizer = CachedTokenizer(nlp.tokenizer)
    nlp.add_pipe("sentencizer")
    for component in COMPONENTS:
        nlp.add_pipe(component)
    return nlp


def _abbreviation_entities(text: str, abbreviations: list[Abbreviation],
                           known: dict[str, tuple[str, str]]) -> list[dict]:
    """Short forms the document defines take the label of their long form ("MM" -> multiple myeloma),
    and so does the long form where it is printed, even misspelt or glued to the next word."""
    found = []
    for abbreviation in abbreviations:
        if known.get(abbreviation.short_form) is None:
            continue
        label, normalized = known[abbreviation.short_form]  # type: ignore[misc]
        for start, end in [(abbreviation.start, abbreviation.end), *abbreviation.mentions]:
            if text[start:end] == abbreviation.short_form:
                found.append({"label": label, "start": start, "end": end, "normalized": normalized})
        for start, end in long_form_spans(text, abbreviation):
            parts = agent_parts(text, start, end) if label == "AGENT" else None
            if parts:
                found.extend({"label": label, "start": s, "end": e, "normalized": p.normalized} for s, e, p in parts)
            else:
                found.append({"label": label, "start": start, "end": end, "normalized": normalized})
    return found


_STATUS = re.compile(r"(?:relapsed(?:\s+(?:or|and)\s+|\s*/\s*)refractory|relapsed|refractory|R/R)\s+$", re.I)
_DONOR = re.compile(r"healthy\s+(?:adult\s+|donor\s+)?$", re.I)


_MODIFIER = r"(?P<word>[A-Za-z][\w-]{3,})\s+(?:and|or)\s+$"
_COORDINATED = re.compile(rf"(?:[(,;:]\s*|\b(?:with|of|in|for|including|both|the|and)\s+){_MODIFIER}", re.I)
_COORDINATED_IN_CELL = re.compile(rf"^{_MODIFIER}")


def _with_coordinated(text: str, entity: dict, taken: list[tuple[int, int]]) -> dict:
    """"hematological and solid tumors" is one disease mention: a modifier that starts a known
    multi-word disease name, coordinated with the disease found, shares its head word.

    Not when the modifier and that head name a disease of their own ("Hodgkin and non-Hodgkin
    lymphoma", "acute and chronic myeloid leukemia": two diseases), nor when the modifier is itself
    the end of a longer name ("large B-cell and mantle cell lymphoma")."""
    words = text[entity["start"] : entity["end"]].split()
    if entity["label"] != "DISEASE" or len(words) < 2:
        return entity
    floor = entity.get("cell", max(0, entity["start"] - 60))
    window = text[floor : entity["start"]]
    m = _COORDINATED.search(window) or ("cell" in entity and _COORDINATED_IN_CELL.search(window)) or None
    if m is None or m.group("word").lower() not in disease_modifiers():
        return entity
    if lookup(" ".join([m.group("word"), *words[1:]]), "DISEASE") is not None:
        return entity
    start = floor + m.start("word")
    if any(s < entity["start"] and start < e for s, e in taken):
        return entity
    phrase = " ".join(text[start : entity["end"]].split())
    return {**entity, "start": start, "normalized": phrase.lower()}


def _with_qualifier(text: str, entity: dict) -> dict:
    """A span takes its qualifier with it: "relapsed or refractory AML" is one disease mention,
    "healthy adult peripheral blood" one cell source."""
    pattern = {"DISEASE": _STATUS, "CELL_SOURCE": _DONOR}.get(entity["label"])
    if pattern is not None:
        m = pattern.search(text, max(0, entity["start"] - 30), entity["start"])
        if m:
            return {**entity, "start": m.start()}
    return entity


# Only the words of a stem-cell transplant may stand between ("allogeneic hematopoietic stem cell
# transplantation"); "cord blood NK cells after transplant" or "transplant donors" keep their source.
_TRANSPLANT_AFTER = re.compile(
    r"(?:[\s-]+(?:ha?ematopoietic|stem|cells?|progenitors?|bone|marrow|peripheral|blood))*[\s-]+transplant(?:ation|s)?"
    r"(?![\w-]*\s+donors?\b)",
    re.I,
)


_CELLS_AFTER = re.compile(r"\s+(?:cells|blasts)\b")


def _is_cell_type(text: str, entity: dict) -> bool:
    """"leukemia cells", "myeloma cells" name cells, not the disease; "(allogeneic) hematopoietic stem
    cell transplantation" is a procedure, not the source of the therapy's cells."""
    if entity["label"] == "CELL_SOURCE":
        return bool(_TRANSPLANT_AFTER.match(text, entity["end"], entity["end"] + 60))
    return entity["label"] == "DISEASE" and bool(_CELLS_AFTER.match(text, entity["end"]))


def _in_study_name(text: str, entity: dict) -> bool:
    """"NHL" in "TRANSCEND NHL 001" or "EPCORE NHL-1" is a word of the study's name, not a disease the text
    names."""
    start, end = entity["start"], entity["end"]
    return (entity["label"] == "DISEASE" and text[start:end].isupper()
            and bool(NAME_WORD_BEFORE.search(text[max(0, start - 30) : start]))
            and bool(NAME_NUMBER_AFTER.match(text, end)))


def _sentence_starts(doc: Doc) -> list[int]:
    """Character offsets where ``doc.sents`` start, selected from the token arrays by numpy (a Span
    per sentence, or a Python test per token, costs more than the look-up it serves)."""
    if not len(doc):
        return []
    flags = doc.to_array([SENT_START, IDX])
    return [int(flags[0, 1])] + flags[1:][flags[1:, 0] == 1, 1].tolist()


# The longest stretch read as one spaCy Doc: a Doc costs memory in proportion to its tokens, and spaCy
# refuses texts over ``nlp.max_length`` (1,000,000 characters). A longer text is read in stretches cut
# at a paragraph break (else a sentence end, else a space) before this length.
CHUNK_CHARS = 200_000


def _chunks(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """Stretches of at most ``size`` characters covering ``text``, cut where no phrase crosses."""
    spans, start = [], 0
    while len(text) - start > size:
        limit = start + size
        cut = max(text.rfind("  ", start + size // 2, limit), text.rfind(". ", start + size // 2, limit) + 1)
        if cut <= start:
            cut = text.rfind(" ", start + 1, limit)
        if cut <= start:
            cut = limit
        spans.append((start, cut))
        start = cut
    spans.append((start, len(text)))
    return spans


def _read_in_chunks(nlp: Language, text: str) -> tuple[list[dict], list[int]]:
    """The recognisers' candidates over ``text`` and its sentence starts, offsets into ``text``, read
    one stretch at a time (a summary is one stretch)."""
    found: list[dict] = []
    starts: list[int] = []
    for start, end in _chunks(text):
        spacy_doc = read(nlp, text[start:end], skip=("confmine_entities",))
        found += [{**e, "start": e["start"] + start, "end": e["end"] + start}
                  for e in spacy_doc._.confmine_entities or []]
        starts += [s + start for s in _sentence_starts(spacy_doc)]
    return found, starts


def find_entities(
    doc: IngestedText, abbreviations: list[Abbreviation], tables: list[Table], nlp: Language
) -> list[Entity]:
    """Entities of the document's body (not references, glossary or adverts), offsets into doc.text.

    Table cells are read one by one with their column header's meaning (a rotated table's joined text
    runs its cells together: "AMLUmbilical"); everything else is read as running text, line breaks
    read as spaces so a phrase wrapped over two lines is still found.
    """
    # The last component's overlap resolution is done here, without the Spans it would build for doc.ents.
    candidates_found, sentence_starts = _read_in_chunks(nlp, doc.text.replace("\n", " "))
    short_forms = document_meanings(abbreviations)
    found = resolve_overlaps(with_document_meanings(doc.text, candidates_found, short_forms))
    candidates = found + _abbreviation_entities(doc.text, abbreviations, short_forms)
    regions = []
    for table in tables:
        flat = [span for row in table.cell_spans for span in row if span]
        if flat:
            regions.append((min(s for s, _ in flat), max(e for _, e in flat)))
    in_table = covered_by(regions)
    merged = [e for e in resolve_overlaps(candidates) if not in_table(e["start"])]
    for table in tables:
        merged.extend(resolve_overlaps(table_cell_entities(doc.text, table, nlp, short_forms)))
    merged = [_with_qualifier(doc.text, e) for e in merged
              if not _is_cell_type(doc.text, e) and not _in_study_name(doc.text, e)]
    taken = [(e["start"], e["end"]) for e in merged]
    merged = [_with_coordinated(doc.text, e, taken) for e in merged]
    result: list[Entity] = []
    for e in sorted(merged, key=lambda e: (e["start"], e["end"])):
        section = doc.section_at(e["start"])
        if section is not None and section.kind in SKIPPED_SECTIONS:
            continue
        sentence = bisect_right(sentence_starts, e["start"]) - 1
        result.append(
            Entity(
                label=e["label"],
                text=doc.text[e["start"] : e["end"]],
                normalized=str(e.get("normalized", "")),
                value=e.get("value"),
                unit=e.get("unit", ""),
                start=e["start"],
                end=e["end"],
                page=doc.page_of(e["start"]),
                sentence=max(sentence, 0),
            )
        )
    return result

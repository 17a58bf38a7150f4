"""The study a row reports: its registry ids (``trial_id``) or its name (``study``)."""

from __future__ import annotations

import re

from pipeline.fields.base import ColumnType, Field
from pipeline.fields.cell_facts import CellFacts
from pipeline.fields.evidence import DocContext
from pipeline.fields.phrases import Glossary, clean
from pipeline.fields.score_settings import S
from pipeline.knowledge import patterns
from pipeline.knowledge.lexicon import abbreviation_long_forms, is_centre, lookup
from pipeline.knowledge.patterns import CELL_NAMED_IDS, CELL_TRIAL_IDS, ID_PREFIX
from pipeline.models import Column

TRIAL_ID = Field("trial_id", ColumnType.TRIAL,
                 words=("nct", "registry", "registration", "identifier", "chictr", "clinicaltrials.gov"),
                 abbreviations=("NCT", "ChiCTR"))
STUDY = Field("study", ColumnType.TRIAL, words=("trial", "trials", "study", "studies"))
FIELDS = (TRIAL_ID, STUDY)


def trial_ids(text: str) -> str:
    return ";".join(dict.fromkeys(patterns.normalize_trial_id(m.group()) for m in patterns.TRIAL_ID.finditer(text)))


def read_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    """A study cell: its registry ids (``trial_id``) and the name written beside them ("NCT02435849 (ELIANA)");
    under a study column, a cell without an id is the study's name ("ZUMA-1") or, as an author citation
    ("Lee et al."), the row's reference."""
    ids = trial_ids(cell)
    if ids:
        record["trial_id"] = ids
        named = patterns.NAME_AFTER_IDS.search(cell)
        if named and not patterns.ID_PREFIX.search(named.group("name")):
            record.setdefault("study", clean(named.group("name")))
        before = patterns.NAME_BEFORE_IDS.match(cell)
        if before and _study_name(before.group("name"), glossary):
            record.setdefault("study", before.group("name"))
        return
    if column.field != "study":
        return
    name = clean(cell)
    if patterns.AUTHOR_CITATION.fullmatch(name):
        record.setdefault("reference", name)
    elif name:
        record["study"] = name


def _study_name(name: str, glossary: Glossary) -> bool:
    """Whether a name written before a study's ids is the study's: not a term of the lexicons (a regimen,
    a product, a disease) nor a short form the document or the abbreviation lexicon defines (a centre:
    "FHCRC (NCT01865617)", "NCI, CD19-28z (NCT01593696)"), nor such a term numbered ("NHL-1 (NCT...)" is
    the end of a name whose first word the reader left in another cell)."""
    head = name.split(" ")[0]
    stem = _NUMBERED.sub("", head)  # "NHL-1": a term numbered is what is left of a name cut in two
    if lookup(name) or ID_PREFIX.match(name) or any(lookup(word) or is_centre(word) for word in {head, stem}):
        return False
    return not (name in glossary.pairs or any(word in glossary.pairs or word in abbreviation_long_forms()
                                              for word in {head, stem}))


_NUMBERED = re.compile(r"[-‑]\d+[A-Za-z]?$")


_NAME_IN_BRACKETS = r"\([A-Z][A-Za-z0-9\-‑]*(?:\s[A-Za-z0-9\-‑]+){0,3}\)"


_TRIAL_NAME = re.compile(rf"[A-Z][A-Za-z0-9]*(?:[-‑][A-Za-z0-9]+)*"
                         rf"(?:\s[A-Z0-9][A-Za-z0-9]*(?:[-‑][A-Za-z0-9]+)*){{0,2}}(?:\s{_NAME_IN_BRACKETS})?")


_ET_AL = re.compile(rf"[A-Z][A-Za-z'\-]+(?: and [A-Z][A-Za-z'\-]+)? et al\.?(?:,? \(?\d{{4}}\)?)?"
                    rf"(?:\s{_NAME_IN_BRACKETS})?")


# Patterns of the scorers below, compiled once (a module-level re.search looks its pattern up per call).
_BRACKETED = re.compile(r"\(([^()]+)\)")


_DASH_OR_DIGIT = re.compile(r"[-\d]")


_NOTED_NAME = re.compile(r"(?P<name>[^,()]+),(?:\s+[A-Za-z][^,()]{0,30})?")
"""A study's name, a comma and a note on which part of it ("C-145-04, cohort 1", "IOV-COM-202,": the
note on the next line of a wrapped cell)."""


def score_cell(f: CellFacts, ctx: DocContext) -> float | None:
    """A registry id, a study name ("ZUMA-7", "ELIANA"), "X et al.", or "not stated"; a study
    column never holds a bare fragment ("CR", "Grade") or a number."""
    value = f.value
    if not value[0].isalpha():
        return None
    if f.has_id() and CELL_TRIAL_IDS.fullmatch(value):  # the pattern opens with an id
        named = _BRACKETED.search(value)
        evidence = S.id_in_prose if ctx.in_prose(value.split()[0]) else 0.0
        if named:
            evidence += S.name_in_prose if ctx.in_prose(named.group(1)) else S.name_not_in_prose
        return S.registry_id + evidence
    if f.has_id() and CELL_NAMED_IDS.fullmatch(value):
        # "ZUMA-1 (NCT02348216)", "NCT03132922 (phase 1)": a study's name and its ids, as journals print them;
        # a name no study has ("TRANSCEND CLL 004 CAR+ T cells") took in the next cell's wrapped words.
        name = value[:value.find("(")].strip()
        shaped = not name or _TRIAL_NAME.fullmatch(name) or _ET_AL.fullmatch(name)
        return S.registry_id + S.name_with_id + (0.0 if shaped else S.name_unlike_study)
    if ID_PREFIX.search(value):
        return None
    if _ET_AL.fullmatch(value):
        return S.et_al
    if f.not_stated():
        return S.none_study if value.lower() in ("none", "no") else S.not_stated_study
    if "%" in value or len(value.split()) > S.max_study_words:
        return None
    noted = _NOTED_NAME.fullmatch(value)
    if noted and _TRIAL_NAME.fullmatch(noted.group("name")) and _DASH_OR_DIGIT.search(noted.group("name")):
        return S.coded_name + S.study_note  # "C-145-04, cohort": a coded study and which of its parts
    if _TRIAL_NAME.fullmatch(value) and len(value) <= S.max_study_name:
        if f.category(ctx) is not None or value in ctx.abbreviations:
            return S.shifted_term  # a drug, disease, target or abbreviation in a study column is a shifted cell
        if value.isupper() and len(value) < S.short_capitals and not _DASH_OR_DIGIT.search(value):
            return S.shifted_term  # "CANS", "CR": the end of an abbreviation, not a study
        if _DASH_OR_DIGIT.search(value) or (value.isupper() and len(value) >= S.short_capitals):
            return S.coded_name + (S.coded_name_in_prose if f.in_prose(ctx) else 0.0)
        if value.lower() in ctx.known_words:
            return S.shifted_term  # an ordinary word of the prose ("Grade") is no study name
        return S.plain_name
    if len(value.split()) >= 2 and value[0].isupper() and not any(c.isdigit() for c in value):
        return f.text(ctx) + S.study_text
    return None

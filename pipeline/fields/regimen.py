"""The lymphodepleting regimen given before the cells ("Lymphodepletion", "Conditioning", "LD")."""

from __future__ import annotations

import re
from functools import cache

from pipeline.fields.agent import agentive
from pipeline.fields.base import ColumnType, Field, Readings
from pipeline.fields.cell_facts import CellFacts
from pipeline.fields.evidence import DocContext
from pipeline.fields.phrases import Glossary, canonical, is_none, join_names
from pipeline.fields.score_settings import S
from pipeline.knowledge.lexicon import load_rows
from pipeline.knowledge.sentences import sentences
from pipeline.models import Column, Entity

PRECONDITIONING = Field("preconditioning", ColumnType.REGIMEN,
                        words=("preconditioning", "pre-conditioning", "lymphodepletion", "lymphodepleting",
                               "conditioning"),
                        abbreviations=("LD",))
FIELDS = (PRECONDITIONING,)


_LYMPHODEPLETION = re.compile(r"lymphodeplet|precondition|conditioning", re.I)


def mentions_lymphodepletion(text: str) -> bool:
    """Whether a sentence speaks of the lymphodepleting chemotherapy (whose doses are not the product's)."""
    return bool(_LYMPHODEPLETION.search(text))


def read_prose(text: str, start: int, end: int, inside: list[Entity], out: Readings) -> None:
    """"after lymphodepletion with fludarabine and cyclophosphamide" -> the regimen's agents; without the
    word, "CAR T cells were given to 20 patients ... after fludarabine and cyclophosphamide" when the
    agents are a known lymphodepleting regimen (``lymphodepletion.tsv``)."""
    spans = sentences(text, start, end)
    for s, e in spans:
        cue = _LYMPHODEPLETION.search(text, s, e)
        if not cue:
            continue
        agents = [x.normalized.lower() for x in inside
                  if x.label == "AGENT" and cue.start() <= x.start < e and x.normalized]
        if agents:
            out.fields.setdefault("preconditioning", join_names(agents))
            out.evidence.append(" ".join(text[s:e].split()))
            return
    for s, e in spans:
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
        regimen = join_names(names)
        if regimen in _lymphodepleting():
            return regimen
    return ""


def read_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    record["preconditioning"] = "" if is_none(cell) else canonical(cell, "AGENT", glossary)


_ABBREVIATION = re.compile(r"[A-Z][A-Za-z]?[A-Z]{1,4}")


def score_cell(f: CellFacts, ctx: DocContext) -> float | None:
    if f.value[0].isdigit():
        return None
    if f.none():
        return S.no_agent_regimen
    found, unknown = agentive(f, ctx)
    if found and not unknown:
        return S.agents
    if found:
        return max(S.some_agents_regimen_floor, S.some_agents_regimen - unknown)
    if _ABBREVIATION.fullmatch(f.value):
        return S.regimen_abbreviation
    return f.text(ctx) + S.text_fallback

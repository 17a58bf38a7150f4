"""The lymphodepleting regimen given before the cells ("Lymphodepletion", "Conditioning", "LD")."""

from __future__ import annotations

import re
from functools import cache

from pipeline.fields.agent import agentive
from pipeline.fields.base import ColumnType, Field, Readings
from pipeline.fields.cell_facts import CellFacts
from pipeline.fields.evidence import DocContext
from pipeline.fields.phrases import Glossary, canonical, clean, is_none, join_names
from pipeline.fields.score_settings import S
from pipeline.knowledge.lexicon import load_rows, lookup
from pipeline.knowledge.patterns import DRUG_DOSE, REGIMEN_SCHEDULE
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
        agents = _run([x for x in inside if x.label == "AGENT" and cue.start() <= x.start < e and x.normalized],
                      text)
        if agents:
            out.fields.setdefault("preconditioning", _known_order(list(dict.fromkeys(agents))))
            out.evidence.append(" ".join(text[s:e].split()))
            return
    for s, e in spans:
        regimen = _lymphodepleting_after(text, s, e, inside)
        if regimen:
            out.fields.setdefault("preconditioning", regimen)
            out.evidence.append(" ".join(text[s:e].split()))
            return


# What ends the list of a regimen's agents: the cells or another agent given after it.
_RUN_BREAK = re.compile(r"\b(?:received|receive|infused|infusion|given|then|followed|before|after|patients|alone)\b",
                        re.I)


def _run(agents: list[Entity], text: str) -> list[str]:
    """The agents of one list, from the first: "fludarabine 30 mg/m2 and cyclophosphamide 300 mg/m2"; an
    agent after the cells are given ("..., then QX-1 alone or with rituximab") is not the regimen's."""
    return [x.normalized.lower() for x in _run_of(agents, text)]


def _run_of(agents: list[Entity], text: str) -> list[Entity]:
    """The mentions of ``_run``'s list."""
    agents = sorted(agents, key=lambda x: x.start)
    run = agents[:1]
    for nxt in agents[1:]:
        gap = text[run[-1].end : nxt.start]
        if len(gap) > 80 or _RUN_BREAK.search(gap):
            break
        run.append(nxt)
    return run


def regimen_without(regimen: str, agent: str) -> str:
    """A regimen as written (``join_names``) without one of its agents (an agent an arm adds)."""
    names = [n.strip() for n in re.split(r",\s*|\s+and\s+", regimen) if n.strip() and n.strip() != agent]
    return _known_order(names)


def _known_order(names: list[str]) -> str:
    """Agents joined as ``lymphodepletion.tsv`` writes the regimen they make ("cyclophosphamide and
    fludarabine" is fludarabine and cyclophosphamide), else in the order given."""
    wanted = set(names)
    for row in load_rows("lymphodepletion"):
        known = row["agent"].lower()
        if {n.strip() for n in re.split(r",\s*|\s+and\s+", known)} == wanted:
            return known
    return join_names(names)


# "after fludarabine ...", "following three daily doses of cyclophosphamide ..."
_AFTER = re.compile(r"\b(?:after|following)\s+"
                    r"(?:(?:a|one|two|three|four|five|daily|single|doses?|of|courses?|cycles?)\s+){0,4}$", re.I)
# "received fludarabine 30 mg/m2 and cyclophosphamide 500 mg/m2 daily for 3 days and then axi-cel", "(fludarabine and
# cyclophosphamide) and then a single infusion", "... followed by a single dose of ... T cells": given before the cells.
_THEN = re.compile(r"[^.;]{0,60}?\b(?:then|followed\s+by|before|prior\s+to)\b", re.I)


_GIVES_CELLS = re.compile(r"\b(?:infused|infusion|given|received|administered|dose|doses|cells/kg|cells)\b", re.I)


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
        run = _run_of(agents[i:], text)  # "fludarabine 25 mg/m2 on days −4 to −2 and cyclophosphamide 900 mg/m2"
        if not _AFTER.search(text, s, first.start) and not _THEN.match(text, run[-1].end, e):
            continue
        regimen = _known_order(list(dict.fromkeys(x.normalized.lower() for x in run)))
        if regimen in _lymphodepleting():
            return regimen
    return ""


def read_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    """The regimen's agents; a cell that prints each agent's dose and the days ("Flu 30 mg/m2 + Cy 500
    mg/m2, days −5 to −3") names the same regimen as one that prints the agents alone ("Flu/Cy")."""
    if is_none(cell):
        record["preconditioning"] = ""
        return
    bare = REGIMEN_SCHEDULE.sub("", DRUG_DOSE.sub("", cell))
    parts = [part for part in _AGENT_SEPARATOR.split(bare) if part.strip()]
    agents = [lookup(glossary.expand(clean(part)), "AGENT") for part in parts]
    if bare != cell and len(parts) >= 2 and all(agents):
        record["preconditioning"] = _known_order([agent.normalized for agent in agents if agent])
        return
    record["preconditioning"] = canonical(cell, "AGENT", glossary)


# What stands between the agents of a regimen cell once their doses are gone ("Flu + Cy", "Flu/Cy").
_AGENT_SEPARATOR = re.compile(r"\s*(?:\+|/|,|;|\band\b|\bplus\b)\s*")


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

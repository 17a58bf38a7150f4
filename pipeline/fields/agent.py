"""An agent given with the therapy in an arm ("Combination", "Combined with", "Antibody partner")."""

from __future__ import annotations

from pipeline.fields.base import ColumnType, Field
from pipeline.fields.cell_facts import CellFacts
from pipeline.fields.evidence import DocContext
from pipeline.fields.phrases import Glossary, canonical, is_none
from pipeline.fields.score_settings import S
from pipeline.models import Column

COMBINATION = Field("combination", ColumnType.AGENT,
                    words=("combination", "combinations", "combined", "partner"))
FIELDS = (COMBINATION,)


def read_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    record["combination"] = "" if is_none(cell) else canonical(cell, "AGENT", glossary)


_AGENT_CONNECTORS = frozenset({"and", "or", "plus", "+", "/", "with", "±", "mono", "monotherapy", "alone"})


def agentive(f: CellFacts, ctx: DocContext) -> tuple[int, int]:
    """Agents and products; a target named with an agent ("CD33 TriKE", "BCMA bispecific") is part of
    its name, not a stray word."""
    return f.lexical(ctx, ctx.lexicon.agentive, "agents", _AGENT_CONNECTORS, ctx.lexicon.targets)


def score_cell(f: CellFacts, ctx: DocContext) -> float | None:
    if f.none():
        return S.no_agent
    found, unknown = agentive(f, ctx)
    if found and not unknown:
        return S.agents
    if found:
        return max(S.some_agents_floor, S.some_agents - unknown)
    return f.text(ctx) + S.agent_text

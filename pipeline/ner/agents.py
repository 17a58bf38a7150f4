"""Agents named after their target: "anti-CD38 mAb", "CD33 TriKE", "BCMA bispecific antibody".

The lexicons know agents by name (daratumumab) and targets by symbol (CD38); an agent written as
its target plus a class word is neither alone. These are found around the TARGET candidates the
target matcher produced, so the component must run after it.
"""

from __future__ import annotations

import re

from pipeline.ner.lexicon import lookup

# Class words that make "<target> <word>" or "anti-<target> <word>" an agent.
_CLASS_WORDS = (
    r"mAbs?|monoclonal\s+antibod(?:y|ies)|antibod(?:y|ies)|bispecific(?:\s+(?:antibod(?:y|ies)|T[- ]cell\s+engagers?))?"
    r"|BiTEs?|BiKEs?|TriKEs?|ADCs?|antibody[- ]drug\s+conjugates?|(?:killer|T[- ]cell)\s+engagers?"
)
_AFTER = re.compile(rf"[\s-]*(?P<word>{_CLASS_WORDS})(?![\w-])")
_ANTI = re.compile(r"anti-?\s?$", re.I)
_NAMED = re.compile(r"\s*\((?P<name>[^()]{3,40})\)")


def _class_name(word: str) -> str:
    """The canonical class of a class word ("TriKE" -> trispecific killer engager)."""
    entry = lookup(word, "AGENT") or lookup(word.rstrip("s"), "AGENT")
    if entry is not None:
        return entry.normalized
    return re.sub(r"\s+", " ", word.lower()).replace("mab", "monoclonal antibody")


def target_agent_entities(text: str, targets: list[dict]) -> list[dict]:
    """AGENT candidates that join a TARGET candidate and its class word.

    The name in brackets right after ("anti-CD38 mAb (daratumumab)") is the agent's name when the
    lexicon knows it as one; otherwise the agent is normalised as "<symbol> <class>".
    """
    found = []
    for target in targets:
        after = _AFTER.match(text, target["end"])
        if after is None:
            continue
        anti = _ANTI.search(text, max(0, target["start"] - 6), target["start"])
        start = anti.start() if anti else target["start"]
        normalized = f"{'anti-' if anti else ''}{target['normalized']} {_class_name(after.group('word'))}"
        named = _NAMED.match(text, after.end())
        entry = lookup(named.group("name").strip(), "AGENT") if named else None
        if entry is not None:
            normalized = entry.normalized
        found.append({"label": "AGENT", "start": start, "end": after.end(), "normalized": normalized,
                      "contains": "TARGET"})
    return found

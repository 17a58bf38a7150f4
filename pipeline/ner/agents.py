"""Agents named after their target: "anti-CD38 mAb", "CD33 TriKE", "BCMA bispecific antibody".

The lexicons know agents by name (daratumumab) and targets by symbol (CD38); an agent written as
its target plus a class word is neither alone. These are found around the TARGET candidates the
target matcher produced, so the component must run after it.
"""

from __future__ import annotations

import re

from pipeline.knowledge.lexicon import lookup

# Class words that make "<target> <word>" an agent; the generic antibody words need "anti-" too
# ("anti-CD38 mAb"), since "CD34 antibody staining" names a reagent.
_ENGAGERS = (
    r"bispecific(?:\s+(?:antibod(?:y|ies)|T[- ]cell\s+engagers?))?(?![\s-]*(?:CARs?\b|chimeric))"
    r"|BiTEs?|BiKEs?|TriKEs?|ADCs?|antibody[- ]drug\s+conjugates?|(?:killer|T[- ]cell)\s+engagers?"
)
_ANTIBODIES = r"mAbs?|monoclonal\s+antibod(?:y|ies)|antibod(?:y|ies)"
_AFTER = re.compile(rf"[\s-]*(?:(?P<engager>{_ENGAGERS})|(?P<antibody>{_ANTIBODIES}))(?![\w-])")
_ANTI = re.compile(r"anti-?\s?$", re.I)
_PARTNER = re.compile(r"[×x/]\s?$")  # "BCMA×CD3 bispecific": the agent starts at the first arm
_NAMED = re.compile(r"\s*\((?P<name>[^()]{3,40})\)")
_CLASSES = {
    "mab": "monoclonal antibody", "monoclonal antibody": "monoclonal antibody", "antibody": "antibody",
    "bispecific": "bispecific antibody", "bispecific antibody": "bispecific antibody", "adc": "antibody-drug conjugate",
    "antibody-drug conjugate": "antibody-drug conjugate", "antibody drug conjugate": "antibody-drug conjugate",
}


def _class_name(word: str) -> str:
    """The canonical class of a class word, singular ("mAbs" -> monoclonal antibody, "TriKE" ->
    trispecific killer engager)."""
    folded = re.sub(r"\s+", " ", word.lower())
    singular = re.sub(r"ies$", "y", folded) if folded.endswith("ies") else folded.removesuffix("s")
    entry = lookup(word, "AGENT") or lookup(singular, "AGENT")
    if entry is not None:
        return entry.normalized
    return _CLASSES.get(singular, singular)


def target_agent_entities(text: str, targets: list[dict]) -> list[dict]:
    """AGENT candidates that join a TARGET candidate and its class word.

    The name in brackets right after ("anti-CD38 mAb (daratumumab)") is the agent's name when the
    lexicon knows it as one; otherwise the agent is normalised as "<symbol> <class>".
    """
    found = []
    by_end = {t["end"]: t for t in targets}
    for target in targets:
        after = _AFTER.match(text, target["end"])
        if after is None:
            continue
        first = target
        partner = _PARTNER.search(text, max(0, target["start"] - 2), target["start"])
        if partner is not None and partner.start() in by_end:
            first = by_end[partner.start()]
        anti = _ANTI.search(text, max(0, first["start"] - 6), first["start"])
        if after.group("antibody") and anti is None:
            continue
        start = anti.start() if anti else first["start"]
        named_arms = (first, target) if first is not target else (target,)
        arms = "/".join(t["normalized"].replace(";", "/") for t in named_arms)
        word = after.group("engager") or after.group("antibody")
        normalized = f"{'anti-' if anti else ''}{arms} {_class_name(word)}"
        named = _NAMED.match(text, after.end())
        entry = lookup(named.group("name").strip(), "AGENT") if named else None
        if entry is not None:
            normalized = entry.normalized
        found.append({"label": "AGENT", "start": start, "end": after.end(), "normalized": normalized,
                      "contains": "TARGET"})
    return found

"""Which of several overlapping entity candidates are kept."""

from __future__ import annotations

from bisect import bisect_right

# Which label wins when two candidates cover exactly the same characters.
PRIORITY = ["TRIAL_ID", "ABSTRACT_ID", "DOSE", "PRODUCT", "CELL_LINE", "TARGET", "DISEASE", "CELL_SOURCE",
            "AGENT", "OUTCOME", "ADVERSE_EVENT"]
_RANK = {label: rank for rank, label in enumerate(PRIORITY)}  # a dict look-up, not a list search per sort key


def resolve_overlaps(candidates: list[dict]) -> list[dict]:
    """Keep the longest candidates that do not overlap; ties go to the label earlier in PRIORITY.

    A candidate that names the label it ``contains`` ("anti-CD38 mAb" contains a TARGET) keeps the
    candidates of that label inside it as well: the target of an agent is still a target mention.
    """
    kept = _disjoint(candidates)
    holders = [k for k in kept if k.get("contains")]
    if not holders:
        return kept
    spans = {(k["label"], k["start"], k["end"]) for k in kept}
    # The kept spans are sorted and disjoint, so the one holder that may hold a candidate is the last
    # to start at or before it: one bisection, not a test of every holder for every candidate.
    holder_starts = [k["start"] for k in holders]
    nested = []
    for c in candidates:
        key = (c["label"], c["start"], c["end"])
        at = bisect_right(holder_starts, c["start"]) - 1
        if key not in spans and at >= 0 and holders[at]["contains"] == c["label"] and c["end"] <= holders[at]["end"]:
            spans.add(key)
            nested.append(c)
    return sorted(kept + _disjoint(nested), key=lambda e: (e["start"], -e["end"]))


def _disjoint(candidates: list[dict]) -> list[dict]:
    ranked = sorted(candidates, key=lambda e: (-(e["end"] - e["start"]), _RANK[e["label"]], e["start"]))
    starts: list[int] = []  # the kept spans, sorted and disjoint, so one bisection tests a candidate
    kept: list[dict] = []
    for candidate in ranked:
        at = bisect_right(starts, candidate["start"])
        if at > 0 and kept[at - 1]["end"] > candidate["start"]:
            continue
        if at < len(starts) and starts[at] < candidate["end"]:
            continue
        starts.insert(at, candidate["start"])
        kept.insert(at, candidate)
    return kept

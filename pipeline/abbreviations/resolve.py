"""Merge the definitions of one document into one ``Abbreviation`` per meaning of a short form.

Conventions (documented in the package docstring): forms are recorded as written; a plural
definition ("iPSCs induced pluripotent stem cells") joins the singular one when the document also
defines the singular, and a plural use ("CARs") is a mention of the singular. Two definitions of the
same short form whose long forms differ (beyond case, spacing, hyphens and a plural "s") are two
meanings: each keeps its own record, each lists the other in ``conflicts``, and every later use is
linked to the meaning defined nearest before it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from functools import lru_cache

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from pipeline.abbreviations.definitions import Definition
from pipeline.abbreviations.shapes import singular
from pipeline.models import Abbreviation
from pipeline.occurrences import token_spans

_TYPO_RATIO = 85.0
_SEPARATORS = re.compile(r"[-‐–\s]+")
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")


def long_key(long_form: str) -> str:
    """What two spellings of one long form share: case, spacing, hyphens and a final plural go."""
    words = _SEPARATORS.sub(" ", long_form.lower()).strip().split()
    if words and len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


@lru_cache(maxsize=8)
def _lexicon_shapes(shorts: tuple[str, ...]) -> tuple[tuple[str, str, tuple[str, ...] | None], ...]:
    """For each lexicon short form: its singular, and the ASCII letter-digit runs of the text one of
    which a use must be (None: no such run, the text is searched instead). Built once per lexicon.

    A use starts after a character that is not an ASCII letter or digit, so it starts a run; a form
    made only of letters and digits is the whole run (or the run less a plural "s"), any other form
    is its leading run followed by a character that ends it. Looking the runs up in the set of the
    document's runs is what rules out most of the lexicon, instead of a substring scan per form.
    """
    out = []
    for short in shorts:
        lead = _ALNUM_RUN.match(short)
        if lead is None:
            probes: tuple[str, ...] | None = None
        elif lead.end() == len(short):
            probes = (short, short + "s")
        else:
            probes = (lead.group(),)
        out.append((short, singular(short), probes))
    return tuple(out)


def resolve(text: str, definitions: Sequence[Definition], lexicon: Mapping[str, str]) -> list[Abbreviation]:
    """One record per meaning per short form, then lexicon fallbacks for undefined ones used in text."""
    defined = {d.short_form for d in definitions}
    groups: dict[str, list[Definition]] = {}
    for d in sorted(definitions, key=lambda d: d.start):
        key = singular(d.short_form) if singular(d.short_form) in defined else d.short_form
        groups.setdefault(key, []).append(d)
    out: list[Abbreviation] = []
    for key, defs in groups.items():
        out.extend(_meanings(text, key, defs, lexicon.get(key)))
    known = set(groups) | {singular(k) for k in groups}
    runs: set[str] | None = None
    for short, single, probes in _lexicon_shapes(tuple(lexicon)):
        if short in known or single in known:
            continue
        if probes is None:
            if short not in text:
                continue
        else:
            if runs is None:
                runs = set(_ALNUM_RUN.findall(text))
            if runs.isdisjoint(probes):
                continue  # no run of the text can open a use
        # a form inside a longer one ("CAR" in "CAR-NK") counts too
        spans = token_spans(text, short, plural=True)
        if spans:
            (start, end), *rest = spans
            out.append(Abbreviation(short_form=short, long_form=lexicon[short], source="lexicon",
                                    start=start, end=end, mentions=rest))
    return sorted(out, key=lambda a: (a.start, a.short_form))


def _meanings(text: str, key: str, defs: list[Definition], lexicon_long: str | None) -> list[Abbreviation]:
    clusters: dict[str, list[Definition]] = {}
    keys = {id(d): long_key(d.long_form) for d in defs}  # each long form keyed once
    for d in defs:
        clusters.setdefault(keys[id(d)], []).append(d)
    def_spans = {(d.start, d.start + len(key)) for d in defs} | {(d.start, d.end) for d in defs}
    uses = [s for s in token_spans(text, key, plural=True) if s not in def_spans]
    # each use goes to the meaning defined nearest before it: the last definition (in start order)
    # that starts before the use, found by bisection over the starts
    owner: dict[tuple[int, int], str] = {}
    ordered = sorted(defs, key=lambda d: d.start)
    starts = [d.start for d in ordered]
    for span in uses:
        before = bisect_left(starts, span[0])
        if before:
            owner[span] = keys[id(ordered[before - 1])]
    records = []
    for ckey, members in clusters.items():
        first = members[0]
        long_form = _preferred_long(members)
        if len(clusters) == 1 and lexicon_long and _is_typo(long_form, lexicon_long):
            records.append(_corrected(key, first, lexicon_long, long_form, uses))
            continue
        conflicts = [_describe(key, other, ckey) for okey, others in clusters.items() if okey != ckey
                     for other in others[:1]]
        near = lexicon_long and long_key(lexicon_long) != ckey
        if near and ratio(long_key(lexicon_long or ""), ckey) >= _TYPO_RATIO:
            conflicts.append(f"{key}: the lexicon spells it '{lexicon_long}'; '{long_form}' may be a typo")
        records.append(Abbreviation(
            short_form=key,
            long_form=long_form,
            source=first.source,
            start=first.start,
            end=first.start + len(key),
            mentions=[s for s in uses if owner.get(s) == ckey],
            conflicts=conflicts,
        ))
    return records


def _is_typo(written: str, reference: str) -> bool:
    """One word off by one letter ("overall response rete" for "overall response rate")."""
    a, b = written.lower().split(), reference.lower().split()
    if len(a) != len(b) or a == b:
        return False
    diffs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diffs) == 1 and len(diffs[0][0]) >= 3 and Levenshtein.distance(*diffs[0]) == 1


def _corrected(key: str, first: Definition, lexicon_long: str, written: str,
               uses: list[tuple[int, int]]) -> Abbreviation:
    """A document's only definition, misspelt by one letter, takes the lexicon's spelling; the
    written form stays visible in ``conflicts``."""
    return Abbreviation(
        short_form=key, long_form=lexicon_long, source=first.source, start=first.start,
        end=first.start + len(key), mentions=[s for s in uses if s[0] > first.start],
        conflicts=[f"{key} is written '{written}' ({first.source}, offset {first.start}); "
                   f"taken as the lexicon's '{lexicon_long}' (one letter apart)"],
    )


def _preferred_long(members: list[Definition]) -> str:
    """The first spelling, but lower-case when another spelling shows that a capital only opened a
    sentence or a glossary line ("Chimeric antigen receptor" vs "chimeric antigen receptor")."""
    first = members[0].long_form
    for d in members:
        if d.long_form[:1].islower() and d.long_form.lower() == first.lower():
            return d.long_form
    return first


def _describe(key: str, other: Definition, this_key: str) -> str:
    note = f"{key} is also defined as '{other.long_form}' ({other.source}, offset {other.start})"
    if ratio(long_key(other.long_form), this_key) >= _TYPO_RATIO:
        note += "; the two spellings differ by little and one is probably a typo"
    return note

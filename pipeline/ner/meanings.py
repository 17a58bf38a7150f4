"""The document's own definitions before the lexicon: what a short form means in this document.

A review of melanoma defines "malignant melanoma (MM)"; the lexicon's MM is multiple myeloma. Every
reading of a short form the document defines, in prose and in table cells, takes the document's meaning.
"""

from __future__ import annotations

from pipeline.knowledge.lexicon import entry_of_phrase, lookup
from pipeline.models import Abbreviation


def document_meanings(abbreviations: list[Abbreviation]) -> dict[str, tuple[str, str]]:
    """What each short form the document defines stands for, read from its long form: SF -> (label,
    canonical). The document's own definitions come before the lexicon: "MM" in a text about malignant
    melanoma is melanoma. A long form that names nothing the lexicons know ("G protein-coupled receptor
    class C group 5 member D") leaves its short form to the lexicon, which may know it by itself; of
    two definitions the first one that names something known counts ("NKG2D and its ligands (NKG2DL)"
    in the text, "NKG2DL NKG2D ligands" in a footnote)."""
    meanings: dict[str, tuple[str, str]] = {}
    for abbreviation in abbreviations:
        if abbreviation.source == "lexicon" or abbreviation.short_form in meanings:
            continue
        meaning = _meaning(abbreviation.long_form)
        if meaning is not None:
            meanings[abbreviation.short_form] = meaning
    return meanings


# Labels whose values are lists (``;``-joined): a short form may stand for several of them at once.
_LISTED = ("DISEASE", "TARGET")


def _meaning(long_form: str) -> tuple[str, str] | None:
    """(label, canonical) of a long form: the phrase itself, else the names it joins with "/" when each is
    one of a list label ("chronic lymphocytic leukemia/small lymphocytic lymphoma" for "CLL/SLL" is both
    diseases, not the lymphoma its last words name), else its last words."""
    whole = lookup(long_form) or lookup(long_form.rstrip("s"))
    if whole is None and "/" in long_form:
        parts = [entry_of_phrase(p.strip()) for p in long_form.split("/")]
        labels = {p.label for p in parts if p is not None}
        if None not in parts and len(labels) == 1 and labels <= set(_LISTED):
            return labels.pop(), ";".join(dict.fromkeys(p.normalized for p in parts if p is not None))
    entry = whole or entry_of_phrase(long_form)
    return (entry.label, entry.normalized) if entry is not None else None


def with_document_meanings(text: str, candidates: list[dict], meanings: dict[str, tuple[str, str]]) -> list[dict]:
    """Candidates whose text is a short form the document defines take the document's meaning: the
    lexicon's reading of "MM" is not this document's."""
    out = []
    for candidate in candidates:
        meaning = meanings.get(text[candidate["start"]:candidate["end"]])
        if meaning is None:
            out.append(candidate)
        else:
            label, normalized = meaning
            out.append({**candidate, "label": label, "normalized": normalized})
    return out

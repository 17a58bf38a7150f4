"""The entity lexicons (``pipeline/data/*.tsv``) as one alias index, and the spaCy matcher over it.

Each label has one TSV with an ``alias`` column and the column that holds its canonical form.
Short all-capital aliases (MM, ALL, CR) match case-sensitively, since "all" and "cr" are ordinary
words; every other alias matches regardless of case.
"""

from __future__ import annotations

import re

import numpy as np
from spacy.attrs import IDX, LENGTH, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import StringStore
from spacy.tokens import Doc

from pipeline.knowledge.lexicon import Entry, alias_index, case_sensitive, lookup, near_target
from pipeline.ner.doc_text import doc_text

_CONSTRUCT_LINK = re.compile(r"[A-Za-z0-9ζ]-$")
_DOMAIN_AFTER = re.compile(r"^[\s-]*(?:co-?stimulatory|signal(?:l)?ing|transmembrane|hinge|endo-?domain|domain)", re.I)


def _inside_construct(text: str, start: int, end: int) -> bool:
    """A name that is a link of a CAR construct ("NKG2D-2B4-CD3ζ") or a domain ("4-1BB
    costimulatory domain") is a building block, not a target; "anti-CD38" still is one."""
    before = text[max(0, start - 12) : start]
    if _CONSTRUCT_LINK.search(before) and not re.search(r"\banti-$", before, re.I):
        return True
    return bool(_DOMAIN_AFTER.match(text[end : end + 30]))


# Editing stated before the gene is a verb or a noun with "of" ("disrupting NKG2A", "knockout of
# CD38"); a bare "knockout" before a gene modifies what follows ("PD-1 knockout CD19 CAR T cells").
_EDITING_BEFORE = (
    r"(?:knocking[- ]?(?:out|down)|disrupting|deleting|silencing|downregulating"
    r"|(?:knock-?out|knock-?down|disruption|deletion|silencing|downregulation)\s+of)"
)
_EDITING_AFTER = (
    r"(?:knocked[- ]?(?:out|down)|knock-?out|knock-?down|KO|disrupted|deleted|silenced|downregulated"
    r"|gene\s+(?:knock-?out|deletion|disruption))"
)
_EDITED_BEFORE = re.compile(rf"\b{_EDITING_BEFORE}\s+(?:the\s+)?$", re.I)
_EDITED_AFTER = re.compile(rf"^\)?(?:\s*\([^()]{{1,20}}\))?[\s-]*(?:{_EDITING_AFTER}\b|with\s+CRISPR)", re.I)
_FC_RECEPTOR_AFTER = re.compile(r"^\s*(?:Fc\s*(?:γ\s*)?receptor|FcγR)", re.I)


def _not_a_target(text: str, start: int, end: int) -> bool:
    """A gene the cells are edited at ("with CD38 knocked out", "downregulating NKG2A") or an Fc
    receptor of the effector cell ("the CD16 Fc receptor") is named, but is not what the therapy
    targets."""
    return bool(
        _EDITED_BEFORE.search(text[max(0, start - 30) : start])
        or _EDITED_AFTER.match(text[end : end + 40])
        or _FC_RECEPTOR_AFTER.match(text[end : end + 20])
    )


_CONJUNCTION = re.compile(r"\s+(?:and|plus|with)\s+|\s*[/+]\s*")


def agent_parts(text: str, start: int, end: int) -> list[tuple[int, int, Entry]] | None:
    """The single agents of a regimen written out ("fludarabine and cyclophosphamide"), or ``None``
    when the span is not a list of known agents: an AGENT mention names one agent."""
    pieces, at = [], start
    for m in _CONJUNCTION.finditer(text, start, end):
        pieces.append((at, m.start()))
        at = m.end()
    pieces.append((at, end))
    if len(pieces) < 2:
        return None
    parts = []
    for s, e in pieces:
        entry = lookup(text[s:e], "AGENT")
        if entry is None:
            return None
        parts.append((s, e, entry))
    return parts


class LexiconMatcher:
    """Match every lexicon alias in a Doc; results are plain dicts on ``doc._.confmine_entities``."""

    def __init__(self, nlp: Language, labels: tuple[str, ...]):
        self.labels = labels
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        for alias, entries in alias_index().items():
            if not any(entry.label in labels for entry in entries):
                continue
            matcher = self.exact if case_sensitive(alias) else self.folded
            matcher.add(alias, [nlp.make_doc(alias)])

    def __call__(self, doc: Doc) -> Doc:
        found = doc._.confmine_entities
        text = doc_text(doc)
        # Token texts and offsets read as one array: a Token or Span object per word costs more than the tests.
        tokens = doc.to_array([ORTH, IDX, LENGTH])
        starts, ends = tokens[:, 1].tolist(), (tokens[:, 1] + tokens[:, 2]).tolist()
        strings = doc.vocab.strings
        for matcher in (self.exact, self.folded):
            for match_id, start, end in matcher(doc):
                found.extend(self._entities(text, strings[match_id], starts[start], ends[end - 1]))
        if "TARGET" in self.labels:
            found.extend(_misspelt_targets(text, tokens, strings, found))
        return doc

    def _entities(self, text: str, alias: str, start_char: int, end_char: int) -> list[dict]:
        """The candidates of one matched alias, of this matcher's labels; a regimen of known agents
        is one candidate per agent."""
        if _inside_construct(text, start_char, end_char):
            return []
        found: list[dict] = []
        for entry in alias_index()[alias]:
            if entry.label == "TARGET" and _not_a_target(text, start_char, end_char):
                continue
            parts = agent_parts(text, start_char, end_char) if entry.label == "AGENT" else None
            if parts and entry.label in self.labels:
                found.extend({"label": "AGENT", "start": s, "end": e, "normalized": part.normalized}
                             for s, e, part in parts)
            elif entry.label in self.labels:
                found.append({"label": entry.label, "start": start_char, "end": end_char,
                              "normalized": entry.normalized})
        return found


def _misspelt_targets(text: str, tokens: np.ndarray, strings: StringStore, found: list[dict]) -> list[dict]:
    """Tokens one edit away from a target alias (see ``near_target``), outside the candidates
    ``found`` so far. ``tokens`` holds ORTH, IDX and LENGTH per token; each distinct word of five
    characters or more is tested once, and only the words that are near a target are located."""
    long_words = tokens[tokens[:, 2] >= 5]
    index = alias_index()
    near: dict[int, tuple[str, Entry]] = {}
    for orth in set(long_words[:, 0].tolist()):
        word = strings[orth]
        entry = None if word in index else near_target(word)
        if entry is not None:
            near[orth] = (word, entry)
    corrected: list[dict] = []
    if not near:
        return corrected
    for orth, idx in long_words[:, :2].tolist():
        if orth not in near:
            continue
        word, entry = near[orth]
        if (not any(e["start"] <= idx < e["end"] for e in found + corrected)
                and not _not_a_target(text, idx, idx + len(word))):
            corrected.append(
                {
                    "label": "TARGET",
                    "start": idx,
                    "end": idx + len(word),
                    "normalized": entry.normalized,
                    "note": f"spelling corrected from {word}",
                }
            )
    return corrected

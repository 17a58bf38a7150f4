"""``find_abbreviations``: every finder, then resolution, in one call."""

from __future__ import annotations

from pipeline.abbreviations.footnote import find_footnotes
from pipeline.abbreviations.glossary import find_glossary
from pipeline.abbreviations.inline import find_inline
from pipeline.abbreviations.lexicon import lexicon_entries
from pipeline.abbreviations.resolve import resolve
from pipeline.ingest.text import normalize_text
from pipeline.models import Abbreviation


def find_abbreviations(text: str, use_lexicon: bool = True) -> list[Abbreviation]:
    """Abbreviations defined in ``text`` (inline, glossary, footnote lists) and, unless
    ``use_lexicon`` is False, lexicon long forms for undefined ones the text uses.

    The text is read as ``confmine run`` reads a ``.txt`` file (hyphenated line breaks undone, a
    rotated table's shredded fragments joined, running headers dropped), so that this call and a run
    find the same definitions; offsets are into ``text`` as given. Sorted by the offset of the short
    form's defining occurrence (first use for lexicon ones).
    """
    mapped, _breaks, _runs = normalize_text(text)
    found = abbreviations_in(mapped.text, use_lexicon)
    for abbreviation in found:
        abbreviation.start, abbreviation.end = mapped.raw_span(abbreviation.start, abbreviation.end)
        abbreviation.mentions = [mapped.raw_span(s, e) for s, e in abbreviation.mentions]
    return found


def abbreviations_in(text: str, use_lexicon: bool = True) -> list[Abbreviation]:
    """``find_abbreviations`` on a text already normalised by ingestion (the pipeline's own call; offsets
    into that text)."""
    glossary = find_glossary(text)
    footnotes = find_footnotes(text)
    taken = {(d.start, d.end) for d in glossary}
    definitions = find_inline(text) + glossary + [d for d in footnotes if (d.start, d.end) not in taken]
    return resolve(text, definitions, lexicon_entries() if use_lexicon else {})

"""``find_abbreviations``: every finder, then resolution, in one call."""

from __future__ import annotations

from pipeline.abbreviations.footnote import find_footnotes
from pipeline.abbreviations.glossary import find_glossary
from pipeline.abbreviations.inline import find_inline
from pipeline.abbreviations.lexicon import lexicon_entries
from pipeline.abbreviations.resolve import resolve
from pipeline.models import Abbreviation


def find_abbreviations(text: str, use_lexicon: bool = True) -> list[Abbreviation]:
    """Abbreviations defined in ``text`` (inline, glossary, footnote lists) and, unless
    ``use_lexicon`` is False, lexicon long forms for undefined ones the text uses.

    Sorted by the offset of the short form's defining occurrence (first use for lexicon ones).
    """
    glossary = find_glossary(text)
    footnotes = find_footnotes(text)
    taken = {(d.start, d.end) for d in glossary}
    definitions = find_inline(text) + glossary + [d for d in footnotes if (d.start, d.end) not in taken]
    return resolve(text, definitions, lexicon_entries() if use_lexicon else {})

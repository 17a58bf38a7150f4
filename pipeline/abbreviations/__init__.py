"""Abbreviation resolution: which long form each short form of a document stands for.

Finders, one module each: ``inline`` ("long form (SF)" and "SF (long form)", letter matching in
``align``), ``glossary`` (an "Abbreviations" block of "SF<tab>long form" lines), ``footnote``
(lists such as "AML acute myeloid leukemia, MM multiple myeloma, ..."); ``resolve`` merges their
definitions per short form and adds ``lexicon`` fallbacks for undefined short forms the text uses.

Conventions:
- short and long forms are recorded as written (a plural definition "CARs" stays plural) unless the
  document also defines the singular, in which case the plural joins it ("iPSCs" -> "iPSC");
  plural uses ("CARs") count as mentions of the singular.
- ``start``/``end`` locate the short form at its defining occurrence (first use for the lexicon);
  ``mentions`` are the later uses, each linked to the meaning defined nearest before it.
- a short form defined with different long forms yields one record per meaning, each listing the
  others in ``conflicts``; a lexicon entry never overrides a definition in the document.

Importing this package registers the spaCy factory ``confmine_abbreviations``.
"""

from pipeline.abbreviations.api import find_abbreviations
from pipeline.abbreviations.component import AbbreviationComponent

__all__ = ["AbbreviationComponent", "find_abbreviations"]

"""The fallback lexicon of frequent domain abbreviations (``pipeline/data/abbreviations.tsv``).

The lexicon only fills in what a document uses without defining, so running without it must still
work: the resolver then reports in-text definitions only (``optional_rows`` gives nothing).
"""

from __future__ import annotations

from types import MappingProxyType

from pipeline.knowledge.lexicon import abbreviation_long_forms


def lexicon_entries() -> MappingProxyType[str, str]:
    """Read-only ``{short_form: long_form}`` of the lexicon, built once per process."""
    return abbreviation_long_forms()

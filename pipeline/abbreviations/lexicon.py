"""The fallback lexicon of frequent domain abbreviations (``pipeline/data/abbreviations.tsv``)."""

from __future__ import annotations

from functools import cache
from types import MappingProxyType

from pipeline.lexicons import load_rows


def lexicon_entries() -> MappingProxyType[str, str]:
    """Read-only ``{short_form: long_form}`` of the lexicon, built once per process."""
    return _entries()


@cache
def _entries() -> MappingProxyType[str, str]:
    """``{short_form: long_form}``, first row winning; empty when the lexicon is missing or broken.

    The lexicon only fills in what a document uses without defining, so running without it must
    still work -- the resolver then reports in-text definitions only.
    """
    try:
        rows = load_rows("abbreviations")
    except (FileNotFoundError, OSError, KeyError, ValueError):
        return MappingProxyType({})
    out: dict[str, str] = {}
    for row in rows:
        short, long_form = row.get("short_form", ""), row.get("long_form", "")
        if short and long_form:
            out.setdefault(short, long_form)
    return MappingProxyType(out)

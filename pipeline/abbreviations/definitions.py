"""The record every finder emits before resolution: one definition at one place in the text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Source = Literal["inline", "glossary", "footnote", "lexicon"]


@dataclass(frozen=True)
class Definition:
    """A short form defined at ``text[start:end]`` as ``long_form``.

    Finders return these plain, hashable records; ``resolve`` merges them per short form into the
    pydantic ``Abbreviation`` of the output contract.
    """

    short_form: str
    long_form: str
    source: Source
    start: int
    end: int

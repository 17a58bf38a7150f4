"""What a short form looks like when nothing but its shape tells (glossaries, footnote lists)."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"^[A-Za-z0-9α-ω][A-Za-z0-9α-ω\-/+.]{0,13}$")


def looks_like_short_form(token: str) -> bool:
    """"AML", "mAb", "iPSCs", "NKG2A", "CAR-T", "α3": two capitals, or a capital after a small letter,
    or a capital and a digit. A capitalised word ("Table", "Acute") is not one."""
    if not _TOKEN.match(token) or token.endswith((".", "-", "/")):
        return False
    capitals = sum(ch.isupper() for ch in token)
    digits = sum(ch.isdigit() for ch in token)
    if capitals >= 2 or (capitals >= 1 and digits >= 1):
        return True
    return capitals == 1 and not token[0].isupper() and len(token) <= 6


def singular(short: str) -> str:
    """"iPSCs" -> "iPSC", "CARs" -> "CAR"; anything else unchanged (a plural "s" follows a capital)."""
    if len(short) > 2 and short.endswith("s") and (short[-2].isupper() or short[-2].isdigit()):
        return short[:-1]
    return short

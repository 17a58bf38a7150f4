"""Whole-token uses of a literal string (a short form), found by plain search.

Short forms are looked for one at a time, a different set in every document; a regular expression per
short form overflowed ``re``'s cache of 512 patterns, and recompiling them cost more than the search.
A token edge is any character but an ASCII letter or digit, as the patterns had it.
"""

from __future__ import annotations

import string

ASCII_ALNUM = frozenset(string.ascii_letters + string.digits)


def token_spans(text: str, token: str, plural: bool = False) -> list[tuple[int, int]]:
    """Non-overlapping uses of ``token`` in ``text`` with no ASCII letter or digit on either side,
    left to right; with ``plural`` a use may be followed by an "s" (outside the span: "CARs")."""
    out: list[tuple[int, int]] = []
    if not token:
        return out
    pos = text.find(token)
    while pos >= 0:
        end = pos + len(token)
        after = text[end:end + 1]
        opens = pos == 0 or text[pos - 1] not in ASCII_ALNUM
        closes = after not in ASCII_ALNUM or (plural and after == "s" and text[end + 1:end + 2] not in ASCII_ALNUM)
        if opens and closes:
            out.append((pos, end))
            pos = text.find(token, end)
        else:
            pos = text.find(token, pos + 1)
    return out

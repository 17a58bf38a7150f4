"""Letter matching between a short form and a long-form candidate: the core of every definition finder.

Schwartz & Hearst (2003) match the short form's characters right to left, greedily, and take the
nearest word start for the first one; Ab3P (Sohn et al. 2008) tries a ladder of stricter-to-looser
strategies (first letters only, then letters inside words, ...) each with a measured precision.
We keep their two invariants -- every letter of the short form is found, in order, in the long form,
and the first one opens a word -- but instead of taking the first alignment that fits we score all
of them and keep the best. The score rewards letters that open words or continue a run of matched
letters, and penalises content words the short form skips; that choice of alignment is what fixes
the long-form boundary ("protein kinase C (PKC)", not "kinase C"), and the same score, divided by
the short form's length, decides whether the pair is a definition at all.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

# Words a short form routinely leaves out of its letters ("tumor necrosis factor of alpha").
STOPWORDS = frozenset({
    "of", "the", "and", "in", "for", "to", "with", "by", "on", "a", "an", "from", "at", "as", "or",
    "its", "their", "via", "into", "per", "de", "la", "du", "der", "und",
})
_ARTICLES = frozenset({"the", "a", "an", "and", "or", "of", "with", "in", "by", "for", "to"})

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi",
    "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi",
    "ψ": "psi", "ω": "omega",
}
_NEGATIONS = frozenset({"anti", "non"})
_ROMAN = re.compile(r"^(?:i{1,3}|iv|v|vi{1,3}|ix|x)$")

# Weights of the alignment score (see the module docstring); named so that their role is readable.
WORD_START = 3.0
SUBWORD_START = 3.0
CASE_SWITCH = 2.4
RUN = 1.6
INNER = 0.4
SKIPPED_WORD = -3.0
SKIPPED_NUMBER = -0.5
LEADING_ARTICLE = -4.0
UNMATCHED_TAIL = -1.0
INNER_ONLY_WORD = -2.0
TRAILING_FACTOR = 1.0  # a skipped word at the end of a long form ("... activity (HGPRT)") costs more
# Words long forms carry without a letter in the short form ("neurofibromatosis type 2 (NF2)").
_LIGHT = frozenset({"type", "like"})


@dataclass(frozen=True)
class Alignment:
    """Where each matched short-form unit sits in the long-form candidate, and how good that is.

    ``start`` is the offset in the candidate where the long form begins; ``score`` is per unit of
    the short form; ``word_starts`` counts units that open a word or sub-word; ``skipped`` counts
    content words of the long form left without a letter.
    """

    start: int
    score: float
    word_starts: int
    skipped: int
    units: int
    unmatched: int


def units(short: str) -> tuple[str, ...]:
    """The characters of a short form that must be found in the long form, lower-cased.

    Punctuation is ignored (as Schwartz & Hearst do); a Greek letter is one unit that may match
    either the letter itself or its spelled-out name.
    """
    return tuple(map(str.lower, filter(str.isalnum, short)))


def _kinds(text: str) -> tuple[int, ...]:
    """For each character: 3 opens a word, 2 opens a sub-word after "-" or "/", 1 starts at a case or
    letter/digit switch ("CaMKII", "p53"), 0 is inside a word, -1 is not a letter or digit."""
    out = []
    prev = " "
    for i, ch in enumerate(text):
        if not ch.isalnum():
            out.append(-1)
        elif prev.isspace() or i == 0 or prev in "([{\"'":
            out.append(3)
        elif not prev.isalnum():
            out.append(2)
        elif (prev.islower() and ch.isupper()) or (prev.isdigit() != ch.isdigit()):
            out.append(1)
        else:
            out.append(0)
        prev = ch
    return tuple(out)


def _kind_at(text: str, i: int) -> int:
    """``_kinds(text)[i]``, for the few positions a unit can match at instead of every character."""
    ch = text[i]
    if not ch.isalnum():
        return -1
    if i == 0:
        return 3
    prev = text[i - 1]
    if prev.isspace() or prev in "([{\"'":
        return 3
    if not prev.isalnum():
        return 2
    if (prev.islower() and ch.isupper()) or (prev.isdigit() != ch.isdigit()):
        return 1
    return 0


_WORD = re.compile(r"[^\s/]+")


def _word_index(words: tuple[tuple[int, int], ...], word_starts: list[int], p: int) -> int:
    """The index of the word holding position ``p`` (0 outside every word, as a table filled
    word by word would read)."""
    w = bisect_right(word_starts, p) - 1
    return w if w >= 0 and p < words[w][1] else 0


def _words(text: str) -> tuple[tuple[int, int], ...]:
    """Words for counting skipped ones; "/" separates words ("Pak-1/protein kinase N")."""
    return tuple((m.start(), m.end()) for m in _WORD.finditer(text))


def _word_penalty(word: str) -> tuple[float, bool]:
    """What leaving ``word`` without a letter costs, and whether it is a content word:
    ``_is_content`` and ``_is_number`` in one pass over the word."""
    core = word.strip("()[]{},;:.\"'").lower()
    if not core:
        return 0.0, False
    if len(core) == 1 or core in _LIGHT or _ROMAN.match(core):
        return SKIPPED_NUMBER, False
    has_letter = any(ch.isalpha() for ch in core)
    if core in STOPWORDS:
        return (0.0 if has_letter else SKIPPED_NUMBER), False
    return (SKIPPED_WORD, True) if has_letter else (SKIPPED_NUMBER, False)


def _is_content(word: str) -> bool:
    """A word whose letters a short form is expected to use; numbers and stop words are not."""
    core = word.strip("()[]{},;:.\"'").lower()
    if not core or core in STOPWORDS:
        return False
    if len(core) == 1 or core in _LIGHT or _ROMAN.match(core):
        return False
    return any(ch.isalpha() for ch in core)


def _is_number(word: str) -> bool:
    """Numbers, roman numerals, single letters and a few generic words: cheap to skip."""
    core = word.strip("()[]{},;:.\"'").lower()
    if not core:
        return False
    if len(core) == 1 or core in _LIGHT or _ROMAN.match(core):
        return True
    return not any(ch.isalpha() for ch in core)


def _find_all(text_lower: str, needle: str) -> list[int]:
    out = []
    pos = text_lower.find(needle)
    while pos >= 0:
        out.append(pos)
        pos = text_lower.find(needle, pos + 1)
    return out


def align(short: str, candidate: str, optional_tail: int = 0) -> Alignment | None:
    """Best alignment of ``short`` against the end of ``candidate`` (the text before "(SF)").

    ``optional_tail`` units at the end of the short form may stay unmatched (a plural "s", a
    trailing digit or roman numeral a long form often omits: "TTF-I", "Dcp1") at a small cost.
    Returns None when no alignment puts the first unit at the start of a word.
    """
    return _align(tuple(units(short)), candidate, optional_tail)


@lru_cache(maxsize=4096)
def _align(sf: tuple[str, ...], candidate: str, optional_tail: int) -> Alignment | None:
    if not sf or not candidate:
        return None
    best: Alignment | None = None
    for drop in range(0, min(optional_tail, len(sf) - 1) + 1):
        core = sf[: len(sf) - drop] if drop else sf
        found = _best_alignment(core, candidate)
        if found is None:
            continue
        start, raw, word_starts, skipped = found
        score = (raw + UNMATCHED_TAIL * drop) / len(sf)
        result = Alignment(start, score, word_starts, skipped, len(sf), drop)
        if best is None or result.score > best.score:
            best = result
    return best


def _best_alignment(sf: tuple[str, ...], text: str) -> tuple[int, float, int, int] | None:
    """Dynamic programme over the positions where each unit can match.

    best[i][p] is the best score of placing units i.. with unit i at position p; the cost of
    the gap between two consecutive units counts the content words strictly between them, so the
    score decomposes and the search stays linear in the number of candidate positions per unit.
    """
    lower = text.lower()
    n = len(sf)
    positions: list[list[tuple[int, int]]] = []
    for unit in sf:  # first, since a unit found nowhere ends the search before any other work
        spots = [(p, 1) for p in _find_all(lower, unit)]
        name = GREEK.get(unit)
        if name:
            spots = sorted(spots + [(p, len(name)) for p in _find_all(lower, name)])
        if not spots:
            return None
        positions.append(spots)
    words = _words(text)
    kinds: Mapping[int, int] | tuple[int, ...]
    word_of: Mapping[int, int] | list[int]
    if len(lower) == len(text):
        # Kinds and words are read only where a unit matches, instead of for every character.
        kinds = {p: _kind_at(text, p) for spots in positions for p, _ in spots}
        word_starts = [a for a, _ in words]
        word_of = {p: _word_index(words, word_starts, p) for p in kinds}
    else:  # lower-casing changed the length ("İ"): positions read the full tables, as they always did
        kinds = _kinds(text)
        word_of = [0] * (len(text) + 1)
        for w, (a, b) in enumerate(words):
            for k in range(a, b):
                word_of[k] = w
    # prefix sums of penalties per word, so that a gap's cost is a subtraction
    pen = [0.0]
    cnt = [0]
    for a, b in words:
        penalty, is_content = _word_penalty(text[a:b])
        pen.append(pen[-1] + penalty)
        cnt.append(cnt[-1] + (1 if is_content else 0))

    last_word = len(words) - 1
    # value: (score, word_starts, skipped)
    nxt: dict[int, tuple[float, int, int]] = {}
    for i in range(n - 1, -1, -1):
        cur: dict[int, tuple[float, int, int]] = {}
        # the next unit's placements in ascending position, with what the gap test reads of each
        follows = [(q, score, starts, skipped, word_of[q], kinds[q]) for q, (score, starts, skipped) in nxt.items()]
        follow_at = [f[0] for f in follows]
        for p, length in positions[i]:
            kind = kinds[p]
            if i == 0 and kind < 1:
                continue
            w = word_of[p]
            if i == n - 1:
                tail = (pen[last_word + 1] - pen[w + 1]) * TRAILING_FACTOR
                follow = (tail, 0, cnt[last_word + 1] - cnt[w + 1])
                best_follow = follow
            else:
                best_follow = None
                # placements before ``p + length`` cannot follow; the rest are tried in order
                for q, score, starts, skipped, wq, kq in follows[bisect_left(follow_at, p + length):]:
                    gap = pen[wq] - pen[w + 1] if wq > w else 0.0
                    gap_skipped = cnt[wq] - cnt[w + 1] if wq > w else 0
                    run_bonus = 0.0
                    if q == p + length and kq == 0:
                        run_bonus = RUN - INNER  # the next unit continues this one's run
                    elif kq == 0 and wq != w:
                        run_bonus = INNER_ONLY_WORD  # the next word is entered by an inner letter
                    cand = (score + gap + run_bonus, starts, skipped + gap_skipped)
                    if best_follow is None or cand[0] > best_follow[0]:
                        best_follow = cand
                if best_follow is None:
                    continue
            gain = (INNER, CASE_SWITCH, SUBWORD_START, WORD_START)[kind]
            total = best_follow[0] + gain
            starts = best_follow[1] + (1 if kind >= 1 else 0)
            skipped = best_follow[2]
            if i == 0:
                if text[words[w][0]:words[w][1]].lower().strip("(\"'") in _ARTICLES:
                    total += LEADING_ARTICLE
                cur[p] = (total, starts, skipped)
            else:
                cur[p] = (total, starts, skipped)
        if not cur:
            return None
        nxt = cur

    best_p = max(nxt, key=lambda q: (nxt[q][0], q))
    score, starts, skipped = nxt[best_p]
    word_start = words[word_of[best_p]][0]
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1  # back to the whitespace word; _long_start decides whether to cut
    return _long_start(text, best_p, word_start), score, starts, skipped


def _long_start(text: str, first: int, word_start: int) -> int:
    """Where the long form begins: the whole whitespace word of the first matched letter, as Schwartz &
    Hearst and Ab3P take it ("enoyl-acyl carrier protein (ACP)", "7,8-dihydro-8-oxoguanine (8-oxoG)"),
    except when the letter opens a sub-word after something that is not part of the name: a "/"
    ("p300/CREB-binding protein"), a dash "--", a negating prefix ("anti-", "non-") or a separate
    gene-like name fused by a hyphen ("Cla4p-green fluorescent protein (GFP)"); a bracketed prefix is
    part of the name ("preSu9(1-112)-dihydrofolate reductase")."""
    if first == word_start:
        return word_start
    joint = text[first - 1]
    if joint == "/":
        return first
    prefix = text[word_start:first - 1]
    if joint == "-" and "(" not in prefix and _is_separate_prefix(prefix):
        return first
    return word_start


def _is_separate_prefix(prefix: str) -> bool:
    """A hyphenated prefix that names or negates something else rather than modifying the long form:
    it ends in a dash ("--"), is a negation, or is a gene-like name (a letter followed by a digit:
    "Cla4p", "p85"); locants ("1,3-", "20alpha-", "alpha-1-") and modifiers ("cofactor-") are not."""
    core = prefix.rsplit("/", 1)[-1]
    if prefix.endswith("-") or core.lower() in _NEGATIONS:
        return True
    return re.search(r"[A-Za-z]\d", core) is not None

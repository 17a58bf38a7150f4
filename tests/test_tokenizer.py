"""The cached tokenizer gives spaCy's tokens, offsets and whitespace exactly."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import spacy
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from spacy.util import compile_infix_regex

from pipeline.ner import build_nlp
from pipeline.ner.tokenizer import CachedTokenizer

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "corpus" / "dev"


def _plain() -> spacy.language.Language:
    """The same tokenizer rules as ``build_nlp`` without the cache."""
    nlp = spacy.blank("en")
    nlp.tokenizer.infix_finditer = compile_infix_regex([*nlp.Defaults.infixes, r"[×/]"]).finditer
    return nlp


PLAIN = _plain()
CACHED = build_nlp().tokenizer


def _tokens(doc) -> list[tuple[str, int, str]]:
    return [(t.text, t.idx, t.whitespace_) for t in doc]


def test_build_nlp_uses_the_cached_tokenizer():
    assert isinstance(CACHED, CachedTokenizer)


def test_same_tokens_as_spacy_on_every_document():
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "raw").glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(DEV.glob("*.txt"))]
    assert texts
    for text in texts + [t.replace("\n", " ") for t in texts]:
        first, again = CACHED(text), CACHED(text)  # the second call reads everything from the cache
        assert _tokens(first) == _tokens(PLAIN.tokenizer(text)) == _tokens(again)
        assert first.text == text


_PIECES = st.sampled_from([
    " ", "  ", "\n", "\n\n", "\t", "\u00a0", "e.g.", "vs.", "(e.g.", "i.e.,", "Dr.", "'s", "n't", "don't",
    "CD19", "CAR-T", "(CRS)", "10^8", "6×10^8", "CD33/FLT3", "ORR:", "92.9%", "—", "-", "(", ")", ",", ".",
    "U.S.", "a.m.", ":)", "<3", "http://x.org/a", "patients", "Fig.", "No.", "1", "III", "½", "°C",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, min_size=0, max_size=40))
def test_same_tokens_as_spacy_on_generated_text(pieces):
    text = "".join(pieces)
    # The documented difference (pipeline/ner/tokenizer.py): spaCy's special-case matcher may take an
    # emoticon look-alike across pieces ("( :)e.g.", "ORR:( (e.g."); confmine reads no emoticon.
    assume(not re.search(r":[()]|<3", text))
    assert _tokens(CACHED(text)) == _tokens(PLAIN.tokenizer(text))


def test_survives_pickling_and_serialisation():
    copy = pickle.loads(pickle.dumps(CACHED))
    text = "In the phase II study (e.g. NCT01234567), CD19 CAR-T cells gave an ORR of 92.9%."
    assert _tokens(copy(text)) == _tokens(PLAIN.tokenizer(text))
    nlp = build_nlp()
    restored = build_nlp().from_bytes(nlp.to_bytes())
    assert _tokens(restored(text)) == _tokens(nlp(text))

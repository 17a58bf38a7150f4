"""spaCy's tokenizer with a cache that stays on.

spaCy remembers how it split each whitespace-separated chunk of a text, but stops remembering for
the rest of that text as soon as one chunk involved a special case ("e.g.", "vs.", "'s", a
parenthesised "(i.e."). In a conference summary that happens within the first lines, so nearly
every chunk was split anew, prefix, suffix and infix regexes included, in every document: 5-7 ms of
a 500-word summary, more than any of our own components.

``CachedTokenizer`` splits the text at whitespace itself, asks spaCy's tokenizer how to split each
chunk it has not seen lately (so spaCy's rules alone decide the tokens) and builds the Doc from the
words and spaces: the same tokens, offsets and whitespace as spaCy's own call, which
``tests/test_tokenizer.py`` checks on the corpus and on generated text. Two known differences, neither
read by confmine: spaCy's special-case matcher can match emoticon look-alikes across a space
("[ :)x" splits ":)" there, not here), and token norms set by special cases ("n't" -> "not") are
not carried over.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

# A chunk of non-space characters with the one space after it (the last token's trailing space),
# or a run of any other whitespace, which spaCy makes tokens of.
_PIECES = re.compile(r"\S+ ?|\s+")
CACHE_SIZE = 50_000  # pieces; most words recur across documents, numbers and ids do not
# The longest chunk given to spaCy whole. Its affix rules strip one character at a time and copy the
# rest, so a chunk of 20,000 "(" took 30 s; no word of a summary is this long, and a longer chunk
# (a run of digits or brackets, an unbroken id list) is split into pieces of this size first.
MAX_CHUNK = 500


class CachedTokenizer:
    """A drop-in ``nlp.tokenizer``: call it on a text, get spaCy's Doc; everything else (rules,
    serialisation, ``explain``) is the wrapped tokenizer's."""

    def __init__(self, tokenizer: Tokenizer, size: int = CACHE_SIZE):
        self.tokenizer = tokenizer
        self.size = size
        self._split = lru_cache(maxsize=size)(self._split_piece)

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        split = self._split
        for piece in _PIECES.findall(text):
            if len(piece) > MAX_CHUNK and not piece[0].isspace():
                body = piece.rstrip(" ")
                for at in range(0, len(body), MAX_CHUNK):
                    words_of_part, spaces_of_part = split(body[at:at + MAX_CHUNK])
                    words += words_of_part
                    spaces += spaces_of_part
                spaces[-1] = body != piece
                continue
            words_of_piece, spaces_of_piece = split(piece)
            words += words_of_piece
            spaces += spaces_of_piece
        return Doc(self.tokenizer.vocab, words=words, spaces=spaces)

    def _split_piece(self, piece: str) -> tuple[tuple[str, ...], tuple[bool, ...]]:
        """spaCy's tokens of one piece and their trailing spaces: only a chunk's last token has one,
        when the chunk is followed by a space."""
        trailing = piece[-1] == " " and not piece[0].isspace()
        words = tuple(token.text for token in self.tokenizer(piece[:-1] if trailing else piece))
        return words, (False,) * (len(words) - 1) + (trailing,)

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str) -> Any:
        if name in ("tokenizer", "_split", "size"):  # not set yet (unpickling): no delegation loop
            raise AttributeError(name)
        return getattr(self.tokenizer, name)

    def __getstate__(self) -> dict[str, Any]:
        return {"tokenizer": self.tokenizer, "size": self.size}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["tokenizer"], state["size"])

"""The text of a spaCy Doc, built once per Doc.

``Doc.text`` joins every token's text and whitespace on each access, so five components asking for
it pay five times; the string is kept in ``doc.user_data`` (picklable, travels with the Doc).
"""

from spacy.language import Language
from spacy.tokens import Doc

_KEY = "confmine.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed on the first call for this Doc only.

    The cached string is trusted only if it still fits the Doc: ``user_data`` is copied into Docs
    made from this one (``Span.as_doc``), whose text is another.
    """
    cached = doc.user_data.get(_KEY)
    if cached is not None and len(doc) and len(cached) == doc[-1].idx + len(doc[-1].text_with_ws) \
            and cached.startswith(doc[0].text):
        return cached
    text = doc.text
    doc.user_data[_KEY] = text
    return text


def read(nlp: Language, text: str, skip: tuple[str, ...] = ()) -> Doc:
    """``nlp(text)`` with the Doc's text known from the start, so no component rebuilds it;
    components named in ``skip`` are not run (table cells need no sentences, nor ``doc.ents``)."""
    doc = nlp.make_doc(text)
    doc.user_data[_KEY] = text
    return nlp(doc, disable=[name for name in nlp.pipe_names if name in skip])

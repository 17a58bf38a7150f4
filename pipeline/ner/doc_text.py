"""The text of a spaCy Doc, built once per Doc.

``Doc.text`` joins every token's text and whitespace on each access, so five components asking for
it pay five times; the string is kept in ``doc.user_data`` (picklable, travels with the Doc).
"""

from spacy.tokens import Doc

_KEY = "confmine.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed on the first call for this Doc only."""
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.text
        doc.user_data[_KEY] = text
    return text

"""spaCy component ``confmine_abbreviations``: a thin wrapper around ``find_abbreviations``.

Results go on ``doc._.abbreviations`` as plain dicts (short_form, long_form, source, start, end,
mentions, conflicts; offsets are characters of ``doc.text``) -- never Spans -- so that docs pickle
and ``nlp.pipe(n_process=2)`` works (scispaCy #338).
"""


from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.abbreviations.api import find_abbreviations

EXTENSION = "abbreviations"


class AbbreviationComponent:
    """Sets ``doc._.abbreviations`` to the document's abbreviations as picklable dicts."""

    def __init__(self, nlp: Language, name: str, use_lexicon: bool = True) -> None:
        self.name = name
        self.use_lexicon = use_lexicon
        if not Doc.has_extension(EXTENSION):
            Doc.set_extension(EXTENSION, default=None)

    def __call__(self, doc: Doc) -> Doc:
        found = find_abbreviations(doc.text, use_lexicon=self.use_lexicon)
        doc._.set(EXTENSION, [_plain(a.model_dump()) for a in found])
        return doc


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    record["mentions"] = [tuple(m) for m in record["mentions"]]
    return record


@Language.factory("confmine_abbreviations", default_config={"use_lexicon": True})
def make_abbreviation_component(nlp: Language, name: str, use_lexicon: bool) -> AbbreviationComponent:
    return AbbreviationComponent(nlp, name, use_lexicon)

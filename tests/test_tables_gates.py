"""The literal gates of the cell scorers (``pipeline/tables/gates.py``) answer exactly as their patterns.

A gate only skips a regular-expression scan when the value holds none of the literals every match
needs; a wrong literal would change table parses silently. Checked on text built from the pieces the
patterns look for (in both cases, glued and spaced, with non-ASCII letters) and on the cells of the
generated tables.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.fields import adverse_event, cell_source, disease, product, text
from pipeline.fields import cell_facts as facts
from pipeline.fields.evidence import load_lexicon
from pipeline.knowledge.gates import Gate

GATES = {f"{module.__name__}.{name}": value for module in (facts, product, adverse_event, cell_source, disease, text)
         for name, value in vars(module).items() if isinstance(value, Gate)}
GLUE = (facts._GLUED, facts._WEAK_GLUED)


def _pieces() -> list[str]:
    found: set[str] = set()
    for gate in GATES.values():
        for literal in (*gate.needles, *gate.words):
            found.update({literal, literal.upper(), literal.capitalize()})
    found.update({"NCT01234567", "ChiCTR2000012345", "EudraCT 2020-001234-12", "ACTRN12345678901234",
                  "CAR-T", "CAR-NK", "dara-mab", "tisa-cel", "Grade", "≥G3", "12%", "[3]", "CD19", "ſ", "K",
                  "İ", "é", "1×10", "AML", "ALL", "CRS", "ICANS", "G3", "nk92", "NK-92", "T cell", "T-cells"})
    return sorted(found)


_TEXT = st.lists(
    st.one_of(st.sampled_from(_pieces()), st.text(alphabet="aAbZz019 -/%()[],;_.", max_size=4)), max_size=8
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_gates_answer_as_their_patterns(value: str) -> None:
    for name, gate in GATES.items():
        plain: re.Pattern[str] = gate.pattern
        found, expected = gate.search(value), plain.search(value)
        assert (found and found.span()) == (expected and expected.span()), (name, value)
        assert gate.findall(value) == plain.findall(value), (name, value)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_glue_gate_answers_as_the_glue_patterns(value: str) -> None:
    if not facts._may_glue(value):
        assert all(not pattern.search(value) for pattern in GLUE), value


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_product_code_needs_two_digits(value: str) -> None:
    if product._PRODUCT_CODE.search(value):
        assert product._TWO_DIGITS.search(value), value


def _lexicon_terms() -> list[str]:
    lexicon = load_lexicon()
    return sorted(lexicon.diseases | lexicon.targets)[:400]


_TERMS = _lexicon_terms()
_PHRASE = st.lists(
    st.one_of(st.sampled_from(_TERMS or ["AML"]), st.sampled_from([" ", ", ", "/", "-", "(", ")", "and", "x", "İ"]),
              st.text(alphabet="aAz09 -/", max_size=3)), max_size=8
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_PHRASE, st.booleans())
def test_term_matches_as_one_regular_expression(value: str, ignore_case: bool) -> None:
    """The look-up scan finds what the alternation of all the terms finds."""
    terms = frozenset(_TERMS)
    pattern = facts._term_pattern(terms, ignore_case)
    expected = [m.span() for m in pattern.finditer(value)] if pattern else []
    assert facts._term_matches(value, terms, ignore_case) == expected, value

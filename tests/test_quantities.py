"""The cell-dose parser: every notation summaries use, and a round trip under hypothesis."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.fields.dose import (
    _BRACKET_POWERS,
    _SCIENTIFIC,
    _power_windows,
    format_cells,
    parse_doses,
    split_levels,
)


def values(text: str, **kw) -> list[tuple[tuple[float, ...], str]]:
    return [(d.values, d.unit) for d in parse_doses(text, **kw)]


@pytest.mark.parametrize(
    ("text", "expected", "unit"),
    [
        ("three rounds (6 × 108 , 1.2 × 109 and 1.8 × 109 cells)", (6e8, 1.2e9, 1.8e9), "cells"),
        ("1.2 × 10^9 cells", (1.2e9,), "cells"),
        ("1.2x10(9) cells", (1.2e9,), "cells"),
        ("1e9 cells", (1e9,), "cells"),
        ("300 million BCMA CAR-NK cells", (3e8,), "cells"),
        ("2 × 10^6 cells/kg", (2e6,), "cells/kg"),
        ("1–3 × 10^8 cells", (1e8, 3e8), "cells"),
        ("0.3–9.0 × 106 CAR T cells/kg", (3e5, 9e6), "cells/kg"),
        ("2 x (105-106) cells/kg", (2e5, 2e6), "cells/kg"),
        ("(0.3 or 10 or 30) x 105 per kg", (3e4, 1e6, 3e6), "cells/kg"),
        ("15, 30 and 45 × 107 cells", (1.5e8, 3e8, 4.5e8), "cells"),
        ("106, 107 and 108 cells/kg", (1e6, 1e7, 1e8), "cells/kg"),
        ("2.5×106, 5×106 or 7.5×106 CAR-positive T cells/kg", (2.5e6, 5e6, 7.5e6), "cells/kg"),
        ("5 × (107-108) cells per kilogram", (5e7, 5e8), "cells/kg"),
        ("1 × 10^8 cells/m2", (1e8,), "cells/m2"),
    ],
)
def test_notations(text, expected, unit):
    (dose,) = parse_doses(text)
    assert dose.unit == unit
    assert len(dose.values) == len(expected)
    assert all(math.isclose(a, b) for a, b in zip(dose.values, expected, strict=True))


def test_lost_superscript_needs_a_multiplication_sign():
    # "108" alone is a number, not 10^8: no dose without the "×" context.
    assert values("Of 108 patients, 60 responded (Abstract 108).") == []
    assert values("6 × 108 cells") == [((6e8,), "cells")]


def test_prose_doses_need_cells_when_asked():
    text = "the upper limit ≤ 8 × 107 of nucleated red blood cells; 1 × 10^6 cells/kg was given"
    assert [d.values for d in parse_doses(text, require_cells=True)] == [(8e7,), (1e6,)]
    assert values("a median of 5 × 106", require_cells=True) == []


def test_header_scale():
    from pipeline.fields.dose import header_scale

    assert header_scale("Cell dose (108 )") == 1e8
    assert header_scale("Dose (×10^6/kg)") == 1e6
    assert header_scale("Dose (x 10 7 cells)") == 1e7
    assert header_scale("Patient number") is None


def test_split_levels():
    assert split_levels("6, 12 and 18") == [6, 12, 18]
    assert split_levels("1 or 3") == [1, 3]


def _scientific(mantissa: float, exponent: int, style: int) -> str:
    m = f"{mantissa:g}"
    return [
        f"{m} × 10^{exponent}",
        f"{m} × 10{exponent}",
        f"{m}x10({exponent})",
        f"{m} x 10^{exponent}",
        f"{m}e{exponent}",
    ][style]


@settings(max_examples=200, deadline=None)
@given(
    mantissa=st.decimals(min_value="1", max_value="9.9", places=1).map(float),
    exponent=st.integers(min_value=5, max_value=10),
    style=st.integers(min_value=0, max_value=4),
    per_kg=st.booleans(),
)
def test_round_trip_any_supported_style(mantissa, exponent, style, per_kg):
    cells = mantissa * 10**exponent
    text = f"patients received {_scientific(mantissa, exponent, style)} {'cells/kg' if per_kg else 'CAR T cells'}"
    (dose,) = parse_doses(text, require_cells=True)
    assert math.isclose(dose.values[0], cells, rel_tol=1e-9)
    assert dose.unit == ("cells/kg" if per_kg else "cells")
    assert math.isclose(float(format_cells(cells)), cells, rel_tol=1e-6)


@settings(max_examples=100, deadline=None)
@given(millions=st.integers(min_value=1, max_value=999))
def test_round_trip_million_words(millions):
    (dose,) = parse_doses(f"{millions} million cells")
    assert dose.values == (millions * 1e6,)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_parser_never_raises(text):
    for dose in parse_doses(text):
        assert 0 <= dose.start < dose.end <= len(text)


def test_a_case_folded_look_alike_of_a_number_word_is_no_dose_and_no_crash():
    doses = parse_doses("2 million cells/kg or 3 m\u0131llion cells/kg")
    assert [d.values for d in doses] == [(2e6,)]


def test_doses_far_apart_in_one_text_are_all_found_in_order():
    text = ("Arm A received 6 × 10^8 cells, then (week 3) arm B 2 x (10^6-10^7) cells/kg; arm C 106 or 107"
            " cells/kg and arm D 300 Million cells. Later 1.2×10(9) NK cells.")
    found = [(d.values, d.unit, text[d.start : d.end]) for d in parse_doses(text, require_cells=True)]
    assert found == [
        ((6e8,), "cells", "6 × 10^8"),
        ((2e6, 2e7), "cells/kg", "2 x (10^6-10^7)"),
        ((1e6, 1e7), "cells/kg", "106 or 107"),
        ((3e8,), "cells", "300 Million"),
        ((1.2e9,), "cells", "1.2×10(9)"),
    ]


# Every character the two power-of-ten patterns name, tried as a separator or sign wherever dose text
# has one: a character added to either pattern (a new multiplication sign, a new list separator) is
# tested here without anyone remembering to add it.
_PATTERN_CHARS = sorted(set(_BRACKET_POWERS.pattern + _SCIENTIFIC.pattern) - set("\\"))
_NUMBERS = st.sampled_from(["6", "1.2", "2,5", "12", "10"])
_SEPARATORS = st.sampled_from([", ", ", and ", " and ", " or ", "–", " - ", " to ", ";", "·", *_PATTERN_CHARS])
_SIGNS = st.sampled_from([" × ", "×", " x ", "X", "*", "·", "⋅", "х", *_PATTERN_CHARS])
_POWERS = st.sampled_from(["10^8", "10 ^ 9", "10(9)", "10⁸", "108", "(10^6–10^7)", "(10^6-10^7)", "10^-2"])
_LEVELS = st.lists(_NUMBERS, min_size=1, max_size=3).flatmap(
    lambda numbers: st.lists(_SEPARATORS, min_size=len(numbers) - 1, max_size=len(numbers) - 1).map(
        lambda seps: "".join(n + s for n, s in zip(numbers, [*seps, ""], strict=True))))
_DOSE = st.tuples(st.sampled_from(["", "("]), _LEVELS, st.sampled_from(["", ")"]), _SIGNS, _POWERS).map("".join)
_FILLER = st.sampled_from([" ", "  ", "\n", " cells", " cells/kg", "; arm B ", " (", ") ", " and ", ", "])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_DOSE, _FILLER), max_size=12))
def test_power_doses_found_in_windows_are_those_of_a_whole_text_scan(pieces):
    """parse_doses scans the two power-of-ten patterns only around each "× 10" (``_power_windows``):
    that must find exactly what a scan of the whole text finds."""
    text = "".join(pieces)
    windows = _power_windows(text)
    for pattern in (_BRACKET_POWERS, _SCIENTIFIC):
        windowed = [m.span() for lo, hi in windows for m in pattern.finditer(text, lo, hi)]
        assert windowed == [m.span() for m in pattern.finditer(text)], (pattern.pattern, text)

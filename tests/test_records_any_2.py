"""Issue 19, second round: the failure kinds the blind corpus showed, on sentences of our own.

Every document here is invented for the test (made-up study names, products and numbers); none is copied
from a corpus. Each runs through ``extract_document`` as a user would run confmine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import extract_document
from pipeline.ner import build_nlp


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def _trials(tmp_path: Path, nlp, text: str, name: str = "doc"):
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return extract_document(path, nlp=nlp).trials


# --- Abstract-book pages -------------------------------------------------------------------------------

def test_an_abstract_book_page_with_long_bylines_and_disclosures(tmp_path, nlp):
    """Each abstract's number opens a paragraph; its title, program, session, authors and affiliations
    run for a dozen lines before its Background; the previous abstract's disclosures do not swallow it."""
    byline = ("Program: Oral and Poster Abstracts\nSession: 999. Cellular Therapies: Poster II\n"
              "Ann Example, MD1, Bob Sample, PhD2, Cy Person, MD3\n1First Hospital, Sometown,\nXY; "
              "2Second Institute, Othertown,\nZZ; 3Third Centre, Anytown, QQ\n")
    text = ("MEETING ABSTRACTS                                   POSTER ABSTRACTS\n\n"
            "5101 Results of the Phase 2 ORBIT-7 Study of\nthe BCMA CAR T Product QX-101 in\nRelapsed Myeloma\n"
            + byline +
            "Introduction: QX-101 is an autologous BCMA CAR T product.\n"
            "Results: Forty patients were infused. The ORR was 80%.\n"
            "Disclosures: Example: Acme: Consultancy.\n\n"
            "5102 A Phase 1 Study of the CD7 CAR T Product QX-202\nin Relapsed T-Cell Acute Lymphoblastic\n"
            "Leukemia\n" + byline +
            "Introduction: QX-202 is a donor-derived CD7 CAR T product.\n"
            "Results: Twelve patients were infused. The CR rate was 75%.\n"
            "Disclosures: Sample: Acme: Honoraria.\n")
    first, second = _trials(tmp_path, nlp, text)
    assert (first.abstract_number, first.n_patients, first.orr_pct) == ("5101", 40, 80)
    assert (second.abstract_number, second.n_patients, second.cr_pct, second.product) == ("5102", 12, 75, "QX-202")

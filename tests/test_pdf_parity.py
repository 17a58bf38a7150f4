"""Parity of the two readers on the example document (issue 5, "Done when", second point).

The example (``raw/huang2023_carnk_ash2022.txt``) is text extracted from a PDF. Here a PDF of the same
document is drawn from what the text path read, nothing typed in by hand: the normalised text gives
the two-column body, the glossary, the back matter and the reference list (a trial's product is named
only in a reference title); the tables the text path rebuilt give Table 1 (upright) and Table 2 (on a
page of its own, rotated 90° with its caption and footnotes), both with booktabs rules as in the
article. Superscripts the text dump lost are drawn as real superscripts: the power of ten of a header
the text path scaled a column by ("Cell dose (10⁸)") and the doses of the footnotes ("6 × 10⁸").
``extract_document`` on that PDF must give the same trials and preclinical studies as on the text,
field for field, except ``evidence``, ``conflicts`` and ``start`` (they quote and point into each
path's own text).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pdfgen
import pytest
from spacy.language import Language

from pipeline import extract_document
from pipeline.models import DocumentResult, Section, Table
from pipeline.ner import build_nlp

EXAMPLE = Path(__file__).resolve().parents[1] / "raw" / "huang2023_carnk_ash2022.txt"
IGNORED = {"evidence", "conflicts", "start"}
"""Fields that quote or point into each path's own text."""
ROTATED = {2}
"""Tables drawn rotated (their numbers), as in the published article."""

_ENTRY = re.compile(r"^\s*(\d{1,3}\.)\t\s*(.*)$", re.S)
_LOST_POWER = re.compile(r"(\d\s*×\s*)10(\d{1,2})\b(?: (?=[,;.)]))?")
"""A dose whose superscript the text dump flattened: "6 × 108 ," is 6 × 10^8."""


# --- the document as the text path read it, drawn ----------------------------------------------------


def _blocks(text: str) -> list[str]:
    """Runs of non-blank lines (``text`` is a section of the normalised text)."""
    return [block.strip("\n") for block in re.split(r"\n[ \t]*\n", text) if block.strip()]


def _flat(text: str) -> str:
    return " ".join(text.split())


def section_blocks(text: str, section: Section) -> list[pdfgen.Block]:
    """A section as drawable blocks: its heading (when the section starts with a line of its own that
    is its title), paragraphs (the lines of a block joined), glossary lines ("CAR<tab>Chimeric ...")
    and numbered entries ("<tab>1.<tab>Lamers-Kok N ..."; a block that is not numbered continues the
    entry before it, as a reference broken by a page end does)."""
    body = text[section.start:section.end]
    out: list[pdfgen.Block] = []
    first, _, rest = body.partition("\n")
    if section.title and first.strip().rstrip(":") == section.title:
        out.append(pdfgen.Block("heading", first.strip()))
        body = rest
    for block in _blocks(body):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if section.kind == "abbreviations" and all("\t" in line for line in lines):
            out += [pdfgen.Block("glossary", _flat(long), short)
                    for short, long in (line.split("\t", 1) for line in lines)]
        elif m := _ENTRY.match(block):
            out.append(pdfgen.Block("entry", _flat(m.group(2)), m.group(1)))
        elif out and out[-1].kind == "entry":
            out[-1].text = f"{out[-1].text} {_flat(block)}"
        else:
            out.append(pdfgen.Block("paragraph", _flat(block)))
    return out


def table_spec(table: Table, wrapped_labels: bool = False, ruled: bool = False) -> pdfgen.TableSpec:
    """A rebuilt table as the article printed it: the power of ten of a header the text path scaled by
    (``column_scales``) is a superscript again, and so are the doses of the footnotes. The first
    column (the row labels) is kept on one line unless ``wrapped_labels``."""
    header = []
    for name in table.header:
        if scale := table.column_scales.get(name):
            power = round(math.log10(scale))
            name = re.sub(rf"\b10{power}\s*", f"10^{power}", name)
        header.append(name)
    return pdfgen.TableSpec(
        caption=f"Table {table.number} {table.caption}",
        header=header,
        # A cell the text path could only place by reading order is printed nowhere: the PDF
        # must not state as fact what the text could not show.
        rows=[["" if (i, j) in table.ambiguous else cell for j, cell in enumerate(row)]
              for i, row in enumerate(table.rows)],
        footnotes=[_LOST_POWER.sub(r"\g<1>10^\2", note) for note in table.footnotes],
        rotated=table.number in ROTATED,
        ruled=ruled,
        unwrapped=() if wrapped_labels else (0,),
    )


def render(result: DocumentResult, path: Path, wrapped_labels: bool = False, ruled: bool = False) -> pdfgen.Article:
    """The PDF of the document the text path read: the sections before the first table as the body,
    the tables, then the sections after them (glossary, back matter, references; adverts left out)."""
    text, sections = result.text, result.ingested.sections
    first_table = min(table.start for table in result.tables)
    body: list[pdfgen.Block] = []
    back: list[pdfgen.Block] = []
    for section in sections:
        if section.kind not in ("table", "boilerplate"):
            (body if section.start < first_table else back).extend(section_blocks(text, section))
    tables = [table_spec(table, wrapped_labels, ruled and table.number not in ROTATED) for table in result.tables]
    drawn = "".join(b.label + b.text for b in body + back) + "".join(
        "".join([t.caption, *t.header, *(c for row in t.rows for c in row), *t.footnotes]) for t in tables)
    face = pdfgen.unicode_typeface(drawn)
    if face is None:
        pytest.skip("no installed TrueType font (Liberation Sans, Arial, DejaVu Sans) has glyphs for "
                    f"{''.join(sorted({c for c in drawn if ord(c) > 0xFF}))}")
    return pdfgen.article_pdf(path, body, tables, back, face)


# --- the comparison ------------------------------------------------------------------------------


def fields(record: object) -> dict[str, object]:
    return record.model_dump(exclude=IGNORED)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_nlp()


@pytest.fixture(scope="module")
def text_result(nlp: Language) -> DocumentResult:
    result = extract_document(EXAMPLE, nlp)
    assert result.info.status == "ok", result.errors
    assert result.tables and result.trials and result.preclinical
    return result


@pytest.fixture(scope="module")
def pdf_result(text_result: DocumentResult, nlp: Language, tmp_path_factory: pytest.TempPathFactory
               ) -> DocumentResult:
    path = tmp_path_factory.mktemp("parity") / f"{EXAMPLE.stem}.pdf"  # the same doc_id
    article = render(text_result, path)
    assert article.table_pages and article.pages > max(article.table_pages)
    result = extract_document(path, nlp)
    assert result.info.status == "ok", result.errors
    return result


def test_the_pdf_gives_its_tables_back(text_result: DocumentResult, pdf_result: DocumentResult) -> None:
    """Sanity of the rendering: the same tables come back, the rotated one found rotated, its header
    with the superscript read as a power of ten."""
    assert [t.number for t in pdf_result.tables] == [t.number for t in text_result.tables]
    assert pdf_result.ingested.rotated_captions == [
        f"Table {t.number} {t.caption}" for t in text_result.tables if t.number in ROTATED]
    for ours, theirs in zip(pdf_result.tables, text_result.tables, strict=True):
        assert len(ours.rows) == len(theirs.rows)
        assert ours.orientation == theirs.orientation
        assert sorted(ours.column_scales.values()) == sorted(theirs.column_scales.values())
    assert any("10^" in name for t in pdf_result.tables for name in t.column_scales)


def test_same_trials(text_result: DocumentResult, pdf_result: DocumentResult) -> None:
    assert len(pdf_result.trials) == len(text_result.trials)
    assert [fields(r) for r in pdf_result.trials] == [fields(r) for r in text_result.trials]


def test_same_preclinical_studies(text_result: DocumentResult, pdf_result: DocumentResult) -> None:
    """Every study, the one built from the last row of Table 1 too: its cells wrap ("Genome" /
    "editing") below the last line with a cell in every column, and the reader keeps those lines."""
    assert len(pdf_result.preclinical) == len(text_result.preclinical)
    assert [fields(r) for r in pdf_result.preclinical] == [fields(r) for r in text_result.preclinical]


@pytest.mark.parametrize("ruled", [False, True], ids=["booktabs", "grid"])
def test_wrapped_row_labels(ruled: bool, text_result: DocumentResult, nlp: Language, tmp_path: Path) -> None:
    """Table 1 as the article sets it, "Healthy adult peripheral blood" wrapped in the first column:
    the label's second and third lines have a first cell of their own, yet belong to its row (without
    column rules, by the white space between rows, ``pdf_tables.aligned_grid``; with a full grid, by
    cells that do not stack line for line beside the label, ``pdf_tables._stacked``)."""
    path = tmp_path / f"{EXAMPLE.stem}.pdf"
    render(text_result, path, wrapped_labels=True, ruled=ruled)
    result = extract_document(path, nlp)
    assert [fields(r) for r in result.preclinical] == [fields(r) for r in text_result.preclinical]

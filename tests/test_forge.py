"""The table forge itself is right: what it draws is in the PDF, rotated where it says so, its gold has
the schema's columns, its text-level style and its cell scorer do what they claim.

Fast (a few seconds, fixture grids only); the whole-corpus run against confmine is marked slow.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from forge.cells import CellScore, compare, fold, pooled, score_document
from forge.documents import PDF, build, read_manifest
from forge.extract import EXTRACTORS
from forge.grids import TRIAL_COLUMNS, Grid, load_grid, load_grids
from forge.holdout import HELD_BACK_EXTRACTORS, HELD_BACK_STYLES, Holdout, grid_held_back
from forge.render import STYLES, render_pdf, symbol_font_text

FIXTURES = Path(__file__).parent / "forge" / "fixtures"
ROOT = Path(__file__).resolve().parents[1]
UPRIGHT = [name for name, style in STYLES.items() if not style.rotated]
ROTATED = [name for name, style in STYLES.items() if style.rotated]


@pytest.fixture(scope="module")
def grids() -> list[Grid]:
    found, problems = load_grids(FIXTURES)
    assert not problems
    return found


@pytest.fixture(scope="module")
def pdfs(grids: list[Grid], tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every fixture grid in every style, drawn once for the module."""
    folder = tmp_path_factory.mktemp("forge_pdfs")
    return {(grid.id, style): render_pdf(grid, STYLES[style], folder / f"{grid.id}__{style}.pdf").path
            for grid in grids for style in STYLES}


def expected_words(grid: Grid, style: str) -> set[str]:
    """Every whitespace-separated word of the header and cells, as the style prints it."""
    words = set()
    for cell in (cell for row in grid.cells for cell in row):
        if STYLES[style].superscripts:
            cell = re.sub(r"10\^(\d+)", r"10\1", cell)
        words.update(STYLES[style].apply_to_text(cell).split())
    return words


def readable(text: str) -> str:
    """pdfium writes a hyphen that ends a line as U+FFFE; for the word check it is the hyphen it is."""
    return text.replace("\ufffe", "-\n")


def test_fixture_grids_load(grids: list[Grid]) -> None:
    assert [grid.id for grid in grids] == sorted(grid.id for grid in grids)
    assert len(grids) == 4 and sum(grid.transposed for grid in grids) == 1
    for grid in grids:
        assert grid.trials and all(len(row) == len(grid.header) for row in grid.rows)


def test_broken_grids_are_refused(tmp_path: Path) -> None:
    good = json.loads((FIXTURES / "fixture_bispecific.json").read_text(encoding="utf-8"))
    cases = {
        "ragged": {**good, "rows": [good["rows"][0][:-1]]},
        "unknown_key": {**good, "trials": [{"n_patient": "3"}]},
        "bad_id": {**good, "id": "Grid A"},
    }
    for name, data in cases.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(ValueError, match=name):
            load_grid(path)
    found, problems = load_grids(tmp_path)
    assert not found and len(problems) == len(cases)


@pytest.mark.parametrize("style", UPRIGHT)
def test_upright_pdf_text_has_every_word(style: str, grids: list[Grid], pdfs: dict[tuple[str, str], Path]) -> None:
    """pdfplumber's text of every upright style holds every header and cell word of every grid."""
    for grid in grids:
        text = STYLES[style].apply_to_text(EXTRACTORS["pdfplumber"](pdfs[grid.id, style]))
        words = set(text.split())
        missing = expected_words(grid, style) - words
        assert not missing, (grid.id, style, missing)


@pytest.mark.parametrize("extractor", [name for name in EXTRACTORS if name != "pdfplumber"])
def test_other_extractors_find_every_word(extractor: str, grids: list[Grid],
                                          pdfs: dict[tuple[str, str], Path]) -> None:
    """The other extractors, on the styles that change what is printed (not just where). pdfium may end
    a line after a raised exponent ("106\\n/kg"), so words are looked for with line breaks removed."""
    for grid in grids:
        for style in ("ruled", "superscript", "symbol_font"):
            text = STYLES[style].apply_to_text(readable(EXTRACTORS[extractor](pdfs[grid.id, style])))
            squashed = "".join(text.split())
            missing = {word for word in expected_words(grid, style) if word not in squashed}
            assert not missing, (grid.id, style, extractor, missing)


def test_pypdfium2_text_has_plain_line_ends(pdfs: dict[tuple[str, str], Path]) -> None:
    text = EXTRACTORS["pypdfium2"](next(iter(pdfs.values())))
    assert "\r" not in text and "\n" in text


@pytest.mark.parametrize("style", ROTATED)
def test_rotated_styles_rotate_the_glyphs(style: str, grids: list[Grid], pdfs: dict[tuple[str, str], Path]) -> None:
    """The table page's glyphs are turned (not upright), anticlockwise for ccw (text matrix b > 0) and
    clockwise for cw; the prose page stays upright."""
    for grid in grids:
        with pdfplumber.open(pdfs[grid.id, style]) as pdf:
            prose = [char for char in pdf.pages[0].chars if char["text"].strip()]
            table = [char for char in pdf.pages[1].chars if char["text"].strip()]
            body = pdf.pages[1].height - 40  # the page number at the foot is upright furniture
            table = [char for char in table if char["top"] < body]
        assert prose and all(char["upright"] for char in prose)
        assert table and not any(char["upright"] for char in table)
        direction = 1 if STYLES[style].rotation == 90 else -1
        assert all(char["matrix"][1] * direction > 0 for char in table)


def test_upright_styles_are_upright(grids: list[Grid], pdfs: dict[tuple[str, str], Path]) -> None:
    with pdfplumber.open(pdfs[grids[0].id, "ruled"]) as pdf:
        assert all(char["upright"] for page in pdf.pages for char in page.chars)


def test_symbol_font_substitution() -> None:
    assert symbol_font_text("2 × 10^6") == "2 3 106"
    assert symbol_font_text("n = 24") == "n 5 24"
    assert symbol_font_text("grade ≥3, 12 ± 4, ≤2") == "grade $3, 12 6 4, #2"


def test_symbol_font_pdf_carries_the_defect(pdfs: dict[tuple[str, str], Path]) -> None:
    """The symbol-font PDF draws × but its text says 3: every extractor reads the garbled form even
    before the text-level substitution."""
    for extractor in EXTRACTORS.values():
        text = extractor(pdfs["fixture_carnk_arms", "symbol_font"])
        assert "1 3 105" in " ".join(text.split()) and "×" not in text


def test_superscripts_lose_their_caret(pdfs: dict[tuple[str, str], Path]) -> None:
    text = EXTRACTORS["pdfplumber"](pdfs["fixture_cd19_lbcl", "superscript"])
    assert "2 × 106/kg" in text and "^" not in text
    assert "10^6" in EXTRACTORS["pdfplumber"](pdfs["fixture_cd19_lbcl", "ruled"])


def test_split_pages_repeats_the_header(grids: list[Grid], pdfs: dict[tuple[str, str], Path]) -> None:
    grid = next(g for g in grids if g.id == "fixture_cd19_lbcl")
    with pdfplumber.open(pdfs[grid.id, "split_pages"]) as pdf:
        pages = [page.extract_text() for page in pdf.pages]
    assert len(pages) == 2 and all("Study (registry)" in page for page in pages)
    assert "ZUMA-1" in pages[0] and "TRANSCEND" in pages[1] and "(continued)" in pages[1]


def test_caption_below_follows_the_table(pdfs: dict[tuple[str, str], Path]) -> None:
    text = EXTRACTORS["pdfplumber"](pdfs["fixture_cd19_lbcl", "caption_below"])
    assert text.index("TRANSCEND") < text.index("Table 1.") < text.index("Efficacy-evaluable")


def test_rendering_is_deterministic(grids: list[Grid], tmp_path: Path) -> None:
    first = render_pdf(grids[0], STYLES["narrow"], tmp_path / "a.pdf").path.read_bytes()
    assert render_pdf(grids[0], STYLES["narrow"], tmp_path / "b.pdf").path.read_bytes() == first


def test_build_writes_documents_and_gold(grids: list[Grid], tmp_path: Path) -> None:
    grid = next(g for g in grids if g.transposed)
    documents = build([grid], ["ruled", "symbol_font"], ["pdfplumber"], tmp_path)
    names = sorted(document.path.name for document in documents)
    assert names == sorted(f"{grid.id}__{style}{suffix}" for style in ("ruled", "symbol_font")
                           for suffix in (".pdf", "__pdfplumber.txt"))
    assert read_manifest(tmp_path / "manifest.csv") == documents
    symbol_text = (tmp_path / "docs" / f"{grid.id}__symbol_font__pdfplumber.txt").read_text(encoding="utf-8")
    assert "0.75 3 106/kg" in symbol_text
    for document in documents:
        folder = tmp_path / "gold" / document.doc_id
        with (folder / "trials.csv").open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
        assert tuple(reader.fieldnames or ()) == TRIAL_COLUMNS
        assert len(rows) == len(grid.trials)
        assert all(row["doc_id"] == document.doc_id and row["evidence"] == "" for row in rows)
        assert rows[0]["target_symbols"] == "TNFRSF17"
        with (folder / "tables" / f"{document.doc_id}__table1.csv").open(newline="", encoding="utf-8") as handle:
            assert list(csv.reader(handle)) == grid.cells  # transposed gold stays as printed
        with (folder / "tables.csv").open(newline="", encoding="utf-8") as handle:
            (table,) = list(csv.DictReader(handle))
        assert table["n_rows"] == str(len(grid.rows)) and table["orientation"] == "upright"
    assert {document.extractor for document in documents} == {PDF, "pdfplumber"}


def test_rotated_gold_says_rotated(grids: list[Grid], tmp_path: Path) -> None:
    build(grids[:1], ["rotated_cw"], [], tmp_path)
    with (tmp_path / "gold" / f"{grids[0].id}__rotated_cw" / "tables.csv").open(encoding="utf-8") as handle:
        (table,) = list(csv.DictReader(handle))
    assert table["orientation"] == "rotated" and table["page"] == "2"


def test_a_grid_too_tall_to_rotate_is_left_out(grids: list[Grid], tmp_path: Path) -> None:
    """Drawn off the page, its gold would be wrong; the style is skipped for that grid, with a warning."""
    tall = grids[0].model_copy(update={"rows": grids[0].rows * 20})
    with pytest.warns(UserWarning, match="not drawn as rotated_cw"):
        documents = build([tall], ["ruled", "rotated_cw"], [], tmp_path)
    assert [document.style for document in documents] == ["ruled"]
    assert not (tmp_path / "gold" / f"{tall.id}__rotated_cw").exists()


def test_fold() -> None:
    assert fold("2 × 10^6/kg") == fold("2 × 106/kg") == fold("2 ×  10 6/kg") == fold("2 × 10\n6/kg")
    assert fold("2 3 10 6") == "2 3 106"
    assert fold("62*") == fold("62 *") != fold("62")
    assert fold("'+ rituximab") == "+ rituximab" and fold("Patients\ninfused") == "Patients infused"
    assert fold("Lympho-\ndepletion") == "Lympho-depletion"
    assert fold("10 12") == "10 12"


def test_cell_scorer(grids: list[Grid]) -> None:
    for grid in grids:
        assert compare(grid.cells, grid.cells).share == 1.0
        shifted = [row[1:] + [""] for row in grid.cells]  # a column lost, the rest moved left
        assert compare(shifted, grid.cells).share < 0.5
        extra = [grid.cells[0], ["spurious"] * len(grid.header), *grid.cells[1:]]
        score = compare(extra, grid.cells)
        assert score.exact == sum(map(len, grid.cells)) and score.share < 1.0  # costs its own cells only
    assert compare([], grids[0].cells).share == 0.0
    assert pooled([CellScore(3, 4, 4), CellScore(0, 0, 6)]) == 0.3
    assert pooled([]) is None


def test_score_document_picks_the_matching_table(grids: list[Grid], tmp_path: Path) -> None:
    grid = grids[0]
    (tmp_path / "tables").mkdir()
    for number, cells in ((1, [["Other", "table"], ["a", "b"]]), (3, grid.cells)):
        with (tmp_path / "tables" / f"doc__table{number}.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(cells)
    (tmp_path / "tables" / "doc__x__table1.csv").write_text("not,this\n", encoding="utf-8")
    score = score_document(tmp_path, "doc", grid.cells)
    assert (score.table, score.tables_found, score.share) == (3, 2, 1.0)
    assert score_document(tmp_path, "none", grid.cells).share == 0.0


def test_holdout_rule() -> None:
    assert grid_held_back("grid_a_03") and grid_held_back("grid_b_12") and not grid_held_back("grid_a_04")
    ids = [f"grid_a_{n:02d}" for n in range(1, 31)]
    holdout = Holdout.default(ids)
    assert len(holdout.grids) == 10
    assert holdout.styles == HELD_BACK_STYLES == {"narrow", "rotated_cw"}
    assert holdout.extractors == HELD_BACK_EXTRACTORS == {"pdfminer"}
    assert holdout.held_parts("grid_a_03", "narrow", "pdfminer") == ("grid", "style", "extractor")
    assert holdout.held_parts("grid_a_01", "ruled", PDF) == ()


def test_holdout_file_replaces_parts(tmp_path: Path) -> None:
    path = tmp_path / "holdout.json"
    path.write_text(json.dumps({"styles": ["unruled"]}), encoding="utf-8")
    holdout = Holdout.from_file(path, ["grid_a_03"])
    assert holdout.styles == {"unruled"} and holdout.grids == {"grid_a_03"} and holdout.extractors == {"pdfminer"}


@pytest.mark.slow
def test_bench_forge_runs_on_the_fixtures(tmp_path: Path) -> None:
    """The whole bench on the fixture grids (builds 160 documents and runs confmine on them)."""
    confmine = Path(sys.executable).with_name("confmine")
    if not confmine.exists():
        pytest.skip("no confmine next to this interpreter")
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "forge.py"), "--grids", str(FIXTURES),
                           "--out", str(tmp_path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "forge_results.json").read_text(encoding="utf-8"))
    assert report["documents"] == 4 * len(STYLES) * (len(EXTRACTORS) + 1)
    assert {row["style"] for row in report["rows"]} == set(STYLES)
    assert (tmp_path / "forge_results.md").read_text(encoding="utf-8").startswith("# Table forge results")

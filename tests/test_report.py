"""The review report: a valid, self-contained page with every value linked to its evidence.

The fixture is a small output folder written by hand (the shape ``confmine run`` writes, offsets
computed from the text) plus a gold folder with known disagreements, so that each element the page
must show can be asserted exactly. One test opens the page in headless Chromium and checks the
screenshot is not blank; it is skipped only when Chromium is not installed.
"""

from __future__ import annotations

import csv
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.columns import ABBREVIATIONS, DOCUMENTS, ENTITIES, ERRORS, PRECLINICAL, TABLES, TRIALS
from pipeline.report import build_html, write_report
from pipeline.report.evidence import find_quote, quotes_for, split_quotes
from pipeline.report.text import Wrap, render_text, resolve_entities

DOC = "carnk_demo"
TEXT = (
    "Chimeric antigen receptor (CAR)-NK cells were tested in acute myeloid leukemia (AML).\n"
    "In NCT05008575, 10 patients with AML received CD33 CAR-NK cells; the ORR was 60%.\n"
    "One patient had grade 2 cytokine release syndrome (CRS). Stray markup <script>alert(1)</script> & co.\n"
    "Table 1 Outcomes of the trial\n"
)
TRIAL_QUOTES = ["In NCT05008575, 10 patients with AML received CD33 CAR-NK cells", "the ORR was 60%",
                "One patient had grade 2 cytokine release syndrome (CRS)",
                "NCT05008575 10 60%"]  # a row of the reconstructed table, as the record builder quotes it
CONFLICT = "n_patients: table says 12, prose says 10"
ERROR_MESSAGE = "No /Root object! - Is this really a PDF?"
MAX_BYTES = 2 * 1024 * 1024


def _span(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    return at, at + len(needle)


def _write(path: Path, columns: list[str], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})


def _entity(label: str, mention: str, nth: int = 0, **extra: str) -> dict:
    start, end = _span(TEXT, mention, nth)
    return {"doc_id": DOC, "label": label, "text": mention, "start": start, "end": end, "page": 1, **extra}


def make_run(base: Path, with_scores: bool = False) -> tuple[Path, Path]:
    """An output folder for one processed and one failed document, and a gold folder for it."""
    out, gold = base / "out", base / "gold"
    _write(out / "documents.csv", DOCUMENTS, [
        {"doc_id": DOC, "source_path": f"raw/{DOC}.txt", "kind": "txt", "pages": 1, "chars": len(TEXT),
         "status": "ok"},
        {"doc_id": "broken", "source_path": "raw/broken.pdf", "kind": "pdf", "status": "failed",
         "error": "PDFSyntaxError"},
    ])
    _write(out / "errors.csv", ERRORS, [{"doc_id": "broken", "source_path": "raw/broken.pdf", "stage": "ingest",
                                         "error_type": "PDFSyntaxError", "message": ERROR_MESSAGE}])
    abbreviations = []
    for short, long in (("CAR", "chimeric antigen receptor"), ("AML", "acute myeloid leukemia"),
                        ("CRS", "cytokine release syndrome")):
        start, end = _span(TEXT, f"({short})")
        abbreviations.append({"doc_id": DOC, "short_form": short, "long_form": long, "source": "inline",
                              "start": start + 1, "end": end - 1})
    _write(out / "abbreviations.csv", ABBREVIATIONS, abbreviations)
    _write(out / "entities.csv", ENTITIES, [
        _entity("DISEASE", "acute myeloid leukemia", normalized="acute myeloid leukemia"),
        _entity("DISEASE", "AML", normalized="acute myeloid leukemia"),
        _entity("TRIAL_ID", "NCT05008575", normalized="NCT05008575"),
        _entity("DISEASE", "AML", 1, normalized="acute myeloid leukemia"),
        _entity("TARGET", "CD33", normalized="CD33"),
        _entity("PRODUCT", "CD33 CAR-NK cells"),  # overlaps the TARGET: the longer one is drawn
        _entity("OUTCOME", "ORR", normalized="ORR", value="60", unit="%"),
        _entity("ADVERSE_EVENT", "cytokine release syndrome", normalized="cytokine release syndrome",
                value="2", unit="grade"),
        {"doc_id": DOC, "label": "TARGET", "text": "CD19", "start": 9999, "end": 10003},  # bad offsets
    ])
    _write(out / "tables.csv", TABLES, [{"doc_id": DOC, "table": 1, "caption": "Outcomes of the trial",
                                         "n_rows": 1, "n_cols": 3, "orientation": "upright",
                                         "footnotes": "ORR overall response rate | CRS cytokine release syndrome",
                                         "page": 1}])
    (out / "tables").mkdir()
    (out / "tables" / f"{DOC}__table1.csv").write_text("Trial,Patients,ORR\nNCT05008575,10,60%\n",
                                                        encoding="utf-8")
    trial = {"doc_id": DOC, "trial_id": "NCT05008575", "arm": "monotherapy", "phase": "I",
             "disease": "acute myeloid leukemia", "target_symbols": "CD33", "n_patients": "10", "orr_pct": "60",
             "crs": "grade 2 in 1 patient", "crs_max_grade": "2", "crs_n": "1",
             "evidence": " | ".join(TRIAL_QUOTES), "conflicts": CONFLICT}
    _write(out / "trials.csv", TRIALS, [trial])
    study = {"doc_id": DOC, "abstract_number": "1983", "disease": "multiple myeloma",
             "evidence": "tested in acute myeloid leukemia"}
    _write(out / "preclinical.csv", PRECLINICAL, [study])
    (out / "texts").mkdir()
    (out / "texts" / f"{DOC}.txt").write_text(TEXT, encoding="utf-8", newline="")
    if with_scores:
        _write(out / "scores.csv", ["doc_id", "file", "field", "tp", "fp", "fn", "precision", "recall", "f1"], [
            {"doc_id": "ALL", "file": "trials", "field": "orr_pct", "tp": 0, "fp": 1, "fn": 1, "precision": 0.0,
             "recall": 0.0, "f1": 0.0},
            {"doc_id": "ALL", "file": "trials", "field": "disease", "tp": 1, "fp": 0, "fn": 0, "precision": 1.0,
             "recall": 1.0, "f1": 1.0},
        ])
    gold_trial = {**trial, "orr_pct": "66.7", "evidence": "ORR 66.7% (Table 1) | the ORR was 60%"}
    gold_trial.pop("conflicts")
    _write(gold / DOC / "trials.csv", [c for c in TRIALS if c != "conflicts"], [gold_trial])
    _write(gold / DOC / "preclinical.csv", [c for c in PRECLINICAL if c != "conflicts"],
           [{**study, "disease": "acute myeloid leukemia"}])
    _write(gold / "not_run" / "trials.csv", [c for c in TRIALS if c != "conflicts"],
           [{"doc_id": "not_run", "trial_id": "NCT00000001", "arm": "monotherapy", "orr_pct": "50"}])
    return out, gold


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, str]:
    out, gold = make_run(tmp_path_factory.mktemp("report"))
    path = write_report(out, gold)
    return path, path.read_text(encoding="utf-8")


class TagChecker(HTMLParser):
    """Fails on any end tag that does not close the innermost open element (we write every end tag)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if "id" in found:
            self.ids.append(str(found["id"]))
        if tag == "a" and "href" in found:
            self.hrefs.append(str(found["href"]))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            self.problems.append(f"end tag for void element </{tag}>")
        elif not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()


def check(page: str) -> TagChecker:
    checker = TagChecker()
    checker.feed(page)
    checker.close()
    return checker


def test_page_is_well_formed_and_every_link_has_a_target(report):
    path, page = report
    assert path.name == "index.html" and path.parent.name == "report"
    assert page.startswith("<!DOCTYPE html>")
    checker = check(page)
    assert checker.problems == [] and checker.stack == []
    assert len(checker.ids) == len(set(checker.ids)), "duplicate ids"
    internal = [h[1:] for h in checker.hrefs if h.startswith("#")]
    assert set(internal) <= set(checker.ids)
    assert all(h.startswith("#") for h in checker.hrefs), "the page must not link out"
    assert not [p for p in path.parent.iterdir() if p.name != "index.html"], "temporary file left behind"


def test_page_is_self_contained_and_small(report):
    _, page = report
    assert len(page.encode("utf-8")) < MAX_BYTES
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co." in page


def test_entities_are_highlighted_with_their_labels(report):
    _, page = report
    marks = re.findall(r'<mark class="entity"[^>]*>(.*?)</mark>', page, flags=re.S)
    labels = re.findall(r'<span class="entity-label">([A-Z_]+)</span>', " ".join(marks))
    assert {"DISEASE", "TRIAL_ID", "PRODUCT", "OUTCOME", "ADVERSE_EVENT"} <= set(labels)
    assert 'title="OUTCOME · ORR · 60 %"' in page
    assert "entities overlap a longer one" in page and "CD33" in page
    assert "offsets outside the text" in page


def test_abbreviations_show_their_long_form(report):
    _, page = report
    assert '<abbr title="acute myeloid leukemia">AML</abbr>' in page
    assert '<abbr title="cytokine release syndrome">CRS</abbr>' in page
    assert page.count('<abbr title="acute myeloid leukemia">AML</abbr>') >= 3  # every mention, and the list


def test_reconstructed_table_is_an_html_table(report):
    _, page = report
    assert "<caption" in page and "Table 1. Outcomes of the trial (page 1, upright)" in page
    assert '<th scope="col">Patients</th>' in page
    assert re.search(r'<tr id="doc-\d+-table-1-row-1"><td>NCT05008575</td><td>10</td><td>60%</td></tr>', page)
    assert "<li>CRS cytokine release syndrome</li>" in page


def test_record_cells_link_to_their_evidence_span(report):
    _, page = report
    cell = re.search(r'<a href="#(doc-\d+-ev-(\d+)-(\d+))" title="[^"]*">10</a>', page)
    assert cell, "n_patients cell is not linked"
    start, end = int(cell.group(2)), int(cell.group(3))
    assert TEXT[start:end] == TRIAL_QUOTES[0]
    assert f'<span id="{cell.group(1)}" class="evidence">' in page
    orr = re.search(r'<a href="#doc-\d+-ev-(\d+)-(\d+)" title="[^"]*">60</a>', page)
    assert orr and TEXT[int(orr.group(1)):int(orr.group(2))] == "the ORR was 60%"
    row = re.search(r'<a href="#(doc-\d+-table-1-row-1)"><q>NCT05008575 10 60%</q> \(table 1, row 1\)</a>', page)
    assert row and f'<tr id="{row.group(1)}">' in page


def test_conflicts_and_errors_are_shown(report):
    _, page = report
    assert f'<strong class="flag">Conflict:</strong> {CONFLICT}' in page
    assert 'class="has-conflict"' in page
    errors = page[page.index('id="error-list"'):]
    assert "<td>PDFSyntaxError</td>" in errors and "No /Root object! - Is this really a PDF?" in errors
    assert "Failed:" in page  # the failed document is flagged in words, not only in colour


def test_disagreements_list_both_values_and_quotes(report):
    _, page = report
    start = page.index('id="disagreement-list"')
    listing = page[start:page.index("</table>", start)]
    orr = next(r for r in listing.split("<tr")[1:] if "<td>orr_pct</td>" in r)
    assert "<strong>60</strong>" in orr and "<strong>66.7</strong>" in orr
    assert "the ORR was 60%" in orr and "ORR 66.7% (Table 1)" in orr and "not found in the text" in orr
    disease = next(r for r in listing.split("<tr")[1:] if "<td>preclinical</td>" in r)
    assert "multiple myeloma" in disease and "acute myeloid leukemia" in disease
    assert "different value" in orr
    assert "Gold documents not in this run (1)" in page and "<td>not_run</td>" in page


def test_score_chart_without_scores_csv_is_computed_from_gold(report):
    _, page = report
    svg = re.search(r'<svg[^>]*role="img"[^>]*>.*?</svg>', page, flags=re.S)
    assert svg and ">orr_pct</text>" in svg.group(0) and "<title" in svg.group(0)
    assert ">0.00</text>" in svg.group(0) and ">1.00</text>" in svg.group(0)
    assert ">reference</text>" not in svg.group(0)  # stated nowhere: not a success worth a full bar
    assert "Stated neither in the prediction nor in gold" in page
    assert "scores.csv is not in the output folder" in page


def test_score_chart_reads_scores_csv(tmp_path):
    out, gold = make_run(tmp_path, with_scores=True)
    page = build_html(out, gold)
    assert "From scores.csv" in page
    charts = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(charts) == 1 and ">disease</text>" in charts[0] and ">1.00</text>" in charts[0]
    assert check(page).problems == []


def test_report_opens_on_an_empty_or_partial_folder(tmp_path):
    path = write_report(tmp_path)
    page = path.read_text(encoding="utf-8")
    assert "No documents in this run." in page and check(page).problems == []
    _write(tmp_path / "documents.csv", DOCUMENTS, [{"doc_id": "x", "status": "ok"}])
    (tmp_path / "trials.csv").write_bytes(b"doc_id,trial_id\nx,\xff\xfe\n")  # not UTF-8
    page = build_html(tmp_path, tmp_path / "no_gold")
    assert "Could not read trials.csv" in page and "texts/x.txt" in page
    assert "does not exist" in page and check(page).problems == []


def test_text_markup_keeps_every_character_whatever_the_overlaps():
    text = "CAR-NK cells in AML\nand\nrelapsed AML & MM <b>"
    rows = [{"label": "DISEASE", "text": "AML", "start": str(s), "end": str(s + 3)}
            for s in (text.index("AML"), text.rindex("AML"))]
    entities, warnings = resolve_entities(text, rows, "t")
    assert warnings == []
    wraps = [Wrap(0, 3, "abbr", 'title="chimeric antigen receptor"'), Wrap(7, 30, "span", 'class="evidence"', "e1"),
             Wrap(17, 45, "span", 'class="evidence"', "e2")]
    markup, problems = render_text(text, entities, wraps)
    assert problems == []
    checker = check(markup)
    assert checker.problems == [] and checker.stack == []
    assert markup.count('id="e1"') == 1 and markup.count('id="e2"') == 1

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.label = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.label = ("class", "entity-label") in attrs
            if tag == "br":
                self.parts.append("\n")

        def handle_endtag(self, tag: str) -> None:
            self.label = False

        def handle_data(self, data: str) -> None:
            if not self.label:
                self.parts.append(data)

    reader = Text()
    reader.feed(markup)
    assert "".join("".join(reader.parts).split()) == "".join(text.split())


def test_quotes_are_found_across_line_breaks_and_matched_to_values():
    assert find_quote("the ORR\nwas 60% here", "the ORR was 60%") == (0, 15)
    assert find_quote("nothing here", "absent") is None
    quotes = split_quotes("In AML, 10 patients | the ORR was 60% | ")
    forms = {"acute myeloid leukemia": {"AML"}}
    assert quotes_for("acute myeloid leukemia", quotes, forms) == ["In AML, 10 patients"]
    assert quotes_for("60", quotes, forms) == ["the ORR was 60%"]
    assert quotes_for("1", quotes, forms) == []  # a digit inside "10" is not the value 1


def test_typical_document_stays_under_2_mb(tmp_path):
    out, _ = make_run(tmp_path)
    text = TEXT * 300  # ~80,000 characters, ~2,400 entities: longer than a typical summary
    (out / "texts" / f"{DOC}.txt").write_text(text, encoding="utf-8", newline="")
    rows = []
    for k in range(300):
        for label, mention in (("DISEASE", "acute myeloid leukemia"), ("TRIAL_ID", "NCT05008575"),
                               ("DISEASE", "AML"), ("OUTCOME", "ORR"), ("ADVERSE_EVENT", "cytokine release")):
            start = k * len(TEXT) + TEXT.index(mention)
            rows.append({"doc_id": DOC, "label": label, "text": mention, "start": start,
                         "end": start + len(mention)})
    _write(out / "entities.csv", ENTITIES, rows)
    page = build_html(out)
    assert len(page.encode("utf-8")) < MAX_BYTES
    drawn = page[page.index('<div class="doc-text">'):]
    assert drawn.count('<mark class="entity"') == len(rows)


# --- headless Chromium -----------------------------------------------------------------------------

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        pytest.skip("Chromium is not installed (Debian package `chromium`); cannot render the report")
    return found


def _png_pixels(path: Path) -> tuple[int, float]:
    """(distinct colours, share of non-white pixels) of a screenshot: with Pillow if installed, else zlib."""
    try:
        from PIL import Image
    except ImportError:
        return _png_pixels_zlib(path)
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 24) or []
        white = sum(n for n, c in colours if c == (255, 255, 255))
        return len(colours), 1 - white / (rgb.width * rgb.height)


def _png_pixels_zlib(path: Path, max_rows: int = 400) -> tuple[int, float]:
    """The same for the top ``max_rows`` rows of an 8-bit RGB/RGBA PNG (what Chromium writes), with zlib only."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 3
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and color in (2, 6)
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    colours: set[bytes] = set()
    ink = 0
    height = min(height, max_rows)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):  # undo the PNG row filter
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        if y % 4 == 0:  # every fourth row is plenty to tell a page from a blank
            for x in range(0, stride, channels):
                pixel = bytes(line[x:x + 3])
                colours.add(pixel)
                ink += pixel != b"\xff\xff\xff"
        previous = line
    sampled = len(range(0, height, 4)) * width
    return len(colours), ink / sampled


def test_report_renders_in_headless_chromium(report, tmp_path):
    chromium = _chromium()
    path, page = report
    shot = tmp_path / "report.png"
    flags = [*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    subprocess.run([chromium, *flags, f"--screenshot={shot}", "--window-size=1200,2000", path.as_uri()],
                   check=True, capture_output=True, timeout=60)
    colours, ink = _png_pixels(shot)
    assert colours > 20 and ink > 0.02, f"screenshot looks blank ({colours} colours, {ink:.1%} ink)"
    assert _png_pixels_zlib(shot)[0] > 20
    dom = subprocess.run([chromium, *flags, "--dump-dom", path.as_uri()], check=True, capture_output=True,
                         text=True, timeout=60).stdout
    for element in ("<mark", "<abbr", "<tr", "<svg", "<caption", "<section", "<h2"):
        assert dom.count(element) == page.count(element), f"Chromium re-nested {element} elements"
    assert 'id="disagreement-list"' in dom and 'id="error-list"' in dom

"""Hostile and unlucky inputs: none loses a run, none gives a silent wrong value, none hangs.

Time budgets are multiples of the bare spaCy tokenizer's time on the same amount of ordinary summary
text, measured in this process (the tokenizer itself is quadratic on some of these inputs, such as
20,000 "(", so its time on the hostile text is no floor); every document must stay within them.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import hostile
import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import extract_document
from pipeline.batch import OutputsLocked, outputs_lock, run_batch
from pipeline.ner import build_nlp

ROOT = Path(__file__).resolve().parents[1]
# A document may take this many times what the bare tokenizer takes for as many characters of ordinary
# text (the whole pipeline runs at about 12 tokenizer-times), plus a fixed allowance for what does not
# grow with the text (opening a file, a PDF's document structure).
BUDGET_MULTIPLE = 60
FIXED_SECONDS = 1.5


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


@pytest.fixture(scope="module")
def seconds_per_char() -> float:
    """The bare tokenizer's time per character of ordinary summary text (a cold tokenizer, best of three)."""
    text = hostile.EXAMPLE.read_text(encoding="utf-8")
    best = float("inf")
    for _ in range(3):
        tokenizer = spacy.blank("en").tokenizer
        started = time.process_time()
        tokenizer(text)
        best = min(best, time.process_time() - started)
    return best / len(text)


def _budget(path: Path, seconds_per_char: float) -> float:
    return BUDGET_MULTIPLE * seconds_per_char * path.stat().st_size + FIXED_SECONDS


@pytest.mark.parametrize("make", [hostile.digits, hostile.brackets, hostile.blank_lines, hostile.over_a_million,
                                  hostile.repeated_block, hostile.spaced_aligned_tables])
def test_hostile_texts_are_read_within_their_budget(tmp_path: Path, nlp, seconds_per_char: float, make) -> None:
    path = make(tmp_path)
    started = time.process_time()
    result = extract_document(path, nlp=nlp, max_bytes=10**8)
    spent = time.process_time() - started
    assert result.info.status == "ok", result.errors
    assert spent <= _budget(path, seconds_per_char), f"{path.name}: {spent:.2f} s"


# What reading one hostile input under 1 MB may add to a process's peak memory (the bound).
MEMORY_BUDGET = 1024 * 1024 * 1024
_PEAK_GROWTH = """
import resource, sys
from pathlib import Path
from pipeline import extract_document
from pipeline.ner import build_nlp
nlp = build_nlp()
extract_document(Path(sys.argv[2]), nlp=nlp)  # the first document warms what every document shares
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = extract_document(Path(sys.argv[1]), nlp=nlp, max_bytes=10**8)
assert result.info.status == "ok", result.errors
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024)
"""


@pytest.mark.parametrize("make", [hostile.digits, hostile.brackets, hostile.blank_lines, hostile.over_a_million])
def test_hostile_texts_are_read_within_the_memory_budget(tmp_path: Path, make) -> None:
    """Peak memory measured in a process of its own (a process's peak only grows, so one shared with
    other tests would hide a document's growth)."""
    path = make(tmp_path)
    assert path.stat().st_size < 1024 * 1024
    done = subprocess.run([sys.executable, "-c", _PEAK_GROWTH, str(path), str(hostile.EXAMPLE)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) <= MEMORY_BUDGET


def test_a_pdf_naming_one_trial_per_page_is_read_in_linear_time(tmp_path: Path, nlp) -> None:
    path = hostile.pages_pdf(tmp_path, pages=600)
    started = time.process_time()
    result = extract_document(path, nlp=nlp, max_bytes=10**8)
    assert result.info.status == "ok" and len(result.trials) == 600
    assert time.process_time() - started < 60  # 2,000 pages took 75 s when each trial re-read the whole text


def test_repeated_lines_that_differ_in_numbers_are_not_running_heads(tmp_path: Path, nlp) -> None:
    tables = extract_document(hostile.spaced_aligned_tables(tmp_path), nlp=nlp)
    assert len(tables.tables) == 3
    block = extract_document(hostile.repeated_block(tmp_path), nlp=nlp)
    assert block.info.status == "ok" and len(block.text) > 1000


def test_a_stray_byte_does_not_make_a_utf8_file_cp1252(tmp_path: Path, nlp) -> None:
    result = extract_document(hostile.stray_byte(tmp_path), nlp=nlp)
    assert "6 × 10^8" in result.text and "Ã" not in result.text
    assert any("not UTF-8" in w for w in result.warnings)
    assert [e.value for e in result.entities if e.label == "DOSE"] == [6e8]


def test_fullwidth_digits_utf16_utf32_and_right_to_left_marks(tmp_path: Path, nlp) -> None:
    wide = extract_document(hostile.fullwidth(tmp_path), nlp=nlp)
    (arm,) = wide.trials
    assert (arm.n_patients, arm.orr_pct) == (10, 60)
    for make in (hostile.utf16, hostile.utf32):
        result = extract_document(make(tmp_path), nlp=nlp)
        assert result.info.status == "ok" and [t.n_patients for t in result.trials] in ([9], [7])
    rtl = extract_document(hostile.rtl_mark(tmp_path), nlp=nlp)
    assert [e.text for e in rtl.entities if e.label == "DISEASE"] == ["AML"]


def test_formula_cells_are_written_as_text_and_read_back(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    hostile.formula_cells(folder)
    run_batch([folder], tmp_path / "out")
    for name in ("trials.csv", "entities.csv", "tables/formula__table1.csv"):
        for row in csv.reader((tmp_path / "out" / name).open(encoding="utf-8")):
            for cell in row:
                if cell and not _is_number(cell):
                    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
    products = {r["trial_id"]: r["product"] for r in _rows(tmp_path / "out" / "trials.csv")}
    assert products["NCT04444444"].startswith("'=HYPERLINK")  # the product reader drops the "(...)"
    from pipeline.score import _read

    assert products["NCT04444444"][1:] in set(_read(tmp_path / "out" / "trials.csv")["product"])


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_outputs_inside_the_input_folder_are_not_read_back(tmp_path: Path) -> None:
    shutil_copy(hostile.EXAMPLE, tmp_path / "example.txt")
    first = run_batch([tmp_path], tmp_path)
    (tmp_path / "tables").mkdir(exist_ok=True)
    (tmp_path / "tables" / "stale__table9.csv").write_text("x\n1\n")
    (tmp_path / "texts" / "stale.txt").write_text("CD19 CAR-T cells (NCT04999999) treated 9 patients.\n")
    second = run_batch([tmp_path], tmp_path)
    assert first.documents == second.documents == 1  # the texts it wrote are not read back as inputs
    assert not (tmp_path / "tables" / "stale__table9.csv").exists()
    assert not (tmp_path / "texts" / "stale.txt").exists()


def shutil_copy(source: Path, target: Path) -> None:
    target.write_bytes(source.read_bytes())


def test_a_stored_result_is_not_reused_under_a_smaller_max_bytes(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil_copy(hostile.EXAMPLE, folder / "example.txt")
    run_batch([folder], tmp_path / "out")
    summary = run_batch([folder], tmp_path / "out", max_bytes=1000)
    assert summary.failed == 1
    assert "over the limit" in _rows(tmp_path / "out" / "documents.csv")[0]["error"]


def test_a_second_run_into_the_same_folder_stops(tmp_path: Path) -> None:
    with outputs_lock(tmp_path), pytest.raises(OutputsLocked):
        run_batch([hostile.EXAMPLE], tmp_path)


def test_every_hostile_input_in_one_batch(tmp_path: Path) -> None:
    """All of them beside the example: the example as in a clean run, each other input read or one error
    row, exit code 1 for the failures only, no process left behind."""
    clean = tmp_path / "clean"
    run_batch([hostile.EXAMPLE], clean)
    folder = tmp_path / "in"
    folder.mkdir()
    shutil_copy(hostile.EXAMPLE, folder / hostile.EXAMPLE.name)
    made = [hostile.long_stem(folder), hostile.cjk_stem(folder), *hostile.same_bytes_txt_and_pdf(folder),
            *hostile.same_stem(folder), hostile.stray_byte(folder), hostile.fullwidth(folder), hostile.utf16(folder),
            hostile.digits(folder), hostile.brackets(folder), hostile.inflating_pdf(folder), hostile.sparse(folder),
            hostile.fifo(folder), hostile.device_link(folder)]
    out = tmp_path / "out"
    started = time.monotonic()
    command = [sys.executable, "-c", "from pipeline.cli import app; app()", "run", str(folder), "--out", str(out),
               "--workers", "2", "--max-bytes", "1000000", "--doc-timeout", "60"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert time.monotonic() - started < 300
    assert done.returncode == 1, done.stderr[-2000:]
    documents = {r["source_path"]: r for r in _rows(out / "documents.csv")}
    errors = _rows(out / "errors.csv")
    failed = {Path(p).name for p, r in documents.items() if r["status"] == "failed"}
    assert failed == {"seed_copy.pdf", "inflating.pdf", "sparse.txt"}
    assert {Path(e["source_path"]).name for e in errors if e["stage"] == "input"} == {"pipe.txt", "zero.txt"}
    ids = [r["doc_id"] for r in documents.values()]
    assert len(ids) == len(set(ids)) == len(made) - 2 + 1
    assert all(len(i.encode()) <= 200 for i in ids)
    for name in ("trials.csv", "entities.csv", "abbreviations.csv"):
        example = [r for r in _rows(out / name) if r["doc_id"] == hostile.EXAMPLE.stem]
        assert example == _rows(clean / name), name
    assert (out / "texts" / "seed.txt").exists()
    assert not _alive(str(folder))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are tied to the run on Linux only")
def test_kill_9_of_the_run_leaves_no_worker(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(4):
        hostile.over_a_million(folder).rename(folder / f"long{i}.txt")
        (folder / f"long{i}.txt").open("a").write(f"copy {i}\n")
    command = [sys.executable, "-c", "from pipeline.cli import app; app()", "run", str(folder), "--out",
               str(tmp_path / "out"), "--workers", "2"]
    run = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _children(run.pid):
        time.sleep(0.2)
    assert _children(run.pid), "no worker started"
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(str(folder)):
        time.sleep(0.2)
    assert not _alive(str(folder))


def _children(pid: int) -> list[str]:
    listing = subprocess.run(["ps", "-eo", "ppid"], capture_output=True, text=True).stdout.split()
    return [p for p in listing if p == str(pid)]


def _alive(marker: str) -> bool:
    return any(marker in line for line in subprocess.run(["ps", "-eo", "args"], capture_output=True,
                                                         text=True).stdout.split("\n"))


_RUNS = st.sampled_from(["1", "(", ")", "[", "-", " ", "\n", "%", "×", "10", "CD19", "NCT0", "e", ".", ",", "\t",
                         "|", "*", "≥", "Table 1", "n = ", "\u200f", "１"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_RUNS, st.integers(min_value=1, max_value=3000)), min_size=1, max_size=6))
def test_generated_hostile_texts_stay_within_the_budget(tmp_path: Path, nlp, seconds_per_char: float, runs) -> None:
    """Long runs of one character class, repeated blocks and brackets, mixed: linear work, no failure."""
    path = tmp_path / "fuzz.txt"
    path.write_text("".join(piece * count for piece, count in runs) + "\nCD19 CAR-T (NCT01234567).\n")
    started = time.process_time()
    result = extract_document(path, nlp=nlp, max_bytes=10**8)
    assert time.process_time() - started <= _budget(path, seconds_per_char)
    assert result.info.status == "ok" or result.info.error.startswith("ingest: empty"), result.errors

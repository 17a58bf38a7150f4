"""Batch runs: bad inputs fail alone, outputs are identical for any worker count, runs resume."""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.batch import _forks, run_batch
from pipeline.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "raw" / "huang2023_carnk_ash2022.txt"
OUTPUTS = ["documents.csv", "errors.csv", "abbreviations.csv", "entities.csv", "tables.csv", "trials.csv",
           "preclinical.csv"]


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    (folder / "second.txt").write_text(
        "Clinical update\n\nIn the phase II study NCT04567890, 24 patients with relapsed large B-cell "
        "lymphoma received CD19 CAR T cells at 2 × 10^6 cells/kg; the ORR was 75% and CR 50%. "
        "Grade 3 CRS occurred in two patients (Abstract 812) [3].\n", encoding="utf-8")
    return folder


def _read_all(out: Path) -> dict[str, str]:
    found = {name: (out / name).read_text(encoding="utf-8") for name in OUTPUTS}
    for table in sorted((out / "tables").glob("*.csv")):
        found[table.name] = table.read_text(encoding="utf-8")
    return found


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("ref")
    corpus = _corpus(base / "in")
    summary = run_batch([corpus], base / "out", workers=1)
    return corpus, base / "out", summary


def test_every_output_is_written(reference_run):
    _corpus_dir, out, summary = reference_run
    assert summary.ok and summary.documents == 2
    for name in OUTPUTS:
        assert (out / name).exists(), name
    docs = pd.read_csv(out / "documents.csv")
    assert list(docs.columns[:8]) == ["doc_id", "source_path", "sha256", "kind", "pages", "chars", "status", "error"]
    assert set(docs.status) == {"ok"}
    trials = pd.read_csv(out / "trials.csv", dtype=str)
    assert "NCT04567890" in set(trials.trial_id)


def test_two_workers_give_identical_outputs(reference_run, tmp_path):
    corpus, out, _ = reference_run
    run_batch([corpus], tmp_path / "out2", workers=2)
    assert _read_all(tmp_path / "out2") == _read_all(out)


def test_workers_are_replaced_in_generations_with_unchanged_outputs(tmp_path, monkeypatch):
    """Each worker lives a bounded number of documents; replacing them changes nothing in the outputs."""
    import pipeline.batch as batch

    corpus = tmp_path / "in"
    corpus.mkdir()
    for i in range(5):
        (corpus / f"doc{i}.txt").write_text(
            f"Update {i}\n\nIn the phase II study NCT0456789{i}, {20 + i} patients with relapsed large B-cell "
            f"lymphoma received CD19 CAR T cells; the ORR was {60 + i}%.\n", encoding="utf-8")
    run_batch([corpus], tmp_path / "one", workers=1)
    pools = []
    real = batch._executor
    monkeypatch.setattr(batch, "TASKS_PER_WORKER", 1)
    monkeypatch.setattr(batch, "_executor", lambda workers: pools.append(workers) or real(workers))
    summary = run_batch([corpus], tmp_path / "two", workers=2)
    assert summary.ok and summary.documents == 5
    assert _read_all(tmp_path / "two") == _read_all(tmp_path / "one")
    assert len(pools) == (3 if batch._forks() else 1)  # 2 documents a generation on forking platforms


@pytest.mark.skipif(not _forks(), reason="workers are forked only where the platform forks")
def test_no_display_thread_runs_while_confmine_run_forks_its_workers(tmp_path, monkeypatch):
    """The progress bar is shown while workers are forked: a thread of its own, caught writing to the
    terminal at a fork, would leave the child's stream locked, so the run must start none."""
    import pipeline.batch as batch

    corpus = _corpus(tmp_path / "in")
    before = set(threading.enumerate())
    started_at_fork: list[list[str]] = []
    real = batch._executor

    def executor(workers):
        started_at_fork.append([t.name for t in threading.enumerate() if t not in before])
        return real(workers)

    monkeypatch.setattr(batch, "_executor", executor)
    result = CliRunner().invoke(app, ["run", str(corpus), "--out", str(tmp_path / "out"), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert started_at_fork == [[]]


@pytest.mark.skipif(not _forks(), reason="spawned workers do not inherit the slowed stage")
def test_a_display_is_refreshed_while_workers_are_busy(reference_run, tmp_path, monkeypatch):
    """``on_wait`` keeps a display's clock moving during a slow document (workers=2: on a pool)."""
    import pipeline.batch as batch
    import pipeline.extract

    corpus, out, _ = reference_run
    real = pipeline.extract.find_tables

    def slow(doc, abbreviations=None):
        time.sleep(3 * batch.HEARTBEAT)
        return real(doc, abbreviations)

    monkeypatch.setattr(pipeline.extract, "find_tables", slow)
    beats: list[float] = []
    run_batch([corpus], tmp_path / "out", workers=2, on_wait=lambda: beats.append(time.monotonic()))
    assert len(beats) >= 2
    assert _read_all(tmp_path / "out") == _read_all(out)


def test_workers_exempt_the_built_pipeline_from_garbage_collection():
    """A worker freezes what it holds once the pipeline is built (full collections would walk it);
    the calling process is left alone."""
    import pipeline.batch as batch

    with batch._executor(1) as pool:
        assert pool.submit(_pipeline_is_frozen).result()
    assert gc.get_freeze_count() == 0


def _pipeline_is_frozen() -> bool:
    """In a worker: its spaCy pipeline is no longer among the objects the collector walks."""
    from pipeline.batch import _worker_nlp

    nlp = _worker_nlp()
    return gc.get_freeze_count() > 0 and not any(found is nlp for found in gc.get_objects())


def test_rerun_skips_unchanged_documents_and_force_redoes_them(reference_run, tmp_path):
    corpus, out, _ = reference_run
    target = tmp_path / "out"
    first = run_batch([corpus], target)
    again = run_batch([corpus], target)
    assert first.skipped == 0 and again.skipped == 2
    assert _read_all(target) == _read_all(out)
    forced = run_batch([corpus], target, force=True)
    assert forced.skipped == 0


def test_bad_inputs_fail_alone(reference_run, tmp_path):
    _corpus_dir, out, _ = reference_run
    folder = tmp_path / "mixed"
    shutil.copytree(reference_run[0], folder)
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (folder / "copy_of_example.txt").write_bytes(EXAMPLE.read_bytes())
    summary = run_batch([folder, tmp_path / "missing.txt"], tmp_path / "out")
    errors = pd.read_csv(tmp_path / "out" / "errors.csv", dtype=str)
    assert set(errors.doc_id) >= {"empty", "binary", "missing"}
    assert errors.groupby("doc_id").size().max() == 1
    docs = pd.read_csv(tmp_path / "out" / "documents.csv", dtype=str, keep_default_na=False)
    twins = docs.set_index("doc_id").loc[["copy_of_example", "huang2023_carnk_ash2022"], "error"]
    assert sorted(e.startswith("duplicate of") for e in twins) == [False, True]
    assert not summary.ok
    example = "huang2023_carnk_ash2022"
    for name in ("trials.csv", "preclinical.csv", "entities.csv"):
        mine = pd.read_csv(tmp_path / "out" / name, dtype=str)
        ref = pd.read_csv(out / name, dtype=str)
        pd.testing.assert_frame_equal(mine[mine.doc_id == example].reset_index(drop=True),
                                      ref[ref.doc_id == example].reset_index(drop=True))


def test_max_bytes_rejects_large_files(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "big.txt").write_text("CD19 CAR T cells. " * 500)
    run_batch([folder], tmp_path / "out", max_bytes=1000)
    errors = pd.read_csv(tmp_path / "out" / "errors.csv", dtype=str)
    assert "over the limit" in errors.message[0]


def test_cli_exit_codes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_text("")
    cmd = [sys.executable, "-m", "pipeline.cli"]
    bad = subprocess.run([*cmd, "run", str(folder), "--out", str(tmp_path / "o"), "--workers", "1"],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "empty" in bad.stderr
    usage = subprocess.run([*cmd, "run", "--no-such-option"], capture_output=True, text=True)
    assert usage.returncode == 2


def test_dask_backend_gives_byte_identical_csvs(reference_run, tmp_path):
    corpus, out, _ = reference_run
    run_batch([corpus], tmp_path / "dask", backend="dask")
    assert _read_all(tmp_path / "dask") == _read_all(out)


def test_a_killed_runs_temporary_files_are_removed_and_a_failed_documents_copy_fails_alone(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "empty_a.txt").write_text("")
    (corpus / "empty_b.txt").write_text("")  # the same (empty) content: processed once
    out = tmp_path / "out"
    (out / "tables").mkdir(parents=True)
    leftovers = [out / ".trials.csv.x1y2.tmp", out / "tables" / ".doc__table1.csv.abc.tmp"]
    for leftover in leftovers:
        leftover.write_text("half")
    summary = run_batch([corpus], out)
    assert not any(leftover.exists() for leftover in leftovers)
    documents = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
    assert sorted(documents.doc_id) == ["empty_a", "empty_b"]
    assert set(documents.status) == {"failed"} and summary.failed == 2
    copy = documents[documents.doc_id == "empty_b"].iloc[0]
    assert "duplicate of" in copy.error
    errors = pd.read_csv(out / "errors.csv", dtype=str, keep_default_na=False)
    assert sorted(errors.doc_id) == ["empty_a", "empty_b"]


def test_stored_results_are_keyed_by_the_code_that_made_them(tmp_path: Path) -> None:
    from pipeline.batch import pipeline_version

    package = tmp_path / "pkg"
    (package / "data").mkdir(parents=True)
    (package / "stage.py").write_text("RULE = 1\n")
    (package / "data" / "terms.tsv").write_text("alias\tsource\n")
    before = pipeline_version(package)
    (package / "stage.py").write_text("RULE = 2\n")
    pipeline_version.cache_clear()
    after_code = pipeline_version(package)
    (package / "data" / "terms.tsv").write_text("alias\tsource\nCD19\tHGNC\n")
    pipeline_version.cache_clear()
    after_data = pipeline_version(package)
    pipeline_version.cache_clear()
    assert len({before, after_code, after_data}) == 3


def test_a_rerun_removes_the_grids_and_texts_it_no_longer_writes(tmp_path: Path) -> None:
    """The output folder holds one run's outputs: a grid or text an earlier run wrote for a document
    that is gone is deleted, every one this run wrote is kept."""
    corpus = _corpus(tmp_path / "in")
    out = tmp_path / "out"
    run_batch([corpus], out)
    kept = sorted(p.name for p in (out / "tables").iterdir()) + sorted(p.name for p in (out / "texts").iterdir())
    (out / "tables" / "gone__table1.csv").write_text("a,b\n1,2\n")
    (out / "texts" / "gone.txt").write_text("an earlier run's text")
    run_batch([corpus], out)
    after = sorted(p.name for p in (out / "tables").iterdir()) + sorted(p.name for p in (out / "texts").iterdir())
    assert after == kept and any(name.endswith(".csv") for name in kept) and any(n.endswith(".txt") for n in kept)

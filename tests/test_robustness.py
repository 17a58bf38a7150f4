"""One batch of many kinds of bad input beside the example: each fails alone, the rest is untouched."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pdfgen
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.batch import run_batch
from pipeline.fields.dose import parse_doses
from pipeline.ingest.fragments import find_fragment_runs
from pipeline.ingest.text import ingest_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "raw" / "huang2023_carnk_ash2022.txt"
DOC = "huang2023_carnk_ash2022"


def _bad_inputs(folder: Path) -> tuple[list[Path], set[str]]:
    """At least fifteen kinds of bad input; returns the extra paths to name and every bad doc_id."""
    folder.mkdir()
    (folder / "empty.txt").write_text("")
    (folder / "blank.txt").write_text(" \n\t\n\u00a0\n")
    (folder / "garbage.txt").write_bytes(os.urandom(4096).replace(b"\x00", b"\x01") + b"\x00" * 64)
    (folder / "nul_inside.txt").write_bytes(b"CD19 CAR T cells\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")
    (folder / "pdf_named_txt.txt").write_bytes(pdfgen._one_page())
    pdfgen.truncated_pdf(folder / "truncated.pdf")
    pdfgen.corrupt_pdf(folder / "corrupt.pdf")
    pdfgen.encrypted_pdf(folder / "encrypted.pdf")
    pdfgen.zero_page_pdf(folder / "zero_pages.pdf")
    pdfgen.image_only_pdf(folder / "scanned.pdf")
    (folder / "huge.txt").write_text("CD19 CAR T cells were given. " * 40_000)
    (folder / "loop_a.txt").symlink_to(folder / "loop_b.txt")
    (folder / "loop_b.txt").symlink_to(folder / "loop_a.txt")
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    notes = folder.parent / "notes.docx"
    notes.write_text("not a supported format")
    empty_dir = folder.parent / "nothing_here"
    empty_dir.mkdir()
    missing = folder.parent / "missing.txt"
    extra = [notes, empty_dir, missing]
    bad = {"empty", "blank", "garbage", "nul_inside", "truncated", "corrupt", "encrypted",
           "zero_pages", "scanned", "huge", "loop_a", "loop_b", "dangling", "notes", "nothing_here", "missing"}
    return extra, bad


def test_fifteen_kinds_of_bad_input_fail_alone(tmp_path):
    clean = tmp_path / "clean"
    run_batch([EXAMPLE], clean)

    folder = tmp_path / "in"
    extra, bad = _bad_inputs(folder)
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    (folder / "legacy_cp1252.txt").write_bytes("CD19 CAR T cells \u2013 r\u00e9sum\u00e9 of ASH".encode("cp1252"))
    assert len(bad) >= 15
    summary = run_batch([folder, *extra], tmp_path / "out", max_bytes=1_000_000)
    assert not summary.ok

    errors = pd.read_csv(tmp_path / "out" / "errors.csv", dtype=str, keep_default_na=False)
    per_doc = errors.groupby("doc_id").size()
    assert set(per_doc.index) >= bad
    assert all(per_doc[doc] == 1 for doc in bad), per_doc.to_dict()
    assert all(len(message.splitlines()) == 1 and message for message in errors.message)
    assert "OCR not supported" in errors.set_index("doc_id").loc["scanned", "message"]
    assert "encrypted" in errors.set_index("doc_id").loc["encrypted", "message"].lower()
    assert DOC not in set(errors.doc_id)

    docs = pd.read_csv(tmp_path / "out" / "documents.csv", dtype=str, keep_default_na=False).set_index("doc_id")
    assert docs.loc[DOC, "status"] == "ok" and docs.loc["legacy_cp1252", "status"] == "ok"
    assert docs.loc["pdf_named_txt", "status"] == "ok"  # read as the PDF it is
    assert docs.loc["legacy_cp1252", "encoding"] == "cp1252"
    for name in ("trials.csv", "preclinical.csv", "entities.csv", "abbreviations.csv", "tables.csv"):
        mine = pd.read_csv(tmp_path / "out" / name, dtype=str, keep_default_na=False)
        ref = pd.read_csv(clean / name, dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(
            mine[mine.doc_id == DOC].reset_index(drop=True), ref[ref.doc_id == DOC].reset_index(drop=True)
        )


def test_exit_code_is_one_when_a_document_fails(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    (folder / "empty.txt").write_text("")
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(folder), "--out", str(tmp_path / "o"),
                             "--workers", "1"], capture_output=True, text=True)
    assert result.returncode == 1
    assert "empty.txt" in result.stderr and "empty document" in result.stderr


@pytest.mark.slow
def test_a_run_killed_at_random_moments_never_leaves_half_written_outputs(tmp_path):
    """The kill test of the robustness issue (20 kills); slow, so run with ``pytest -m slow``."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(6):
        shutil.copy(EXAMPLE, folder / f"doc{i}.txt")
        (folder / f"doc{i}.txt").write_text(EXAMPLE.read_text(encoding="utf-8") + f"\nCopy {i}.\n", encoding="utf-8")
    out = tmp_path / "out"
    run_batch([folder], out, workers=1)
    reference = {p.name: p.read_bytes() for p in out.glob("*.csv")}
    for attempt in range(20):
        proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "run", str(folder), "--out", str(out),
                                 "--workers", "1", "--force"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0 + (attempt % 7) * 0.7)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for path in out.glob("*.csv"):
            assert path.read_bytes() == reference[path.name], f"attempt {attempt}: {path.name} changed"
    run_batch([folder], out, workers=1)
    assert {p.name: p.read_bytes() for p in out.glob("*.csv")} == reference


def test_a_slow_document_times_out_alone(tmp_path, monkeypatch):
    """Whatever stage the time limit finds a document in, the document fails as a timeout, its later
    stages do not run, and the other documents are unaffected."""
    import pipeline.extract

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    (folder / "slow.txt").write_text("Table 9 Slow\n\nSLOW-TABLE\n", encoding="utf-8")
    real_tables, real_entities, reached = pipeline.extract.find_tables, pipeline.extract.find_entities, []

    def tables(doc, abbreviations=None):
        if "SLOW-TABLE" in doc.text:
            time.sleep(60)  # interrupted by the alarm
        return real_tables(doc, abbreviations)

    def entities(doc, *args):
        reached.append(doc.text[:12])
        return real_entities(doc, *args)

    monkeypatch.setattr(pipeline.extract, "find_tables", tables)
    monkeypatch.setattr(pipeline.extract, "find_entities", entities)
    started = time.monotonic()
    # A limit the example document keeps even on a loaded machine (it takes well under a second).
    summary = run_batch([folder], tmp_path / "out", doc_timeout=5)
    assert time.monotonic() - started < 40
    errors = pd.read_csv(tmp_path / "out" / "errors.csv", dtype=str, keep_default_na=False)
    assert list(errors.doc_id) == ["slow"] and errors.stage[0] == "timeout"
    assert summary.failed == 1 and summary.documents == 2
    assert not any("Slow" in text for text in reached)  # the timed-out document went no further


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_ingestion_and_fragment_detection_never_raise(text):
    doc = ingest_text(text, "fuzz")
    assert len(doc.to_raw) == len(doc.text) + 1
    find_fragment_runs(text)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["6 × 108", "1.2x10(9)", "300 million", "cells/kg", "–", "or", ",", " ", "1e9"]),
                max_size=12))
def test_quantity_parser_on_mutated_notations(parts):
    text = " ".join(parts)
    for dose in parse_doses(text):
        assert all(v > 0 for v in dose.values)

"""The benchmark corpus generator: deterministic, varied, and what the pipeline can read.

The scale benchmark's numbers only mean something if its documents look like real summaries and go
through the pipeline like them, so these checks run with ``make test`` although the benchmark does not.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from bench_modules import bench_module

from pipeline import extract_document
from pipeline.ingest.text import ingest_text

ROOT = Path(__file__).resolve().parents[1]


gen = bench_module("generate")


@pytest.fixture(scope="module")
def corpus() -> list[tuple[str, str]]:
    return gen.generate(120, seed=7)


@pytest.fixture(scope="module")
def nlp():
    from pipeline.ner import build_nlp

    return build_nlp()


def _layout(name: str) -> str:
    return name.split("_", 2)[2]


def test_same_seed_same_corpus_and_prefix_stable(corpus):
    assert gen.generate(120, seed=7) == corpus
    assert gen.generate(30, seed=7) == corpus[:30]  # the 100/1,000/10,000 corpora are nested
    other = gen.generate(30, seed=8)
    assert all(a[1] != b[1] for a, b in zip(other, corpus, strict=False))


def test_corpus_is_varied(corpus):
    texts = [text for _, text in corpus]
    assert len(set(texts)) == len(texts)
    assert len({name for name, _ in corpus}) == len(corpus)
    layouts = Counter(_layout(name) for name, _ in corpus)
    assert set(layouts) == set(gen.LAYOUTS), layouts
    joined = "\n".join(texts)
    for notation in (r"\d × 10\d\b", r"× 10\^\d", r"\d x 10\d", r"\d×10\d", "\u2009×\u2009", r"\d+ million",
                     r"mg/kg|\d mg\b"):
        assert re.search(notation, joined), notation
    for pattern in (r"NCT0\d{7}", r"ChiCTR\d{10}", r"\(CRS\)", r"\(ICANS\)", r"grade ≥ ?3", r"\(ORR\)",
                    r"^Table \d", r"^\|.*\|$"):
        assert re.search(pattern, joined, re.M), pattern
    openings = Counter(text.split("\n", 1)[0].split()[0] for text in texts)
    assert len(openings) >= 4
    # Many different sentences: the wording templates vary, not only the numbers.
    sentences = Counter(re.sub(r"[\d.,%]+", "#", s)[:40] for t in texts for s in re.split(r"(?<=\.) ", t))
    assert len(sentences) > 400


def test_documents_are_summary_sized(corpus):
    """300-600 words of prose and table; a rotated dump counts each 1-3-character shred as a word."""
    counts = [len(text.split()) for name, text in corpus if _layout(name) != "rotated"]
    assert min(counts) >= 250 and max(counts) <= 700
    assert 350 <= sorted(counts)[len(counts) // 2] <= 550


def test_rotated_dumps_are_found_as_fragment_runs():
    docs = gen.generate(15, seed=3, layouts=["rotated"])
    for name, text in docs:
        ingested = ingest_text(text, "x")
        assert ingested.fragment_runs, name
        longest = max(run.end - run.start for run in ingested.fragment_runs)
        assert longest > 100, name


def test_other_layouts_have_no_fragment_runs(corpus):
    for name, text in corpus:
        if _layout(name) != "rotated":
            assert not ingest_text(text, "x").fragment_runs, name


def test_shred_keeps_cells_apart():
    import random

    runs = ["Table 2 Outcomes", "NCT04567890", "CD19", "81%", "6 × 108"]
    for keep in (True, False):
        lines = gen.shred(runs, random.Random(1), keep_spaces=keep)
        fragments = [line for line in lines if line]
        assert all(1 <= len(f) <= 3 for f in fragments)
        # Rejoin: the concatenated fragments spell the runs in order, never straddling two of them.
        joined = "".join(f.strip() if not keep else f for f in fragments)
        assert joined.replace(" ", "") == "".join(runs).replace(" ", "")
        # A blank line after every second fragment (or earlier, at the end of a run).
        groups = [len(g.split("\n")) for g in "\n".join(lines).strip("\n").split("\n\n")]
        assert max(groups) <= 2


@pytest.mark.parametrize("layout", gen.LAYOUTS)
def test_documents_go_through_the_pipeline(tmp_path, nlp, layout):
    for name, text in gen.generate(3, seed=11, layouts=[layout]):
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        result = extract_document(path, nlp=nlp)
        assert result.info.status == "ok" and not result.errors, (name, [e.message for e in result.errors])
        assert result.trials, name
        ids = {trial.trial_id for trial in result.trials}
        assert any(re.search(rf"\b{re.escape(i)}\b", text) for i in ids if i), (name, ids)


def test_out_of_range_table_percentage_does_not_fail_the_document(tmp_path, nlp):
    """Regression: this flowing table glues an abstract number to an ORR ("6617 22%"); the 6617% once
    failed TrialArm validation and with it the whole records stage, losing every trial of the document."""
    name, text = gen.generate(19, seed=3)[18]
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    result = extract_document(path, nlp=nlp)
    assert result.info.status == "ok" and result.trials

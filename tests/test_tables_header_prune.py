"""The header finder stops reading longer names from a start once no longer name can be valid.

``find_header_chains`` breaks off the spans from a start when the span closes a bracket it never
opened or holds a long number or digits glued to a word outside brackets, because
``score_header_cell`` refuses every longer span then too. The break must only save work: the
chains found are checked here against a search that reads every span.
"""

from __future__ import annotations

import pytest
import tablegen

from pipeline.fields.evidence import build_context
from pipeline.ingest.text import ingest_text
from pipeline.tables import header, rotated
from pipeline.tables.header import _no_longer_name, score_header_cell


def _chains(doc, ctx) -> list[list[tuple[int, int, str, float]]]:  # type: ignore[no-untyped-def]
    found: list[list[tuple[int, int, str, float]]] = []
    for run in doc.fragment_runs:
        cuts = [run.start] + [b for b in run.breaks if run.start < b < run.end] + [run.end]
        for chain in header.find_header_chains(doc.text, cuts, ctx, lambda pos: True):
            found.append([(c.start, c.end, c.text, c.score) for c in chain.cells])
    return found


@pytest.mark.parametrize("seed", range(6))
def test_stopping_early_finds_the_same_chains(seed: int, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    text, _ = tablegen.random_document(seed)
    doc = ingest_text(text, "generated")
    assert doc.fragment_runs
    stops: list[int] = []

    def recording(text: str, start: int, end: int) -> bool:
        stop = _no_longer_name(text, start, end)
        stops.extend([start] if stop else [])
        return stop

    monkeypatch.setattr(header, "_no_longer_name", recording)
    pruned = _chains(doc, build_context(doc))
    assert stops, "no span was cut short: the test would not test the break"
    monkeypatch.setattr(header, "_no_longer_name", lambda text, start, end: False)
    assert _chains(doc, build_context(doc)) == pruned
    assert rotated.find_header_chains is header.find_header_chains


@pytest.mark.parametrize("name", ["Dose)", "Patients 1234", "ORR (%) CRS12", "Target]"])
def test_no_longer_name_is_refused_whatever_follows(name: str) -> None:
    text, _ = tablegen.random_document(0)
    ctx = build_context(ingest_text(text, "generated"))
    assert _no_longer_name(name, 0, len(name))
    for tail in ("", " n", " (%)", "Phase", " Target", ")"):
        assert score_header_cell(name + tail, ctx, allow_open=True) is None

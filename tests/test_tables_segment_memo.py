"""The segmenter's candidate cells are shared by the header hypotheses of a table.

``parse_rotated`` tries several header chains on one ``CellCache``; the candidates of a column type
at a start are computed once (keyed by type and start) and read by every later chain. A wrong key
leaves the parse unchanged but makes every chain rescan its candidates, so it is checked here.
"""

from __future__ import annotations

import tablegen

from pipeline.ingest.text import ingest_text
from pipeline.tables import rotated
from pipeline.tables.context import build_context
from pipeline.tables.segment import CellCache


def test_candidates_are_memoised_by_type_and_start(monkeypatch) -> None:
    caches: list[CellCache] = []
    original = rotated.segment_rows

    def recording(cache: CellCache, *args, **kwargs):  # type: ignore[no-untyped-def]
        caches.append(cache)
        return original(cache, *args, **kwargs)

    monkeypatch.setattr(rotated, "segment_rows", recording)
    text, _ = tablegen.random_document(11)
    doc = ingest_text(text, "generated")
    ctx = build_context(doc)
    for run in doc.fragment_runs:
        rotated.parse_rotated(doc, run, ctx)
    assert caches, "no rotated table parsed"
    for cache in caches:
        assert cache.candidates
        assert all(len(key) == 2 and isinstance(key[1], int) for key in cache.candidates)

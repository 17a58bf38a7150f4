"""The segmenter's candidate cells are shared by the header hypotheses of a table.

``parse_rotated`` tries several header chains on one ``CellCache``; the candidates of a column type
at a start are computed once (keyed by type, start and where the rows end) and read by every later
chain. A key too fine makes every chain rescan its candidates; a key too coarse hands a chain whose
rows run further a list cut short at another chain's end. Both are checked here, with the memo of
free-text scores, which must follow the abbreviations a later table's footnotes define.
"""

from __future__ import annotations

import tablegen

from pipeline.fields.cell_facts import text_score
from pipeline.fields.evidence import build_context
from pipeline.ingest.text import ingest_text
from pipeline.tables import rotated
from pipeline.tables.segment import CellCache, _candidates
from pipeline.tables.vocabulary import ColumnType


def test_candidates_are_memoised_by_type_start_and_end(monkeypatch) -> None:
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
        for kind, memo in cache.candidates.items():
            assert isinstance(kind, ColumnType)
            assert all(len(key) == 2 and isinstance(key[0], int) for key in memo)
        keys = [key for memo in cache.candidates.values() for key in memo]
        assert len({key[1] for key in keys}) < len(keys)  # one last end shared across starts


def test_a_chain_whose_rows_run_further_gets_its_own_candidates() -> None:
    text = "NCT01234567CD19AMLCord blood12"
    ctx = build_context(ingest_text(text, "generated"))
    cuts = [11, 15, 18, 22, 28, 30]
    shared, fresh = CellCache(text, ctx), CellCache(text, ctx)
    kind = ColumnType.SOURCE
    short = _candidates(shared, kind, 18, [22])
    assert [offset for offset, _, _ in short] == [1]  # ends at the first of the given ends, 22
    longer = _candidates(shared, kind, 18, cuts[3:])
    assert longer == _candidates(fresh, kind, 18, cuts[3:])
    assert 2 in [offset for offset, _, _ in longer]  # "Cord blood" (ends at 28), past the shorter rows' end


def test_a_text_score_follows_the_abbreviations_a_later_table_defines() -> None:
    ctx = build_context(ingest_text("Results of the trials.\n", "generated"))
    before = text_score("XQZ cells", ctx)  # an abbreviation nobody defined: a cell cut short?
    ctx.add_abbreviations([("XQZ", "xenogeneic quiescent zeta")])
    after = text_score("XQZ cells", ctx)
    assert after > before
    assert after == _scored_where_known_from_the_start("XQZ", "xenogeneic quiescent zeta")


def _scored_where_known_from_the_start(short: str, long: str) -> float:
    """The score of the same value in a document that knew the abbreviation from the start."""
    ctx = build_context(ingest_text("Results of the trials.\n", "generated"))
    ctx.add_abbreviations([(short, long)])
    return text_score(f"{short} cells", ctx)

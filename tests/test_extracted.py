"""The committed outputs under extracted/ are what `confmine run raw/` produces today."""

from __future__ import annotations

from pathlib import Path

from pipeline.batch import run_batch

ROOT = Path(__file__).resolve().parents[1]


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix in (".csv", ".txt") and path.name != "scores.csv"
        and ".confmine" not in path.parts and "report" not in path.parts
    }


def test_committed_outputs_are_not_stale(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    run_batch(["raw/"], tmp_path, workers=1)
    fresh, committed = _files(tmp_path), _files(ROOT / "extracted")
    assert sorted(fresh) == sorted(committed), "extracted/ lists other files: run `make run` and commit"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"extracted/ is stale ({', '.join(stale)}): run `make run` and commit"

"""The import rule of ARCHITECTURE.md: knowledge below fields below the stages; stages in pipeline order.

A stage may import the packages below it and the stages before it, never a stage after it nor the
runner, writers and tools around the stages; ``knowledge`` and ``fields`` import no stage at all.
"""

from __future__ import annotations

import ast
from pathlib import Path

PIPELINE = Path(__file__).resolve().parents[1] / "pipeline"

# Lower layers first. A module may import its own package and anything in an earlier layer.
LAYERS: list[set[str]] = [
    {"models", "offsets", "occurrences", "columns"},
    {"knowledge"},
    {"fields"},
    {"ingest"},
    {"abbreviations"},
    {"tables"},
    {"ner"},
    {"records"},
    {"extract", "output", "score", "report", "batch", "dask_backend", "cli", "__init__", "__main__", "__version__"},
]


def _layer(package: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if package in names)


def _package(path: Path) -> str:
    parts = path.relative_to(PIPELINE).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline"):
            names = [node.module] if node.module != "pipeline" else [f"pipeline.{a.name}" for a in node.names]
            found += [(node.lineno, n) for n in names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("pipeline.")]
    return found


def test_every_package_has_a_layer() -> None:
    packages = {_package(p) for p in PIPELINE.rglob("*.py")}
    unplaced = {p for p in packages if not any(p in names for names in LAYERS)}
    assert not unplaced, f"add these to ARCHITECTURE.md and LAYERS: {sorted(unplaced)}"


def test_no_import_runs_back_up_the_stages() -> None:
    wrong = []
    for path in sorted(PIPELINE.rglob("*.py")):
        here = _package(path)
        for line, module in _imports(path):
            target = module.split(".")[1]
            if target != here and _layer(target) > _layer(here):
                wrong.append(f"{path.relative_to(PIPELINE.parent)}:{line} ({here}) imports {module}")
    assert not wrong, "\n".join(wrong)

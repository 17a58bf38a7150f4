"""Each pattern is written once: only ``pipeline/knowledge/patterns.py`` recognises an id, a caption, a
percentage, a patient count or a phase, and every other module imports it from there.

Every pattern a module of ``pipeline/`` holds (compiled at import, a Gate's pattern, or a literal passed
to ``re.compile``/``re.search``/... anywhere in its source) is tried on probes of each shape. A pattern
"recognises" a shape when it matches the probe but none of its controls: the same text with the shape's
key changed ("ABC01234567" for "NCT01234567", "45#" for "45%") or its key alone ("NCT", "%"), so a
generic pattern (a number, a punctuation mark) is not counted.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pipeline
from pipeline.knowledge import patterns as knowledge

PIPELINE = Path(pipeline.__file__).resolve().parent
PROBES: list[tuple[str, tuple[str, ...]]] = [
    ("NCT01234567", ("ABC01234567", "NCT")),
    ("Table S2", ("Tulip S2", "Table")),
    ("Table 2", ("Tulip 2", "Table")),
    ("Tab. 3", ("Tub. 3", "Tab.")),
    ("Supplementary Table 1", ("Supplementary Tulip 1", "Supplementary Table")),
    ("45%", ("45#", "%")),
    ("45 %", ("45 #", "%")),
    ("n = 12", ("x = 12", "n =")),
    ("N=12", ("X=12", "N=")),
    ("phase 2", ("phrase 2", "phase")),
    ("Phase I/II", ("Phrase I/II", "Phase")),
]
_RE_CALLS = {"compile", "search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split"}


def _recognises(pattern: re.Pattern) -> list[str]:
    if isinstance(pattern.pattern, bytes):
        return []  # a pattern over bytes (the encoding sniffer) reads no text
    return [probe for probe, controls in PROBES
            if pattern.search(probe) and not any(pattern.search(c) for c in controls)]


def _literals(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _RE_CALLS
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append((node.lineno, node.args[0].value))
    return found


def _module_patterns(module: object) -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for name, value in vars(module).items():
        inner = getattr(value, "pattern", None)
        if isinstance(value, re.Pattern):
            out.append((name, value))
        elif isinstance(inner, re.Pattern):
            out.append((name, inner))
    return out


def test_the_patterns_module_recognises_every_shape() -> None:
    recognised = {probe for _n, p in _module_patterns(knowledge) for probe in _recognises(p)}
    assert recognised == {probe for probe, _c in PROBES}


def test_no_other_module_recognises_an_id_caption_percentage_count_or_phase() -> None:
    own = {id(p) for _n, p in _module_patterns(knowledge)}
    wrong = []
    for info in pkgutil.walk_packages(pipeline.__path__, "pipeline."):
        if info.name == knowledge.__name__:
            continue
        module = importlib.import_module(info.name)
        for name, pattern in _module_patterns(module):
            if id(pattern) not in own and (found := _recognises(pattern)):
                wrong.append(f"{info.name}.{name}: {found}")
        source = Path(module.__file__ or "")
        if source.suffix == ".py":
            for line, literal in _literals(source):
                try:
                    found = _recognises(re.compile(literal))
                except re.error:
                    continue
                if found:
                    wrong.append(f"{source.relative_to(PIPELINE.parent)}:{line}: {found}")
    assert not wrong, "\n".join(wrong)

"""Abbreviation definitions: ours against scispaCy's detector and Ab3P, side by side, in one run.

Run by hand (not a test): ``.venv/bin/python bench/abbreviations.py`` after
``.venv/bin/pip install pyab3p``. Reads every ``../shared/abbrev/*.jsonl`` corpus and the example
document, prints a markdown table (P, R, F1, documents/second per system and corpus) and writes
``bench/abbreviations_results.json``.

Metric (as in ``shared/abbrev/README.md``): per document the set of (short, long) pairs, lower-cased
with whitespace collapsed, exact match, micro-averaged. Our lexicon-sourced records are left out:
they are not definitions in the text, and the corpora annotate definitions only.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE = "huang2023_carnk_ash2022"

Pair = tuple[str, str]
System = Callable[[list[str]], list[set[Pair]]]

# The example's 16 defined abbreviations, curated by reading the document (inline definitions, the two
# table footnotes, the glossary and the reference list). ORR is printed "overall response rete" there;
# the right long form is "overall response rate".
EXAMPLE_GOLD: list[Pair] = [
    ("CAR", "chimeric antigen receptor"),
    ("MM", "multiple myeloma"),
    ("NKG2A", "natural killer group 2A"),
    ("TriKE", "trispecific killer engager"),
    ("AML", "acute myeloid leukemia"),
    ("CRS", "cytokine release syndrome"),
    ("ICANS", "immune effector cell-associated neurotoxicity syndrome"),
    ("CR", "complete response"),
    ("iPSC", "induced pluripotent stem cell"),
    ("BCMA", "B-cell maturation antigen"),
    ("VGPR", "very good partial response"),
    ("HSC", "hematopoietic stem cell"),
    ("FC", "fludarabine and cyclophosphamide"),
    ("ORR", "overall response rate"),
    ("mAb", "monoclonal antibody"),
    ("EMCN", "endomucin"),
]


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def load_corpus(path: Path) -> tuple[list[str], list[set[Pair]]]:
    texts, gold = [], []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            texts.append(record["text"])
            gold.append({(norm(p["short"]), norm(p["long"])) for p in record["pairs"]})
    return texts, gold


def load_example() -> tuple[list[str], list[set[Pair]]] | None:
    """The example as our ingester normalises it, with the gold file when someone has written it."""
    raw = ROOT / "raw" / f"{EXAMPLE}.txt"
    if not raw.exists():
        raw = SHARED / "corpus" / f"{EXAMPLE}.txt"
    if not raw.exists():
        return None
    from pipeline.ingest.text import read_text_file

    text = read_text_file(raw).text
    gold_file = ROOT / "gold" / EXAMPLE / "abbreviations.csv"
    pairs = EXAMPLE_GOLD
    if gold_file.exists():
        with gold_file.open(encoding="utf-8", newline="") as handle:
            pairs = [(row["short_form"], row["long_form"]) for row in csv.DictReader(handle)]
    return [text], [{(norm(s), norm(long_form)) for s, long_form in pairs}]


def score(pred: list[set[Pair]], gold: list[set[Pair]]) -> dict[str, float]:
    tp = sum(len(p & g) for p, g in zip(pred, gold, strict=True))
    fp = sum(len(p - g) for p, g in zip(pred, gold, strict=True))
    fn = sum(len(g - p) for p, g in zip(pred, gold, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def ours(texts: list[str]) -> list[set[Pair]]:
    from pipeline.abbreviations import find_abbreviations

    return [{(norm(a.short_form), norm(a.long_form)) for a in find_abbreviations(t) if a.source != "lexicon"}
            for t in texts]


def scispacy_system(custom_tokenizer: bool) -> System:
    import spacy
    from scispacy.abbreviation import AbbreviationDetector  # noqa: F401 - registers the factory

    nlp = spacy.blank("en")
    if custom_tokenizer:
        from scispacy.custom_tokenizer import combined_rule_tokenizer

        nlp.tokenizer = combined_rule_tokenizer(nlp)
    nlp.add_pipe("abbreviation_detector")

    def run(texts: list[str]) -> list[set[Pair]]:
        return [{(norm(a.text), norm(a._.long_form.text)) for a in doc._.abbreviations}
                for doc in nlp.pipe(texts)]

    return run


def ab3p_system() -> System | None:
    try:
        import pyab3p
    except ImportError:
        return None
    with _quiet_stderr():
        detector = pyab3p.Ab3p()

    def run(texts: list[str]) -> list[set[Pair]]:
        with _quiet_stderr():
            return [{(norm(a.short_form), norm(a.long_form)) for a in detector.get_abbrs(t)} for t in texts]

    return run


@contextlib.contextmanager
def _quiet_stderr() -> Iterable[None]:
    """Ab3P prints warnings on file descriptor 2; keep the table readable."""
    saved = os.dup(2)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    systems: dict[str, System] = {"confmine": ours}
    with contextlib.suppress(Exception):
        systems["scispacy (blank tokenizer)"] = scispacy_system(False)
        systems["scispacy (scispacy tokenizer)"] = scispacy_system(True)
    ab3p = ab3p_system()
    if ab3p is not None:
        systems["Ab3P (pyab3p)"] = ab3p
    else:
        print("pyab3p is not installed: `.venv/bin/pip install pyab3p` to compare with Ab3P", file=sys.stderr)

    corpora: dict[str, tuple[list[str], list[set[Pair]]]] = {}
    for path in sorted((SHARED / "abbrev").glob("*.jsonl")):
        corpora[path.stem] = load_corpus(path)
    example = load_example()
    if example is not None:
        corpora[EXAMPLE] = example
    if not corpora:
        print(f"no corpora under {SHARED / 'abbrev'}", file=sys.stderr)
        return 1

    results: dict[str, dict[str, dict[str, float]]] = {}
    lines = ["| corpus | system | P | R | F1 | docs/s |", "|---|---|---|---|---|---|"]
    for corpus, (texts, gold) in corpora.items():
        results[corpus] = {}
        for name, system in systems.items():
            started = time.perf_counter()
            pred = system(texts)
            elapsed = time.perf_counter() - started
            row = score(pred, gold)
            row["docs_per_second"] = len(texts) / elapsed if elapsed else float("inf")
            results[corpus][name] = row
            lines.append(f"| {corpus} | {name} | {row['precision']:.3f} | {row['recall']:.3f} | "
                         f"{row['f1']:.3f} | {row['docs_per_second']:.0f} |")
            if corpus == EXAMPLE and name == "confmine":
                wrong = sorted(pred[0] - gold[0])
                missing = sorted(gold[0] - pred[0])
                results[corpus][name]["wrong_pairs"] = wrong  # type: ignore[assignment]
                results[corpus][name]["missing_pairs"] = missing  # type: ignore[assignment]
    print("\n".join(lines))
    out = ROOT / "bench" / "abbreviations_results.json"
    out.write_text(json.dumps(results, indent=2, default=list) + "\n", encoding="utf-8")
    print(f"\nwrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

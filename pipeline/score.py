"""Score extracted CSVs against hand-curated gold: per-field tp/fp/fn, precision, recall, F1.

Records are aligned first (trial arms by the key SCHEMA.md gives: registry id, else study name, else
product, else abstract number, then arm; preclinical studies by abstract number), then compared field by
field; an unmatched record counts every field it states as a false positive
(predicted) or false negative (gold). Numbers agree within a tolerance, ``;``-lists as sets, text
after case and whitespace folding. Entities are located in the document's normalised text through
the quote in the gold's ``evidence`` column and scored strictly (same span and label) and partially
(overlapping span, same label), as nervaluate does.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.columns import PRECLINICAL, TRIALS
from pipeline.output import unmark, write_csv

UNSCORED = {"doc_id", "evidence", "conflicts", "start", "end"}
TRIAL_FIELDS = [c for c in TRIALS if c not in UNSCORED]
PRECLINICAL_FIELDS = [c for c in PRECLINICAL if c not in UNSCORED]
LIST_FIELDS = {"target_symbols", "doses_cells", "trial_id", "doses_drug", "reference", "disease"}
# What tells trial rows apart (SCHEMA.md): the registry ids, else the study's name, else its product, else
# its abstract number; then the arm.
TRIAL_KEY = ("trial_id", "study", "product", "abstract_number", "arm")
_STUDY_KEYS = TRIAL_KEY[:-1]
# A text cell written with a leading apostrophe for spreadsheet safety (SCHEMA.md): "'=cmd" is "=cmd".


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


_SIGNS = str.maketrans({"≥": ">=", "⩾": ">=", "≤": "<=", "⩽": "<=", "–": "-", "—": "-", "−": "-"})


def _fold(value: str) -> str:
    """Text compared as written, up to case, spacing and how a sign is typed ("≥ 3" is ">=3")."""
    folded = re.sub(r"\s+", " ", value.strip().lower().translate(_SIGNS))
    return re.sub(r"\s*(>=|<=)\s*", r"\1", folded)


def same_value(field: str, pred: object, gold: object) -> bool:
    """Equal as numbers (relative tolerance 1e-6, or 0.051 for percentages), sets, or folded text."""
    p, g = str(pred).strip(), str(gold).strip()
    if field in LIST_FIELDS:
        ps, gs = {_fold(x) for x in p.split(";") if x.strip()}, {_fold(x) for x in g.split(";") if x.strip()}
        pn = {_number(x) for x in ps}
        gn = {_number(x) for x in gs}
        if None not in pn and None not in gn and len(pn) == len(gn):
            return all(any(math.isclose(a, b, rel_tol=1e-6) for b in gn) for a in pn)  # type: ignore[arg-type]
        return ps == gs
    pn, gn = _number(p), _number(g)
    if pn is not None and gn is not None:
        return abs(pn - gn) <= (0.051 if field.endswith("_pct") else max(1e-6 * abs(gn), 1e-9))
    return _fold(p) == _fold(g)


def compare_fields(pred: dict | None, gold: dict | None, fields: list[str]) -> dict[str, Counts]:
    out: dict[str, Counts] = {}
    for field in fields:
        p = None if pred is None or _blank(pred.get(field)) else pred[field]
        g = None if gold is None or _blank(gold.get(field)) else gold[field]
        c = Counts()
        if p is not None and g is not None:
            if same_value(field, p, g):
                c.tp = 1
            else:
                c.fp, c.fn = 1, 1
        elif p is not None:
            c.fp = 1
        elif g is not None:
            c.fn = 1
        out[field] = c
    return out


def _key(row: dict, fields: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_fold("" if _blank(row.get(f)) else str(row[f])) for f in fields)


def align(pred: list[dict], gold: list[dict], key: tuple[str, ...]) -> list[tuple[dict | None, dict | None]]:
    """Pairs (pred, gold) matched on ``key``; the rest paired with None. Repeated keys pair in order.

    Trial arms (``key`` is ``TRIAL_KEY``) are paired by the study they belong to, see ``align_trials``."""
    if key == TRIAL_KEY:
        return align_trials(pred, gold)
    pairs: list[tuple[dict | None, dict | None]] = []
    remaining = list(pred)
    for g in gold:
        match = next((p for p in remaining if _key(p, key) == _key(g, key)), None)
        if match is not None:
            remaining.remove(match)
        pairs.append((match, g))
    pairs.extend((p, None) for p in remaining)
    return pairs


def study_key(row: dict) -> tuple[str, str]:
    """(field, folded value) of the first identifier a row states: trial_id, study, product, abstract number."""
    for field in _STUDY_KEYS:
        if not _blank(row.get(field)):
            return field, _identifier(field, row[field])
    return "", ""


def _identifier(field: str, value: object) -> str:
    text = _fold(str(value))
    return ";".join(sorted(x.strip() for x in text.split(";") if x.strip())) if field == "trial_id" else text


def _same_identifier(field: str, a: dict, b: dict) -> bool:
    if _blank(a.get(field)) or _blank(b.get(field)):
        return False
    if field == "trial_id":  # one registry id in common: several ids of one study are ';'-joined
        return bool(set(_identifier(field, a[field]).split(";")) & set(_identifier(field, b[field]).split(";")))
    return _identifier(field, a[field]) == _identifier(field, b[field])


def _agreement(p: dict, g: dict) -> int:
    """How many identifying fields two rows of one study share (a tie-break between arms or rows of one key)."""
    return sum(_same_identifier(f, p, g) for f in (*_STUDY_KEYS, "reference"))


def align_trials(pred: list[dict], gold: list[dict]) -> list[tuple[dict | None, dict | None]]:
    """Trial arms paired by SCHEMA.md's key, never by file order: first rows whose keys are equal (the first
    identifier each states, and the arm); then rows of one arm that agree on the first identifier both state
    (a prediction that also gives a registry id the gold lacks is still that study's row). Among several
    candidates the one sharing most identifiers (study, product, abstract, reference) wins."""
    matched: dict[int, dict] = {}
    remaining = list(pred)

    def fold_arm(row: dict) -> str:
        return _fold("" if _blank(row.get("arm")) else str(row["arm"]))

    def take(i: int, candidates: list[dict]) -> None:
        if candidates:
            best = max(candidates, key=lambda p: _agreement(p, gold[i]))  # first of the best, in file order
            matched[i] = best
            remaining.remove(best)

    for i, g in enumerate(gold):
        take(i, [p for p in remaining if study_key(p) == study_key(g) and fold_arm(p) == fold_arm(g)])
    for i, g in enumerate(gold):
        if i in matched:
            continue
        shared = []
        for p in remaining:
            first = next((f for f in _STUDY_KEYS if not _blank(p.get(f)) and not _blank(g.get(f))), None)
            if first and fold_arm(p) == fold_arm(g) and _same_identifier(first, p, g):
                shared.append(p)
        take(i, shared)
    pairs: list[tuple[dict | None, dict | None]] = [(matched.get(i), g) for i, g in enumerate(gold)]
    pairs.extend((p, None) for p in remaining)
    return pairs


def score_records(pred: list[dict], gold: list[dict], key: tuple[str, ...], fields: list[str]) -> dict[str, Counts]:
    totals = {f: Counts() for f in fields}
    for p, g in align(pred, gold, key):
        for field, c in compare_fields(p, g, fields).items():
            totals[field].add(c)
    return totals


def score_abbreviations(pred: list[dict], gold: list[dict]) -> dict[str, Counts]:
    """Pairs the document defines; lexicon fallbacks are not definitions and are not scored."""
    ps = {(str(r["short_form"]), _fold(str(r["long_form"]))) for r in pred if r.get("source") != "lexicon"}
    gs = {(str(r["short_form"]), _fold(str(r["long_form"]))) for r in gold}
    return {"pair": Counts(len(ps & gs), len(ps - gs), len(gs - ps))}


def locate_gold_entities(text: str, gold: list[dict]) -> list[tuple[str, int, int, str]]:
    """Gold entities as (label, start, end, normalized) found through their evidence quote."""
    # Quotes are whitespace-folded; fold the text the same way and keep where each character came from.
    folded_chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            if folded_chars and folded_chars[-1] == " ":
                continue
            ch = " "
        folded_chars.append(ch)
        origin.append(i)
    folded = "".join(folded_chars)
    origin.append(len(text))
    located = []
    seen: dict[tuple[str, str], int] = {}
    for row in gold:
        mention = " ".join(str(row["text"]).split())
        quote = " ".join(str(row.get("evidence") or mention).split())
        at = folded.find(quote)
        # The same mention twice in one quote (Table 2's "60%/60%"): the n-th row takes the n-th one.
        nth = seen.get((quote, mention), 0)
        inner = -1
        for _ in range(nth + 1):
            inner = quote.find(mention, inner + 1)
        if at < 0 or inner < 0:
            at, inner = folded.find(mention), 0
        if at < 0:
            located.append((str(row["label"]), -1, -1, str(row.get("normalized", ""))))
            continue
        seen[(quote, mention)] = nth + 1
        start = at + inner
        end = start + len(mention)
        located.append((str(row["label"]), origin[start], origin[end - 1] + 1, str(row.get("normalized", ""))))
    return located


def score_entities(text: str, pred: list[dict], gold: list[dict]) -> dict[str, Counts]:
    """Per label strict and partial counts (``LABEL strict`` / ``LABEL partial`` / ``ALL ...``)."""
    gold_spans = locate_gold_entities(text, gold)
    pred_spans = [(str(r["label"]), int(r["start"]), int(r["end"])) for r in pred]
    out: dict[str, Counts] = {}
    labels = sorted({g[0] for g in gold_spans} | {p[0] for p in pred_spans})
    for mode in ("strict", "partial"):
        for label in labels + ["ALL"]:
            gl = [g for g in gold_spans if label in ("ALL", g[0])]
            pl = [p for p in pred_spans if label in ("ALL", p[0])]
            used: set[int] = set()
            tp = 0
            for g in gl:
                for i, p in enumerate(pl):
                    if i in used or p[0] != g[0]:
                        continue
                    hit = (p[1], p[2]) == (g[1], g[2]) if mode == "strict" else (p[1] < g[2] and g[1] < p[2])
                    if hit:
                        used.add(i)
                        tp += 1
                        break
            out[f"{label} {mode}"] = Counts(tp, len(pl) - tp, len(gl) - tp)
    return out


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame()
    return pd.read_csv(path, dtype=str, keep_default_na=False).map(unmark)


def _rows(df: pd.DataFrame, doc_id: str) -> list[dict]:
    if df.empty or "doc_id" not in df.columns:
        return []
    return df[df["doc_id"] == doc_id].to_dict("records")


def _prf(c: Counts) -> tuple[float, float, float]:
    p = c.tp / (c.tp + c.fp) if c.tp + c.fp else (1.0 if c.fn == 0 else 0.0)
    r = c.tp / (c.tp + c.fn) if c.tp + c.fn else (1.0 if c.fp == 0 else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score_folders(pred_dir: Path, gold_dir: Path) -> pd.DataFrame:
    """Scores per document and micro-averaged over documents (doc_id ``ALL``); written to scores.csv.

    Only documents the run processed (listed in its documents.csv) are scored, so scoring a run over
    part of a corpus does not count the rest of the gold as missed.
    """
    pred = {name: _read(pred_dir / f"{name}.csv") for name in ("trials", "preclinical", "abbreviations", "entities")}
    rows: list[dict] = []
    totals: dict[tuple[str, str], Counts] = {}
    processed = set(_read(pred_dir / "documents.csv").get("doc_id", pd.Series(dtype=str)))
    for doc_dir in sorted(p for p in gold_dir.iterdir() if p.is_dir()):
        doc_id = doc_dir.name
        if processed and doc_id not in processed:
            continue
        results: dict[str, dict[str, Counts]] = {}
        gold_trials = _read(doc_dir / "trials.csv")
        if not gold_trials.empty or (doc_dir / "trials.csv").exists():
            results["trials"] = score_records(_rows(pred["trials"], doc_id), _rows(gold_trials, doc_id),
                                              TRIAL_KEY, TRIAL_FIELDS)
        if (doc_dir / "preclinical.csv").exists():
            results["preclinical"] = score_records(
                _rows(pred["preclinical"], doc_id), _rows(_read(doc_dir / "preclinical.csv"), doc_id),
                ("abstract_number",), PRECLINICAL_FIELDS)
        if (doc_dir / "abbreviations.csv").exists():
            results["abbreviations"] = score_abbreviations(
                _rows(pred["abbreviations"], doc_id), _rows(_read(doc_dir / "abbreviations.csv"), doc_id))
        text_path = pred_dir / "texts" / f"{doc_id}.txt"
        if (doc_dir / "entities.csv").exists() and text_path.exists():
            results["entities"] = score_entities(
                text_path.read_text(encoding="utf-8"), _rows(pred["entities"], doc_id),
                _rows(_read(doc_dir / "entities.csv"), doc_id))
        for file, fields in results.items():
            all_fields = Counts()
            for field, c in fields.items():
                rows.append(_score_row(doc_id, file, field, c))
                totals.setdefault((file, field), Counts()).add(c)
                if file != "entities":
                    all_fields.add(c)
            if file != "entities":
                rows.append(_score_row(doc_id, file, "ALL", all_fields))
                totals.setdefault((file, "ALL"), Counts()).add(all_fields)
    for (file, field), c in totals.items():
        rows.append(_score_row("ALL", file, field, c))
    df = pd.DataFrame(rows, columns=["doc_id", "file", "field", "tp", "fp", "fn", "precision", "recall", "f1"])

    write_csv(pred_dir / "scores.csv", df.round(4))
    return df


def _score_row(doc_id: str, file: str, field: str, c: Counts) -> dict:
    p, r, f = _prf(c)
    return {"doc_id": doc_id, "file": file, "field": field, "tp": c.tp, "fp": c.fp, "fn": c.fn,
            "precision": p, "recall": r, "f1": f}


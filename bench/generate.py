"""Synthetic conference summaries for the scale benchmark: N realistic, varied documents, one seed.

    .venv/bin/python bench/generate.py N OUTDIR [--seed S]

Throughput and memory only mean something on text that looks like the real input, so each document
imitates the PDF-extracted summaries in ``raw/``: hard-wrapped prose with the odd hyphenated line end
and page banner, made-up but plausible trials (registry ids, products, targets, diseases, patient
numbers, doses in the notations papers use - the lost superscript "6 × 108", "10^6", thin spaces,
ranges, brackets, millions -, ORR/CR, CRS/ICANS grades), abbreviations defined inline on first use,
and one table in one of the layouts the extractor meets: a pipe table, aligned columns, one cell per
line, rows as flowing text, a transposed table, or a rotated table shredded into 1-3-character lines
(a blank line after every second fragment, no fragment crossing a cell).

Every document has its own ``random.Random`` seeded from ``(seed, index)``, so the corpus is
deterministic for a seed and ``generate(k, s)`` is a prefix of ``generate(n, s)`` for ``k <= n``: the
100-, 1,000- and 10,000-document corpora of the memory benchmark are nested. The value pools are
invented; no document describes a real trial's results.
"""

from __future__ import annotations

import argparse
import random
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

LAYOUTS = ("pipe", "aligned", "cell_per_line", "flowing", "transposed", "rotated")
# Rotated dumps are the hardest input for the ingest stage, so they get a larger share than in real life.
LAYOUT_WEIGHTS = (3, 3, 2, 2, 1, 3)

THIN = "\u2009"
NBSP = "\u00a0"

# target, modality, products, disease keys
CATALOGUE: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("CD19", "CAR-T", ("axi-cel", "tisa-cel", "liso-cel", "relma-cel", "obe-cel", "CD19 CAR-T"),
     ("LBCL", "DLBCL", "FL", "MCL", "B-ALL", "CLL")),
    ("CD19", "CAR-NK", ("CAR19/IL-15 NK cells", "FT596", "NKX019"), ("LBCL", "CLL", "B-ALL")),
    ("BCMA", "CAR-T", ("cilta-cel", "ide-cel", "CT103A", "LCAR-B38M", "CART-BCMA", "anito-cel", "ARI0002h"),
     ("RRMM", "MM")),
    ("BCMA", "bispecific", ("teclistamab", "elranatamab", "linvoseltamab", "ABBV-383"), ("RRMM", "MM")),
    ("GPRC5D", "CAR-T", ("MCARH109", "BMS-986393", "OriCAR-017"), ("RRMM", "MM")),
    ("GPRC5D", "bispecific", ("talquetamab", "forimtamab"), ("RRMM",)),
    ("FcRH5", "bispecific", ("cevostamab",), ("RRMM",)),
    ("CD20", "bispecific", ("glofitamab", "epcoritamab", "mosunetuzumab", "odronextamab"), ("LBCL", "DLBCL", "FL")),
    ("CD22", "CAR-T", ("CD22 CAR-T", "inotuzumab-refractory CD22 CAR-T"), ("B-ALL",)),
    ("CD19/CD22", "CAR-T", ("AUTO3", "CD19/CD22 CAR-T"), ("B-ALL", "LBCL")),
    ("CD7", "CAR-T", ("CD7 CAR-T", "WU-CART-007"), ("T-ALL",)),
    ("CD33", "CAR-T", ("CD33 CAR-T", "CLL1-CD33 cCAR"), ("AML",)),
    ("CD123", "CAR-T", ("UCART123", "MB-102"), ("AML", "BPDCN")),
    ("NKG2DL", "CAR-NK", ("NKX101", "CYAD-01"), ("AML", "MDS")),
    ("CD30", "CAR-NK", ("AFM13-NK",), ("HL",)),
    ("CD30", "CAR-T", ("CD30 CAR-T",), ("HL",)),
]

DISEASES: dict[str, str] = {
    "LBCL": "large B-cell lymphoma", "DLBCL": "diffuse large B-cell lymphoma", "FL": "follicular lymphoma",
    "MCL": "mantle cell lymphoma", "B-ALL": "B-cell acute lymphoblastic leukaemia",
    "CLL": "chronic lymphocytic leukaemia", "RRMM": "relapsed/refractory multiple myeloma",
    "MM": "multiple myeloma", "T-ALL": "T-cell acute lymphoblastic leukaemia", "AML": "acute myeloid leukaemia",
    "BPDCN": "blastic plasmacytoid dendritic cell neoplasm", "MDS": "myelodysplastic syndrome",
    "HL": "Hodgkin lymphoma",
}
TERMS: dict[str, str] = {
    "CAR": "chimeric antigen receptor", "CRS": "cytokine release syndrome",
    "ICANS": "immune effector cell-associated neurotoxicity syndrome", "ORR": "overall response rate",
    "CR": "complete response", "PFS": "progression-free survival", "OS": "overall survival",
    "MRD": "minimal residual disease", "BCMA": "B-cell maturation antigen", "GVHD": "graft-versus-host disease",
    "RP2D": "recommended phase 2 dose", "DLT": "dose-limiting toxicity",
}
PHASES = ("phase I", "phase 1", "phase I/II", "phase 1/2", "phase 1b/2", "phase II", "phase 2", "phase 3", "phase Ib")
ACRONYMS = ("CARTITUDE", "KarMMa", "MajesTEC", "MonumenTAL", "LINKER-MM", "TRANSCEND", "ZUMA", "ELARA", "EPCORE",
            "STARGLO", "MagnetisMM", "FELIX", "PRIME", "LUMMICAR", "CAMMA")
MEETINGS = ("ASH 2022", "ASH 2023", "EHA 2023", "EHA 2024", "ASCO 2023", "the 2023 ASH Annual Meeting", "ICML 2023")
AUTHORS = ("Huang", "Zhang", "Munshi", "Berdeja", "Moreau", "Neelapu", "Schuster", "Locke", "Bishop", "Liu",
           "Dickinson", "Shah", "Mailankody", "Chari", "Lesokhin", "Wang", "Kochenderfer", "Marin")
REGIMENS = ("fludarabine and cyclophosphamide", "Flu/Cy", "bendamustine", "fludarabine 30 mg/m2/d and "
            "cyclophosphamide 300 mg/m2/d for three days", "fludarabine, cyclophosphamide and etoposide")
UNITS = ("cells/kg", "CAR-T cells/kg", "CAR+ T cells/kg", "cells per kilogram", "CAR-positive T cells/kg", "cells")
NK_UNITS = ("NK cells/kg", "CAR-NK cells", "cells/kg", "cells")
JOURNALS = ("Journal of Hematology & Oncology", "Blood Cancer Journal", "Leukemia", "Haematologica")


@dataclass
class Trial:
    """One made-up study arm; the prose and the table describe the same numbers."""

    registry: str
    acronym: str
    product: str
    target: str
    modality: str
    disease: str
    phase: str
    n: int
    dose: str
    dose_short: str
    orr: float
    cr: float
    crs_any: int
    crs_g3: int
    icans_any: int
    icans_g3: int
    follow_up: float
    pfs: float | None
    abstract: int
    ref: int
    lines: int


@dataclass
class Doc:
    """Per-document state: which abbreviations are already defined, the spelling in use."""

    rng: random.Random
    british: bool
    always_long: bool = False
    defined: set[str] = field(default_factory=set)

    def term(self, short: str, capital: bool = False) -> str:
        """A term as papers write it: long form with the short form in brackets once, then short form."""
        long = TERMS.get(short) or DISEASES[short]
        if not self.british:
            long = long.replace("leukaemia", "leukemia")
        if short in self.defined:
            text = short if not self.always_long or self.rng.random() < 0.5 else long
        else:
            self.defined.add(short)
            text = f"{long} ({short})"
        return text[0].upper() + text[1:] if capital else text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def pct(value: float) -> str:
    return f"{value:g}%"


def _percent(rng: random.Random, low: float, high: float) -> float:
    """Whole percentages mostly, one decimal sometimes (as when n is not a round number)."""
    if rng.random() < 0.35:
        return round(rng.uniform(low, high), 1)
    return float(rng.randint(int(low), int(high)))


def _power(rng: random.Random, coefficient: str, exponent: int) -> str:
    """``coefficient × 10^exponent`` in one of the notations PDF-extracted papers show."""
    style = rng.choice(("lost", "lost", "lost", "caret", "x", "tight", "thin", "nbsp"))
    if style == "lost":  # the superscript fell to the baseline: "6 × 108"
        return f"{coefficient} × 10{exponent}"
    if style == "caret":
        return f"{coefficient} × 10^{exponent}"
    if style == "x":
        return f"{coefficient} x 10{exponent}"
    if style == "tight":
        return f"{coefficient}×10{exponent}"
    if style == "thin":
        return f"{coefficient}{THIN}×{THIN}10{exponent}"
    return f"{coefficient}{NBSP}×{NBSP}10{exponent}"


def cell_dose(rng: random.Random, modality: str) -> tuple[str, str]:
    """A cell dose with its unit, for prose, and a shorter form for a table cell."""
    exponent = rng.choice((6, 6, 6, 7, 8))
    unit = rng.choice(NK_UNITS if modality == "CAR-NK" else UNITS)
    if unit == "cells" or unit == "CAR-NK cells":
        exponent = max(exponent, 7)
    kind = rng.choice(("single", "single", "range", "list", "million", "bracket"))
    coefficients = ("0.5", "1", "1.5", "2", "2.5", "3", "5", "6", "7.5")
    if kind == "single":
        value = _power(rng, rng.choice(coefficients), exponent)
    elif kind == "range":
        low, high = sorted(rng.sample(coefficients, 2), key=float)
        dash = rng.choice(("–", "-", " to "))
        value = _power(rng, f"{low}{dash}{high}", exponent)
    elif kind == "list":
        picks = sorted(rng.sample(coefficients, 3), key=float)
        value = _power(rng, f"{picks[0]}, {picks[1]} and {picks[2]}", exponent)
    elif kind == "million":
        millions = rng.choice((50, 100, 150, 300, 450, 800))
        return f"{millions} million {unit}", f"{millions} × 106"
    else:
        value = f"{rng.choice(('1', '2', '5'))} x (10{exponent}-10{exponent + 1})"
    return f"{value} {unit}", value


def antibody_dose(rng: random.Random) -> tuple[str, str]:
    """A bispecific schedule: step-up doses and a target dose, weekly or less often."""
    target = rng.choice(("1.5 mg/kg", "0.4 mg/kg", "0.8 mg/kg", "76 mg", "48 mg", "30 mg", "720 µg/kg", "200 mg"))
    schedule = rng.choice(("weekly", "once weekly", "every 2 weeks", "every 3 weeks", "Q2W", "QW"))
    if rng.random() < 0.4:
        steps = rng.choice(("0.06 and 0.3 mg/kg", "12 and 32 mg", "2.5 and 10 mg", "0.01 and 0.06 mg/kg"))
        return f"step-up doses of {steps} followed by {target} {schedule}", f"{target} {schedule}"
    return f"{target} {schedule}", f"{target} {schedule}"


def make_trial(rng: random.Random, used: set[str], like: Trial | None = None) -> Trial:
    """A new study; with ``like``, one of the same target or disease area (as a review section groups them)."""
    entries = CATALOGUE
    if like is not None:
        entries = [e for e in CATALOGUE if e[0] == like.target or like.disease in e[3]]
    target, modality, products, diseases = rng.choice(entries)
    if like is not None and like.disease in diseases and rng.random() < 0.7:
        diseases = (like.disease,)
    while True:
        roll = rng.random()
        if roll < 0.8:
            registry = f"NCT0{rng.randint(1000000, 6999999)}"
        elif roll < 0.95:
            registry = f"ChiCTR{rng.randint(1800000000, 2300000000)}"
        else:
            registry = ""
        if registry not in used:
            used.add(registry)
            break
    acronym = f"{rng.choice(ACRONYMS)}-{rng.randint(1, 9)}" if rng.random() < 0.3 or not registry else ""
    dose, dose_short = antibody_dose(rng) if modality == "bispecific" else cell_dose(rng, modality)
    orr = _percent(rng, 20, 100)
    cr = _percent(rng, 0, orr)
    crs_any = rng.randint(0, 95)
    icans_any = rng.randint(0, min(40, crs_any + 10))
    return Trial(
        registry=registry, acronym=acronym, product=rng.choice(products), target=target, modality=modality,
        disease=rng.choice(diseases), phase=rng.choice(PHASES), n=rng.randint(6, 220), dose=dose,
        dose_short=dose_short, orr=orr, cr=cr, crs_any=crs_any, crs_g3=rng.randint(0, min(crs_any, 20)),
        icans_any=icans_any, icans_g3=rng.randint(0, min(icans_any, 10)),
        follow_up=round(rng.uniform(3, 36), 1), pfs=round(rng.uniform(2, 30), 1) if rng.random() < 0.6 else None,
        abstract=rng.randint(100, 9999), ref=rng.randint(1, 80), lines=rng.randint(2, 9),
    )


# ---------------------------------------------------------------- prose

def _name(trial: Trial) -> str:
    if trial.registry and trial.acronym:
        return f"{trial.acronym} ({trial.registry})"
    return trial.registry or trial.acronym


def _what(doc: Doc, trial: Trial) -> str:
    target = doc.term("BCMA") if trial.target == "BCMA" and doc.rng.random() < 0.5 else trial.target
    if trial.modality == "bispecific":
        return f"the {target}×CD3 bispecific antibody {trial.product}"
    cells = "CAR T cells" if trial.modality == "CAR-T" else "CAR-NK cells"
    if "CAR" not in doc.defined and doc.rng.random() < 0.6:
        doc.defined.add("CAR")
        cells = cells.replace("CAR", "chimeric antigen receptor (CAR)", 1)
    if doc.rng.random() < 0.5:
        return f"{trial.product}, {target}-directed {cells}"
    return f"{target} {cells} ({trial.product})"


def _patients(doc: Doc, trial: Trial) -> str:
    words = ("six", "seven", "eight", "nine", "ten", "eleven", "twelve")
    if trial.n <= 12 and doc.rng.random() < 0.5:
        return f"{words[trial.n - 6]} patients"
    return f"{trial.n} patients" if doc.rng.random() < 0.8 else f"patients (n = {trial.n})"


def _cite(doc: Doc, trial: Trial) -> str:
    roll = doc.rng.random()
    if roll < 0.3:
        return f" [{trial.ref}]"
    if roll < 0.5:
        return f" (Abstract {trial.abstract})"
    return ""


def _intro(doc: Doc, trial: Trial, meeting: str) -> str:
    rng = doc.rng
    disease = doc.term(trial.disease)
    options: list[Callable[[], str]] = [
        lambda: f"In the {trial.phase} study {_name(trial)}, {_patients(doc, trial)} with {disease} were treated "
                f"with {_what(doc, trial)}.",
        lambda: f"The {trial.phase} trial {_name(trial)} enrolled {_patients(doc, trial)} with {disease} who had "
                f"received a median of {trial.lines} prior lines of therapy.",
        lambda: f"{rng.choice(AUTHORS)} et al. reported {_patients(doc, trial)} with {disease} treated with "
                f"{_what(doc, trial)} in the {trial.phase} study {_name(trial)}{_cite(doc, trial)}.",
        lambda: f"Updated results of {_name(trial)} were presented at {meeting}: {_patients(doc, trial)} with "
                f"{disease} received {_what(doc, trial)}.",
        lambda: f"{_capital(_what(doc, trial))} were evaluated in {_name(trial)}, a {trial.phase} study in "
                f"{_patients(doc, trial)} with {disease}.",
    ]
    return rng.choice(options)()


def _dosing(doc: Doc, trial: Trial) -> str:
    rng = doc.rng
    if trial.modality == "bispecific":
        options = [f"{trial.product[0].upper()}{trial.product[1:]} was given at {trial.dose}.",
                   f"Patients received {trial.dose} until progression.",
                   f"The {doc.term('RP2D')} was {trial.dose}."]
    else:
        regimen = rng.choice(REGIMENS)
        options = [f"After lymphodepletion with {regimen}, patients received {trial.dose}.",
                   f"Doses of {trial.dose} were infused after {regimen}.",
                   f"The cell dose was {trial.dose}; lymphodepletion consisted of {regimen}.",
                   f"Dose escalation covered {trial.dose}, and no {doc.term('DLT')} was seen."]
    return rng.choice(options)


def _efficacy(doc: Doc, trial: Trial) -> str:
    rng = doc.rng
    responders = max(1, round(trial.n * trial.orr / 100))
    orr, cr = doc.term("ORR"), doc.term("CR")
    options = [
        f"The {orr} was {pct(trial.orr)} and {pct(trial.cr)} of patients reached a {cr}.",
        f"Responses were seen in {responders} of {trial.n} patients ({pct(trial.orr)}), with {cr} in "
        f"{pct(trial.cr)}.",
        f"{_capital(orr)} was {pct(trial.orr)} and {cr} {pct(trial.cr)} at a median follow-up of "
        f"{trial.follow_up:g} months.",
        f"{pct(trial.orr)} of patients responded, {pct(trial.cr)} with {cr}.",
    ]
    sentence = rng.choice(options)
    if trial.pfs is not None and rng.random() < 0.6:
        sentence += f" Median {doc.term('PFS')} was {trial.pfs:g} months."
    if rng.random() < 0.2:
        mrd = doc.term("MRD", capital=True)
        sentence += f" {mrd} negativity was reached by {rng.randint(20, 90)}% of those tested."
    return sentence


def _safety(doc: Doc, trial: Trial) -> str:
    rng = doc.rng
    crs, icans = doc.term("CRS"), doc.term("ICANS")
    ge3 = rng.choice(("grade ≥3", "grade ≥ 3", "grade 3 or higher", "grade ≥3", "G3+"))
    if trial.crs_any == 0:
        return f"No {crs} or {icans} of any grade occurred."
    options = [
        f"{crs[0].upper()}{crs[1:]} occurred in {trial.crs_any}% ({ge3} in {trial.crs_g3}%), and {icans} in "
        f"{trial.icans_any}%.",
        f"{crs[0].upper()}{crs[1:]} of any grade was seen in {trial.crs_any}%, mostly grade 1-2; {ge3} {icans} "
        f"affected {trial.icans_g3}%.",
        f"Rates of {ge3} {crs} and {icans} were {trial.crs_g3}% and {trial.icans_g3}%, respectively.",
        f"Grade 1 {crs} was reported in {max(1, trial.n * trial.crs_any // 200)} patients and grade 2 in "
        f"{max(0, trial.n * trial.crs_any // 400)}; {icans} was {'absent' if trial.icans_any == 0 else 'rare'}.",
    ]
    return rng.choice(options)


def trial_paragraph(doc: Doc, trial: Trial, meeting: str) -> str:
    parts = [_intro(doc, trial, meeting), _dosing(doc, trial), _efficacy(doc, trial)]
    if doc.rng.random() < 0.85:
        parts.append(_safety(doc, trial))
    if doc.rng.random() < 0.3 and trial.modality == "CAR-NK":
        parts.append(f"No {doc.term('GVHD')} was observed.")
    return " ".join(parts)


FILLER = (
    "Access to autologous products remains limited by manufacturing time, and several groups are therefore "
    "testing allogeneic, off-the-shelf alternatives.",
    "Most patients had disease refractory to their last line of therapy, and a large share were triple-class "
    "exposed.",
    "Cross-trial comparisons are difficult because eligibility, response criteria and the grading of toxicity "
    "differ between studies.",
    "Longer follow-up will show whether these responses are durable, in particular among patients with "
    "high-risk cytogenetics or extramedullary disease.",
    "Antigen escape and poor T-cell fitness are the main mechanisms of relapse discussed by the investigators.",
    "Outpatient administration was feasible in selected centres, with prophylactic tocilizumab in some "
    "protocols.",
    "Infections, including reactivation of cytomegalovirus, were the most frequent cause of non-relapse "
    "mortality.",
    "Bridging therapy was allowed in most studies, which complicates the attribution of early responses.",
    "Patient-reported outcomes improved after infusion and were maintained during follow-up.",
    "These data were presented as posters and oral abstracts; full publications are awaited.",
)


def opening(doc: Doc, trials: Sequence[Trial], meeting: str, style: str) -> list[str]:
    """Heading lines and a first paragraph that sets the scene, in the register of ``style``."""
    rng = doc.rng
    lead = trials[0]
    topic = f"{lead.target}-directed {'bispecific antibodies' if lead.modality == 'bispecific' else 'cell therapy'}"
    disease = doc.term(lead.disease)
    if style == "review":
        heading = f"{rng.randint(1, 6)}.{rng.randint(1, 5)} {topic[0].upper()}{topic[1:]}"
        first = (f"Several {topic} studies reported at {meeting} enrolled patients with {disease}. "
                 f"The main results are summarised below and in Table {rng.randint(1, 5)}.")
        return [heading, "", first]
    if style == "abstract":
        title = f"{_capital(lead.product)} in {DISEASES[lead.disease]}: results of a {lead.phase} study"
        return [rng.choice(("CELLULAR IMMUNOTHERAPIES", "MYELOMA AND PLASMA CELL DYSCRASIAS", "LYMPHOMA")), "",
                title, "", f"Background: {_capital(topic)} remains under active development for {disease}. "
                f"We report results of {_name(lead)}."]
    if style == "letter":
        return ["CORRESPONDENCE", "", f"{topic[0].upper()}{topic[1:]}: what did {meeting} add?", "",
                "To the Editor:", "", f"Several trials in {disease} were updated at {meeting}."]
    return [f"{meeting} highlights: {topic}", "", f"This summary covers {len(trials)} studies in {disease} "
            f"presented at {meeting}."]


# ---------------------------------------------------------------- tables

COLUMNS: dict[str, tuple[str, ...]] = {
    "registry": ("Registry no.", "NCT number", "Trial", "Study", "Trial ID"),
    "product": ("Product", "Construct", "Drug", "Agent"),
    "target": ("Target", "Antigen", "Target antigen"),
    "disease": ("Disease", "Indication", "Population"),
    "phase": ("Phase",),
    "n": ("n", "Patients", "No. of patients", "Pts", "Patient number"),
    "dose": ("Dose", "Dose level", "Cell dose", "Dose / schedule"),
    "orr": ("ORR", "Overall response"),
    "cr": ("CR", "CR rate", "≥CR"),
    "orr_cr": ("ORR/CR", "ORR / CR"),
    "crs": ("CRS any/≥G3", "CRS (any / grade ≥3)", "CRS"),
    "icans": ("ICANS", "Neurotoxicity", "ICANS any grade"),
    "ref": ("Ref.", "Reference", "Abstract"),
}


def cell(kind: str, trial: Trial, style: int) -> str:
    if kind == "registry":
        return trial.registry or trial.acronym
    if kind == "phase":
        return trial.phase.replace("phase ", "")
    if kind == "disease":
        return trial.disease
    if kind == "n":
        return str(trial.n)
    if kind == "dose":
        return trial.dose_short
    if kind == "orr":
        return pct(trial.orr)
    if kind == "cr":
        return pct(trial.cr)
    if kind == "orr_cr":
        return f"{pct(trial.orr)}/{pct(trial.cr)}" if style else f"{pct(trial.orr)} / {pct(trial.cr)}"
    if kind == "crs":
        return f"{trial.crs_any}% / {trial.crs_g3}%" if trial.crs_any else "None"
    if kind == "icans":
        return f"{trial.icans_any}%" if trial.icans_any else "–"
    if kind == "ref":
        return f"[{trial.ref}]" if style else str(trial.abstract)
    return str(getattr(trial, kind))


@dataclass
class TableSpec:
    number: int
    caption: str
    header: list[str]
    rows: list[list[str]]
    footnote: str


def make_table(doc: Doc, trials: Sequence[Trial], number: int, meeting: str) -> TableSpec:
    rng = doc.rng
    optional = ["product", "target", "disease", "phase", "n", "dose", "crs", "icans", "ref"]
    optional.append(rng.choice(("orr", "orr_cr")))
    if "orr" in optional and rng.random() < 0.6:
        optional.append("cr")
    kinds = ["registry"] + rng.sample(optional, rng.randint(4, min(8, len(optional))))
    style = rng.randint(0, 1)
    header = [rng.choice(COLUMNS[k]) for k in kinds]
    rows = [[cell(k, t, style) for k in kinds] for t in trials]
    lead = trials[0]
    caption = rng.choice((
        f"Selected {lead.target} trials presented at {meeting}",
        f"Outcomes of clinical trials in {DISEASES[lead.disease].replace('leukaemia', 'leukemia')}",
        "Early-phase studies of engineered cell therapies and bispecific antibodies",
        f"Efficacy and safety of {lead.modality} products in {lead.disease}",
    ))
    used = {lead.disease for lead in trials} | {"ORR", "CR", "CRS", "ICANS"}
    pairs = [(s, (TERMS.get(s) or DISEASES[s])) for s in sorted(used) if s in TERMS or s in DISEASES]
    form = rng.randint(0, 2)
    if form == 0:
        footnote = ", ".join(f"{s} {long}" for s, long in pairs)
    elif form == 1:
        footnote = "Abbreviations: " + "; ".join(f"{s}, {long}" for s, long in pairs) + "."
    else:
        footnote = "; ".join(f"{s}: {long}" for s, long in pairs) + "."
    return TableSpec(number, caption, header, rows, footnote)


def _title(table: TableSpec) -> str:
    return f"Table {table.number} {table.caption}"


def render_pipe(table: TableSpec, rng: random.Random) -> list[str]:
    rule = ":--" if rng.random() < 0.5 else "---"
    lines = [_title(table), "| " + " | ".join(table.header) + " |", "|" + "|".join(rule for _ in table.header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in table.rows]
    return lines + [table.footnote]


def render_aligned(table: TableSpec, rng: random.Random) -> list[str]:
    if rng.random() < 0.25:  # tab-separated, as some extractors write aligned columns
        grid = [table.header, *table.rows]
        return [_title(table), "", *("\t".join(r) for r in grid), "", table.footnote]
    widths = [max(len(r[c]) for r in [table.header, *table.rows]) for c in range(len(table.header))]
    gap = " " * rng.choice((2, 3, 4))
    lines = [_title(table), ""]
    for row in [table.header, *table.rows]:
        lines.append(gap.join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return lines + ["", table.footnote]


def render_cell_per_line(table: TableSpec, rng: random.Random) -> list[str]:
    lines = [_title(table), "", *table.header, ""]
    for row in table.rows:
        lines += [*row, ""]
    return lines + [table.footnote]


def render_flowing(table: TableSpec, rng: random.Random) -> list[str]:
    """Rows as single-spaced lines: the cell boundaries are lost, as in many PDF dumps."""
    return [_title(table), " ".join(table.header), *(" ".join(row) for row in table.rows), "", table.footnote]


def render_transposed(table: TableSpec, rng: random.Random) -> list[str]:
    """Studies in columns, fields in rows (the way head-to-head comparisons are printed)."""
    columns = list(zip(table.header, *table.rows, strict=True))
    widths = [max(len(v) for v in col) for col in zip(*columns, strict=True)]
    lines = [_title(table)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(col, widths, strict=True)).rstrip() for col in columns]
    return lines + [table.footnote]


def shred(runs: Sequence[str], rng: random.Random, keep_spaces: bool, group: int = 2) -> list[str]:
    """The extractor's dump of a rotated page: each glyph run cut into lines of 1-3 characters.

    A blank line follows every ``group`` lines, and sometimes closes a group early at the end of a run.
    Runs are cut independently, so no fragment crosses a run - hence none crosses a table cell. With
    ``keep_spaces`` a fragment keeps the spaces it spans (" o", "f c"; a lone space glyph is a line of
    one space), as in Springer PDFs; without, spaces at fragment edges are lost, as in others.
    """
    lines: list[str] = []
    count = 0
    for run in runs:
        pos = 0
        while pos < len(run):
            size = rng.choice((1, 2, 2, 2, 3, 3))
            piece = run[pos:pos + size]
            pos += size
            if keep_spaces:
                piece = piece if piece.strip() else " "
            else:
                piece = piece.strip()
                if not piece:
                    continue
            lines.append(piece)
            count += 1
            if count == group:
                lines.append("")
                count = 0
        if count and rng.random() < 0.3:
            lines.append("")
            count = 0
    if lines and lines[-1] != "":
        lines.append("")
    return lines


def _wrapped_cell(value: str, rng: random.Random) -> list[str]:
    """A long cell printed on two lines: two glyph runs; the space at the break may be lost."""
    spaces = [i for i, ch in enumerate(value) if ch == " "]
    if len(value) < 12 or not spaces or rng.random() > 0.3:
        return [value]
    at = rng.choice(spaces)
    return [value[:at] + (" " if rng.random() < 0.5 else ""), value[at + 1:]]


def render_rotated(table: TableSpec, rng: random.Random) -> list[str]:
    """A table printed at 90°: caption and footnote upright or shredded, header and cells shredded."""
    runs: list[str] = []
    lines: list[str] = []
    caption_upright = rng.random() < 0.5
    if caption_upright:
        lines += [_title(table), ""]
    else:
        runs.append(_title(table))
    for value in table.header:
        runs += _wrapped_cell(value, rng)
    for row in table.rows:
        for value in row:
            runs += _wrapped_cell(value, rng)
    footnote_upright = rng.random() < 0.6
    if not footnote_upright:
        runs.append(table.footnote)
    lines += shred(runs, rng, keep_spaces=rng.random() < 0.5)
    if footnote_upright:
        lines.append(table.footnote)
    return lines


RENDERERS: dict[str, Callable[[TableSpec, random.Random], list[str]]] = {
    "pipe": render_pipe, "aligned": render_aligned, "cell_per_line": render_cell_per_line,
    "flowing": render_flowing, "transposed": render_transposed, "rotated": render_rotated,
}


# ---------------------------------------------------------------- layout of the page

def _hyphenate(lines: list[str], rng: random.Random) -> list[str]:
    """Split a long word across a line end now and then ("chemo-" / "therapy"), as typeset text is."""
    out = list(lines)
    for i in range(len(out) - 1):
        words = out[i + 1].split(" ", 1)
        word = words[0]
        if len(word) >= 9 and word.isalpha() and word.islower() and rng.random() < 0.15:
            cut = rng.randint(3, len(word) - 4)
            out[i] = f"{out[i]} {word[:cut]}-"
            out[i + 1] = word[cut:] + (" " + words[1] if len(words) > 1 else "")
    return out


def wrap(paragraph: str, width: int, rng: random.Random) -> list[str]:
    lines = textwrap.wrap(paragraph, width=width, break_long_words=False, break_on_hyphens=False)
    return _hyphenate(lines, rng)


def document(rng: random.Random, layout: str) -> str:
    """One summary: heading, prose about 3-5 trials (some only in the table), one table, closing text."""
    doc = Doc(rng=rng, british=rng.random() < 0.5, always_long=rng.random() < 0.2)
    meeting = rng.choice(MEETINGS)
    style = rng.choice(("review", "abstract", "letter", "meeting"))
    used: set[str] = set()
    first = make_trial(rng, used)
    trials = [first]
    # Related trials: mostly the same target or disease area, as a section of a review would group them.
    for _ in range(rng.randint(2, 4)):
        trials.append(make_trial(rng, used, like=first if rng.random() < 0.7 else None))
    in_table = trials + [make_trial(rng, used, like=first) for _ in range(rng.randint(0, 2))]
    if layout == "transposed":  # head-to-head comparisons: two to four products side by side
        in_table = in_table[: rng.randint(2, 4)]
    number = rng.randint(1, 5)
    width = rng.randint(78, 92)
    budget = rng.randint(300, 560)

    lines = opening(doc, trials, meeting, style)
    paragraphs = [lines.pop()]
    for trial in trials:
        paragraphs.append(trial_paragraph(doc, trial, meeting))
    if rng.random() < 0.6:
        orrs = [t.orr for t in in_table]
        paragraphs.append(f"Across the {len(in_table)} studies in Table {number}, the "
                          f"{doc.term('ORR')} ranged from {pct(min(orrs))} to {pct(max(orrs))}.")
    table = make_table(doc, in_table, number, meeting)
    table_words = sum(len(v.split()) for v in [table.caption, table.footnote, *table.header, *sum(table.rows, [])])
    fillers = list(FILLER)
    rng.shuffle(fillers)
    while sum(len(p.split()) for p in paragraphs) + table_words > budget and len(paragraphs) > 3:
        paragraphs.pop(rng.randrange(1, len(paragraphs)))
    while sum(len(p.split()) for p in paragraphs) + table_words < budget - 40 and fillers:
        at = rng.randrange(1, len(paragraphs) + 1)
        paragraphs[at - 1] += " " + fillers.pop()

    table_at = rng.randint(2, len(paragraphs))
    body: list[str] = list(lines)
    for i, paragraph in enumerate(paragraphs):
        if i == table_at:
            body += RENDERERS[layout](table, rng) + [""]
        if style == "abstract" and i == len(paragraphs) - 1:
            paragraph = "Conclusions: " + paragraph
        body += wrap(paragraph, width, rng) + [""]
        if i == 1 and rng.random() < 0.3:
            journal = rng.choice(JOURNALS)
            body += ["", f"Page {rng.randint(2, 4)} of {rng.randint(4, 9)}{rng.choice(AUTHORS)} et al. {journal}"
                     f"{' ' * rng.randint(3, 12)}({rng.randint(2019, 2024)}) {rng.randint(1, 20)}:{rng.randint(1, 99)}",
                     "", ""]
    if table_at >= len(paragraphs):
        body += RENDERERS[layout](table, rng) + [""]
    if style == "letter":
        body += ["Competing interests: none declared.", ""]
    return "\n".join(body).rstrip("\n") + "\n"


def generate(n: int, seed: int, layouts: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """``n`` documents as ``(name, text)``; the name ends with the table layout used.

    ``layouts`` restricts the choice (the tests use it to get rotated dumps on demand).
    """
    choices = tuple(layouts) if layouts else LAYOUTS
    weights = [LAYOUT_WEIGHTS[LAYOUTS.index(layout)] for layout in choices]
    out: list[tuple[str, str]] = []
    for index in range(n):
        # A string seed is hashed with SHA-512 by ``random``: stable across processes and Python runs.
        rng = random.Random(f"confmine-bench:{seed}:{index}")
        layout = rng.choices(choices, weights)[0]
        out.append((f"gen{seed}_{index:05d}_{layout}", document(rng, layout)))
    return out


def write_corpus(n: int, out: Path, seed: int = 0) -> list[Path]:
    """Write ``generate(n, seed)`` as ``out/<name>.txt``; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in generate(n, seed):
        path = out / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write N synthetic conference-summary .txt documents.")
    parser.add_argument("n", type=int, help="number of documents")
    parser.add_argument("outdir", type=Path, help="folder to write them to (created if missing)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    args = parser.parse_args(argv)
    paths = write_corpus(args.n, args.outdir, args.seed)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
    print(f"{len(paths)} documents, {words:,} words -> {args.outdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

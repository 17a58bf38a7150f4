"""Generate tables printed rotated and shred them the way the PDF extractor did, for the table tests.

The extractor read a rotated page as glyph runs in order - caption, footnotes, each header cell, each
row's cells, every line of a wrapped cell as its own run - and wrote each run as lines of 1-3
characters with a blank line after every second line; a run's end may close a group early. No
fragment crosses a run, hence none crosses a cell. A wrapped cell loses the space at its line end
when the next line starts with a capital or a digit (the space glyph was never there).

``random_document(seed)`` builds a short summary (prose that mentions the studies, as reviews do)
with one shredded table, and returns the text and the grid a reader of the PDF would write down.
The value pools are made-up but realistic CAR-T, CAR-NK and bispecific-antibody trial facts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bench_modules import bench_module

Cell = tuple[str, ...]  # the glyph lines of a cell; joined they give its text


@dataclass
class GeneratedTable:
    number: int
    caption: str
    footnotes: list[str]
    header: list[Cell]
    rows: list[list[Cell | None]]  # None: not printed (the cell above spans this row)
    kinds: list[str] = field(default_factory=list)

    def expected_header(self) -> list[str]:
        return [_joined(cell) for cell in self.header]

    def expected_rows(self) -> list[list[str]]:
        """The grid: a continuation row takes the study's cells it does not print from the row
        above, and leaves empty the arm's cells it does not print after its own."""
        out: list[list[str]] = []
        for row in self.rows:
            values = []
            last = max(col for col, cell in enumerate(row) if cell is not None)
            for col, cell in enumerate(row):
                if cell is None:
                    arm = COLUMNS[self.kinds[col]][1] if col < len(self.kinds) else False
                    values.append("" if arm and col > last else out[-1][col])
                else:
                    text = _joined(cell)
                    values.append("" if text in ("/", "–") else text)
            out.append(values)
        return out

    def expected_continuation(self) -> list[bool]:
        return [any(cell is None for cell in row) for row in self.rows]


def _joined(cell: Cell) -> str:
    return " ".join("".join(cell).split())


def shred(runs: list[str], rng: random.Random, group: int = 2) -> str:
    """The extractor's dump of glyph runs (the benchmark generator's shredder, spaces kept)."""
    return "\n".join(bench_module("generate").shred(runs, rng, keep_spaces=True, group=group)) + "\n"


def glyph_runs(table: GeneratedTable) -> list[str]:
    runs = [f"Table {table.number} {table.caption}"] + table.footnotes
    for cell in table.header:
        runs += list(cell)
    for row in table.rows:
        for cell in row:
            if cell is not None:
                runs += list(cell)
    return [run for run in runs if run]


# ---------------------------------------------------------------- value pools

ABBREVIATIONS = {
    "AML": "acute myeloid leukemia", "MM": "multiple myeloma", "B-ALL": "B-cell acute lymphoblastic leukemia",
    "DLBCL": "diffuse large B-cell lymphoma", "CLL": "chronic lymphocytic leukemia", "MDS": "myelodysplastic syndrome",
    "FC": "fludarabine and cyclophosphamide", "ORR": "overall response rate", "CR": "complete response",
    "CRS": "cytokine release syndrome", "ICANS": "immune effector cell-associated neurotoxicity syndrome",
    "GVHD": "graft-versus-host disease", "iPSCs": "induced pluripotent stem cells",
    "RRMM": "relapsed/refractory multiple myeloma",
}

DISEASES = ["AML", "MM", "R/R MM", "B-ALL", "DLBCL", "R/R AML", "Multiple myeloma", "CLL", "MDS", "RRMM"]
SOURCES = ["Umbilical cord-derived", "iPSCs", "Autologous", "Allogeneic", "Cord blood", "PB-NK", "Healthy donor"]
CELL_TARGETS = ["CD19", "BCMA", "CD33", "CD19/CD22", "GPRC5D", "CLL-1", "CD123", "CD7", "BCMA/CD19", "CD30"]
BISPECIFIC_TARGETS = ["BCMA × CD3", "GPRC5D × CD3", "CD20 × CD3", "FcRH5 × CD3"]
CELL_PRODUCTS = ["CT103A", "LCAR-B38M", "FT576", "Anti-BCMA CAR-T", "CD19 CAR-T", "NKX101"]
BISPECIFICS = ["Teclistamab", "Elranatamab", "Talquetamab", "Linvoseltamab", "Epcoritamab", "Glofitamab"]
PHASES = ["I", "II", "I/II", "1", "2", "1/2", "Ib"]
REGIMENS = ["FC", "Flu/Cy", "None", "Flu/Cy + etoposide", "Bendamustine"]
CELL_DOSES = ["6, 12 and 18", "1 or 3", "1", "2.5", "0.5 to 1.8", "1.0, 2.0 and 3.0", "1–6 × 106", "0.07–2.1 × 106",
              "3 × 106/kg", "2 and 4"]
ANTIBODY_DOSES = ["1.5 mg/kg", "76 mg", "0.4 mg/kg weekly", "10 mg/kg", "0.8 mg/kg biweekly", "30 mg"]
COMBINATIONS = ["None", "Daratumumab", "Ibrutinib", "Lenalidomide", "Dexamethasone", "Pomalidomide"]
GVHD = ["None", "Grade 1 skin (1)", "Grade 2 (2)"]
SAFETY = ["None", "Grade 2 CRS: 1", "CRS grade 1 (2); no ICANS", "Grade ≥3 CRS: 2", "CRS 72%; ICANS 3%"]

# kind -> (header names, whether the value differs between two arms of one trial)
COLUMNS: dict[str, tuple[tuple[str, ...], bool]] = {
    "trial": (("NCT number", "Trial", "Registry no.", "Trial ID", "NCT ID"), False),
    "disease": (("Disease", "Indication", "Diseases"), False),
    "source": (("Source", "Cell source", "NK cell source"), False),
    "target": (("Target", "Antigen", "Target antigen"), False),
    "product": (("Product", "Construct", "Drug"), False),
    "phase": (("Phase",), False),
    "count": (("Patient number", "Patients", "n", "No. of patients", "Pts"), True),
    "regimen": (("Preconditioning regimen", "Lymphodepletion", "Conditioning"), True),
    "dose": (("Cell dose (108 )", "Dose (×10 6 cells/kg)", "Dose", "Dose level"), True),
    "combination": (("Combination", "Combined with", "Combination agent"), True),
    "orr_cr": (("ORR/CR",), True),
    "orr": (("ORR", "Overall response"), True),
    "gvhd": (("GVHD", "GvHD"), True),
    "safety": (("CRS/ICANS", "CRS", "Safety"), True),
    "abstract": (("Abstract Number", "Abstract", "Abstract no."), False),
    "reference": (("Reference", "Ref."), False),
}
CELL_THERAPY_ONLY = {"source", "regimen", "gvhd"}
CAPTIONS = [
    "Outcomes of clinical trials of CAR-NK cells presented at ASH 2022",
    "Early-phase CAR-T cell trials in hematological malignancies",
    "Bispecific antibody and cell therapy studies reported at EHA 2023",
    "Selected trials of off-the-shelf effector cells",
]
NOTES = [
    "* Three patients received two infusions.",
    "* One patient was not evaluable for response.",
    "† Dose escalation is ongoing.",
]


@dataclass
class Study:
    values: dict[str, str]


def _percent(rng: random.Random) -> str:
    value = rng.choice([rng.randint(5, 100), round(rng.uniform(5, 99), 1)])
    return f"{value}%"


def _study(rng: random.Random, bispecific: bool, index: int, used_refs: set[int]) -> dict[str, str]:
    if rng.random() < 0.8:
        registry = f"NCT0{rng.randint(1000000, 6999999)}"
    else:
        registry = f"ChiCTR{rng.randint(1800000000, 2300000000)}"
    ref = rng.randint(1, 60)
    while ref in used_refs:
        ref = rng.randint(1, 60)
    used_refs.add(ref)
    orr = rng.randint(10, 100)
    cr = rng.choice([0, rng.randint(0, orr)])
    return {
        "trial": registry,
        "disease": rng.choice(DISEASES),
        "source": rng.choice(SOURCES),
        "target": rng.choice(BISPECIFIC_TARGETS if bispecific else CELL_TARGETS),
        "product": rng.choice(BISPECIFICS if bispecific else CELL_PRODUCTS),
        "phase": rng.choice(PHASES),
        "count": str(rng.randint(2, 150)),
        "regimen": rng.choice(REGIMENS),
        "dose": rng.choice(ANTIBODY_DOSES if bispecific else CELL_DOSES),
        "combination": rng.choice(COMBINATIONS),
        "orr_cr": f"{orr}%/{cr}%" if cr else f"{orr}%/0",
        "orr": f"{orr}%",
        "gvhd": rng.choice(GVHD),
        "safety": rng.choice(SAFETY),
        "abstract": str(rng.randint(100, 9999)),
        "reference": f"[{ref}]",
    }


def _arm(rng: random.Random, base: dict[str, str], bispecific: bool) -> dict[str, str]:
    """A second arm of the same study: the arm-specific values change."""
    arm = dict(base)
    arm["count"] = str(rng.randint(2, 40))
    arm["combination"] = rng.choice([c for c in COMBINATIONS if c != "None"])
    arm["dose"] = rng.choice(ANTIBODY_DOSES if bispecific else CELL_DOSES)
    orr = rng.randint(10, 100)
    arm["orr_cr"] = f"{orr}%/{rng.randint(1, orr)}%"
    arm["orr"] = f"{orr}%"
    return arm


def _wrap(text: str, rng: random.Random, chance: float) -> Cell:
    """Print a cell on two lines when it has a space to break at; the space may be lost."""
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if not spaces or rng.random() >= chance:
        return (text,)
    at = rng.choice(spaces)
    first, second = text[:at], text[at + 1:]
    if (second[:1].isupper() or second[:1].isdigit()) and rng.random() < 0.5:
        return (first, second)
    return (first + " ", second)


def random_table(rng: random.Random, number: int | None = None) -> tuple[GeneratedTable, list[dict[str, str]]]:
    """A table of 1-8 rows over a random choice and order of columns, with its studies."""
    bispecific = rng.random() < 0.35
    kinds = [k for k in COLUMNS if k != "trial" and not (bispecific and k in CELL_THERAPY_ONLY)]
    if rng.random() < 0.5:
        kinds.remove("orr_cr" if rng.random() < 0.5 else "orr")
    chosen = rng.sample(kinds, rng.randint(3, min(10, len(kinds))))
    if "orr" in chosen and "orr_cr" in chosen:
        chosen.remove("orr")
    rng.shuffle(chosen)
    columns = ["trial"] + chosen
    names = [rng.choice(COLUMNS[k][0]) for k in columns]
    header = [_wrap(name, rng, 0.25) for name in names]

    used_refs: set[int] = set()
    studies: list[dict[str, str]] = []
    rows: list[list[Cell | None]] = []
    arm_cols = [i for i, k in enumerate(columns) if COLUMNS[k][1]]
    target_rows = rng.randint(1, 8)
    while len(rows) < target_rows:
        study = _study(rng, bispecific, len(studies), used_refs)
        studies.append(study)
        rows.append(_printed(rng, columns, study, range(len(columns)), missing=True))
        if len(arm_cols) >= 2 and len(rows) < target_rows and rng.random() < 0.3:
            arm = _arm(rng, study, bispecific)
            studies.append(arm)
            block = range(arm_cols[0], arm_cols[rng.randint(1, len(arm_cols) - 1)] + 1)
            rows.append(_printed(rng, columns, arm, block, missing=False))
    used = {v for s in studies for v in s.values()} | set(names)
    abbreviations = [f"{sf} {lf}" for sf, lf in ABBREVIATIONS.items()
                     if any(sf in value.split("/") or sf in value.split() or value == sf for value in used)]
    notes = []
    if rng.random() < 0.5:
        notes.append(rng.choice(NOTES))
    if abbreviations and rng.random() < 0.7:
        notes.append(", ".join(abbreviations))
    table = GeneratedTable(
        number=number if number is not None else rng.randint(1, 6),
        caption=rng.choice(CAPTIONS),
        footnotes=notes,
        header=header,
        rows=rows,
        kinds=columns,
    )
    return table, studies


def _printed(rng: random.Random, columns: list[str], study: dict[str, str], block: range,
             missing: bool) -> list[Cell | None]:
    row: list[Cell | None] = []
    for col, kind in enumerate(columns):
        if col not in block:
            row.append(None)
            continue
        value = study[kind]
        if missing and kind not in ("trial",) and rng.random() < 0.08:
            value = rng.choice(("/", "–"))
        row.append(_wrap(value, rng, 0.2))
    return row


def prose_for(studies: list[dict[str, str]], columns: list[str]) -> str:
    """What a summary says about each study before citing it (ids, numbers, abstract, reference)."""
    sentences = []
    for study in studies:
        sentence = f"The study {study['trial']}"
        if study.get("count"):
            sentence += f" treated {study['count']} patients"
        if study.get("disease"):
            sentence += f" with {study['disease']}"
        if "product" in columns and study.get("product"):
            sentence += f" with {study['product']}"
        if "target" in columns and study.get("target"):
            sentence += f", targeting {study['target']}"
        if "dose" in columns and study.get("dose"):
            sentence += f", at doses of {study['dose']}"
        pair = study.get("orr_cr") or study.get("orr")
        if pair and ("orr_cr" in columns or "orr" in columns):
            orr, _, cr = pair.partition("/")
            sentence += f"; the ORR was {orr}"
            if cr:
                sentence += f" and the CR rate {cr if cr.endswith('%') else cr + '%'}"
        if "safety" in columns and study.get("safety") == "None":
            sentence += "; neither CRS nor ICANS occurred"
        cite = []
        if study.get("abstract"):
            cite.append(f"(Abstract {study['abstract']})")
        if study.get("reference"):
            cite.append(f"[{study['reference'].strip('[]')}]")
        sentences.append(f"{sentence} {' '.join(cite)}.".replace(" .", "."))
    return " ".join(sentences)


def render_document(table: GeneratedTable, studies: list[dict[str, str]], rng: random.Random,
                    banner: bool = False) -> str:
    """The text dump of a summary page: prose about the studies, then the shredded table."""
    parts = ["Clinical trials", "", prose_for(studies, table.kinds), ""]
    if banner:
        parts += [shred(["Journal of Hematology & Oncology"], rng).rstrip("\n"), ""]
    parts += [shred(glyph_runs(table), rng).rstrip("\n"), "", "Acknowledgements", "Not applicable.", ""]
    return "\n".join(parts)


def random_document(seed: int, banner: bool = False) -> tuple[str, GeneratedTable]:
    """A summary with prose and one shredded rotated table (and optionally a rotated side banner)."""
    rng = random.Random(seed)
    table, studies = random_table(rng)
    return render_document(table, studies, rng, banner), table


def table_from(columns: list[str], names: list[str], studies: list[list[dict[str, str] | None]],
               caption: str, footnotes: list[str], number: int = 1,
               wrapped: dict[tuple[int, int], Cell] | None = None) -> tuple[GeneratedTable, list[dict[str, str]]]:
    """A table built by hand: ``studies[i]`` is the row's values by kind, with the kinds it does not
    print (a continuation row) missing from it; ``wrapped`` gives multi-line cells by (row, col)."""
    wrapped = wrapped or {}
    rows: list[list[Cell | None]] = []
    flat: list[dict[str, str]] = []
    previous: dict[str, str] = {}
    for r, values in enumerate(studies):
        assert values is not None
        full = {**previous, **values}
        flat.append(full)
        row: list[Cell | None] = []
        for c, kind in enumerate(columns):
            if kind not in values:
                row.append(None)
            else:
                row.append(wrapped.get((r, c), (values[kind],)))
        rows.append(row)
        previous = full
    header = [wrapped.get((-1, c), (name,)) for c, name in enumerate(names)]
    return GeneratedTable(number, caption, footnotes, header, rows, columns), flat

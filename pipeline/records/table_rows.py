"""Records from table rows: the header says what each column holds, the cell gives the value."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.knowledge.lexicon import lookup
from pipeline.knowledge.patterns import COUNT_NOTE, COUNT_THEN_PERCENT, PERCENT_OPTIONAL_SIGN
from pipeline.models import Column, Table
from pipeline.ner.quantities import format_cells, parse_doses, split_levels, unit_after
from pipeline.records import normalize as norm
from pipeline.records.events import read_event, statement
from pipeline.records.normalize import Glossary


@dataclass
class Partial:
    """Field values found for one study, with their quotes; merged later with what the prose says."""

    fields: dict[str, object] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    start: int = 0
    footnote_marks: list[str] = field(default_factory=list)


# Marks a row whose dose cell is a range ("2.5 × 10^5–2.5 × 10^6/kg"): its two numbers are bounds, not
# the dose levels, and the prose may list the levels in between. Not a record field (dropped on output).
DOSE_RANGE = "_dose_range"


def is_range(written: str, values: tuple[float, ...]) -> bool:
    """Two dose values joined by a dash or "to" are the ends of a range, not two levels."""
    return len(values) == 2 and bool(re.search(r"\d\s*(?:–|—|-|\bto\b)\s*\d", written))


_PARENTHESES = re.compile(r"\s*\([^()]*\)")
# "CD19+ B-cell malignancies (n = 37)": a disease cell may carry the number of patients.
# "CD30+ lymphoma after BV and CPI": what the patients had before is history, not the disease.
_PRIOR_THERAPY = re.compile(r"\s+(?:after|following|refractory\s+to|relapsed\s+after|post)\s+.*$", re.I | re.S)
# "CD19+ B-cell malignancies": the antigen the tumour expresses qualifies the disease, it is not part of it.
_MARKER_POSITIVE = re.compile(r"(?<![\w-])[A-Z][\w-]*\+\s+(?=\S)")


def disease_name(cell: str) -> str:
    """The disease a cell names, without a patient count "(n = 37)", the prior therapy that follows it or
    the antigen that qualifies it ("CD30+")."""
    name = _MARKER_POSITIVE.sub("", _PRIOR_THERAPY.sub("", COUNT_NOTE.sub("", cell))).strip()
    return name or cell


def is_clinical(table: Table) -> bool:
    roles = [c.field for c in table.columns]
    clinical = {"trial_id", "study", "n_patients", "outcomes", "adverse_events", "gvhd", "doses", "preconditioning"}
    return len(clinical & set(roles)) >= 2 and "preclinical" not in table.caption.lower()


# Patterns of the cell readers, compiled once (``re``'s own cache is shared with every other stage).
_MARK = re.compile(r"[*†‡§]")
_SLASH = re.compile(r"\s*/\s*")
_GRADED_HEADER = re.compile(r"\s*(grade\s*(?:≥|>=|>)?\s*\d)", re.I)


def _row_text(table: Table, i: int) -> str:
    return " ".join(c for c in table.rows[i] if c)


def clinical_rows(table: Table, glossary: Glossary) -> list[Partial]:
    ambiguous = {tuple(cell) for cell in table.ambiguous}
    partials = []
    for i, row in enumerate(table.rows):
        p = Partial(start=_row_start(table, i), evidence=[_row_text(table, i)])
        f = p.fields
        for col, (column, cell) in enumerate(zip(table.columns, row, strict=False)):
            if (norm.is_empty(cell) and column.field not in ("gvhd",)) or (i, col) in ambiguous:
                continue  # a cell whose column is a guess states nothing
            p.footnote_marks.extend(_MARK.findall(cell))
            _fill_clinical(f, column, cell, glossary)
        f.setdefault("arm", "combination" if f.get("combination") else "monotherapy")
        if not f.get("phase") and norm.caption_phase(table.caption):
            f["phase"] = norm.caption_phase(table.caption)
            p.evidence.append(table.caption)
        partials.append(p)
    return partials


def _fill_clinical(f: dict, column: Column, cell: str, glossary: Glossary) -> None:
    if not cell.strip():
        return
    role, header = column.field, column.name
    if role in ("trial_id", "study"):
        # A study without a registry id is known by the name the document gives it ("Lee et al.").
        f["trial_id"] = norm.trial_ids(cell) or (norm.clean(cell) if role == "study" else "")
    elif role == "disease":
        count = COUNT_NOTE.search(cell)
        if count and f.get("n_patients") is None:
            f["n_patients"] = int(count.group(1))
        f["disease"] = norm.canonical(disease_name(cell), "DISEASE", glossary)
    elif role == "cell_source":
        f["cell_source"] = norm.canonical(cell, "CELL_SOURCE", glossary)
    elif role == "design" and not f.get("cell_source"):
        # "Autologous T cells, lentiviral; 4-1BB + CD3ζ": the source is one term among the design's.
        f["cell_source"] = norm.named_in(cell, "CELL_SOURCE")
    elif role == "target":
        f["target_symbols"] = norm.target_symbols(cell)
    elif role == "n_patients":
        f["n_patients"] = norm.count(cell)
    elif role == "preconditioning":
        f["preconditioning"] = "" if norm.is_none(cell) else norm.canonical(cell, "AGENT", glossary)
    elif role == "doses":
        scale = column.scale or 1.0
        written = parse_doses(cell)
        if written:
            f["doses_cells"] = ";".join(format_cells(v) for d in written for v in d.values)
            f[DOSE_RANGE] = len(written) == 1 and is_range(cell[written[0].start : written[0].end], written[0].values)
            f["dose_unit"] = column.unit if column.unit != "cells" else written[0].unit
            return
        levels = split_levels(_MARK.sub("", cell))
        if levels:
            f["doses_cells"] = ";".join(format_cells(v * scale) for v in levels)
            f["dose_unit"] = column.unit if column.unit != "cells" else unit_after(cell)
    elif role == "combination":
        f["combination"] = "" if norm.is_none(cell) else norm.canonical(cell, "AGENT", glossary)
    elif role == "outcomes":
        names = column.outcomes
        parts = _SLASH.split(norm.clean(cell))
        for name, part in zip(names, parts, strict=False):
            # "14 (70%)": patients and their percentage; the field is the percentage.
            value = COUNT_THEN_PERCENT.match(part) or PERCENT_OPTIONAL_SIGN.match(part)
            if value and name in ("ORR", "CR"):
                f[f"{name.lower()}_pct"] = float(value.group(1))
    elif role == "gvhd":
        f["gvhd"] = "none" if norm.is_none(cell) else norm.clean(cell).lower()
    elif role in ("adverse_events", "icans"):
        events = ("CRS", "ICANS") if role == "adverse_events" else ("ICANS",)
        named = [e for e in events if e.lower() in header.lower()] or list(events)
        graded = _GRADED_HEADER.match(header)
        for event in named:
            if graded:  # "Grade ≥3 CRS" over "6%": the header says which grades the cell counts
                said, worst, n = statement(read_event(graded.group(1) + " ", " in " + norm.clean(cell)))
                f[event.lower()] = _named_as_printed(said, header[graded.end() :], role, glossary)
                continue
            statement_ = norm.event_any_and_graded(cell, header) or norm.event_from_cell(cell, event)
            if statement_:
                key = event.lower()
                f[key] = statement_.statement
                if key == "crs":
                    f["crs_max_grade"] = statement_.max_grade
                f[f"{key}_n"] = statement_.n
    elif role == "abstract_number":
        f["abstract_number"] = norm.abstract_number(cell)
    elif role == "reference":
        f["reference"] = norm.reference_number(cell)
    elif role == "phase":
        f["phase"] = norm.phase(cell)
    elif role == "summary":
        for name, value in norm.outcome_rates(cell).items():
            f.setdefault(f"{name.lower()}_pct", value)
        for key in norm.events_ruled_out(cell, glossary):
            f.setdefault(key, "none")
            if key == "crs":
                f.setdefault("crs_max_grade", 0)
            if key != "gvhd":
                f.setdefault(f"{key}_n", 0)
    elif role == "product":
        # "AFM13-NK (NK cells + CD30/CD16A engager AFM13)": the parentheses explain the product's make-up;
        # only an agent added outside them ("Cilta-cel + lenalidomide") is a combination.
        named = _PARENTHESES.sub("", norm.clean(cell)).strip() or norm.clean(cell)
        product, *added = re.split(r"\s+\+\s+|\s+plus\s+|\s+with\s+", named)
        # A product written as a short form ("Liso-cel") is its long form; a product name that merely
        # contains one ("CAR19/IL-15 NK cells") is kept as printed.
        f["product"] = glossary.expand(product) if re.fullmatch(r"[\w/-]+", product) else product
        if added:
            f["combination"] = " and ".join(norm.canonical(agent, "AGENT", glossary) for agent in added)


def _named_as_printed(said: str, event_words: str, role: str, glossary: Glossary) -> str:
    """An ICANS column that counts something broader ("Grade ≥3 neurological AEs") keeps that name in the
    statement ("grade >=3 neurological adverse events 21%"): the table does not say the events were ICANS.
    A column headed by one of ICANS's own names ("Grade ≥3 ICANS", "neurotoxicity") needs no name."""
    words = norm.clean(event_words)
    if role != "icans" or not words or not said.startswith("grade "):
        return said
    if lookup(words, "ADVERSE_EVENT") or lookup(glossary.expand(words), "ADVERSE_EVENT"):
        return said
    grade, _, rest = said.partition(" ")[2].partition(" ")
    return f"grade {grade} {glossary.expand(words).lower()} {rest}".strip()


def preclinical_rows(table: Table, glossary: Glossary) -> list[Partial]:
    partials = []
    for i, row in enumerate(table.rows):
        p = Partial(start=_row_start(table, i), evidence=[_row_text(table, i)])
        f = p.fields
        for role, cell in zip((c.field for c in table.columns), row, strict=False):
            if norm.is_empty(cell):
                continue
            if role == "cell_source":
                f["cell_source"] = norm.canonical(cell, "CELL_SOURCE", glossary)
            elif role == "disease":
                f["disease"] = norm.canonical(cell, "DISEASE", glossary)
            elif role == "target":
                f["target_symbols"] = norm.target_symbols(cell)
            elif role in ("method", "combination", "purpose"):
                f[role] = glossary.expand(norm.clean(cell)).lower()
            elif role == "abstract_number":
                f["abstract_number"] = norm.abstract_number(cell)
            elif role == "reference":
                f["reference"] = norm.reference_number(cell)
        partials.append(p)
    return partials


def _row_start(table: Table, i: int) -> int:
    spans = [s for s in (table.cell_spans[i] if i < len(table.cell_spans) else []) if s]
    return min((s[0] for s in spans), default=table.start)

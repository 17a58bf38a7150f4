"""Records from table rows: the header says what each column holds, the cell gives the value."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.fields import CELL_READERS
from pipeline.fields.citation import abstract_number, reference_number
from pipeline.fields.phase import caption_phase
from pipeline.fields.phrases import Glossary, canonical, clean, is_empty
from pipeline.fields.target import target_symbols
from pipeline.knowledge.patterns import FOOTNOTE_MARK
from pipeline.models import Table


@dataclass
class Partial:
    """Field values found for one study, with their quotes; merged later with what the prose says."""

    fields: dict[str, object] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    start: int = 0
    footnote_marks: list[str] = field(default_factory=list)


def is_clinical(table: Table) -> bool:
    roles = [c.field for c in table.columns]
    clinical = {"trial_id", "study", "n_patients", "outcomes", "adverse_events", "gvhd", "doses", "preconditioning"}
    return len(clinical & set(roles)) >= 2 and "preclinical" not in table.caption.lower()


def _row_text(table: Table, i: int) -> str:
    return " ".join(c for c in table.rows[i] if c)


def clinical_rows(table: Table, glossary: Glossary) -> list[Partial]:
    ambiguous = {tuple(cell) for cell in table.ambiguous}
    partials = []
    for i, row in enumerate(table.rows):
        p = Partial(start=_row_start(table, i), evidence=[_row_text(table, i)])
        f = p.fields
        for col, (column, cell) in enumerate(zip(table.columns, row, strict=False)):
            if (is_empty(cell) and column.field not in ("gvhd",)) or (i, col) in ambiguous:
                continue  # a cell whose column is a guess states nothing
            p.footnote_marks.extend(FOOTNOTE_MARK.findall(cell))
            reader = CELL_READERS.get(column.field)
            if reader is not None and cell.strip():
                reader(cell, column, glossary, f)
        if "product" not in f and f.get("combination") and partials:
            _add_arm(f, partials[-1].fields)
        if not set(f) - _NOT_A_STUDY:
            continue  # a row that names only an added agent tells no study apart and states nothing of one
        f.setdefault("arm", "combination" if f.get("combination") else "monotherapy")
        if not f.get("phase") and caption_phase(table.caption):
            f["phase"] = caption_phase(table.caption)
            p.evidence.append(table.caption)
        partials.append(p)
    return partials


STUDY_FIELDS = ("trial_id", "study", "product")
"""What a row that adds an agent to the product above ("+ ibrutinib", the study cells left empty) takes
from that row: it is another arm of the same study and product."""


_NOT_A_STUDY = frozenset({"arm", "combination"})
"""Fields that alone make no record: the row of a table misread into pieces ("Antibody partner" over a
cell of its own) would be an arm of no study."""


def _add_arm(arm: dict[str, object], above: dict[str, object]) -> None:
    """An arm printed as the agent it adds ("+ ibrutinib") under a row of its study: the study's ids,
    name and product are the row above's, where the arm's own row does not print them."""
    for name in STUDY_FIELDS:
        if name not in arm and above.get(name):
            arm[name] = above[name]


def preclinical_rows(table: Table, glossary: Glossary) -> list[Partial]:
    partials = []
    for i, row in enumerate(table.rows):
        p = Partial(start=_row_start(table, i), evidence=[_row_text(table, i)])
        f = p.fields
        for role, cell in zip((c.field for c in table.columns), row, strict=False):
            if is_empty(cell):
                continue
            if role == "cell_source":
                f["cell_source"] = canonical(cell, "CELL_SOURCE", glossary)
            elif role == "disease":
                f["disease"] = canonical(cell, "DISEASE", glossary)
            elif role == "target":
                f["target_symbols"] = target_symbols(cell)
            elif role in ("method", "combination", "purpose"):
                f[role] = glossary.expand(clean(cell)).lower()
            elif role == "abstract_number":
                f["abstract_number"] = abstract_number(cell)
            elif role == "reference":
                f["reference"] = reference_number(cell)
        partials.append(p)
    return partials


def _row_start(table: Table, i: int) -> int:
    spans = [s for s in (table.cell_spans[i] if i < len(table.cell_spans) else []) if s]
    return min((s[0] for s in spans), default=table.start)

"""Pydantic models exchanged between the pipeline's stages and written to the CSVs of ../SCHEMA.md.

Stage boundaries are typed so that a stage can be replaced (a PDF reader for the text reader, a better
abbreviation resolver) without the others noticing.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Literal

from pydantic import BaseModel, Field, PrivateAttr

Kind = Literal["txt", "pdf"]


class Page(BaseModel):
    """A page of the normalised text: ``text[start:end]``."""

    number: int
    start: int
    end: int


class Section(BaseModel):
    """A headed part of the document.

    ``kind`` lets later stages skip what holds no results: ``back`` (references, acknowledgements,
    declarations), ``abbreviations`` (a glossary block), ``boilerplate`` (publisher adverts).
    """

    title: str
    kind: Literal["front", "body", "table", "abbreviations", "back", "boilerplate"]
    start: int
    end: int


class FragmentRun(BaseModel):
    """A run of 1-3-character lines (a rotated table shredded by the extractor), joined in the text.

    ``breaks`` are positions in the normalised text where one fragment ended and the next began; a
    table cell boundary can only fall on one of them.
    """

    start: int
    end: int
    breaks: list[int]
    line_ends: list[int] = Field(
        default_factory=list,
        description="breaks at which the extractor closed a glyph line (a group shorter than usual)",
    )


class IngestedText(BaseModel):
    """Output of a reader: the normalised text and the way back to the raw source."""

    doc_id: str
    source_path: str
    kind: Kind
    encoding: str
    raw: str
    text: str
    to_raw: list[int]
    pages: list[Page]
    sections: list[Section]
    fragment_runs: list[FragmentRun] = Field(default_factory=list)
    rotated_captions: list[str] = Field(
        default_factory=list, description="captions of tables a PDF reader found printed rotated"
    )
    warnings: list[str] = Field(default_factory=list)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            return self.to_raw[start], self.to_raw[start]
        return self.to_raw[start], self.to_raw[end - 1] + 1

    # Each list of spans with the starts to bisect it by, kept while the list is the one assigned (a stage
    # may assign new sections): entities, records and tables ask for thousands of offsets in a long text.
    _starts: dict[str, tuple[list[Page] | list[Section], int, list[int] | None]] = PrivateAttr(default_factory=dict)

    def page_of(self, offset: int) -> int:
        page = self._span_at("pages", self.pages, offset)
        if page is not None:
            return page.number
        return self.pages[-1].number if self.pages else 1

    def section_at(self, offset: int) -> Section | None:
        return self._span_at("sections", self.sections, offset)

    def _span_at(self, name: str, spans: list, offset: int):  # noqa: ANN202 - a Page or a Section
        """The first of ``spans`` holding ``offset``: by bisection where the spans are sorted and apart
        (as readers make them), else by a scan."""
        cached = self._starts.get(name)
        if cached is None or cached[0] is not spans or cached[1] != len(spans):
            ordered = all(a.end <= b.start and a.start <= a.end for a, b in zip(spans, spans[1:], strict=False))
            cached = self._starts[name] = (spans, len(spans), [x.start for x in spans] if ordered else None)
        starts = cached[2]
        if starts is None:
            return next((x for x in spans if x.start <= offset < x.end), None)
        k = bisect_right(starts, offset) - 1
        return spans[k] if k >= 0 and offset < spans[k].end else None


class Abbreviation(BaseModel):
    """A short form and its long form; ``start``/``end`` locate the short form where it is defined."""

    short_form: str
    long_form: str
    source: Literal["inline", "glossary", "footnote", "lexicon"]
    start: int
    end: int
    mentions: list[tuple[int, int]] = Field(default_factory=list)
    conflicts: list[str] = Field(default_factory=list)


class Entity(BaseModel):
    label: Literal[
        "TARGET",
        "DISEASE",
        "CELL_SOURCE",
        "DOSE",
        "OUTCOME",
        "AGENT",
        "PRODUCT",
        "TRIAL_ID",
        "ABSTRACT_ID",
        "CELL_LINE",
        "ADVERSE_EVENT",
    ]
    text: str
    normalized: str = ""
    value: float | None = None
    unit: str = ""
    start: int
    end: int
    page: int = 1
    sentence: int = 0


class Column(BaseModel):
    """A table column as its header names it (``pipeline.fields.header.read_header``): the field it holds
    (its role in a record, "" for none), the kind of cell, and for a dose column the scale and unit its
    header puts on the cells, for an outcome column the outcomes it announces ("ORR/CR")."""

    name: str
    field: str = ""
    type: str = "text"
    scale: float | None = None
    unit: str = ""
    outcomes: list[str] = Field(default_factory=list)


class Table(BaseModel):
    """A table rebuilt as a grid of cell strings as printed; ``cell_spans`` give each cell's span in the text.

    ``columns`` type the printed columns. A table printed with its studies as columns (transposed) also
    carries ``study_view``: the same table turned so that each study is a row, which is what records read.
    """

    number: int
    caption: str
    header: list[str]
    rows: list[list[str]]
    orientation: Literal["upright", "rotated"]
    footnotes: list[str] = Field(default_factory=list)
    page: int = 1
    start: int
    end: int
    columns: list[Column] = Field(default_factory=list)
    study_view: Table | None = None
    continuation: list[bool] = Field(default_factory=list)
    cell_spans: list[list[tuple[int, int] | None]] = Field(default_factory=list)
    ambiguous: list[tuple[int, int]] = Field(
        default_factory=list,
        description="(row, column) of cells placed by reading order alone: the text cannot show their column",
    )
    warnings: list[str] = Field(default_factory=list)

    @property
    def column_scales(self) -> dict[str, float]:
        """Header -> the power of ten it puts on its cells, for the columns that have one."""
        return {c.name: c.scale for c in self.columns if c.scale is not None}

    def studies(self) -> Table:
        """The table with one study per row: its ``study_view`` when printed transposed, else itself."""
        return self.study_view or self


class ErrorRecord(BaseModel):
    doc_id: str
    source_path: str
    stage: str
    error_type: str
    message: str


class DocumentInfo(BaseModel):
    """One row of documents.csv."""

    doc_id: str
    source_path: str
    sha256: str
    kind: Kind
    pages: int = 0
    chars: int = 0
    status: Literal["ok", "failed"] = "ok"
    error: str = ""
    encoding: str = ""


class TrialArm(BaseModel):
    """One row of trials.csv: a clinical trial arm, every field normalised (see SCHEMA.md)."""

    doc_id: str
    trial_id: str = ""
    arm: Literal["monotherapy", "combination", ""] = ""
    abstract_number: str = ""
    reference: str = ""
    phase: str = ""
    disease: str = ""
    cell_source: str = ""
    product: str = ""
    target_symbols: str = ""
    n_patients: int | None = Field(default=None, ge=0)
    preconditioning: str = ""
    doses_cells: str = ""
    dose_unit: Literal["cells", "cells/kg", "cells/m2", ""] = ""
    combination: str = ""
    orr_pct: float | None = Field(default=None, ge=0, le=100)
    cr_pct: float | None = Field(default=None, ge=0, le=100)
    gvhd: str = ""
    crs: str = ""
    crs_max_grade: int | None = Field(default=None, ge=0, le=5)
    crs_n: int | None = Field(default=None, ge=0)
    icans: str = ""
    icans_n: int | None = Field(default=None, ge=0)
    evidence: str = ""
    study: str = Field(default="", description="the study's name or acronym as written (ZUMA-1), not a registry id")
    doses_drug: str = Field(default="", description="dose levels of an antibody or drug, ';'-joined, in order")
    drug_dose_unit: Literal["mg", "mg/kg", "ug/kg", "mg/m2", ""] = ""
    conflicts: str = ""
    start: int = 0


class PreclinicalStudy(BaseModel):
    """One row of preclinical.csv."""

    doc_id: str
    abstract_number: str = ""
    reference: str = ""
    cell_source: str = ""
    disease: str = ""
    target_symbols: str = ""
    method: str = ""
    combination: str = ""
    purpose: str = ""
    evidence: str = ""
    conflicts: str = ""
    start: int = 0


class DocumentResult(BaseModel):
    """Everything confmine extracted from one document (the return value of ``extract_document``)."""

    info: DocumentInfo
    text: str = ""
    ingested: IngestedText | None = None
    abbreviations: list[Abbreviation] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    trials: list[TrialArm] = Field(default_factory=list)
    preclinical: list[PreclinicalStudy] = Field(default_factory=list)
    errors: list[ErrorRecord] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

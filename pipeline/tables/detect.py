"""Find the tables of a document and hand each to the parser of its layout."""

from __future__ import annotations

from pipeline.abbreviations.api import abbreviations_in
from pipeline.fields.evidence import build_context
from pipeline.knowledge.patterns import CAPTION_LINE
from pipeline.models import Abbreviation, IngestedText, Table
from pipeline.tables.build import build_table
from pipeline.tables.rotated import caption_before, parse_rotated
from pipeline.tables.upright import parse_upright


def find_tables(doc: IngestedText, abbreviations: list[Abbreviation] | None = None) -> list[Table]:
    """Every table with a "Table N" caption, in document order; a run of fragments that is not a
    captioned table (a rotated side banner) gives nothing.

    ``abbreviations`` are the abbreviation stage's findings for the document (found here when not
    given): its own definitions, table footnotes included, help read the cells of every table."""
    if abbreviations is None:
        abbreviations = abbreviations_in(doc.text)
    ctx = build_context(doc, definitions=[(a.short_form, a.long_form) for a in abbreviations
                                          if a.source != "lexicon"])
    tables: list[Table] = []
    claimed: list[tuple[int, int]] = []
    for run in doc.fragment_runs:
        parts = parse_rotated(doc, run, ctx)
        if parts is None:
            continue
        tables.append(build_table(doc, parts, ctx.long_form))
        claimed.append((parts.caption[0], max(parts.end, run.end)))
    runs = [(run.start, run.end) for run in doc.fragment_runs]
    captions = [m for m in CAPTION_LINE.finditer(doc.text)]
    for index, m in enumerate(captions):
        start = m.start() + len(m.group()) - len(m.group().lstrip())
        if any(a <= start < b for a, b in claimed + runs):
            continue
        if any(caption_before(doc.text, a) == (int(m.group("number")), start) for a, _ in runs):
            continue
        limit = _region_end(doc, start, captions[index + 1].start() if index + 1 < len(captions) else len(doc.text))
        parts = parse_upright(doc, start, limit, ctx)
        if parts is not None:
            tables.append(build_table(doc, parts, ctx.long_form))
    tables.sort(key=lambda table: table.start)
    return tables


def _region_end(doc: IngestedText, start: int, limit: int) -> int:
    """Where an upright table's text can end at the latest: the next caption, fragment run, or a
    section of back matter or advert."""
    for run in doc.fragment_runs:
        if start < run.start < limit:
            limit = run.start
    for section in doc.sections:
        if start < section.start < limit and section.kind in ("back", "boilerplate"):
            limit = section.start
    return limit

"""Find the tables of a document and hand each to the parser of its layout."""

from __future__ import annotations

from pipeline.abbreviations.api import abbreviations_in
from pipeline.fields.evidence import build_context
from pipeline.fields.header import LongForm
from pipeline.knowledge.patterns import CAPTION_LINE, CONTINUED_CAPTION
from pipeline.models import Abbreviation, IngestedText, Table
from pipeline.tables.build import TableParts, build_table, with_study_view
from pipeline.tables.rotated import caption_before, parse_rotated
from pipeline.tables.upright import parse_upright, parse_upright_above


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
        if parts is None:
            # Nothing under the caption reads as a table: it may be printed below its table.
            floor = max([b for a, b in claimed if b <= start] + [c.start() for c in captions[:index]] + [0])
            parts = parse_upright_above(doc, start, floor, ctx)
        if parts is not None:
            tables.append(build_table(doc, parts, ctx.long_form))
            claimed.append((min(parts.caption[0], _first_cell(parts)), parts.end))
    tables.sort(key=lambda table: table.start)
    return _join_continued(tables, ctx.long_form)


def _first_cell(parts: TableParts) -> int:
    starts = [name.start for name in parts.header if name.start >= 0]
    return min(starts, default=parts.caption[0])


def _join_continued(tables: list[Table], long_form: LongForm | None) -> list[Table]:
    """A table split across pages ("Table 2. (continued)" over the rest of its rows) is one table; a
    table printed with studies as columns gets the study view of all its rows (``long_form``: see
    ``build_table``)."""
    joined: list[Table] = []
    for table in tables:
        previous = joined[-1] if joined else None
        if (previous is not None and CONTINUED_CAPTION.match(table.caption) and table.number == previous.number
                and len(table.header) == len(previous.header)):
            offset = len(previous.rows)
            joined[-1] = with_study_view(previous.model_copy(update={
                "rows": previous.rows + table.rows,
                "cell_spans": previous.cell_spans + table.cell_spans,
                "continuation": previous.continuation + table.continuation,
                "ambiguous": previous.ambiguous + [(row + offset, col) for row, col in table.ambiguous],
                "footnotes": previous.footnotes + [n for n in table.footnotes if n not in previous.footnotes],
                "warnings": previous.warnings + table.warnings,
                "end": max(previous.end, table.end),
            }), long_form)
            continue
        joined.append(table)
    return joined


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

"""Read a ``.txt`` file (text already extracted from a PDF) into an ``IngestedText``."""

from __future__ import annotations

import re
from bisect import bisect_left
from pathlib import Path

from pipeline.ingest import fragments, normalize
from pipeline.ingest.encoding import decode_bytes
from pipeline.ingest.sections import find_sections
from pipeline.models import FragmentRun, IngestedText, Page
from pipeline.offsets import Edit, MappedText

_PAGE_NUMBER = re.compile(r"\bPage\s+(\d+)\s+of\s+(\d+)")


def normalize_text(raw: str) -> tuple[MappedText, list[tuple[int, int]], list[fragments.FragmentRunSpan]]:
    """Normalise ``raw``; return the mapped text, raw page breaks ``(raw_offset, page_number)`` and
    the fragment runs (with raw offsets)."""
    mapped = MappedText.identity(raw)
    mapped = _applied(mapped, normalize.line_endings(mapped.text))
    mapped = _applied(mapped, normalize.fold_characters(mapped.text))

    runs = fragments.find_fragment_runs(mapped.text)
    raw_runs = [
        fragments.FragmentRunSpan(
            mapped.to_raw[run.start],
            mapped.to_raw[run.end],
            [mapped.to_raw[s] for s in run.fragment_starts],
            [mapped.to_raw[s] for s in run.line_end_starts],
        )
        for run in runs
    ]
    join = [edit for run in runs for edit in fragments.join_edits(mapped.text, run)]
    mapped = _applied(mapped, join)

    headers = normalize.page_header_lines(mapped.text)
    breaks = _page_breaks(mapped, headers, raw)
    mapped = _applied(mapped, normalize.remove_lines(headers))
    mapped = _applied(mapped, normalize.dehyphenate(mapped.text))
    mapped = _applied(mapped, normalize.fold_whitespace(mapped.text))
    stripped = len(mapped.text) - len(mapped.text.lstrip())
    if stripped:
        mapped = mapped.apply([normalize.Edit(0, stripped, "")])
    return mapped, breaks, raw_runs


def _applied(mapped: MappedText, edits: list[Edit]) -> MappedText:
    """``mapped`` with ``edits`` applied; no edits leave it as it is instead of copying text and map
    (most steps change nothing in most documents)."""
    return mapped.apply(edits) if edits else mapped


def _page_breaks(mapped: MappedText, headers: list[tuple[int, int]], raw: str) -> list[tuple[int, int]]:
    """Raw offsets where a page starts, with its number.

    Form feeds, where the raw text has them, separate pages; otherwise a "Page N of M" line closes
    page N (extractors emit the running head after the page body).
    """
    feeds = [m.end() for m in re.finditer("\f", raw)]
    if feeds:
        # A reader that marks page breaks itself (form feeds) knows better than running heads.
        return [(0, 1)] + [(pos, i + 2) for i, pos in enumerate(feeds)]
    numbered = []
    for start, end in headers:
        m = _PAGE_NUMBER.search(mapped.text, start, end)
        if m:
            number, total = int(m.group(1)), int(m.group(2))
            numbered.append((mapped.to_raw[min(end, len(mapped.text))], min(number + 1, total)))
    if numbered:
        first = numbered[0][1] - 1
        return [(0, first)] + numbered
    return [(0, 1)]


def _to_final(to_raw: list[int], raw_offset: int) -> int:
    return bisect_left(to_raw, raw_offset)


def ingest_text(raw: str, doc_id: str, source_path: str = "", encoding: str = "utf-8",
                kind: str = "txt") -> IngestedText:
    """Normalise already-decoded text into the document model shared by every reader."""
    mapped, breaks, raw_runs = normalize_text(raw)
    text = mapped.text
    pages: list[Page] = []
    starts = sorted({min(_to_final(mapped.to_raw, pos), len(text)): n for pos, n in breaks}.items())
    for (start, number), nxt in zip(starts, starts[1:] + [(len(text), 0)], strict=True):
        if pages and pages[-1].number == number:
            pages[-1].end = max(nxt[0], start)
        elif nxt[0] > start or not pages:
            pages.append(Page(number=number, start=start, end=max(nxt[0], start)))
    runs = [
        FragmentRun(
            start=_to_final(mapped.to_raw, run.start),
            end=_to_final(mapped.to_raw, run.end),
            breaks=sorted({_to_final(mapped.to_raw, s) for s in run.fragment_starts[1:]}),
            line_ends=sorted({_to_final(mapped.to_raw, s) for s in run.line_end_starts}),
        )
        for run in raw_runs
    ]
    return IngestedText(
        doc_id=doc_id,
        source_path=source_path,
        kind=kind,  # type: ignore[arg-type]
        encoding=encoding,
        raw=raw,
        text=text,
        to_raw=mapped.to_raw,
        pages=pages,
        sections=find_sections(text),
        fragment_runs=runs,
    )


def read_text_file(path: Path) -> IngestedText:
    """Decode and normalise a text dump; a decoding fallback is kept as a warning."""
    decoded = decode_bytes(path.read_bytes())
    doc = ingest_text(decoded.text, path.stem, str(path), decoded.encoding)
    if decoded.warning:
        doc.warnings.append(decoded.warning)
    return doc

"""Transposed tables: the studies are the columns and the attributes the rows ("Trial ZUMA-7 BELINDA
TRANSFORM"). The header is the first line (the corner cell is empty); each following line is a label
and one value per column, split where the values take the same shape ("83% 75% 87%"); a line that
cannot be split continues the label above it ("median", "(primary refractory or").
"""

from __future__ import annotations

import re

from pipeline.fields.evidence import DocContext
from pipeline.tables import footnotes
from pipeline.tables.build import Body, HeaderName
from pipeline.tables.delimited import slot
from pipeline.tables.flowing import header_line
from pipeline.tables.header import score_header_cell
from pipeline.tables.layout import Line, footnote_line, is_prose, paragraph_end
from pipeline.tables.segment import RowParse, Slot
from pipeline.tables.vocabulary import DANGLING

_VALUE_START = re.compile(r"[\dA-Z≤≥<>~\u0370-\u03ff]|\(\d")


def _value_ok(value: str) -> bool:
    if not value or not _VALUE_START.match(value) or value[-1] in ",;(/":
        return False
    return not (value.split()[-1].lower() in DANGLING or value.count("(") != value.count(")"))


def _shape(value: str) -> str:
    return re.sub(r"[A-Za-zζ]+", "a", re.sub(r"\d+(?:\.\d+)?", "0", value))


def _split_label(tokens: list[str], n: int) -> tuple[int, list[int]] | None:
    """(label length, value group sizes) for a line of a transposed table, by value shapes."""
    best: tuple[float, int, list[int]] | None = None
    if not tokens[0][0].isupper():
        return None
    for label in range(1, len(tokens) - n + 1):
        if tokens[label - 1][-1] in "/(-–+&" or tokens[label - 1].lower() in DANGLING:
            continue
        for sizes in _compositions(len(tokens) - label, n):
            values, pos = [], label
            for size in sizes:
                values.append(" ".join(tokens[pos:pos + size]))
                pos += size
            if not all(_value_ok(v) for v in values):
                continue
            shapes = [_shape(v) for v in values]
            common = max(shapes.count(s) for s in shapes)
            score = (common if common >= 2 else 0) - 0.1 * sum(sizes) + 0.05 * label
            if best is None or score > best[0]:
                best = (score, label, sizes)
    return (best[1], best[2]) if best else None


def _compositions(total: int, parts: int) -> list[list[int]]:
    if parts == 1:
        return [[total]] if total >= 1 else []
    out = []
    for first in range(1, total - parts + 2):
        out += [[first] + rest for rest in _compositions(total - first, parts - 1)]
    return out


def transposed(text: str, blocks: list[list[Line]], ctx: DocContext) -> Body | None:
    lines = [line for block in blocks for line in block]
    first = lines[0]
    names = first.text(text).split()
    if not 2 <= len(names) <= 8 or header_line(text, first, ctx):
        return None
    labelled = sum(1 for line in lines[1:8] if _starts_with_name(line.text(text), ctx))
    if labelled < 3:
        return None
    header = [HeaderName("")] + [HeaderName(m.group(), first.start + m.start(), first.start + m.end())
                                 for m in re.finditer(r"\S+", first.text(text))]
    n = len(names)
    rows: list[RowParse] = []
    end = first.end
    for index, line in enumerate(lines[1:], start=1):
        if footnote_line(text, lines, index) or is_prose(line.text(text)):
            notes = footnotes.split_footnotes(text, line.start, paragraph_end(lines, index))
            return Body(header, rows, notes, end, []) if rows else None
        matches = list(re.finditer(r"\S+", line.text(text)))
        split = _split_label([m.group() for m in matches], n) if len(matches) > n else None
        if split is None:
            if not rows:
                return None
            row = rows[-1]
            row.extra.setdefault(0, []).append((line.start, line.end))
        else:
            label, sizes = split
            slots = [Slot("text", line.start + matches[0].start(), line.start + matches[label - 1].end())]
            pos = label
            for size in sizes:
                first, final = matches[pos], matches[pos + size - 1]
                slots.append(slot(text, (line.start + first.start(), line.start + final.end())))
                pos += size
            rows.append(RowParse(slots, False))
        end = line.end
    return Body(header, rows, [], end, []) if rows else None


def _starts_with_name(line: str, ctx: DocContext) -> bool:
    tokens = line.split()
    for size in range(1, min(4, len(tokens)) + 1):
        scored = score_header_cell(" ".join(tokens[:size]).rstrip(","), ctx, allow_open=True)
        if scored and scored[2]:
            return True
    return False

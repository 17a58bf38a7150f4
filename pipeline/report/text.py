"""A document's normalised text as HTML: entities highlighted by displaCy, plus abbreviations and anchors.

displaCy draws the entity marks (one look for every spaCy user, and no highlighter of our own to
maintain), but it escapes the text it is given, so abbreviations (``<abbr title=long form>``) and the
evidence anchors that record cells link to cannot be passed through it. They are added afterwards:
the displaCy markup is walked with a cursor into the original text, and every text run is cut at the
boundaries of those extra spans, each piece wrapped on its own, so that the result stays well nested
whatever the overlaps between entities, abbreviations and quotes.
"""

from __future__ import annotations

import bisect
import html
import re
import zlib
from dataclasses import dataclass

from spacy import displacy

from pipeline.report.evidence import evidence_id
from pipeline.report.load import Row

LABEL_COLORS = {
    "TARGET": "#fde68a",
    "DISEASE": "#fecaca",
    "CELL_SOURCE": "#bbf7d0",
    "DOSE": "#bfdbfe",
    "OUTCOME": "#ddd6fe",
    "AGENT": "#fbcfe8",
    "PRODUCT": "#a5f3fc",
    "TRIAL_ID": "#e5e7eb",
    "ABSTRACT_ID": "#d9f99d",
    "CELL_LINE": "#fed7aa",
    "ADVERSE_EVENT": "#fca5a5",
}
_SPARE_COLORS = ["#e9d5ff", "#ccfbf1", "#fef9c3", "#e0e7ff", "#ffe4e6", "#dcfce7"]

# Our own displaCy template: the default one pads the mark with newlines and indentation; this one
# adds a tooltip with the canonical value and a class so the label can be styled (and printed).
ENT_TEMPLATE = (
    '<mark class="entity" style="background: {bg}" title="{tip}">{text} '
    '<span class="entity-label">{label}</span></mark>'
)
_TAG = re.compile(r"(<[^>]*>)")
_MAX_EXAMPLES = 5


def label_color(label: str) -> str:
    """The label's colour; labels outside SCHEMA.md still get a stable, light one."""
    return LABEL_COLORS.get(label.upper(), _SPARE_COLORS[zlib.crc32(label.encode()) % len(_SPARE_COLORS)])


@dataclass(frozen=True)
class Wrap:
    """An element to put around ``text[start:end]``; ``ident`` goes on its first piece only."""

    start: int
    end: int
    tag: str
    attrs: str = ""
    ident: str | None = None


@dataclass
class Entity:
    start: int
    end: int
    label: str
    tip: str


def _examples(items: list[str]) -> str:
    more = f" and {len(items) - _MAX_EXAMPLES} more" if len(items) > _MAX_EXAMPLES else ""
    return "; ".join(items[:_MAX_EXAMPLES]) + more


def resolve_entities(text: str, rows: list[Row], doc_id: str) -> tuple[list[Entity], list[str]]:
    """Entities displaCy can draw (valid offsets, no overlaps: the longest wins), and what was left out."""
    bad: list[str] = []
    shifted: list[str] = []
    candidates: list[Entity] = []
    for row in rows:
        try:
            start, end = int(row.get("start", "")), int(row.get("end", ""))
        except ValueError:
            bad.append(f"{row.get('label', '')} {row.get('text', '')!r}")
            continue
        if not 0 <= start < end <= len(text):
            bad.append(f"{row.get('label', '')} {row.get('text', '')!r} at {start}-{end}")
            continue
        if " ".join(text[start:end].split()) != " ".join(row.get("text", "").split()):
            shifted.append(f"{row.get('text', '')!r} at {start}-{end} reads {text[start:end]!r}")
        label = row.get("label", "").strip() or "ENTITY"
        value = " ".join(x for x in (row.get("value", ""), row.get("unit", "")) if x.strip())
        tip = " · ".join(x for x in (label, row.get("normalized", ""), value) if x.strip())
        candidates.append(Entity(start, end, label, tip))
    kept: list[Entity] = []
    dropped: list[str] = []
    for ent in sorted(candidates, key=lambda e: (e.start, -(e.end - e.start))):
        if kept and ent.start < kept[-1].end:
            dropped.append(f"{ent.label} {text[ent.start:ent.end]!r} at {ent.start}-{ent.end}")
            continue
        kept.append(ent)
    warnings = []
    if bad:
        warnings.append(f"{doc_id}: {len(bad)} entities with offsets outside the text: {_examples(bad)}")
    if shifted:
        warnings.append(f"{doc_id}: {len(shifted)} entities whose offsets do not match their text: "
                        f"{_examples(shifted)}")
    if dropped:
        warnings.append(f"{doc_id}: {len(dropped)} entities overlap a longer one and are not highlighted: "
                        f"{_examples(dropped)}")
    return kept, warnings


def abbreviation_wraps(text: str, rows: list[Row], prefix: str) -> list[Wrap]:
    """``<abbr>`` on every whole-word occurrence of each short form, and an anchor on each definition."""
    long_forms: dict[str, list[str]] = {}
    definitions: set[tuple[int, int]] = set()
    for row in rows:
        short, long = row.get("short_form", "").strip(), row.get("long_form", "").strip()
        if short and long and long not in long_forms.setdefault(short, []):
            long_forms[short].append(long)
        span = definition_span(row, len(text))
        if span:
            definitions.add(span)
    wraps = [Wrap(s, e, "span", 'class="abbr-def"', definition_id(prefix, (s, e))) for s, e in sorted(definitions)]
    if not long_forms:
        return wraps
    shorts = sorted(long_forms, key=len, reverse=True)  # longest first: "CAR-NK" wins over "CAR"
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(s) for s in shorts) + r")(?!\w)")
    for match in pattern.finditer(text):
        title = html.escape(" / ".join(long_forms[match.group(1)]))
        wraps.append(Wrap(match.start(), match.end(), "abbr", f'title="{title}"'))
    return wraps


def definition_span(row: Row, length: int) -> tuple[int, int] | None:
    try:
        start, end = int(row.get("start", "")), int(row.get("end", ""))
    except ValueError:
        return None
    return (start, end) if 0 <= start < end <= length else None


def definition_id(prefix: str, span: tuple[int, int]) -> str:
    return f"{prefix}-abbr-{span[0]}-{span[1]}"


def evidence_wraps(spans: list[tuple[int, int]], prefix: str) -> list[Wrap]:
    return [Wrap(s, e, "span", 'class="evidence"', evidence_id(prefix, (s, e))) for s, e in spans if s < e]


class _Misaligned(Exception):
    """displaCy's markup did not reproduce the text (a displaCy change): fall back to its plain output."""


class _Pieces:
    """Cuts text runs at wrap boundaries and wraps each piece in the wraps that cover it."""

    def __init__(self, text: str, wraps: list[Wrap]) -> None:
        self.text = text
        self.wraps = sorted((w for w in wraps if w.start < w.end),
                            key=lambda w: (w.start, -w.end, w.tag != "span"))
        self.bounds = sorted({w.start for w in self.wraps} | {w.end for w in self.wraps})
        self.starts = [w.start for w in self.wraps]
        self.opened: set[int] = set()

    def render(self, start: int, end: int) -> str:
        inner = self.bounds[bisect.bisect_right(self.bounds, start):bisect.bisect_left(self.bounds, end)]
        cuts = [start, *inner, end]
        out = []
        for a, b in zip(cuts, cuts[1:], strict=False):
            if a == b:
                continue
            piece = html.escape(self.text[a:b])
            begun = self.wraps[:bisect.bisect_right(self.starts, a)]
            active = [(i, w) for i, w in enumerate(begun) if w.end >= b]
            opens, closes = [], []
            for i, w in active:
                ident = ""
                if w.ident and i not in self.opened:
                    self.opened.add(i)
                    ident = f' id="{html.escape(w.ident)}"'
                attrs = f" {w.attrs}" if w.attrs else ""
                opens.append(f"<{w.tag}{ident}{attrs}>")
                closes.append(f"</{w.tag}>")
            out.append("".join(opens) + piece + "".join(reversed(closes)))
        return "".join(out)


def _weave(markup: str, text: str, entities: list[Entity], wraps: list[Wrap]) -> str:
    """Re-emit displaCy's markup with every document-text run replaced by its wrapped pieces."""
    pieces = _Pieces(text, wraps)
    out: list[str] = []
    pos = 0
    inside, in_label = False, False
    current: Entity | None = None
    upcoming = iter(entities)
    for token in _TAG.split(markup):
        if not token:
            continue
        if token.startswith("<"):
            if token.startswith('<div class="entities"'):
                inside = True
            elif token == "</div>":
                inside = False
            elif token.startswith("<mark"):
                current = next(upcoming, None)
                if current is None or current.start != pos:
                    raise _Misaligned
            elif token == "</mark>":
                if current is None:
                    raise _Misaligned
                pos, current = current.end, None
            elif token.startswith('<span class="entity-label"'):
                in_label = True
            elif token == "</span>":
                in_label = False
            elif token == "<br>":
                if text[pos:pos + 1] != "\n":
                    raise _Misaligned
                pos += 1
            out.append(token)
            continue
        if not inside or in_label:
            out.append(token)
            continue
        raw = html.unescape(token)
        if current is not None:
            mention = text[current.start:current.end]
            at = raw.find(mention)
            if at < 0:
                raise _Misaligned
            out.append(html.escape(raw[:at]) + pieces.render(current.start, current.end)
                       + html.escape(raw[at + len(mention):]))
            continue
        if text[pos:pos + len(raw)] != raw:
            raise _Misaligned
        out.append(pieces.render(pos, pos + len(raw)))
        pos += len(raw)
    return "".join(out)


def render_text(text: str, entities: list[Entity], wraps: list[Wrap]) -> tuple[str, list[str]]:
    """The text as displaCy entity markup with ``wraps`` woven in (and a warning if that failed)."""
    colors = {html.escape(e.label).upper(): label_color(e.label) for e in entities}
    ents = [{"start": e.start, "end": e.end, "label": html.escape(e.label),
             "params": {"tip": html.escape(e.tip)}} for e in entities]
    markup = displacy.render({"text": text, "ents": ents, "title": None}, style="ent", manual=True,
                             page=False, jupyter=False,
                             options={"colors": colors, "template": ENT_TEMPLATE})
    try:
        return _weave(markup, text, entities, wraps), []
    except _Misaligned:
        return markup, ["displaCy markup did not line up with the text; abbreviations and evidence "
                        "anchors are not shown in it"]

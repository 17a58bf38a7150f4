"""Precision/recall/F1 per field as an inline SVG bar chart.

Drawn by hand rather than with matplotlib: a few rectangles do not justify a plotting dependency, the
SVG stays small, and its text stays text (searchable, selectable, read by screen readers). Each bar
is labelled with its metric and its value, so the chart does not rely on colour alone.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

METRICS = (("precision", "P", "#4c72b0"), ("recall", "R", "#dd8452"), ("f1", "F1", "#2f7d4f"))
_FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="12"'
_BAR_H, _BAR_GAP, _GROUP_GAP, _PLOT_W, _TOP = 9, 2, 10, 320, 46


@dataclass(frozen=True)
class FieldScore:
    field: str
    precision: float
    recall: float
    f1: float


def score_chart(chart_id: str, title: str, scores: list[FieldScore]) -> str:
    """An SVG with one group of three bars (P, R, F1) per field, values printed beside the bars."""
    label_w = min(240, 16 + 7 * max((len(s.field) for s in scores), default=4))
    x0 = label_w + 26
    width = x0 + _PLOT_W + 48
    group_h = 3 * _BAR_H + 2 * _BAR_GAP
    height = _TOP + len(scores) * (group_h + _GROUP_GAP) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'{_FONT}>',
        f'<title id="{chart_id}-title">{html.escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{html.escape(_describe(scores))}</desc>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
    ]
    legend_x = x0
    for attr, letter, color in METRICS:
        name = f"{letter} = {attr}" if attr != "f1" else "F1"
        parts.append(f'<rect x="{legend_x}" y="4" width="12" height="12" fill="{color}"/>'
                     f'<text x="{legend_x + 16}" y="14">{name}</text>')
        legend_x += 100
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x = x0 + tick * _PLOT_W
        parts.append(f'<line x1="{x:.1f}" y1="{_TOP - 8}" x2="{x:.1f}" y2="{height - 4}" stroke="#d0d0d0"/>'
                     f'<text x="{x:.1f}" y="{_TOP - 12}" text-anchor="middle" fill="#555">{tick:g}</text>')
    y = _TOP
    for score in scores:
        parts.append(f'<text x="{label_w - 6}" y="{y + group_h / 2 + 4:.1f}" text-anchor="end">'
                     f"{html.escape(score.field)}</text>")
        for i, (attr, letter, color) in enumerate(METRICS):
            value = getattr(score, attr)
            by = y + i * (_BAR_H + _BAR_GAP)
            w = max(0.0, min(1.0, value)) * _PLOT_W
            parts.append(
                f'<text x="{x0 - 4}" y="{by + _BAR_H - 1}" text-anchor="end" font-size="9" fill="#333">'
                f"{letter}</text>"
                f'<rect x="{x0}" y="{by}" width="{w:.1f}" height="{_BAR_H}" fill="{color}"/>'
                f'<text x="{x0 + w + 4:.1f}" y="{by + _BAR_H - 1}" font-size="9">{value:.2f}</text>'
            )
        y += group_h + _GROUP_GAP
    parts.append("</svg>")
    return "".join(parts)


def _describe(scores: list[FieldScore]) -> str:
    """The chart in words, for screen readers (the table under it has every number)."""
    return "F1 per field: " + ", ".join(f"{s.field} {s.f1:.2f}" for s in scores) + "."

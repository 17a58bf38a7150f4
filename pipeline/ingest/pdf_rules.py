"""Ruling lines from pdfium's path objects, and the cells of ruled tables drawn by them.

Finding a ruled table's cells needs the page's rules, not its text: pdfplumber's table finder (the
"lines" strategy: snap and join edges, intersect them, close cells, group cells into tables) reads
only the edges of lines, rectangles and curves. Opening the page in pdfplumber to get those edges
means parsing all of it with pdfminer (most of a second on a dense page), so the edges are read here
from pdfium's path objects instead, shaped as pdfplumber shapes them (a subpath of one segment is a
line, a closed axis-aligned quadrilateral a rectangle with four edges, anything else a curve with an
edge between consecutive points), and handed to pdfplumber's own geometry functions with its default
settings. pdfplumber is used for what pdfium cannot give, on nothing but the rules.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import TableSettings, cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges
from pdfplumber.utils import filter_edges

from pipeline.ingest.pdf_glyphs import Box, display_transform
from pipeline.ingest.pdf_settings import PdfSettings

Matrix = tuple[float, float, float, float, float, float]
"""(a, b, c, d, e, f): x' = a*x + c*y + e, y' = b*x + d*y + f (PDF order)."""
Point = tuple[float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_SAME_POINT = 0.01
"""Points: coordinates closer than this are equal (pdfminer compares floats exactly; pdfium and
pdfminer round differently)."""
_MAX_FORM_DEPTH = 15
"""Form XObjects nested deeper than this are not looked into (pypdfium2's default for objects)."""
_FINDER = TableSettings.resolve(None)
"""pdfplumber's defaults, as ``page.find_tables()`` uses them."""


@dataclass
class PageRules:
    """What a page draws besides text: the edges of its paths (display space, pdfplumber's form), the
    box of each path, and how many images it shows."""

    edges: list[dict[str, Any]] = field(default_factory=list)
    paths: list[Box] = field(default_factory=list)
    images: int = 0

    def ruling_lines(self, settings: PdfSettings) -> int:
        """Paths that can be ruling lines: thin and long, or boxes at least a rule's length each way."""
        count = 0
        for x0, top, x1, bottom in self.paths:
            thin, long = sorted((x1 - x0, bottom - top))
            if thin <= settings.rule_max_thickness and long >= settings.rule_min_length or \
                    thin >= settings.rule_min_length:
                count += 1
        return count

    @property
    def crossing(self) -> bool:
        """Whether both horizontal and vertical edges exist: without both, no cell can close."""
        kinds = {edge["orientation"] for edge in self.edges}
        return "h" in kinds and "v" in kinds


def read_rules(page: pdfium.PdfPage) -> PageRules:
    """The edges of every path on the page (in form XObjects too) and the count of its images."""
    rules = PageRules()
    display = display_transform(page)
    for kind, obj, matrix in _objects(page):
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            rules.images += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            drawn: list[Point] = []
            for points, curved in _subpaths(obj, matrix):
                shown = [_to_display(display, p) for p in points]
                rules.edges.extend(_edges(shown, curved))
                drawn.extend(shown)
            if drawn:
                xs, ys = [p[0] for p in drawn], [p[1] for p in drawn]
                rules.paths.append((min(xs), min(ys), max(xs), max(ys)))
    return rules


def ruled_cells(rules: PageRules) -> list[list[Box]]:
    """Cells of each ruled table, as pdfplumber's ``find_tables()`` gives them (``Table.cells``)."""
    if not rules.crossing:
        return []
    settings = _FINDER
    edges = (filter_edges(rules.edges, "v", min_length=settings.edge_min_length_prefilter)
             + filter_edges(rules.edges, "h", min_length=settings.edge_min_length_prefilter))
    edges = merge_edges(edges, settings.snap_x_tolerance, settings.snap_y_tolerance,
                        settings.join_x_tolerance, settings.join_y_tolerance)
    edges = filter_edges(edges, min_length=settings.edge_min_length)
    intersections = edges_to_intersections(edges, settings.intersection_x_tolerance,
                                           settings.intersection_y_tolerance)
    return [[tuple(cell) for cell in group] for group in cells_to_tables(intersections_to_cells(intersections))]


# --- path objects --------------------------------------------------------------------------------------


def _objects(page: pdfium.PdfPage) -> Iterator[tuple[int, ctypes.c_void_p, Matrix]]:
    """(type, handle, matrix to page space) of the page's image and path objects, forms opened."""
    count, get = pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject
    yield from _walk(page.raw, count, get, _IDENTITY, 0)


def _walk(parent: Any, count: Any, get: Any, outer: Matrix, depth: int
          ) -> Iterator[tuple[int, ctypes.c_void_p, Matrix]]:
    kind_of = pdfium_c.FPDFPageObj_GetType
    for index in range(count(parent)):
        obj = get(parent, index)
        kind = kind_of(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            yield kind, obj, _compose(_matrix(obj), outer)
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            yield kind, obj, outer
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _MAX_FORM_DEPTH:
            yield from _walk(obj, pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject,
                             _compose(_matrix(obj), outer), depth + 1)


def _matrix(obj: Any) -> Matrix:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return _IDENTITY
    return m.a, m.b, m.c, m.d, m.e, m.f


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """``inner`` then ``outer``."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _subpaths(obj: Any, matrix: Matrix) -> Iterator[tuple[list[Point], bool]]:
    """Each subpath's points in page space as pdfminer lists them (a Bézier curve by its end point
    only), and whether it curves."""
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    points: list[Point] = []
    curved = False
    bezier = 0
    for index in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, index)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO and points:
            yield points, curved
            points, curved, bezier = [], False, 0
        if kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            curved, bezier = True, bezier + 1
            if bezier % 3:
                continue  # a control point
        if not pdfium_c.FPDFPathSegment_GetPoint(segment, x, y):
            continue
        points.append((a * x.value + c * y.value + e, b * x.value + d * y.value + f))
    if points:
        yield points, curved


def _to_display(display: tuple[float, float, float, float, float, float], point: Point) -> Point:
    a, b, c, d, e, f = display
    return a * point[0] + b * point[1] + e, c * point[0] + d * point[1] + f


def _same(p: Point, q: Point) -> bool:
    return abs(p[0] - q[0]) < _SAME_POINT and abs(p[1] - q[1]) < _SAME_POINT


def _edges(points: Sequence[Point], curved: bool) -> list[dict[str, Any]]:
    """A subpath's edges as pdfplumber makes them from pdfminer's line, rectangle or curve."""
    if len(points) < 2:
        return []
    if not curved and (len(points) == 2 or (len(points) == 3 and _same(points[2], points[0]))):
        return [_line(points[0], points[1])]
    if not curved and len(points) == 5 and _same(points[4], points[0]) and _square(points):
        xs, ys = [p[0] for p in points[:4]], [p[1] for p in points[:4]]
        x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
        return [_edge(x0, x1, top, top, "h", "rect_edge"), _edge(x0, x1, bottom, bottom, "h", "rect_edge"),
                _edge(x0, x0, top, bottom, "v", "rect_edge"), _edge(x1, x1, top, bottom, "v", "rect_edge")]
    out = []
    for p, q in zip(points, points[1:], strict=False):
        if abs(p[0] - q[0]) < _SAME_POINT:
            out.append(_edge(p[0], p[0], min(p[1], q[1]), max(p[1], q[1]), "v", "curve_edge"))
        elif abs(p[1] - q[1]) < _SAME_POINT:
            out.append(_edge(min(p[0], q[0]), max(p[0], q[0]), p[1], p[1], "h", "curve_edge"))
    return out


def _square(points: Sequence[Point]) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points[:4]
    near = _SAME_POINT
    return (abs(x0 - x1) < near and abs(y1 - y2) < near and abs(x2 - x3) < near and abs(y3 - y0) < near) or (
        abs(y0 - y1) < near and abs(x1 - x2) < near and abs(y2 - y3) < near and abs(x3 - x0) < near)


def _line(p: Point, q: Point) -> dict[str, Any]:
    """pdfplumber's edge of a line: horizontal when its ends are level, otherwise vertical (even a
    diagonal, as ``line_to_edge`` has it)."""
    x0, x1, top, bottom = min(p[0], q[0]), max(p[0], q[0]), min(p[1], q[1]), max(p[1], q[1])
    return _edge(x0, x1, top, bottom, "h" if abs(p[1] - q[1]) < _SAME_POINT else "v", "line")


def _edge(x0: float, x1: float, top: float, bottom: float, orientation: str, kind: str) -> dict[str, Any]:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "width": x1 - x0,
            "height": bottom - top, "orientation": orientation, "object_type": kind}

"""Where the network figure puts its boxes and runs its edges: a layered (Sugiyama) layout
of the directed graph by grandalf, laid out left to right, with each edge routed through
the gaps between layers so that it never crosses a box.

Layers come from grandalf's ranking, the order within each layer from its crossing
reduction, and long edges pass through its dummy vertices. An edge leaves its parent's
box on the right, runs level to the edge of the parent's layer, crosses the gap to the
next layer, and so on through each layer it passes (at its dummy's height, where no box
is), then enters its child's box from the left. Units are points (1/72 inch).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Point = tuple[float, float]
LAYER_GAP = 70.0  # between the right edge of a layer and the left edge of the next
ROW_GAP = 16.0  # between boxes stacked in a layer


@dataclass(frozen=True)
class Layout:
    centres: dict[str, Point]
    sizes: dict[str, tuple[float, float]]  # width, height
    routes: dict[tuple[str, str], list[Point]]  # (parent, child) -> polyline, parent first


class _Box:
    """What grandalf reads and writes on a vertex: its size across and along the layers."""

    def __init__(self, w: float, h: float) -> None:
        self.w, self.h = w, h
        self.xy: Point = (0.0, 0.0)


def layered_layout(
    nodes: Sequence[str],
    parents: Mapping[str, Sequence[str]],
    sizes: Mapping[str, tuple[float, float]],
) -> Layout:
    """Boxes of `sizes` (width, height) laid out left to right by layer, edges routed."""
    from grandalf.graphs import Edge, Graph, Vertex
    from grandalf.layouts import SugiyamaLayout

    vertices = {n: Vertex(n) for n in nodes}
    for node, vertex in vertices.items():
        width, height = sizes[node]
        vertex.view = _Box(height + ROW_GAP, width)  # grandalf lays its layers top-down
    edges = [Edge(vertices[p], vertices[n]) for n in nodes for p in parents[n]]
    graph = Graph(list(vertices.values()), edges)
    across: dict[str, float] = {}  # position within the layer (grandalf's x)
    rank: dict[str, int] = {}
    dummies: dict[tuple[str, str], list[tuple[int, float]]] = {}
    offset = 0.0
    for component in graph.C:
        layout = SugiyamaLayout(component)
        layout.yspace = LAYER_GAP
        layout.xspace = ROW_GAP
        layout.init_all()
        layout.draw()
        low = min(v.view.xy[0] - v.view.w / 2 for v in component.sV)
        high = max(v.view.xy[0] + v.view.w / 2 for v in component.sV)
        for v in component.sV:
            across[v.data] = v.view.xy[0] - low + offset
            rank[v.data] = layout.grx[v].rank
        for e in component.sE:
            key = (e.v[0].data, e.v[1].data)
            dummies[key] = [
                (r, d.view.xy[0] - low + offset) for r, d in sorted(layout.ctrls.get(e, {}).items())
            ]
        offset += high - low + 2 * ROW_GAP
    return _place(nodes, parents, sizes, across, rank, dummies)


def _place(
    nodes: Sequence[str],
    parents: Mapping[str, Sequence[str]],
    sizes: Mapping[str, tuple[float, float]],
    across: Mapping[str, float],
    rank: Mapping[str, int],
    dummies: Mapping[tuple[str, str], list[tuple[int, float]]],
) -> Layout:
    """Layers as columns of the widest box in each; edges through the gaps between them."""
    widest: dict[int, float] = {}
    for node in nodes:
        widest[rank[node]] = max(widest.get(rank[node], 0.0), sizes[node][0])
    left: dict[int, float] = {}
    x = 0.0
    for r in range(max(widest) + 1):
        left[r] = x
        x += widest.get(r, 0.0) + LAYER_GAP
    centre_x = {r: left[r] + widest.get(r, 0.0) / 2 for r in left}
    top = max(across.values(), default=0.0)
    centres = {n: (centre_x[rank[n]], top - across[n]) for n in nodes}  # first row on top
    routes = {}
    for node in nodes:
        for parent in parents[node]:
            (px, py), (cx, cy) = centres[parent], centres[node]
            points = [
                (px + sizes[parent][0] / 2, py),
                (left[rank[parent]] + widest[rank[parent]], py),
            ]
            between = [
                (r, y) for r, y in dummies.get((parent, node), []) if rank[parent] < r < rank[node]
            ]
            for r, y in between:  # grandalf's controls include both ends' own ranks
                points += [(left[r], top - y), (left[r] + widest.get(r, 0.0), top - y)]
            points += [(left[rank[node]], cy), (cx - sizes[node][0] / 2, cy)]
            routes[(parent, node)] = _without_repeats(points)
    return Layout(centres, dict(sizes), routes)


def _without_repeats(points: list[Point]) -> list[Point]:
    out: list[Point] = []
    for point in points:
        if not out or abs(point[0] - out[-1][0]) + abs(point[1] - out[-1][1]) > 1e-9:
            out.append(point)
    return out

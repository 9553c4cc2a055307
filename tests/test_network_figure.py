"""The network figure: a layered layout by a graph-layout library, every node kind in the
legend, an arrowhead on every edge, and no edge through a box."""

from __future__ import annotations

import itertools
import subprocess
import sys
from typing import Any

import matplotlib.pyplot as plt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecast.reporting import figures
from forecast.reporting.netlayout import layered_layout


def _crosses(a: tuple[float, float], b: tuple[float, float], box: tuple[float, ...]) -> bool:
    """Whether the segment a-b passes through the inside of box (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    for t in (i / 200 for i in range(201)):
        x, y = a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
        if x0 + 0.5 < x < x1 - 0.5 and y0 + 0.5 < y < y1 - 0.5:
            return True
    return False


def _check(nodes: list[str], parents: dict[str, tuple[str, ...]]) -> None:
    sizes = {n: figures.box_size(figures.wrapped(f"Node {n} with a longer label")) for n in nodes}
    layout = layered_layout(nodes, parents, sizes)
    boxes = {
        n: (x - sizes[n][0] / 2, y - sizes[n][1] / 2, x + sizes[n][0] / 2, y + sizes[n][1] / 2)
        for n, (x, y) in layout.centres.items()
    }
    for n, a in boxes.items():  # no two boxes overlap
        for m, b in boxes.items():
            if n < m:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (n, m)
    assert set(layout.routes) == {(p, n) for n in nodes for p in parents[n]}
    for (parent, child), points in layout.routes.items():
        assert points[0][0] == pytest.approx(boxes[parent][2])
        assert points[-1][0] == pytest.approx(boxes[child][0])
        for a, b in itertools.pairwise(points):
            for n, box in boxes.items():
                assert not _crosses(a, b, box), f"{parent}->{child} crosses {n}"


def test_the_real_network_has_no_edge_through_a_box(study: Any) -> None:
    network = study.network
    _check(list(network.ids), {n.id: n.parents for n in network.nodes})


@given(st.lists(st.integers(min_value=0, max_value=2**20), min_size=2, max_size=12))
def test_random_networks_have_no_edge_through_a_box(bits: list[int]) -> None:
    nodes = [f"n{i}" for i in range(len(bits))]
    parents = {
        n: tuple(nodes[j] for j in range(i) if bits[i] >> j & 1) for i, n in enumerate(nodes)
    }
    _check(nodes, parents)


def test_every_kind_is_in_the_legend_and_every_edge_has_a_head(study: Any) -> None:
    network = study.network
    fig, ax = figures.figure(8, 6)
    drawn = figures.plot_network(
        ax,
        list(network.ids),
        {n.id: n.label for n in network.nodes},
        {n.id: n.kind for n in network.nodes},
        {n.id: n.parents for n in network.nodes},
    )
    legend = fig.legends[0]
    names = {t.get_text() for t in legend.get_texts()}
    assert names == {"driver", "intermediate", "outcome", "signpost (indicator)"}
    edges = sum(len(n.parents) for n in network.nodes)
    assert len(drawn["arrows"]) == edges
    heads = {type(a.get_arrowstyle()).__name__ for a in drawn["arrows"]}
    assert heads == {"CurveFilledB"}, "every edge ends in a filled head (-|>)"
    plt.close(fig)


def test_the_layout_is_the_same_whatever_the_hash_seed() -> None:
    code = (
        "from forecast.reporting.netlayout import layered_layout;"
        "n=[f'n{i}' for i in range(8)];"
        "p={x:tuple(n[j] for j in range(i) if (i*7+j)%3==0) for i,x in enumerate(n)};"
        "print(layered_layout(n,p,{x:(60.0,20.0) for x in n}))"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin"},
        ).stdout
        for seed in ("0", "1", "12345")
    }
    assert len(outs) == 1

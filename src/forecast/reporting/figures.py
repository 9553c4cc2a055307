"""Figures: analysis results in, matplotlib drawings out, on an Axes the caller owns.

Headless (Agg), byte-stable files (no timestamps or software tags), and the Okabe-Ito
colour-blind-safe palette throughout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from forecast.reporting.netlayout import Layout

# Okabe & Ito (2008), "Color Universal Design": distinguishable with any colour vision.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")

plt.rcParams.update(
    {
        "svg.hashsalt": "forecast",
        "svg.fonttype": "path",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        # titles and labels come from input files: a '$' is a dollar sign, not mathtext
        "text.parse_math": False,
    }
)


@dataclass(frozen=True)
class Interval:
    """One estimate: the mean of the draws and its 5th-95th percentile interval."""

    mean: float
    low: float
    high: float


def plot_scenarios(
    ax: Axes,
    scenarios: Sequence[str],
    states: Sequence[str],
    estimates: Sequence[Sequence[Interval]],
) -> list[Any]:
    """Dots with 90 % intervals: one row per scenario, one colour per outcome state."""
    drawn: list[Any] = []
    offsets = [(i - (len(states) - 1) / 2) * 0.22 for i in range(len(states))]
    for s, state in enumerate(states):
        ys = [row + offsets[s] for row in range(len(scenarios))]
        means = [100 * estimates[row][s].mean for row in range(len(scenarios))]
        lows = [
            100 * (estimates[row][s].mean - estimates[row][s].low) for row in range(len(scenarios))
        ]
        highs = [
            100 * (estimates[row][s].high - estimates[row][s].mean) for row in range(len(scenarios))
        ]
        drawn.append(
            ax.errorbar(
                means,
                ys,
                xerr=[lows, highs],
                fmt="o",
                color=PALETTE[s % len(PALETTE)],
                capsize=2.5,
                markersize=4.5,
                linewidth=1.2,
                label=state,
            )
        )
    ax.set_yticks(range(len(scenarios)), list(scenarios))
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Probability (%): dot = mean of draws, bar = 90 % interval")
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(
        title="Outcome",
        loc="upper center",
        bbox_to_anchor=(0.5, -0.09 - 0.3 / len(scenarios)),
        ncol=len(states),
        frameon=False,
    )
    return drawn


def scenario_figure(
    scenarios: Sequence[str],
    states: Sequence[str],
    estimates: Sequence[Sequence[Interval]],
    title: str,
) -> Figure:
    """A whole figure for the scenario chart."""
    fig, ax = plt.subplots(figsize=(8.0, 0.55 * len(scenarios) + 2.0), layout="constrained")
    plot_scenarios(ax, scenarios, states, estimates)
    ax.set_title(title, loc="left", fontsize=10)
    return fig


def save(fig: Figure, stem: Path, suffixes: Sequence[str] = (".png", ".svg")) -> list[Path]:
    """Write the figure in each format asked for (".png", ".svg"), with no timestamps;
    close the figure."""
    paths = [stem.with_suffix(suffix) for suffix in suffixes]
    for path in paths:
        if path.suffix == ".png":
            fig.savefig(path, dpi=150, metadata={"Software": None})
        else:
            fig.savefig(path, metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return paths


KIND_COLOURS = {
    "driver": PALETTE[0],
    "intermediate": PALETTE[1],
    "outcome": PALETTE[2],
    "indicator": PALETTE[3],
}
KIND_NAMES = {"indicator": "signpost (indicator)"}
FONT = 8.0  # points, in the network's boxes
CHAR = 0.56 * FONT  # the width of an average character of the box font, in points


def wrapped(label: str, width: int = 20) -> str:
    """A label broken into lines of about `width` characters, at spaces."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def box_size(text: str) -> tuple[float, float]:
    """A box that holds `text` (lines of the box font) with a margin, in points."""
    lines = text.splitlines() or [""]
    return CHAR * max(len(line) for line in lines) + 14.0, 1.25 * FONT * len(lines) + 10.0


def network_layout(
    nodes: Sequence[str], labels: dict[str, str], parents: dict[str, tuple[str, ...]]
) -> tuple[dict[str, str], Layout]:
    """Each node's wrapped label, and the layered layout of boxes that hold them."""
    from forecast.reporting.netlayout import layered_layout

    texts = {n: wrapped(labels[n]) for n in nodes}
    return texts, layered_layout(nodes, parents, {n: box_size(texts[n]) for n in nodes})


def plot_network(
    ax: Axes,
    nodes: Sequence[str],
    labels: dict[str, str],
    kinds: dict[str, str],
    parents: dict[str, tuple[str, ...]],
    laid_out: tuple[dict[str, str], Layout] | None = None,
) -> dict[str, Any]:
    """Boxes coloured by node kind, laid out by layer (`network_layout`, unless `laid_out`
    already holds it), and an arrow with a head along every edge's route; the axes' units
    are points. Returns the artists and layout."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
    from matplotlib.path import Path as MplPath

    texts, layout = laid_out or network_layout(nodes, labels, parents)
    boxes = {}
    for node in nodes:
        (x, y), (w, h) = layout.centres[node], layout.sizes[node]
        colour = KIND_COLOURS.get(kinds[node], "#555555")
        boxes[node] = ax.add_patch(
            FancyBboxPatch(
                (x - w / 2, y - h / 2),
                w,
                h,
                boxstyle="round,pad=0,rounding_size=4",
                facecolor="white",
                edgecolor=colour,
                linewidth=2,
                zorder=3,
            )
        )
        ax.text(x, y, texts[node], ha="center", va="center", fontsize=FONT, zorder=4)
    arrows = []
    for points in layout.routes.values():
        path = MplPath(points, [MplPath.MOVETO] + [MplPath.LINETO] * (len(points) - 1))
        arrows.append(
            ax.add_patch(
                FancyArrowPatch(
                    path=path,
                    arrowstyle="-|>",
                    mutation_scale=10,
                    color="#555555",
                    linewidth=1,
                    zorder=2,
                    shrinkA=0,
                    shrinkB=0,
                )
            )
        )
    for kind in dict.fromkeys(kinds[n] for n in nodes):
        ax.plot(
            [],
            [],
            "s",
            markersize=9,
            markerfacecolor="white",
            markeredgecolor=KIND_COLOURS.get(kind, "#555555"),
            markeredgewidth=2,
            label=KIND_NAMES.get(kind, kind),
        )
    ax.figure.legend(loc="outside lower left", ncol=4, frameon=False, fontsize=8, title="Node kind")
    xs = [c[0] + s * layout.sizes[n][0] / 2 for n, c in layout.centres.items() for s in (-1, 1)]
    ys = [c[1] + s * layout.sizes[n][1] / 2 for n, c in layout.centres.items() for s in (-1, 1)]
    ax.set_xlim(min(xs) - 6, max(xs) + 6)
    ax.set_ylim(min(ys) - 6, max(ys) + 6)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return {"boxes": boxes, "arrows": arrows, "layout": layout}


def plot_distribution(ax: Axes, states: Sequence[str], samples: Any) -> list[Any]:
    """Histogram of the draws of each outcome state's probability (samples: draws x states)."""
    drawn = []
    bins = [i / 2 for i in range(0, 201)]
    for s, state in enumerate(states):
        drawn.append(
            ax.hist(
                100 * samples[:, s],
                bins=bins,
                histtype="stepfilled",
                alpha=0.35,
                color=PALETTE[s % len(PALETTE)],
                edgecolor=PALETTE[s % len(PALETTE)],
                label=state,
                density=True,
            )
        )
    ax.set_xlim(0, 100)
    ax.set_xlabel("Probability of the outcome state (%)")
    ax.set_ylabel("Density of draws (per %)")
    ax.legend(title="Outcome", frameon=False)
    return drawn


def plot_tornado(
    ax: Axes,
    factors: Sequence[str],
    lows: Sequence[float],
    highs: Sequence[float],
    base: float,
    kinds: Sequence[str] | None = None,
) -> list[Any]:
    """Horizontal bars from each factor's low to high setting, around the baseline value;
    drivers and table columns in two colours when `kinds` is given."""
    kinds = list(kinds) if kinds is not None else ["factor"] * len(factors)
    colours = {kind: PALETTE[i % len(PALETTE)] for i, kind in enumerate(dict.fromkeys(kinds))}
    drawn = []
    for row, (low, high, kind) in enumerate(zip(lows, highs, kinds, strict=True)):
        left, right = sorted((100 * low, 100 * high))
        drawn.append(ax.barh(row, right - left, left=left, color=colours[kind], height=0.6))
    line = ax.axvline(100 * base, color="#333333", linewidth=1, linestyle="--", label="baseline")
    handles = [line, *(Patch(color=colour, label=kind) for kind, colour in colours.items())]
    ax.set_yticks(range(len(factors)), list(factors))
    ax.invert_yaxis()
    ax.set_xlabel("Probability (%) across the factor's range")
    ax.legend(handles=handles, frameon=False, loc="lower right")
    return drawn


def plot_history(
    ax: Axes,
    dates: Sequence[Any],
    states: Sequence[str],
    means: Sequence[Sequence[float]],
    lows: Sequence[Sequence[float]],
    highs: Sequence[Sequence[float]],
) -> list[Any]:
    """The baseline forecast at each evidence date: lines for means, bands for 90 % intervals."""
    drawn = []
    for s, state in enumerate(states):
        colour = PALETTE[s % len(PALETTE)]
        drawn.append(ax.plot(dates, [100 * m[s] for m in means], "o-", color=colour, label=state))
        ax.fill_between(
            dates, [100 * v[s] for v in lows], [100 * v[s] for v in highs], color=colour, alpha=0.15
        )
    ax.set_ylim(0, 100)
    ax.set_ylabel("Probability (%)")
    ax.set_xlabel("Evidence date (sources published up to then)")
    ax.legend(title="Outcome", frameon=False)
    return drawn


def figure(width: float, height: float) -> tuple[Figure, Axes]:
    """A new figure and axes in the house style."""
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return fig, ax

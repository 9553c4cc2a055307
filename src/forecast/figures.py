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

# Okabe & Ito (2008), "Color Universal Design": distinguishable with any colour vision.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")

plt.rcParams.update(
    {
        "svg.hashsalt": "forecast",
        "svg.fonttype": "path",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
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
    ax.legend(title="Outcome", loc="lower right", frameon=False)
    return drawn


def scenario_figure(
    scenarios: Sequence[str],
    states: Sequence[str],
    estimates: Sequence[Sequence[Interval]],
    title: str,
) -> Figure:
    """A whole figure for the scenario chart."""
    fig, ax = plt.subplots(figsize=(8.0, 0.55 * len(scenarios) + 1.6), layout="constrained")
    plot_scenarios(ax, scenarios, states, estimates)
    ax.set_title(title, loc="left", fontsize=10)
    return fig


def save(fig: Figure, stem: Path) -> list[Path]:
    """Write PNG and SVG with no timestamps; close the figure."""
    paths = [stem.with_suffix(".png"), stem.with_suffix(".svg")]
    fig.savefig(paths[0], dpi=150, metadata={"Software": None})
    fig.savefig(paths[1], metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return paths

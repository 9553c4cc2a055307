"""The report's figures as jobs: what each one shows, and the function that draws it.

Every drawing function here takes plain values (no run, no study), so a figure's inputs
are all in its job and key its cache entry (`figurecache`).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure

from forecast.analysis.forecastdoc import ForecastDocument
from forecast.base.arrays import Array
from forecast.inference.summary import OutcomeSummary
from forecast.reporting import figures, netlayout
from forecast.reporting.figurecache import FigureJob
from forecast.reporting.figures import Interval, scenario_figure
from forecast.reporting.markdown import LINKED_FIGURE

DRAWING_CODE = (Path(figures.__file__), Path(netlayout.__file__), Path(__file__))


def network_figure(
    ids: list[str],
    labels: dict[str, str],
    kinds: dict[str, str],
    parents: dict[str, tuple[str, ...]],
    title: str,
) -> Figure:
    laid_out = figures.network_layout(ids, labels, parents)
    layout = laid_out[1]
    xs = [c[0] for c in layout.centres.values()]
    ys = [c[1] for c in layout.centres.values()]
    width = (max(xs) - min(xs) + 200) / 72  # the axes' units are points: size the figure so
    height = (max(ys) - min(ys) + 160) / 72  # one unit is one point, and text fits its box
    fig, ax = figures.figure(max(width, 6.0), max(height, 3.0))
    figures.plot_network(ax, ids, labels, kinds, parents, laid_out)
    fig.suptitle(title, x=0.01, ha="left", fontsize=10)  # the axes keep their aspect: above them
    return fig


def distribution_figure(labels: list[str], samples: Array, title: str) -> Figure:
    fig, ax = figures.figure(7.0, 3.2)
    figures.plot_distribution(ax, labels, samples)
    ax.set_title(title, loc="left", fontsize=10)
    return fig


def tornado_figure(
    factors: list[str],
    lows: list[float],
    highs: list[float],
    baseline: float,
    kinds: list[str],
    title: str,
) -> Figure:
    fig, ax = figures.figure(8.0, 0.35 * len(factors) + 1.5)
    figures.plot_tornado(ax, factors, lows, highs, baseline, kinds)
    ax.set_title(title, loc="left", fontsize=10)
    return fig


def history_figure(
    dates: list[datetime.date],
    labels: list[str],
    means: list[list[float]],
    lows: list[list[float]],
    highs: list[list[float]],
    title: str,
) -> Figure:
    fig, ax = figures.figure(7.0, 3.2)
    figures.plot_history(ax, dates, labels, means, lows, highs)
    ax.set_title(title, loc="left", fontsize=10)
    return fig


def _intervals(summary: OutcomeSummary, states: Sequence[str]) -> list[Interval]:
    return [Interval(summary[s]["mean"], summary[s]["p05"], summary[s]["p95"]) for s in states]


def figure_jobs(context: ForecastDocument) -> list[FigureJob]:
    """Every figure of the report: scenarios, the network, each scenario's draws, each
    driver, a tornado per outcome state, and the forecast over time."""
    doc = context.results
    states = context.states
    labels = [context.state_labels[s] for s in states]
    horizon = f"by {context.horizon_label}"
    jobs = [
        FigureJob(
            LINKED_FIGURE,
            scenario_figure,
            (
                [sc["title"] for sc in doc["scenarios"]],
                labels,
                [_intervals(sc["outcome"], states) for sc in doc["scenarios"]],
                f"Outcome under each scenario, {horizon}",
            ),
            (".png", ".svg"),  # report.md links the PNG
        )
    ]
    nodes = context.nodes
    jobs.append(
        FigureJob(
            "network",
            network_figure,
            (
                [n.id for n in nodes],
                {n.id: n.label for n in nodes},
                {n.id: n.kind for n in nodes},
                {n.id: n.parents for n in nodes},
                f"The network: what drives the outcome {horizon}",
            ),
        )
    )
    jobs += [
        FigureJob(
            f"scenario-{sc['id']}",
            distribution_figure,
            (labels, context.draws[sc["id"]], f"{sc['title']}: spread of the draws {horizon}"),
        )
        for sc in doc["scenarios"]
    ]
    jobs += [
        FigureJob(
            f"driver-{d['id']}",
            scenario_figure,
            (
                [f"{d['label']}: {label}" for label in d["state_labels"]],
                labels,
                [_intervals(o, states) for o in d["outcomes"]],
                f"{d['label']}: outcome for each state {horizon}",
            ),
        )
        for d in context.drivers
    ]
    for state, label in zip(states, labels, strict=True):
        swings = context.tornado[state]
        jobs.append(
            FigureJob(
                f"tornado-{state}",
                tornado_figure,
                (
                    [w.factor for w in swings],
                    [w.low[state] for w in swings],
                    [w.high[state] for w in swings],
                    context.baseline_point[state],
                    [w.kind for w in swings],
                    f"What moves P({label}) {horizon}",
                ),
            )
        )
    snaps = context.history
    jobs.append(
        FigureJob(
            "history",
            history_figure,
            (
                [h.date for h in snaps],
                labels,
                [[h.mean[s] for s in states] for h in snaps],
                [[h.low[s] for s in states] for h in snaps],
                [[h.high[s] for s in states] for h in snaps],
                f"Baseline forecast {horizon}, as the evidence came in (90 % intervals, "
                f"each end within ±{100 * context.history_error:.1f} points of Monte Carlo error)",
            ),
        )
    )
    return jobs

"""Every figure the page shows is written as SVG, the one report.md links also as PNG, and no
figure is a blank canvas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.image as mpimg
import numpy as np
import pytest

from forecast.reporting.markdown import LINKED_FIGURE
from forecast.reporting.report import write_report


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory, real_run: Any) -> Path:
    out = tmp_path_factory.mktemp("figs") / "reports"
    write_report(real_run, out)
    return out / "figures"


def _expected(real_run: Any) -> list[str]:
    network = real_run.study.network
    names = ["scenarios", "network", "history"]
    names += [f"scenario-{r.scenario.id}" for r in real_run.results]
    names += [f"driver-{n.id}" for n in network.nodes if n.kind == "driver"]
    names += [f"tornado-{s}" for s in network.node(network.outcome).states]
    return names


def test_a_figure_for_every_scenario_and_driver(figures: Path, real_run: Any) -> None:
    for name in _expected(real_run):
        assert (figures / f"{name}.svg").is_file(), f"{name}.svg"
    # PNG only where a file links it: report.md shows the scenarios chart
    assert sorted(p.name for p in figures.glob("*.png")) == [f"{LINKED_FIGURE}.png"]


def test_svgs_are_drawings(figures: Path, real_run: Any) -> None:
    for name in _expected(real_run):
        text = (figures / f"{name}.svg").read_text()
        assert text.count("<path") > 20, f"{name}: almost nothing drawn"


def test_the_png_is_not_blank(figures: Path) -> None:
    for name in [LINKED_FIGURE]:
        path = figures / f"{name}.png"
        assert path.stat().st_size > 8_000, name
        pixels = mpimg.imread(path)[..., :3]
        ink = np.mean(np.any(pixels < 0.9, axis=-1))
        colours = len(np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0))
        assert ink > 0.01, f"{name}: almost nothing drawn"
        assert colours > 8, f"{name}: too few colours for a chart"


def test_svgs_carry_no_timestamp(figures: Path) -> None:
    for path in figures.glob("*.svg"):
        text = path.read_text()
        assert "<dc:date>" not in text

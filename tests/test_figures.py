"""Every figure is written, as PNG and SVG, and no PNG is a blank canvas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.image as mpimg
import numpy as np
import pytest

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
        for suffix in (".png", ".svg"):
            assert (figures / f"{name}{suffix}").is_file(), f"{name}{suffix}"


def test_pngs_are_not_blank(figures: Path, real_run: Any) -> None:
    for name in _expected(real_run):
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

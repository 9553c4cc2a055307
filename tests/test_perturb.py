"""Dirichlet draws of the tables: the same numbers however they are sliced or chunked, the
right mean and spread, zeros kept; and `forecast bench` on a standard network."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.inference import perturb
from forecast.inference.bif import read_bif
from forecast.inference.perturb import BLOCK, Perturbation, chunks, draw_table, draw_tables

NETWORKS = Path(__file__).parent / "data" / "networks"
TABLE = np.array(
    [
        [[0.2, 0.3, 0.5], [0.0, 0.4, 0.6]],
        [[1.0, 0.0, 0.0], [0.1, 0.1, 0.8]],
    ]
)  # two parents with two states each, three states


def test_chunks_do_not_change_the_draws() -> None:
    whole = draw_table(TABLE, 7, {}, 0, 5000, Perturbation(seed=3))
    parts = [draw_table(TABLE, 7, {}, s, c, Perturbation(seed=3)) for s, c in chunks(5000, 2100)]
    np.testing.assert_array_equal(np.concatenate(parts, axis=-1), whole)
    odd = draw_table(TABLE, 7, {}, 1500, 1000, Perturbation(seed=3))
    np.testing.assert_array_equal(odd, whole[..., 1500:2500])


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_the_draws_are_the_same_on_any_number_of_threads(
    threads: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each table as drawn alone, whichever thread drew which columns, and whether the
    columns' seed words were kept from an earlier chunk or hashed afresh."""
    net = read_bif(NETWORKS / "alarm.bif")
    order = net.structure.nodes
    wanted = [(n, {}) for n in order[:12]]
    alone = [
        draw_table(net.tables[n], order.index(n), {}, 2000, 2500, Perturbation(seed=4))
        for n, _ in wanted
    ]
    monkeypatch.setattr(perturb, "thread_count", lambda: threads)
    perturb._WORDS.clear()
    for _ in range(2):  # words hashed afresh, then kept
        drawn = draw_tables(net.tables, wanted, order, 2000, 2500, Perturbation(seed=4))
        for mine, theirs in zip(drawn, alone, strict=True):
            np.testing.assert_array_equal(mine, theirs)


def test_slicing_reads_the_same_columns() -> None:
    full = draw_table(TABLE, 2, {}, 0, 300, Perturbation(seed=1))
    np.testing.assert_array_equal(
        draw_table(TABLE, 2, {1: 1}, 0, 300, Perturbation(seed=1)), full[:, 1]
    )
    np.testing.assert_array_equal(
        draw_table(TABLE, 2, {0: 0, 2: 2}, 0, 300, Perturbation(seed=1)), full[0, :, 2]
    )


def test_columns_sum_to_one_and_keep_their_zeros() -> None:
    drawn = draw_table(TABLE, 0, {}, 0, 2 * BLOCK, Perturbation())
    np.testing.assert_allclose(drawn.sum(axis=2), 1.0, atol=1e-12)
    assert np.all(drawn[0, 1, 0] == 0.0)
    assert np.all(drawn[1, 0] == np.array([1.0, 0.0, 0.0])[:, None])
    other = draw_table(TABLE, 1, {}, 0, 2 * BLOCK, Perturbation())
    assert not np.array_equal(drawn, other), "each node has its own streams"


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(0.05, 1.0), min_size=2, max_size=4),
    st.floats(5.0, 200.0),
    st.integers(0, 2**31),
)
def test_mean_and_spread_are_the_dirichlets(
    weights: list[float], concentration: float, seed: int
) -> None:
    point = np.array(weights) / sum(weights)
    draws = 4 * BLOCK
    drawn = draw_table(point, 0, {}, 0, draws, Perturbation(concentration, seed))
    variance = point * (1 - point) / (concentration + 1)
    error = np.sqrt(variance / draws)
    assert np.all(np.abs(drawn.mean(axis=1) - point) < 6 * error)
    # the sample variance's own standard error, from the draws' fourth central moment
    # (a small state's variance is estimated far less precisely than a fixed 20 %)
    centred = drawn - drawn.mean(axis=1, keepdims=True)
    spread = np.sqrt(np.maximum((centred**4).mean(axis=1) - drawn.var(axis=1) ** 2, 0) / draws)
    assert np.all(np.abs(drawn.var(axis=1) - variance) < 6 * spread)


def _forecast(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "forecast", *args], capture_output=True, text=True, check=False
    )


def test_bench_command_json_on_alarm() -> None:
    done = _forecast(
        "bench", str(NETWORKS / "alarm.bif"), "--draws", "3000", "--json", "--loops", "pyagrum"
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert {"network", "target", "given", "point", "seconds", "draws", "peak_mb"} <= doc.keys()
    assert doc["network"] == "alarm" and doc["target"] == "BP" and doc["draws"] == 3000
    assert len(doc["given"]) == 5
    assert abs(sum(doc["point"].values()) - 1.0) < 1e-12
    assert doc["largest_difference_on_point_network"]["pyagrum"] < 1e-6
    assert doc["largest_difference_on_timed_draws"]["pyagrum"] < 1e-6
    net = read_bif(NETWORKS / "alarm.bif")
    assert list(doc["point"]) == list(net.structure.states["BP"])


def test_bench_command_refuses_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.bif"
    path.write_text("network x {\n}\nvariable a {\n  type discrete [ 3 ] { yes, no };\n}\n")
    done = _forecast("bench", str(path))
    assert done.returncode == 1
    assert "broken.bif, line 3: 3 states announced, 2 listed" in done.stderr
    assert "Traceback" not in done.stderr

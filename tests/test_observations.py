"""Observations: what was seen is conditioned on, exactly as pgmpy conditions on evidence,
never fitted, and refused with its line when it cannot be right."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from forecast.base.errors import InputError
from forecast.exchange.pgmpymodel import build_pgmpy, pgmpy_posterior
from forecast.fitting import fitcache
from forecast.fitting.run import run_study
from forecast.inputs.checks import build_study
from forecast.inputs.loading import load_inputs

MINI = Path(__file__).parent / "data" / "mini"
TEXT = "evidence/sources/almanac.txt"
QUOTE = "When it rains, the river floods in roughly half of the years."

GAUGE = """
  - id: gauge
    label: Flood gauge alarm
    kind: indicator
    description: Whether the river gauge sounds its alarm; it signals a flood.
    baseline: "no"
    parents: [flood]
    states:
      - {id: "no", label: Silent, criterion: The gauge stays silent all season.}
      - {id: "yes", label: Alarm, criterion: The gauge sounds at least once this season.}
readers:
  - {id: r1, role: The village analyst, read_on: 2024-06-01}
assumptions:
  - id: gauge-quiet
    about: {node: gauge, state: "yes", given: {flood: "no"}}
    probability: 0.1
    rationale: A false alarm is rare.
  - id: gauge-flood
    about: {node: gauge, state: "yes", given: {flood: "yes"}}
    probability: 0.8
    rationale: The gauge sounds in most floods.
"""


def _observation(ident: str, node: str, state: str, seen: str = "2024-05") -> str:
    digest = hashlib.sha256((MINI / TEXT).read_bytes()).hexdigest()
    return (
        f"  - id: {ident}\n    node: {node}\n    state: {state!r}\n    seen: {seen!r}\n"
        f"    text: {{path: {TEXT}, sha256: {digest}}}\n    quote: {QUOTE}\n"
        "    reader: r1\n    note: The gauge was heard in May.\n"
    )


def _workspace(tmp_path: Path, *observations: str) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    model = root / "model" / "network.yaml"
    model.write_text(model.read_text("utf-8") + GAUGE, "utf-8")
    for path in (root / "evidence").glob("*.yaml"):  # the claims name the declared reader
        text = path.read_text("utf-8").replace(
            "    credibility:", "    reader: r1\n    credibility:"
        )
        path.write_text(text, "utf-8")
    if observations:
        (root / "evidence" / "observations.yaml").write_text(
            "observations:\n" + "".join(observations), "utf-8"
        )
    return root


def test_an_observation_moves_every_scenario_as_pgmpy_conditions_on_it(tmp_path: Path) -> None:
    study = build_study(load_inputs(_workspace(tmp_path, _observation("heard", "gauge", "yes"))))
    assert study.observed() == {"gauge": "yes"}
    run = run_study(study, 64, seed=2)
    model = build_pgmpy(run.structure, run.point_tables.cpts)
    one_draw = {n: t[5:6] for n, t in run.drawn.chunk(0).items()}
    drawn_model = build_pgmpy(run.structure, one_draw)
    outcome = study.network.outcome
    moved = False
    for result in run.results:
        sc = result.scenario
        given = {**{"gauge": "yes"}, **sc.given}
        expected = pgmpy_posterior(model, run.structure, outcome, given, sc.do)
        np.testing.assert_allclose(result.point, expected, atol=1e-9, rtol=0)
        np.testing.assert_allclose(
            result.samples[5],
            pgmpy_posterior(drawn_model, run.structure, outcome, given, sc.do),
            atol=1e-9,
            rtol=0,
        )
        assert result.unobserved is not None
        bare = pgmpy_posterior(model, run.structure, outcome, sc.given, sc.do)
        np.testing.assert_allclose(result.unobserved[0], bare, atol=1e-9, rtol=0)
        moved |= bool(np.abs(result.point - bare).max() > 1e-3)
    assert moved, "the alarm makes a flood, and so a poor harvest, likelier"


def test_observations_are_never_fitted(tmp_path: Path) -> None:
    plain = build_study(load_inputs(_workspace(tmp_path / "a")))
    seen = build_study(
        load_inputs(_workspace(tmp_path / "b", _observation("heard", "gauge", "yes")))
    )
    assert fitcache.study_key(plain, 50, 1) == fitcache.study_key(seen, 50, 1)
    a, b = run_study(plain, 50, seed=1), run_study(seen, 50, seed=1)
    for node, table in a.point_tables.cpts.items():
        np.testing.assert_array_equal(b.point_tables.cpts[node], table)


def test_a_query_conditions_on_what_was_seen_and_says_so(tmp_path: Path) -> None:
    root = _workspace(tmp_path, _observation("heard", "gauge", "yes"))
    runs = [
        subprocess.run(
            [sys.executable, "-m", "forecast", "query", "--root", str(root), "--draws", "100"],
            capture_output=True,
            text=True,
            check=False,
        )
        for _ in range(2)  # the second answers from the kept fit, without reading the inputs
    ]
    for done in runs:
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("P(harvest | seen gauge=yes), 100 draws:")
    assert runs[0].stdout == runs[1].stdout


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ((_observation("o1", "gaueg", "yes"),), "unknown node 'gaueg'"),
        ((_observation("o1", "gauge", "maybe"),), "'maybe' is not a state of 'gauge'"),
        ((_observation("o1", "harvest", "poor"),), "'harvest' is the outcome"),
        ((_observation("o1", "gauge", "yes", seen="2024-07"),), "after the model's as_of"),
        (
            (_observation("o1", "gauge", "yes"), _observation("o2", "gauge", "no")),
            "'gauge' is seen as 'no' here and as 'yes' in 'o1'",
        ),
        (
            (_observation("o1", "gauge", "yes").replace(QUOTE, QUOTE.replace("half", "most")),),
            "quote not found",
        ),
    ],
)
def test_a_wrong_observation_is_refused_with_its_place(
    tmp_path: Path, records: tuple[str, ...], message: str
) -> None:
    with pytest.raises(InputError) as refused:
        build_study(load_inputs(_workspace(tmp_path, *records)))
    found = [p for p in refused.value.problems if message in p.message]
    assert found, [p.message for p in refused.value.problems]
    assert all(p.path.endswith("observations.yaml") and p.line > 1 for p in found)

"""`forecast nodes` lists what a claim may name, from the model file alone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from .test_observations import _workspace


def _nodes(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "forecast", "nodes", "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_about_line_parses_to_a_column_of_the_nodes_table(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    (root / "evidence" / "half-written.yaml").write_text("source: {id: TODO\n", "utf-8")
    done = _nodes(root, "--json")
    assert done.returncode == 0, done.stderr  # a broken evidence file does not stop it
    listed = json.loads(done.stdout)
    assert listed["outcome"] == "harvest"
    by_id = {n["id"]: n for n in listed["nodes"]}
    assert set(by_id) == {"rain", "flood", "harvest", "gauge"}
    for node in listed["nodes"]:
        about = yaml.safe_load(node["about"])["about"]  # YAML 1.1: yes/no must be quoted
        assert about["node"] == node["id"] and about["state"] in node["states"]
        assert about["state"] != node["baseline"]
        given = about.get("given", {})
        assert list(given) == node["parents"]
        assert all(given[p] == by_id[p]["baseline"] for p in given)
    text = _nodes(root)
    assert (
        text.returncode == 0
        and 'about: {node: gauge, state: "yes", given: {flood: "no"}}' in text.stdout
    )

"""The fit cache and the figure cache save time and never change a number or a byte."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
from pathlib import Path

import numpy as np

from forecast.analysis.byreader import only_reader
from forecast.analysis.history import history
from forecast.base.cachefolder import Budget, CacheFolder
from forecast.fitting import fitcache
from forecast.fitting.run import FitCache, run_study
from forecast.inputs.asof import known_on
from forecast.inputs.checks import build_study
from forecast.inputs.loading import load_inputs
from forecast.reporting.figurecache import FOLDER as FIGURE_CACHE

from .cli_runner import forecast
from .corpus import tree_digest

DRAWS = 300


def test_kept_draws_are_the_fitted_draws_bit_for_bit(workspace: Path) -> None:
    study = build_study(load_inputs(workspace))
    fresh = run_study(study, DRAWS, seed=5)
    files = fitcache.files_key(study.files, DRAWS, 5)
    assert files == fitcache.disk_files_key(workspace, DRAWS, 5), "parsed bytes = bytes on disk"
    cache = FitCache(workspace, files, study.files)
    first = run_study(study, DRAWS, seed=5, cache=cache)
    kept = fitcache.load_for_files(workspace, files)
    assert kept is not None, "the first run keeps its draws"
    second = run_study(study, DRAWS, seed=5, cache=cache)
    for a, b, c in zip(fresh.results, first.results, second.results, strict=True):
        np.testing.assert_array_equal(a.samples, b.samples)
        np.testing.assert_array_equal(a.samples, c.samples)
    for node, table in fresh.drawn.chunk(0).items():
        np.testing.assert_array_equal(kept.drawn[node], table)
        np.testing.assert_array_equal(kept.point[node], fresh.point_tables.cpts[node])


def test_each_study_draw_count_and_seed_has_its_own_key(study) -> None:  # type: ignore[no-untyped-def]
    key = fitcache.study_key(study, DRAWS, 5)
    assert key == fitcache.study_key(dataclasses.replace(study, scenarios=()), DRAWS, 5)
    reader = study.readers()[0]
    others = {
        fitcache.study_key(only_reader(study, reader), DRAWS, 5),
        fitcache.study_key(dataclasses.replace(study, resample_readers=False), DRAWS, 5),
        fitcache.study_key(study, DRAWS + 1, 5),
        fitcache.study_key(study, DRAWS, 6),
    }
    assert key not in others and len(others) == 4


def test_query_answers_the_same_from_kept_draws_and_refits_after_an_edit(
    workspace: Path,
) -> None:
    args = ("query", "--given", "taiwan_crisis=yes", "--json", "--draws", str(DRAWS))
    cold = forecast(workspace, *args)
    assert cold.returncode == 0, cold.stderr
    assert "computing" in cold.stderr, "nothing kept yet: the draws are fitted"
    warm = forecast(workspace, *args)
    assert warm.returncode == 0, warm.stderr
    assert "computing" not in warm.stderr, "the kept draws answer"
    assert warm.stdout == cold.stdout
    evidence = sorted((workspace / "evidence").glob("*.yaml"))[0]
    text = evidence.read_text("utf-8")
    evidence.write_text(text.replace("probability: likely", "probability: very likely", 1), "utf-8")
    edited = forecast(workspace, *args)
    assert edited.returncode == 0, edited.stderr
    assert "computing" in edited.stderr, "an edited evidence file is fitted again"
    assert json.loads(edited.stdout)["target"] == json.loads(cold.stdout)["target"]


def test_a_cached_report_is_byte_identical_to_a_cold_one(workspace: Path, tmp_path: Path) -> None:
    cold, cached = tmp_path / "cold", tmp_path / "cached"
    done = forecast(workspace, "report", "--out", str(cold), "--draws", str(DRAWS))
    assert done.returncode == 0, done.stderr
    assert "19 drawn, 0 unchanged" in done.stderr
    # a report folder holding nothing but the figure cache of the cold build
    shutil.copytree(cold, cached)
    for entry in cached.iterdir():
        if entry.name not in {FIGURE_CACHE, ".forecast-output"}:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    done = forecast(workspace, "report", "--out", str(cached), "--draws", str(DRAWS))
    assert done.returncode == 0, done.stderr
    assert "0 drawn, 19 unchanged" in done.stderr
    assert {k.split("/", 1)[1]: v for k, v in tree_digest(cold).items()} == {
        k.split("/", 1)[1]: v for k, v in tree_digest(cached).items()
    }


def test_history_from_kept_draws_equals_history_fitted_afresh(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fresh = history(study, draws=60, seed=3)
    cache = FitCache(tmp_path)
    first = history(study, draws=60, seed=3, cache=cache)
    kept = sorted((tmp_path / fitcache.FOLDER).glob("fit-*.tables"))
    # one kept fit per distinct study: each date weighs its claims as of then
    studies = {fitcache.study_key(known_on(study, snap.date), 60, 3) for snap in fresh}
    assert len(kept) == len(studies), "one kept fit per distinct study"
    again = history(study, draws=60, seed=3, cache=cache)
    assert fresh == first == again
    assert sorted((tmp_path / fitcache.FOLDER).glob("fit-*.tables")) == kept


def test_pruning_keeps_the_most_recently_used_fits_and_only_the_tools_own(
    tmp_path: Path,
) -> None:
    folder = CacheFolder(tmp_path, fitcache.FOLDER)
    names = [f"fit-{i:032x}.npz" for i in range(5)]
    for i, name in enumerate(names):
        assert folder.write(name, "fit", name[4:36], b"x" * 100)
        os.utime(folder.path / name, (1_000 + i, 1_000 + i))  # fit-4 newest
    (folder.path / "fit-notes.npz").write_bytes(b"a user's own file, not in the manifest")
    assert folder.read(names[0], "fit", names[0][4:36], 1000) == b"x" * 100  # used just now
    folder.prune({"fit": Budget(3)})
    left = sorted(p.name for p in folder.path.glob("fit-*"))
    assert left == sorted([names[0], names[3], names[4], "fit-notes.npz"])
    folder.prune({"fit": Budget(3, total_bytes=300)})  # room for one and a half envelopes
    assert sorted(p.name for p in folder.path.glob("fit-*")) == [names[0], "fit-notes.npz"]
    folder.prune({"fit": Budget(3, total_bytes=10)})  # the newest is kept even over budget
    assert sorted(p.name for p in folder.path.glob("fit-*")) == [names[0], "fit-notes.npz"]


def test_an_emptied_or_truncated_kept_figure_is_drawn_again(tmp_path: Path) -> None:
    ws = Path(shutil.copytree(Path(__file__).parent / "data" / "mini", tmp_path / "ws"))
    out = tmp_path / "out"
    cold = forecast(ws, "report", "--out", str(out), "--draws", "100")
    assert cold.returncode == 0, cold.stderr
    figures = {p.name: p.read_bytes() for p in (out / "figures").iterdir()}
    kept = sorted((out / FIGURE_CACHE).glob("*.svg"))
    kept[0].write_bytes(b"")
    kept[1].write_bytes(kept[1].read_bytes()[:100])
    again = forecast(ws, "report", "--out", str(out), "--draws", "100")
    assert again.returncode == 0, again.stderr
    jobs = int(re.search(r"figures: (\d+) drawn, 0 unchanged", cold.stderr).group(1))  # type: ignore[union-attr]
    assert f"figures: 2 drawn, {jobs - 2} unchanged" in again.stderr
    assert {p.name: p.read_bytes() for p in (out / "figures").iterdir()} == figures

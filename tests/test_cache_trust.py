"""The fit and study cache is believed only once proven: a kept file that is planted,
damaged, forged, not a regular file or reached through a link is never used (nor run), and
the command still answers as if nothing had been kept."""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from forecast.base import cachefolder
from forecast.base.cachefolder import CacheFolder
from forecast.base.records import RecordError, parse_json
from forecast.fitting import fitcache

from .corpus import tree_digest

MINI = Path(__file__).resolve().parent / "data" / "mini"
SRC = Path(__file__).resolve().parents[1] / "src"
DRAWS = "300"


def _forecast(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A command on the workspace; every input file is byte-identical afterwards."""
    before = tree_digest(ws, skip=[fitcache.FOLDER])
    done = subprocess.run(
        [sys.executable, "-m", "forecast", *args, "--draws", DRAWS, "--root", str(ws)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert tree_digest(ws, skip=[fitcache.FOLDER]) == before, "the command changed an input"
    return done


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return Path(shutil.copytree(MINI, tmp_path / "ws"))


def _kept(ws: Path, pattern: str) -> Path:
    (found,) = sorted((ws / fitcache.FOLDER).glob(pattern))
    return found


def _forge(path: Path, kind: str, key: str, payload: bytes) -> None:
    """Write a file as the tool itself would seal it: what only this user could do."""
    path.write_bytes(cachefolder._envelope(kind, key, payload))


class _Payload:
    """A pickle that, if it were ever loaded, would write a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.write_text, (self.marker, "the cache ran code"))


def test_no_module_of_the_package_reads_pickles() -> None:
    pattern = re.compile(
        r"^\s*(import pickle|from pickle)|pickle\.loads?\(|allow_pickle\s*=\s*True"
    )
    found = [
        f"{path}:{number}"
        for path in SRC.rglob("*.py")
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


def test_a_planted_pickle_is_never_run(mini: Path, tmp_path: Path) -> None:
    cold = _forecast(mini, "run")
    assert cold.returncode == 0, cold.stderr
    marker = tmp_path / "marker"
    payload = pickle.dumps(_Payload(marker))
    study = _kept(mini, "study-*.json")
    fit = _kept(mini, "fit-*.tables")
    for path in (study, study.with_suffix(".pickle"), fit):
        path.write_bytes(payload)  # under every name a cache file has, or had
    _forge(study, "study", study.stem[6:], payload)  # even sealed as the tool would
    again = _forecast(mini, "run")
    assert again.returncode == 0, again.stderr
    assert not marker.exists(), "a pickle in the cache was loaded"
    assert "is not used" in again.stderr
    assert again.stdout.splitlines()[:4] == cold.stdout.splitlines()[:4]


@pytest.mark.parametrize("damage", ["truncated", "bit flipped", "emptied", "reversed table"])
def test_a_damaged_or_edited_fit_is_fitted_again(mini: Path, damage: str) -> None:
    cold = _forecast(mini, "query", "--given", "flood=yes", "--json")
    assert cold.returncode == 0, cold.stderr
    fit = _kept(mini, "fit-*.tables")
    data = bytearray(fit.read_bytes())
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "bit flipped":
        data[len(data) // 2] ^= 0x10
    elif damage == "emptied":
        data = bytearray()
    else:  # an edit that keeps the archive valid: the outcome's columns reversed
        head, _, body = bytes(data).partition(b"\n")
        data = bytearray(head + b"\n" + _reverse_last_table(body))
    fit.write_bytes(bytes(data))
    for command in (["query", "--given", "flood=yes", "--json"], ["run"], ["watchlist"]):
        result = _forecast(mini, *command)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert f"{fitcache.FOLDER}/{fit.name} is not used" in result.stderr
        if command[0] == "query":
            assert result.stdout == cold.stdout, "the refitted answer is the first answer"
        fit.write_bytes(bytes(data))


def _reverse_last_table(body: bytes) -> bytes:
    meta, arrays = fitcache.decode_fit(body)
    last = max((n for n in arrays if n.startswith("d")), key=lambda n: int(n[1:]))
    arrays[last] = arrays[last][..., ::-1, :]  # the states' axis (the draws come last)
    return fitcache.encode_fit(meta, arrays)


@pytest.mark.parametrize("poison", ["nan", "negative", "wrong shape", "cycle"])
def test_a_sealed_fit_outside_its_ranges_is_refused(mini: Path, poison: str) -> None:
    """Even a file sealed with this user's secret is checked: finite tables in [0, 1],
    columns summing to one, shapes from the network, parents without a cycle."""
    assert _forecast(mini, "run").returncode == 0
    fit = _kept(mini, "fit-*.tables")
    key = fit.stem[4:]
    body = fit.read_bytes().partition(b"\n")[2]
    meta, arrays = fitcache.decode_fit(body)
    if poison == "nan":
        arrays["d0"] = np.full_like(arrays["d0"], np.nan)
    elif poison == "negative":
        arrays["p0"] = arrays["p0"] * np.array([-1.0, 3.0])[: arrays["p0"].shape[-1]]
    elif poison == "wrong shape":
        arrays["d0"] = arrays["d0"][..., :10]
    else:
        meta["parents"][0] = [meta["nodes"][-1]]
    _forge(fit, "fit", key, fitcache.encode_fit(meta, arrays))
    result = _forecast(mini, "query", "--given", "flood=yes")
    assert result.returncode == 0, result.stderr
    assert f"{fit.name} is not used" in result.stderr
    assert "nan" not in result.stdout


@pytest.mark.parametrize(
    "entry",
    [
        ["d0", [2, 3], 1 << 20],  # past the end
        ["d0", [2, 3], -64],  # before the start
        ["d0", [2, 3], 4],  # not on a float's boundary
        ["d0", [2, -3], 0],  # a negative length
        ["d0", [2, 3.0], 0],  # a length that is not a whole number
        ["d0", [1 << 40, 1 << 30], 0],  # more values than the file holds
    ],
)
def test_a_fit_file_whose_header_lies_about_its_arrays_is_refused(entry: list[Any]) -> None:
    payload = bytearray(fitcache.encode_fit({}, {"d0": np.full((2, 3), 0.5)}))
    size = int.from_bytes(payload[:8], "little")
    head = json.dumps({"meta": {}, "arrays": [entry]}).encode().ljust(size)
    payload[8 : 8 + size] = head[:size]
    with pytest.raises(RecordError):
        fitcache.decode_fit(bytes(payload))


def test_kept_tables_are_read_in_place_on_aligned_memory(tmp_path: Path) -> None:
    folder = CacheFolder(tmp_path, fitcache.FOLDER)
    rng = np.random.default_rng(1)
    for i, draws in enumerate((7, 70, 2_000)):  # envelopes whose headers differ in length
        key = f"{i}" * 32
        tables = {"p0": np.full((1, 2), 0.5), "d0": rng.random((3, 2, draws))}
        name = f"fit-{key}.tables"
        assert folder.write(name, "fit", key, fitcache.encode_fit({"n": "x" * i}, tables))
        payload = folder.read(name, "fit", key, 1 << 20)
        assert payload is not None
        meta, arrays = fitcache.decode_fit(payload)
        assert meta == {"n": "x" * i}
        for n, table in tables.items():
            assert np.array_equal(arrays[n], table)
            assert arrays[n].ctypes.data % cachefolder.ALIGN == 0  # aligned where it lies
            assert not arrays[n].flags.owndata  # not copied


@pytest.mark.parametrize("kind", ["pipe", "link to /dev/zero", "link out of the workspace"])
def test_a_cache_file_that_is_not_a_regular_file_is_never_opened(
    mini: Path, tmp_path: Path, kind: str
) -> None:
    assert _forecast(mini, "run").returncode == 0
    for kept in (_kept(mini, "fit-*.tables"), _kept(mini, "files-*.json")):
        kept.unlink()
        if kind == "pipe":
            os.mkfifo(kept)
        elif kind == "link to /dev/zero":
            kept.symlink_to("/dev/zero")
        else:
            (tmp_path / "elsewhere").write_bytes(b"not the tool's")
            kept.symlink_to(tmp_path / "elsewhere")
    result = _forecast(mini, "query", "--given", "flood=yes")  # a hang fails the timeout
    assert result.returncode == 0, result.stderr
    assert "is not used" in result.stderr
    if kind == "link out of the workspace":
        assert (tmp_path / "elsewhere").read_bytes() == b"not the tool's"


def test_a_cache_folder_that_is_a_link_is_neither_read_nor_pruned(
    mini: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    theirs = {f"fit-{i:032x}.npz": os.urandom(64) for i in range(31)}
    for name, data in theirs.items():
        (elsewhere / name).write_bytes(data)
    (mini / fitcache.FOLDER).symlink_to(elsewhere)
    for _ in range(2):
        result = _forecast(mini, "run")
        assert result.returncode == 0, result.stderr
        assert f"{fitcache.FOLDER} is a link: nothing is kept or read there" in result.stderr
    assert {p.name: p.read_bytes() for p in elsewhere.iterdir()} == theirs


def test_a_cache_folder_that_is_a_file_is_left_alone(mini: Path) -> None:
    (mini / fitcache.FOLDER).write_text("mine\n")
    result = _forecast(mini, "run")
    assert result.returncode == 0, result.stderr
    assert "is not a folder" in result.stderr
    assert (mini / fitcache.FOLDER).read_text() == "mine\n"


def test_the_next_writer_removes_what_a_killed_writer_left(tmp_path: Path) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    folder = CacheFolder(tmp_path, fitcache.FOLDER)
    assert folder.write("last-run.json", "last-run", "last-run", b"{}")
    left = folder.path / f"tmp-{int(gone.stdout)}-{'0' * 16}"
    live = folder.path / f"tmp-{os.getpid()}-{'1' * 16}"  # a writer still at work
    left.write_bytes(b"half a fit")
    live.write_bytes(b"a fit being written")
    assert folder.write("last-run.json", "last-run", "last-run", b"{}")
    assert not left.exists() and live.exists()


def test_kept_files_are_made_for_their_key_and_kind(tmp_path: Path) -> None:
    folder = CacheFolder(tmp_path, fitcache.FOLDER)
    key, other = "a" * 32, "b" * 32
    assert folder.write(f"fit-{key}.npz", "fit", key, b"tables")
    assert folder.read(f"fit-{key}.npz", "fit", key, 100) == b"tables"
    shutil.copyfile(folder.path / f"fit-{key}.npz", folder.path / f"fit-{other}.npz")
    assert folder.read(f"fit-{other}.npz", "fit", other, 100) is None, "renamed to another key"
    assert folder.read(f"fit-{key}.npz", "study", key, 100) is None, "read as another kind"
    assert folder.read(f"fit-{key}.npz", "fit", key, 3) is None, "over the size limit"
    data = bytearray((folder.path / f"fit-{key}.npz").read_bytes())
    data[-1] ^= 1
    (folder.path / f"fit-{key}.npz").write_bytes(bytes(data))
    assert folder.read(f"fit-{key}.npz", "fit", key, 100) is None, "one bit changed"


def test_an_input_edited_while_a_command_runs_is_never_kept_under_the_new_key(
    mini: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The edit lands between the parse and the store (deterministically, no sleeping)."""
    from forecast.cli import common
    from forecast.inputs import checks

    real = checks.build_study
    scenario = mini / "scenarios" / "wet.yaml"

    def build_then_edit(*args: Any, **kwargs: Any) -> Any:
        study = real(*args, **kwargs)
        scenario.write_text(scenario.read_text("utf-8").replace("title:", "title: Edited", 1))
        return study

    monkeypatch.setattr(checks, "build_study", build_then_edit)
    monkeypatch.setattr(cachefolder, "_said", set())
    study = common.load_study(mini)
    monkeypatch.setattr(checks, "build_study", real)
    assert "scenarios/wet.yaml changed while this command ran" in capsys.readouterr().err
    assert not list((mini / fitcache.FOLDER).glob("study-*.json")), "nothing kept at all"
    common.run_study_cached(mini, study, 300, 1)
    assert not list((mini / fitcache.FOLDER).glob("files-*.json")), "no alias either"
    fresh = common.load_study(mini)  # the next command reads the edited file
    assert any(sc.title.startswith("Edited") for sc in fresh.scenarios)
    assert list((mini / fitcache.FOLDER).glob("study-*.json"))
    assert fitcache.load_study(mini) == fresh


@pytest.mark.parametrize("text", ["[" * 100_000, "NaN", '{"a": Infinity}', '{"a": 1'])
def test_strict_json_refuses_deep_nesting_and_non_numbers(text: str) -> None:
    with pytest.raises(RecordError):
        parse_json(text)


@pytest.mark.parametrize("kept", ["last-run", "alias"])
def test_sealed_summaries_of_the_wrong_shape_do_not_break_a_command(mini: Path, kept: str) -> None:
    assert _forecast(mini, "run").returncode == 0
    if kept == "last-run":
        _forge(mini / fitcache.FOLDER / "last-run.json", "last-run", "last-run", b"[" * 50_000)
        command = ["run"]
    else:
        alias = _kept(mini, "files-*.json")
        key = parse_json(alias.read_bytes().partition(b"\n")[2].decode())["key"]
        body = f'{{"key": "{key}", "observed": {{"no_such_node": "yes"}}}}'.encode()
        _forge(alias, "files", alias.stem[6:], body)
        command = ["query", "--given", "flood=yes"]
    result = _forecast(mini, *command)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "is not used" in result.stderr


def test_a_source_file_whose_name_is_not_utf8_is_fingerprinted(mini: Path) -> None:
    (mini / "evidence" / "sources" / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"notes")
    for command in (["run"], ["query", "--given", "flood=yes"], ["run"]):
        result = _forecast(mini, *command)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    assert "computing" not in _forecast(mini, "query", "--given", "flood=yes").stderr, "kept"


def _large_fit(folder: CacheFolder, key: str) -> tuple[str, dict[str, Any]]:
    """A kept fit of some 3 MB (mapped and hashed in parts when read), and its tables."""
    tables = {"p0": np.full((1, 2), 0.5), "d0": np.random.default_rng(3).random((3, 2, 60_000))}
    name = f"fit-{key}.tables"
    assert folder.write(name, "fit", key, fitcache.encode_fit({}, tables))
    return name, tables


def test_a_large_kept_file_of_this_users_is_mapped_read_only_where_it_lies(
    tmp_path: Path,
) -> None:
    folder = CacheFolder(tmp_path, fitcache.FOLDER)
    key = "c" * 32
    name, tables = _large_fit(folder, key)
    head = (folder.path / name).read_bytes()[: cachefolder.HEADER_BYTES]
    assert (head.index(b"\n") + 1) % cachefolder.ALIGN == 0, "the header line is padded"
    payload = folder.read(name, "fit", key, 1 << 30)
    assert payload is not None and payload.readonly, "mapped, not copied into our memory"
    _, arrays = fitcache.decode_fit(payload)
    assert np.array_equal(arrays["d0"], tables["d0"])
    assert arrays["d0"].ctypes.data % cachefolder.ALIGN == 0


def test_a_kept_file_others_may_write_is_copied_before_it_is_checked(tmp_path: Path) -> None:
    """A file someone else could change after its seal was checked is never mapped: its
    bytes are copied into this process first, then checked, then used."""
    folder = CacheFolder(tmp_path, fitcache.FOLDER)
    key = "d" * 32
    name, tables = _large_fit(folder, key)
    (folder.path / name).chmod(0o666)
    payload = folder.read(name, "fit", key, 1 << 30)
    assert payload is not None and not payload.readonly, "copied"
    _, arrays = fitcache.decode_fit(payload)
    assert np.array_equal(arrays["d0"], tables["d0"])
    assert arrays["d0"].ctypes.data % cachefolder.ALIGN == 0


def test_a_group_writable_kept_file_is_not_mapped() -> None:
    info = os.stat_result((0o100664, 0, 0, 1, os.getuid(), 0, 1 << 30, 0, 0, 0))
    assert not cachefolder._mappable(info)
    mine = os.stat_result((0o100644, 0, 0, 1, os.getuid(), 0, 1 << 30, 0, 0, 0))
    theirs = os.stat_result((0o100644, 0, 0, 1, os.getuid() + 1, 0, 1 << 30, 0, 0, 0))
    assert cachefolder._mappable(mine) and not cachefolder._mappable(theirs)


@pytest.mark.parametrize("where", [0.0, 0.25, 0.5, 0.75, 1.0])
def test_one_bit_changed_in_any_part_of_a_large_file_is_refused(
    tmp_path: Path, where: float
) -> None:
    folder = CacheFolder(tmp_path, fitcache.FOLDER)
    key = "e" * 32
    name, _ = _large_fit(folder, key)
    path = folder.path / name
    data = bytearray(path.read_bytes())
    start = data.index(b"\n") + 1
    data[min(len(data) - 1, start + int(where * (len(data) - start)))] ^= 0x01
    path.write_bytes(bytes(data))
    assert folder.read(name, "fit", key, 1 << 30) is None


def test_a_file_sealed_in_the_earlier_format_is_made_again(tmp_path: Path) -> None:
    import hashlib
    import hmac

    folder = CacheFolder(tmp_path, fitcache.FOLDER)
    key, payload = "f" * 32, b"tables"
    secret = cachefolder._secret()
    assert secret is not None
    prefix = f"{cachefolder.MAGIC} 1 fit {key} {len(payload)}"
    seal = hmac.new(secret, f"{prefix}\n".encode() + payload, hashlib.sha256).hexdigest()
    folder.path.mkdir()
    (folder.path / f"fit-{key}.npz").write_bytes(f"{prefix} {seal}\n".encode() + payload)
    assert folder.read(f"fit-{key}.npz", "fit", key, 100) is None

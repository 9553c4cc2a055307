"""The track record: publish appends one chained entry and never damages the ledger; every
reader of the ledger proves its history and refuses a bad entry with its line; score
matches scores worked out by hand and says what is true when nothing can be scored."""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from forecast.analysis import ledger as ledger_module
from forecast.analysis.ledger import append_entry, entry_line, parse_ledger, read_ledger
from forecast.base import atomic
from forecast.base.errors import InputError
from forecast.base.paths import Workspace
from forecast.cli.vcs import uncommitted
from forecast.inputs.ledgerschema import ZERO_HASH
from forecast.inputs.loading import load_resolutions

from .cli_runner import forecast
from .test_observations import MINI, QUOTE, TEXT, _observation, _workspace

SHOWN = "ledger/forecasts.jsonl"
RESTORE = "restore it from git (git checkout -- ledger/forecasts.jsonl)"


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def _committed(tmp_path: Path, *observations: str) -> Path:
    """The small workspace, committed in a new git repository."""
    root = _workspace(tmp_path, *observations)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "inputs")
    return root


def _sha(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


def _entry(
    published: str, questions: dict[str, dict[str, float]], **changes: Any
) -> dict[str, Any]:
    """A well-formed entry (without "prev") forecasting `questions` {node: {state: p}}."""
    body = {
        n: {s: {"mean": p, "point": p, "p05": p, "p95": p} for s, p in q.items()}
        for n, q in questions.items()
    }
    entry = {
        "as_of": published,
        "commit": None,
        "draws": 100,
        "horizon": "2024-10-31",
        "observed": {},
        "outcome": "harvest",
        "published": published,
        "questions": body,
        "scenarios": [],
        "seed": 0,
        "uncommitted_inputs": True,
        "watchlist": [],
    }
    return {**entry, **changes}


RAIN = {"rain": {"dry": 0.3, "rainy": 0.7}}


def _chained(*entries: dict[str, Any]) -> list[str]:
    """The entries as ledger lines, each "prev" the hash of the line before."""
    lines: list[str] = []
    for entry in entries:
        lines.append(entry_line({**entry, "prev": _sha(lines[-1]) if lines else ZERO_HASH}))
    return lines


def _text(lines: list[str]) -> bytes:
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def _refused(data: bytes, committed: bytes | None = None) -> str:
    """The one problem line `parse_ledger` refuses `data` with."""
    with pytest.raises(InputError) as caught:
        parse_ledger(data, SHOWN, committed)
    assert len(caught.value.problems) == 1, caught.value.problems
    return str(caught.value.problems[0])


# --- publish ---------------------------------------------------------------------------------


def test_publish_appends_chained_entries_and_refuses_uncommitted_inputs(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    refused = forecast(root, "publish", "--draws", "100")
    assert refused.returncode == 2 and "not in a git repository" in refused.stderr
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "inputs")
    first = forecast(root, "publish", "--draws", "100")
    assert first.returncode == 0, first.stderr
    assert "as entry 1 of ledger/forecasts.jsonl" in first.stdout
    ledger = root / "ledger" / "forecasts.jsonl"
    entry = json.loads(ledger.read_text("utf-8"))
    head = _git(root, "rev-parse", "HEAD").strip()
    assert entry["commit"] == head and entry["uncommitted_inputs"] is False
    assert entry["prev"] == "0" * 64
    assert {sc["id"] for sc in entry["scenarios"]} == {"baseline", "wet"}
    assert set(entry["questions"]) == {"rain", "flood", "harvest", "gauge"}
    assert [w["node"] for w in entry["watchlist"]] == ["gauge"]
    (root / "evidence" / "almanac.yaml").write_text(
        (root / "evidence" / "almanac.yaml").read_text("utf-8") + "\n", "utf-8"
    )
    dirty = forecast(root, "publish", "--draws", "100")
    assert dirty.returncode == 2
    assert (
        "has inputs git cannot vouch for: evidence/almanac.yaml (changed since the last "
        "commit); commit model/, evidence/, scenarios/ and ledger/resolutions.yaml first"
    ) in " ".join(dirty.stderr.split())
    assert len(ledger.read_text("utf-8").splitlines()) == 1
    allowed = forecast(root, "publish", "--draws", "100", "--allow-dirty")
    assert allowed.returncode == 0, allowed.stderr
    assert "as entry 2 of ledger/forecasts.jsonl" in allowed.stdout
    lines = ledger.read_text("utf-8").splitlines()
    assert len(lines) == 2 and lines[0] == entry_line(entry)
    second = json.loads(lines[1])
    assert second["uncommitted_inputs"] is True and second["prev"] == _sha(lines[0])
    assert len(read_ledger(ledger, SHOWN, root)) == 2


def test_a_crash_while_appending_leaves_the_ledger_intact(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ledger = tmp_path / "ledger" / "forecasts.jsonl"
    atomic.append_line(ledger, b"", '{"published": "2026-01-01"}')
    before = ledger.read_bytes()

    def crash(fd: int) -> None:
        raise KeyboardInterrupt("the machine went down")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        atomic.append_line(ledger, before, '{"published": "2026-02-01"}')
    assert ledger.read_bytes() == before
    assert sorted(p.name for p in ledger.parent.iterdir()) == ["forecasts.jsonl"]


def test_four_concurrent_publishes_get_four_numbers_and_one_chain(tmp_path: Path) -> None:
    root = _committed(tmp_path)
    warm = forecast(root, "publish", "--draws", "100")  # fits once, so the four race the lock
    assert warm.returncode == 0, warm.stderr
    command = [sys.executable, "-m", "forecast", "publish", "--draws", "100", "--root", str(root)]
    running = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    said = [p.communicate(timeout=120) for p in running]
    assert [p.returncode for p in running] == [0] * 4, said
    numbers = sorted(int(out.split(" as entry ")[1].split()[0]) for out, _ in said)
    assert numbers == [2, 3, 4, 5]
    ledger = root / "ledger" / "forecasts.jsonl"
    assert len(read_ledger(ledger, SHOWN, root)) == 5  # the chain holds


def test_the_lock_covers_the_read_the_number_and_the_append(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = tmp_path / "ledger" / "forecasts.jsonl"
    slow_append = atomic.append_line

    def slowly(path: Path, old: bytes, line: str) -> None:
        threading.Event().wait(0.2)  # a slow disk: without the lock, all four read the same
        slow_append(path, old, line)

    monkeypatch.setattr(ledger_module.atomic, "append_line", slowly)
    numbers: list[int] = []

    def publish(day: str) -> None:
        numbers.append(append_entry(ledger, SHOWN, tmp_path, _entry(day, RAIN)))

    threads = [threading.Thread(target=publish, args=(f"2024-01-1{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(numbers) == [1, 2, 3, 4]
    assert len(parse_ledger(ledger.read_bytes(), SHOWN)) == 4


def test_publish_refuses_a_broken_ledger_before_computing(tmp_path: Path) -> None:
    root = _committed(tmp_path)
    ledger = root / "ledger" / "forecasts.jsonl"
    ledger.parent.mkdir()
    lines = _chained(_entry("2024-01-10", RAIN), _entry("2024-01-11", RAIN))
    ledger.write_bytes(_text([lines[1], lines[0]]))
    before = ledger.read_bytes()
    done = forecast(root, "publish", "--draws", "100")
    assert done.returncode == 1 and "computing" not in done.stderr
    assert f"{SHOWN}:1:1: line 1 does not start the ledger" in done.stderr
    assert ledger.read_bytes() == before


# --- the chain -------------------------------------------------------------------------------


def test_an_edited_removed_or_reordered_entry_names_the_first_line_that_breaks() -> None:
    lines = _chained(*(_entry(f"2024-01-1{i}", RAIN) for i in range(4)))
    assert len(parse_ledger(_text(lines), SHOWN)) == 4
    edited = [lines[0], lines[1].replace('"mean":0.3', '"mean":0.31', 1), *lines[2:]]
    edited[1] = edited[1].replace('"mean":0.7', '"mean":0.69', 1)
    assert _refused(_text(edited)) == (
        f'{SHOWN}:3:1: line 3 does not follow line 2 (its "prev" is not the SHA-256 of line 2): '
        f"the ledger was edited, reordered or cut; {RESTORE}"
    )
    assert _refused(_text([lines[0], *lines[2:]])).startswith(
        f"{SHOWN}:2:1: line 2 does not follow line 1"
    )
    assert _refused(_text([lines[0], lines[2], lines[1], lines[3]])).startswith(
        f"{SHOWN}:2:1: line 2 does not follow line 1"
    )
    assert _refused(_text(lines[1:])).startswith(
        f'{SHOWN}:1:1: line 1 does not start the ledger (its "prev" is not 64 zeros)'
    )


def test_the_lines_git_holds_must_still_be_there_as_they_were() -> None:
    """The chain cannot tell a cut last line, nor an edit of it; the committed ledger can."""
    grown = _chained(*(_entry(f"2024-01-1{i}", RAIN) for i in range(4)))
    lines = grown[:3]
    held = _text(lines)
    assert len(parse_ledger(_text(grown), SHOWN, held)) == 4  # appended since: fine
    assert _refused(_text(lines[:2]), held).startswith(
        f"{SHOWN}:3:1: line 3, committed in git (HEAD), is missing: the ledger was cut"
    )
    last = lines[2].replace('"seed":0', '"seed":1')
    assert _refused(_text([*lines[:2], last]), held).startswith(
        f"{SHOWN}:3:1: line 3 is not line 3 as committed in git (HEAD)"
    )


def test_score_proves_the_committed_ledger_in_a_real_repository(tmp_path: Path) -> None:
    root = _committed(tmp_path)
    ledger = root / "ledger" / "forecasts.jsonl"
    ledger.parent.mkdir()
    lines = _chained(_entry("2024-01-10", RAIN), _entry("2024-01-11", RAIN))
    ledger.write_bytes(_text(lines))
    _git(root, "add", "ledger")
    _git(root, "commit", "-qm", "ledger")
    assert forecast(root, "score").returncode == 0
    ledger.write_bytes(_text(lines[:1]))
    cut = forecast(root, "score")
    assert cut.returncode == 1
    assert f"{SHOWN}:2:1: line 2, committed in git (HEAD), is missing" in cut.stderr


# --- every entry as the writer writes it -------------------------------------------------------


def _second(text: str) -> bytes:
    """A ledger of one good entry and `text` as line 2."""
    return _text([*_chained(_entry("2024-01-10", RAIN)), text])


def _line2(**changes: Any) -> bytes:
    """A ledger of two entries, the second changed by `changes`, chained correctly."""
    first = _chained(_entry("2024-01-10", RAIN))[0]
    return _second(entry_line({**_entry("2024-01-11", RAIN), **changes, "prev": _sha(first)}))


def _edit2(old: str, new: str) -> bytes:
    """A ledger of two chained entries, `old` replaced by `new` in the second."""
    lines = _chained(_entry("2024-01-10", RAIN), _entry("2024-01-11", RAIN))
    return _text([lines[0], lines[1].replace(old, new, 1)])


def _mean(value: object) -> dict[str, Any]:
    summary = {"mean": value, "point": 0.3, "p05": 0.2, "p95": 0.4}
    other = {"mean": 0.7, "point": 0.7, "p05": 0.6, "p95": 0.8}
    return {"questions": {"rain": {"dry": summary, "rainy": other}}}


BAD_LINES = [
    ("not-utf8", _second('{"published": "X"}').replace(b"X", b"\xff"),
     "2:16: line 2 is not valid UTF-8 (byte 0xff)"),
    ("not-json", _second("{oops"), "2:2: line 2 is not JSON (Expecting property name"),
    ("not-an-object", _second("[1, 2]"),
     "2:1: line 2 is not a published entry: not an entry (a JSON object) but an array"),
    ("integer-published", _line2(published=20240111),
     "2:1: line 2 is not a published entry: published: 20240111 is not a date written YYYY-MM-DD"),
    ("not-a-real-date", _line2(published="2024-02-30"),
     "line 2 is not a published entry: published: '2024-02-30' is not a real date"),
    ("published-after-today", _line2(published="2999-01-01"),
     "line 2 is not a published entry: published: '2999-01-01' is after today"),
    ("as-of-not-iso", _line2(as_of="01/02/2024"),
     "as_of: '01/02/2024' is not a date written YYYY-MM-DD"),
    ("nan-mean", _edit2('"mean":0.3', '"mean":NaN'),
     "2:1: line 2 holds NaN, which is not a number (JSON has no NaN or Infinity)"),
    ("infinite-mean", _edit2('"mean":0.3', '"mean":1e999'),
     "questions.rain.dry.mean: inf is not a finite number"),
    ("text-mean", _line2(**_mean("abc")),
     "line 2 is not a published entry: questions.rain.dry.mean: 'abc' is not a number"),
    ("number-as-text-mean", _line2(**_mean("0.3")), "questions.rain.dry.mean: '0.3' is not a number"),
    ("mean-above-one", _line2(**_mean(1.5)), "questions.rain.dry.mean: 1.5 is out of range"),
    ("means-not-summing-to-one", _line2(**_mean(0.2)),
     "questions.rain: the means of its states add up to 0.9, not 1"),
    ("empty-questions", _line2(questions={}), "line 2 is not a published entry: questions is empty"),
    ("question-without-states", _line2(questions={"rain": {}}), "questions.rain is empty"),
    ("unknown-key", _line2(colour="red"), 'unknown key "colour"'),
    ("missing-prev", _second(entry_line(_entry("2024-01-11", RAIN))), '"prev" is missing'),
    ("duplicate-key", _second('{"published": "2024-01-11", "published": "2024-01-12"}'),
     'line 2 holds the key "published" twice in one object'),
    ("deeply-nested", _second("[" * 100_000 + "]" * 100_000),
     "line 2 is not JSON a ledger can hold (nested too deeply or a number too long)"),
    ("huge-number", _second('{"seed": ' + "9" * 10_000 + "}"), "nested too deeply or a number too long"),
    ("no-final-newline", _text(_chained(_entry("2024-01-10", RAIN)))[:-1],
     "line 1 does not end with a newline: the ledger was cut or edited by hand"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "expected"), [pytest.param(d, e, id=i) for i, d, e in BAD_LINES])
def test_a_bad_line_is_an_input_error_naming_it(data: bytes, expected: str) -> None:
    problem = _refused(data)
    assert expected in problem and problem.startswith(f"{SHOWN}:"), problem
    assert problem.endswith(f"; {RESTORE}")


def test_the_repository_ledger_proves_its_history() -> None:
    repository = Path(__file__).resolve().parents[1]
    entries = read_ledger(repository / "ledger" / "forecasts.jsonl", SHOWN, repository)
    assert entries and entries[0]["prev"] == ZERO_HASH


def test_score_refuses_a_bad_entry_without_a_traceback(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    (root / "ledger").mkdir()
    (root / "ledger" / "forecasts.jsonl").write_bytes(_line2(**_mean("abc")))
    done = forecast(root, "score")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert (
        f"{SHOWN}:2:1: line 2 is not a published entry: questions.rain.dry.mean: 'abc' is not "
        f"a number; {RESTORE}"
    ) in done.stderr


# --- links, pipes and devices ----------------------------------------------------------------


REFUSED = {
    "link-inside": "is a symbolic link",
    "link-outside": "is a symbolic link",
    "folder-link": "lies in ledger/, which is a symbolic link",
    "pipe": "is a named pipe, not a regular file",
    "device-link": "is a symbolic link",
}
KINDS = list(REFUSED)


def _plant(root: Path, kind: str, name: str) -> Path:
    """Put the thing of `kind` at ledger/NAME; return where a good copy lies, if any."""
    ledger = root / "ledger"
    good = root.parent / "elsewhere" / name
    good.parent.mkdir(exist_ok=True)
    good.write_bytes(_text(_chained(_entry("2024-01-10", RAIN))))
    if kind == "folder-link":
        ledger.symlink_to(good.parent, target_is_directory=True)
        return good
    ledger.mkdir()
    target = ledger / name
    if kind == "link-inside":
        (root / "kept.jsonl").write_bytes(good.read_bytes())
        target.symlink_to(Path("..") / "kept.jsonl")
    elif kind == "link-outside":
        target.symlink_to(good)
    elif kind == "pipe":
        os.mkfifo(target)
    elif kind == "device-link":
        target.symlink_to("/dev/zero")
    return good


@pytest.mark.parametrize("kind", KINDS)
def test_a_ledger_that_is_a_link_a_pipe_or_a_device_is_refused(tmp_path: Path, kind: str) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    _plant(root, kind, "forecasts.jsonl")
    with pytest.raises(InputError) as caught:
        read_ledger(Workspace(root).ledger_file, SHOWN, root)
    assert f"{SHOWN}:1:1: {REFUSED[kind]}" in str(caught.value)


@pytest.mark.parametrize("kind", KINDS)
def test_a_resolutions_file_that_is_a_link_a_pipe_or_a_device_is_refused(
    tmp_path: Path, kind: str
) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    _plant(root, kind, "resolutions.yaml")
    with pytest.raises(InputError) as caught:
        load_resolutions(Workspace(root))
    assert f"ledger/resolutions.yaml:1:1: {REFUSED[kind]}" in str(caught.value)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device needs root")
def test_a_ledger_that_is_a_device_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ledger").mkdir()
    try:
        os.mknod(tmp_path / "ledger" / "forecasts.jsonl", 0o600 | 0o020000, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("this machine allows no device nodes")
    with pytest.raises(InputError) as caught:
        read_ledger(Workspace(tmp_path).ledger_file, SHOWN, tmp_path)
    assert "is a character device, not a regular file" in str(caught.value)


@pytest.mark.parametrize("kind", ["link-outside", "folder-link"])
def test_publish_never_writes_through_or_over_a_link(tmp_path: Path, kind: str) -> None:
    root = _committed(tmp_path)
    good = _plant(root, kind, "forecasts.jsonl")
    before = good.read_bytes()
    done = forecast(root, "publish", "--draws", "100")
    assert done.returncode == 1 and "symbolic link" in done.stderr, done.stderr
    assert (root / "ledger" / "forecasts.jsonl").is_symlink() or (root / "ledger").is_symlink()
    assert good.read_bytes() == before
    assert sorted(p.name for p in good.parent.iterdir()) == ["forecasts.jsonl"]  # no lock there


# --- scores ----------------------------------------------------------------------------------


def _resolution(node: str, state: str, on: str) -> str:
    digest = hashlib.sha256((MINI / TEXT).read_bytes()).hexdigest()
    return (
        f"  - node: {node}\n    state: {state!r}\n    resolved_on: {on}\n"
        f"    text: {{path: {TEXT}, sha256: {digest}}}\n    quote: {QUOTE}\n"
        "    reader: r1\n    note: As the almanac says.\n"
    )


def _record(root: Path, entries: list[dict[str, Any]], *resolutions: str) -> None:
    ledger = root / "ledger"
    ledger.mkdir(exist_ok=True)
    (ledger / "forecasts.jsonl").write_bytes(_text(_chained(*entries)))
    if resolutions:
        text = "resolutions:\n" + "".join(resolutions)
        (ledger / "resolutions.yaml").write_text(text, "utf-8")


def test_scores_match_the_hand_computed_ones_one_forecast_per_day(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    harvest = {"harvest": {"good": 0.2, "fair": 0.5, "poor": 0.3}}
    _record(
        root,
        [
            _entry("2024-01-10", {"rain": {"dry": 0.9, "rainy": 0.1}}),  # replaced the same day
            _entry("2024-01-10", {**RAIN, **harvest}),
            _entry("2024-06-01", {"rain": {"dry": 0.9, "rainy": 0.1}}),  # after rain resolved
        ],
        _resolution("rain", "rainy", "2024-05-01"),
        _resolution("harvest", "poor", "2024-10-31"),
    )
    done = forecast(root, "score", "--json")
    assert done.returncode == 0, done.stderr
    scores = json.loads(done.stdout)
    # rain: (0.3-0)^2 + (0.7-1)^2 = 0.18, ln 0.7; harvest: 0.04 + 0.25 + 0.49 = 0.78, ln 0.3
    # the first entry was replaced by the second that day; the third came after rain resolved
    assert (scores["entries"], scores["counted"], scores["scored"]) == (3, 2, 2)
    assert scores["counting"] == "one entry per published day, the last of the day"
    assert scores["brier"] == pytest.approx((0.18 + 0.78) / 2, abs=1e-9)
    assert scores["log"] == pytest.approx((math.log(0.7) + math.log(0.3)) / 2, abs=1e-9)
    bins = {(b["from"], b["to"]): b for b in scores["calibration"]}
    assert bins[(0.2, 0.3)]["forecasts"] == 1 and bins[(0.2, 0.3)]["happened"] == 0.0
    assert bins[(0.3, 0.4)]["forecasts"] == 2 and bins[(0.3, 0.4)]["happened"] == 0.5
    assert bins[(0.7, 0.8)]["happened"] == 1.0
    text = forecast(root, "score")
    assert text.stdout.splitlines()[0] == (
        "3 published entries read, 2 counted (one entry per published day, the last of the "
        "day), 2 resolved questions, 2 scored forecasts"
    )


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (
            [_entry("2024-06-01", RAIN)],
            "1 resolution recorded, but no forecast was published on or before its date "
            "(rain resolved 2024-05-01; the first entry is of 2024-06-01)",
        ),
        (
            [_entry("2024-01-10", {"flood": {"no": 0.6, "yes": 0.4}})],
            "1 resolution recorded, but no entry published on or before its date forecast it "
            "(rain resolved 2024-05-01; it was observed, or not in the model, when they were "
            "published)",
        ),
        (
            [],
            "1 resolution recorded, but nothing is published yet (rain resolved 2024-05-01; "
            "forecast publish writes the ledger)",
        ),
    ],
    ids=["published-after-its-resolution", "question-not-forecast", "nothing-published"],
)
def test_score_says_why_a_recorded_resolution_is_not_scored(
    tmp_path: Path, entries: list[dict[str, Any]], expected: str
) -> None:
    root = _workspace(tmp_path)
    _record(root, entries, _resolution("rain", "rainy", "2024-05-01"))
    done = forecast(root, "score")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == expected
    assert "nothing to score yet" not in done.stdout


def test_a_resolution_contradicting_an_observation_is_refused_with_its_line(
    tmp_path: Path,
) -> None:
    root = _workspace(tmp_path, _observation("heard", "gauge", "yes"))
    _record(root, [_entry("2024-01-10", RAIN)], _resolution("gauge", "no", "2024-05-01"))
    done = forecast(root, "score")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert (
        "ledger/resolutions.yaml:3:12: 'gauge' resolves to 'no' here, but observation 'heard' "
        "(evidence/observations.yaml:2:5) sees it as 'yes'; correct the resolution, or retract "
        "the observation if it no longer holds"
    ) in done.stderr


# --- what git can vouch for ------------------------------------------------------------------


def _skip_worktree(root: Path) -> str:
    _git(root, "update-index", "--skip-worktree", "model/network.yaml")
    return "model/network.yaml (marked skip-worktree)"


def _assume_unchanged(root: Path) -> str:
    _git(root, "update-index", "--assume-unchanged", "scenarios/wet.yaml")
    (root / "scenarios" / "wet.yaml").write_text(
        (root / "scenarios" / "wet.yaml").read_text("utf-8") + "\n", "utf-8"
    )
    return "scenarios/wet.yaml (marked assume-unchanged)"


def _scenario(path: Path) -> None:
    """A scenario of its own at `path`: the wet one under another id."""
    wet = (path.parents[1] / "scenarios" / "wet.yaml").read_text("utf-8")
    path.write_text(wet.replace("id: wet", f"id: {path.name.split('.')[0]}"), "utf-8")


def _untracked(root: Path) -> str:
    _scenario(root / "scenarios" / "dry.yaml")
    return "scenarios/dry.yaml (not tracked by git)"


def _ignored(root: Path) -> str:
    (root / ".gitignore").write_text("*.local.yaml\n", "utf-8")
    _git(root, "add", ".gitignore")
    _git(root, "commit", "-qm", "ignore local scenarios")
    _scenario(root / "scenarios" / "dry.local.yaml")
    return "scenarios/dry.local.yaml (ignored by git)"


def _changed_in_index(root: Path) -> str:
    path = root / "evidence" / "almanac.yaml"
    before = path.read_bytes()
    path.write_bytes(before + b"\n")
    _git(root, "add", "evidence/almanac.yaml")
    path.write_bytes(before)  # the work tree is as HEAD again; the index is not
    return "evidence/almanac.yaml (staged, not committed)"


def _changed_in_work_tree(root: Path) -> str:
    path = root / "evidence" / "sources" / "almanac.txt"
    path.write_bytes(path.read_bytes() + b"A new line.\n")
    return "evidence/sources/almanac.txt (changed since the last commit)"


def _deleted(root: Path) -> str:
    (root / "scenarios" / "wet.yaml").unlink()
    return "scenarios/wet.yaml (deleted since the last commit)"


def _link_to_untracked(root: Path) -> str:
    (root / "notes").mkdir()
    _scenario(root / "notes" / "dry.yaml")
    (root / "scenarios" / "dry.yaml").symlink_to(Path("..") / "notes" / "dry.yaml")
    _git(root, "add", "scenarios/dry.yaml")
    _git(root, "commit", "-qm", "a link")
    return "notes/dry.yaml (not tracked by git)"


def _untracked_resolutions(root: Path) -> str:
    _record(root, [], _resolution("rain", "rainy", "2024-05-01"))
    return "ledger/resolutions.yaml (not tracked by git)"


GIT_CANNOT_VOUCH = [
    _skip_worktree,
    _assume_unchanged,
    _untracked,
    _ignored,
    _changed_in_index,
    _changed_in_work_tree,
    _deleted,
    _link_to_untracked,
    _untracked_resolutions,
]


@pytest.mark.parametrize("make", GIT_CANNOT_VOUCH, ids=lambda f: f.__name__.strip("_"))
def test_a_file_git_cannot_vouch_for_makes_the_inputs_uncommitted(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    root = _committed(tmp_path)
    ws = Workspace(root)
    assert uncommitted(root, ws.input_files()) == []
    expected = make(root)
    files = [*ws.input_files(), *([ws.resolutions_file] if ws.resolutions_file.exists() else [])]
    assert uncommitted(root, files) == [expected]


def test_hidden_files_are_no_inputs_and_a_workspace_outside_git_has_no_commit(
    tmp_path: Path,
) -> None:
    root = _committed(tmp_path)
    (root / "scenarios" / ".wet.forecast-draft.yaml").write_text("id: draft\n", "utf-8")
    assert uncommitted(root, Workspace(root).input_files()) == []  # the loader never reads it
    bare = _workspace(tmp_path / "bare")
    assert uncommitted(bare, Workspace(bare).input_files()) is None


def test_publish_names_what_git_cannot_vouch_for_and_says_so_when_allowed(
    tmp_path: Path,
) -> None:
    root = _committed(tmp_path)
    said = [make(root) for make in (_skip_worktree, _assume_unchanged, _ignored)]
    said.append(_untracked_resolutions(root))
    refused = forecast(root, "publish", "--draws", "100")
    assert refused.returncode == 2
    assert ", ".join(sorted(said)) in " ".join(refused.stderr.split())
    assert (root / "ledger" / "forecasts.jsonl").read_bytes() == b""
    allowed = forecast(root, "publish", "--draws", "100", "--allow-dirty")
    assert allowed.returncode == 0, allowed.stderr
    entry = json.loads((root / "ledger" / "forecasts.jsonl").read_text("utf-8"))
    assert entry["uncommitted_inputs"] is True

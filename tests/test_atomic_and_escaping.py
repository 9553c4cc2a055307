"""Writes never leave half-written output; text from evidence is escaped in the HTML."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from forecast.base.atomic import write_text
from forecast.base.errors import OutputError
from forecast.fitting.run import run_study
from forecast.inputs.checks import build_study
from forecast.inputs.loading import load_inputs
from forecast.reporting import report as report_module
from forecast.reporting.report import write_report

from .conftest import REPO

MINI = REPO / "tests" / "data" / "mini"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    ws = tmp_path / "mini"
    shutil.copytree(MINI, ws)
    return ws


def _run(ws: Path):  # type: ignore[no-untyped-def]
    return run_study(build_study(load_inputs(ws)), draws=300, seed=1)


@pytest.mark.parametrize("error", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_failed_report_leaves_previous_report_intact(
    mini: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    out = mini / "reports"
    write_report(_run(mini), out)
    before = _snapshot(out)
    assert "index.html" in before

    def explode(*_args: object) -> str:
        raise error

    monkeypatch.setattr(report_module, "audit_markdown", explode)
    with pytest.raises(type(error)):
        write_report(_run(mini), out)
    assert _snapshot(out) == before
    assert sorted(p.name for p in mini.iterdir() if p.name.startswith(".reports")) == []


def test_write_text_failure_keeps_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "model.bif"
    write_text(target, "old")

    def broken_replace(self: Path, other: Path) -> None:
        raise OSError("simulated crash before rename")

    monkeypatch.setattr(Path, "replace", broken_replace)
    with pytest.raises(OutputError, match="simulated crash before rename"):
        write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.bif"]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)


def test_markup_from_evidence_is_shown_as_text(mini: Path) -> None:
    hostile = "<script>alert('x')</script><b>bold</b>"
    scenario = mini / "scenarios" / "wet.yaml"
    scenario.write_text(scenario.read_text().replace("title: A wet April", f'title: "{hostile}"'))
    evidence = mini / "evidence" / "almanac.yaml"
    evidence.write_text(evidence.read_text().replace("note: Half the years.", f'note: "{hostile}"'))
    out = mini / "reports"
    write_report(_run(mini), out)
    page = (out / "index.html").read_text()
    parser = _Collector()
    parser.feed(page)
    assert parser.tags.count("script") == 2  # the page's own: explorer data and explorer code
    assert not any("alert" in script for script in parser.scripts)
    assert "b" not in parser.tags
    shown = "".join(parser.text)
    assert shown.count(hostile) >= 2  # the title and the note, as text

"""Every quote is verbatim (up to typography) and every source text matches its hash."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from forecast.base.paths import Workspace
from forecast.base.yamlio import load_yaml
from forecast.inputs.filemodels import EvidenceFile
from forecast.inputs.quotes import contains, fold

from .conftest import REPO

EVIDENCE = Workspace(REPO).evidence_files()  # one file per source; observations apart


def _load(path):
    return EvidenceFile.model_validate(load_yaml(path, path.name).data)


@pytest.mark.parametrize("path", EVIDENCE, ids=lambda p: p.stem)
def test_source_text_hash_matches(path) -> None:
    ev = _load(path)
    text = REPO / ev.source.text.path
    assert hashlib.sha256(text.read_bytes()).hexdigest() == ev.source.text.sha256


@pytest.mark.parametrize("path", EVIDENCE, ids=lambda p: p.stem)
def test_every_quote_is_in_its_source(path) -> None:
    ev = _load(path)
    text = (REPO / ev.source.text.path).read_text(encoding="utf-8")
    for claim in ev.claims:
        assert contains(text, claim.quote), claim.id


def test_source_texts_are_byte_copies_of_the_shared_ones() -> None:
    shared = REPO.parent / "shared" / "sources"
    if not shared.is_dir():
        pytest.skip("shared/ is not beside this checkout")
    for ours in (REPO / "evidence" / "sources").glob("*.txt"):
        assert ours.read_bytes() == (shared / ours.name).read_bytes()


def test_folding_forgives_only_typography() -> None:
    source = "China\u2019s \u201cno\u00a0limits\u201d\n   partnership \u2014 2022"
    assert contains(source, 'China\'s "no limits" partnership - 2022')
    assert not contains(source, 'china\'s "no limits" partnership')  # case matters
    assert not contains(source, "China's no limits partnership")  # quotation marks matter
    assert not contains(source, 'Chinas "no limits"')  # a missing letter matters
    assert fold("a\u2013b\u2014c") == "a-b-c"


def test_at_least_thirty_claims_and_every_source_speaks() -> None:
    counts = Counter()
    for path in EVIDENCE:
        counts[path.stem] = len(_load(path).claims)
    assert len(EVIDENCE) == 5
    assert sum(counts.values()) >= 30
    assert min(counts.values()) >= 4

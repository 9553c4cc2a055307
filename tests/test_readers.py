"""Several readers per source: shared weights, the bootstrap over readers, the by-reader
views on the real workspace."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.analysis.byreader import (
    Effect,
    direction,
    disagreement,
    effects,
    only_reader,
    reader_views,
)
from forecast.fitting.cpt import base_weights, reader_factors
from forecast.inputs.domain import Conditions

from .synthetic import random_network, statement

NETWORK = random_network(np.random.default_rng(0), {"a": 2, "b": 2}, {"b": ("a",)})


def _claim(ident: str, source: str, reader: str | None, low: float = 0.3) -> object:
    s = statement(NETWORK, ident, "b", "s1", low, low + 0.2, given={"a": "s1"}, source=source)
    return dataclasses.replace(s, reader=reader)


def test_readers_share_their_source_weight_whatever_their_claim_counts() -> None:
    claims = [
        _claim("r1-x", "src", "reader-1"),
        _claim("r1-y", "src", "reader-1"),
        _claim("r1-z", "src", "reader-1"),
        _claim("r2-x", "src", "reader-2"),
    ]
    weights = base_weights(claims)  # type: ignore[arg-type]
    assert np.allclose(weights, [1 / 6, 1 / 6, 1 / 6, 1 / 2])
    # one reader: its claims share the source's weight, as before readers existed
    assert np.allclose(base_weights(claims[:3]), [1 / 3] * 3)  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None)
@given(root=st.integers(0, 2**62), draws=st.integers(1, 50), readers=st.integers(1, 4))
def test_the_readers_of_a_source_split_its_weight(root: int, draws: int, readers: int) -> None:
    claims = [_claim(f"c{r}", "src", f"reader-{r}") for r in range(readers)]
    claims.append(_claim("other", "other-source", "reader-0"))
    factors = reader_factors(claims, draws, root)  # type: ignore[arg-type]
    assert np.all(factors > 0)
    # within a source the factors average to one in every draw; a source read once keeps 1
    assert np.allclose(factors[:, :readers].mean(axis=1), 1.0)
    assert np.allclose(factors[:, readers], 1.0)
    if readers == 1:
        assert np.allclose(factors[:, 0], 1.0)


def test_fitted_directions_use_the_no_change_band() -> None:
    assert direction(1.5) == "raises"
    assert direction(0.5) == "lowers"
    assert direction(1.1) == "no change" and direction(0.9) == "no change"


def test_each_reader_alone_and_their_disagreement(study) -> None:  # type: ignore[no-untyped-def]
    readers = study.readers()
    assert len(readers) >= 2
    for reader in readers:
        alone = only_reader(study, reader)
        assert {s.reader for s in alone.active() if s.cited} == {reader}
        assert all(not s.cited for s in alone.active() if s.reader is None)
    views = reader_views(study, 400, 5)
    assert [v.reader for v in views] == ["all readers", *readers]
    for view in views:
        assert abs(sum(o["point"] for o in view.outcome.value.values()) - 1.0) < 1e-9
        assert view.outcome.draws == 400  # fewer than the ladder's first rung: all of them
    widths = disagreement(study, 400, 5)
    assert all(0.0 <= d.share <= 1.0 and d.width > 0 for d in widths)


def test_claimed_effects_are_fitted_in_every_reader_network(study) -> None:  # type: ignore[no-untyped-def]
    found = effects(study)
    assert found
    for effect in found:
        assert set(effect.ratios) == set(study.readers())
        assert all(r > 0 for r in effect.ratios.values())
        claimants = {r: d for r, d in effect.directions().items() if r in effect.claimed_by}
        assert effect.agree() == (len(set(claimants.values())) == 1)


def test_a_reader_without_a_claim_on_an_effect_is_no_dissent() -> None:
    """The silent reader's network fits the effect at about no change: the readers who
    claim it agree, and the verdict names the silent one apart."""
    where, base = Conditions((("x", "s1"),)), Conditions((("x", "s0"),))
    ratios = {"reader-1": 2.0, "reader-2": 4.0, "reader-3": 1.01}
    agreed = Effect("y", "s1", where, base, ("reader-1", "reader-2"), ratios)
    assert agreed.agree() and agreed.size_ratio() == pytest.approx(2.0)
    assert agreed.verdict() == (
        "claimed by reader-1, reader-2 only (same direction, sizes 2.0-fold apart); "
        "no claim from reader-3"
    )
    split = Effect("y", "s1", where, base, ("reader-1", "reader-2"), {**ratios, "reader-2": 0.5})
    assert not split.agree() and split.size_ratio() is None
    assert split.verdict().startswith("claimed by reader-1, reader-2 only (directions differ)")
    alone = Effect("y", "s1", where, base, ("reader-1",), ratios)
    assert (
        alone.agree()
        and alone.verdict() == "claimed by reader-1 only; no claim from reader-2, reader-3"
    )

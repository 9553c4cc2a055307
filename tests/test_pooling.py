"""Properties of claim completion, pooling and the log-linear combination."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from forecast.fitting.cpt import PooledColumn, _assemble, _pool_column, build_tables, draw_claims
from forecast.fitting.pooling import complete_column, pool
from forecast.inputs.domain import ColumnKey, Conditions, Node, Settings, Statement

LOG_POOL = Settings("icd203", "logarithmic", 1.0, 3.0, "compete", 1024)

probabilities = st.floats(0.01, 0.99)
NODE = Node("x", "X", "outcome", "", ("a", "b", "c"), ("A", "B", "C"), "b", ())


def _claim(
    i: int,
    low: float,
    high: float,
    state: str = "a",
    source: str | None = None,
    weight: float = 1.0,
) -> Statement:
    return Statement(
        f"c{i}",
        "claim",
        source or f"src{i}",
        "x",
        state,
        Conditions(),
        ColumnKey("x"),
        low,
        high,
        "",
        weight,
        3,
        "q",
        "n",
    )


def _pool(
    statements: list[Statement], reference: np.ndarray, rng: np.random.Generator | None = None
) -> PooledColumn:
    """One column's statements pooled against `reference` (its draws set the draw count)."""
    drawn = draw_claims(statements, reference.shape[0], rng)
    return _pool_column(ColumnKey("x"), NODE, tuple(statements), reference, LOG_POOL, drawn)


def _interval(statements: list[Statement], draws: int = 40_000) -> tuple[float, float, float]:
    """Point, and 5th/95th percentiles of P(a) over draws, for claims on one column."""
    point = _pool(statements, np.full((1, 3), 1 / 3))
    many = _pool(statements, np.full((draws, 3), 1 / 3), np.random.default_rng(1))
    lo, hi = np.quantile(many.column[:, 0], [0.05, 0.95])
    return float(point.column[0, 0]), float(lo), float(hi)


@given(probabilities, st.integers(0, 2))
def test_completion_keeps_claim_and_reference_shape(p: float, state: int) -> None:
    reference = np.array([[0.5, 0.3, 0.2]])
    column = complete_column(np.array([p]), state, reference)
    assert abs(column[0, state] - p) < 1e-12
    assert abs(column.sum() - 1) < 1e-12
    others = [i for i in range(3) if i != state]
    ratio = column[0, others[0]] / column[0, others[1]]
    assert abs(ratio - reference[0, others[0]] / reference[0, others[1]]) < 1e-9


@given(st.lists(probabilities, min_size=3, max_size=3), st.sampled_from(["logarithmic", "linear"]))
def test_one_claim_pools_to_itself(values: list[float], kind: str) -> None:
    column = np.array(values) / sum(values)
    pooled = pool(column[None, None, :], np.array([[0.37]]), kind)  # type: ignore[arg-type]
    np.testing.assert_allclose(pooled[0], column, atol=1e-12)


@given(st.lists(probabilities, min_size=3, max_size=3), st.integers(2, 6))
def test_identical_claims_pool_to_same_column(values: list[float], n: int) -> None:
    column = np.array(values) / sum(values)
    stacked = np.broadcast_to(column, (1, n, 3))
    weights = np.random.default_rng(n).uniform(0.1, 1.0, size=(1, n))
    for kind in ("logarithmic", "linear"):
        np.testing.assert_allclose(pool(stacked, weights, kind)[0], column, atol=1e-12)  # type: ignore[arg-type]


@given(st.floats(0.05, 0.6), st.floats(0.05, 0.3))
def test_concordant_claim_narrows_interval(low: float, width: float) -> None:
    high = low + width
    one = _interval([_claim(0, low, high)])
    two = _interval([_claim(0, low, high), _claim(1, low, high)])
    three = _interval([_claim(i, low, high) for i in range(3)])
    assert two[2] - two[1] < one[2] - one[1]
    assert three[2] - three[1] < two[2] - two[1]


def test_conflicting_claim_moves_point_between_and_widens() -> None:
    low_claim, high_claim = _claim(0, 0.20, 0.45), _claim(1, 0.55, 0.80)
    alone = _interval([low_claim])
    both = _interval([low_claim, high_claim])
    other = _interval([high_claim])
    assert alone[0] < both[0] < other[0]
    assert both[2] - both[1] > alone[2] - alone[1]


def test_one_source_speaks_once_per_column() -> None:
    """Five claims of one source weigh, together, what one claim of another source weighs."""
    repeated = [_claim(i, 0.7, 0.7, source="loud") for i in range(5)]
    other = _claim(9, 0.3, 0.3, source="quiet")
    uniform = np.full((1, 3), 1 / 3)
    point = _pool([*repeated, other], uniform)
    shares = point.shares[0]
    assert abs(shares[:5].sum() - shares[5]) < 1e-12
    single = _pool([repeated[0], other], uniform)
    np.testing.assert_allclose(point.column, single.column, atol=1e-12)


@given(st.integers(0, 2**32 - 1))
def test_log_linear_reproduces_base_and_single_effects(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p1 = Node("p1", "P1", "driver", "", ("no", "yes"), ("", ""), "no", ())
    p2 = Node("p2", "P2", "driver", "", ("lo", "mid", "hi"), ("", "", ""), "mid", ())
    child = Node("x", "X", "outcome", "", ("a", "b", "c"), ("", "", ""), "b", ("p1", "p2"))

    def col(key: ColumnKey) -> PooledColumn:
        return PooledColumn(
            key, (), np.ones((2, 0)), rng.dirichlet(np.ones(3), size=2), np.zeros(2)
        )

    keys = [
        ColumnKey("x"),
        ColumnKey("x", (("p1", "yes"),)),
        ColumnKey("x", (("p2", "lo"),)),
        ColumnKey("x", (("p2", "hi"),)),
    ]
    columns = {k: col(k) for k in keys}
    table, _ = _assemble(child, [p1, p2], columns)
    assert table.shape == (2, 2, 3, 3)
    np.testing.assert_allclose(table[:, 0, 1], columns[keys[0]].column, atol=1e-13)
    np.testing.assert_allclose(table[:, 1, 1], columns[keys[1]].column, atol=1e-13)
    np.testing.assert_allclose(table[:, 0, 0], columns[keys[2]].column, atol=1e-13)
    np.testing.assert_allclose(table[:, 0, 2], columns[keys[3]].column, atol=1e-13)
    assert np.all(np.abs(table.sum(axis=-1) - 1) < 1e-12)
    # combined column: odds multiply
    base, e1, e2 = (columns[k].column for k in keys[:3])
    expected = base * (e1 / base) * (e2 / base)
    expected /= expected.sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(table[:, 1, 0], expected, atol=1e-12)


def test_real_tables_sum_to_one_exactly(study) -> None:
    tables = build_tables(study, 500, np.random.default_rng(3))
    for table in tables.cpts.values():
        assert np.all(np.abs(table.sum(axis=-1) - 1) <= 1e-12)


@st.composite
def claim_sets(draw: st.DrawFn) -> tuple[np.ndarray, list[int], np.ndarray, np.ndarray]:
    k = draw(st.integers(2, 4))
    n = draw(st.integers(1, 5))
    states = [draw(st.integers(0, k - 1)) for _ in range(n)]
    probabilities = np.array([[draw(probabilities_strategy) for _ in range(n)]])
    weights = np.array([[draw(st.floats(0.1, 1.0)) for _ in range(n)]])
    reference = np.array([[draw(st.floats(0.05, 1.0)) for _ in range(k)]])
    return probabilities, states, reference / reference.sum(), weights


probabilities_strategy = st.floats(0.02, 0.98)


@given(claim_sets())
def test_consensus_pool_is_a_distribution(case) -> None:
    from forecast.fitting.pooling import pool_claims

    p, states, reference, weights = case
    q = pool_claims(p, states, reference, weights)
    assert abs(q.sum() - 1) < 1e-12
    assert np.all(q > 0)


@given(claim_sets())
def test_consensus_pool_is_a_fixed_point_when_claims_leave_room(case) -> None:
    """Completing every claim against the pooled column and pooling again changes nothing."""
    from forecast.fitting.pooling import pool_claims

    p, states, reference, weights = case
    q = pool_claims(p, states, reference, weights)
    claimed = set(states)
    targets = {}
    for s in claimed:
        idx = [i for i, x in enumerate(states) if x == s]
        lg = np.log(p[0, idx] / (1 - p[0, idx]))
        targets[s] = 1 / (1 + np.exp(-(weights[0, idx] @ lg) / weights[0, idx].sum()))
    if len(claimed) == reference.shape[1] or sum(targets.values()) > 0.99:
        return  # no interior fixed point: documented fallbacks apply
    again = pool(
        np.stack([complete_column(p[:, i], s, q) for i, s in enumerate(states)], axis=1), weights
    )
    np.testing.assert_allclose(again, q, atol=1e-10)


@given(claim_sets(), st.floats(0.02, 0.98))
def test_adding_a_claim_moves_its_state_towards_it(case, extra: float) -> None:
    """On a two-state node (an exact log pool) a new claim above the pooled value raises it
    and one below lowers it."""
    from forecast.fitting.pooling import pool_claims

    p, states, reference, weights = case
    k = reference.shape[1]
    if k > 2:
        return
    state = states[0]
    before = pool_claims(p, states, reference, weights)[0, state]
    p2 = np.concatenate([p, [[extra]]], axis=1)
    w2 = np.concatenate([weights, [[0.5]]], axis=1)
    after = pool_claims(p2, [*states, state], reference, w2)[0, state]
    if extra >= before:
        assert after >= before - 1e-12
    else:
        assert after <= before + 1e-12


def test_two_state_claims_equal_full_column_log_pool() -> None:
    from forecast.fitting.pooling import pool_claims

    p = np.array([[0.125, 0.5, 0.7]])
    states = [0, 0, 1]
    weights = np.array([[1.0, 0.5, 1.0]])
    reference = np.array([[0.5, 0.5]])
    columns = np.stack(
        [complete_column(p[:, i], s, reference) for i, s in enumerate(states)], axis=1
    )
    np.testing.assert_allclose(
        pool_claims(p, states, reference, weights), pool(columns, weights), atol=1e-12
    )


def test_pinned_joint_column_is_the_base_for_wider_combinations() -> None:
    rng = np.random.default_rng(5)
    a = Node("a", "A", "driver", "", ("no", "yes"), ("", ""), "no", ())
    b = Node("b", "B", "driver", "", ("no", "yes"), ("", ""), "no", ())
    c = Node("c", "C", "driver", "", ("no", "yes"), ("", ""), "no", ())
    child = Node("x", "X", "outcome", "", ("p", "q", "r"), ("", "", ""), "q", ("a", "b", "c"))
    keys = [
        ColumnKey("x"),
        ColumnKey("x", (("a", "yes"),)),
        ColumnKey("x", (("b", "yes"),)),
        ColumnKey("x", (("c", "yes"),)),
        ColumnKey("x", (("a", "yes"), ("b", "yes"))),
    ]
    columns = {
        k: PooledColumn(k, (), np.ones((1, 0)), rng.dirichlet(np.ones(3), size=1), np.zeros(1))
        for k in keys
    }
    table, origin = _assemble(child, [a, b, c], columns)
    # the builder's record: both columns with a=yes and b=yes start from the pinned column
    assert origin.pinned == (keys[4],)
    expected_starts = np.full((2, 2, 2), -1)
    expected_starts[1, 1, :] = 0
    np.testing.assert_array_equal(origin.starts, expected_starts)
    pinned, base, effect_c = (columns[keys[i]].column for i in (4, 0, 3))
    np.testing.assert_allclose(table[:, 1, 1, 0], pinned, atol=1e-13)
    expected = pinned * effect_c / base
    expected /= expected.sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(table[:, 1, 1, 1], expected, atol=1e-12)

"""A joint group's masks applied by index give the matrix products they stand for."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from forecast.inference.jointqueries import _Masks


def _check(masks: np.ndarray, rows: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    joint = rng.random((rows, masks.shape[0]))
    upstream = rng.standard_normal((rows, masks.shape[1]))
    applied = _Masks(masks)
    applied.sparse = True  # whatever the density, the index path
    assert np.allclose(applied.answers(joint), joint @ masks, rtol=1e-12, atol=1e-14)
    assert np.allclose(applied.weights(upstream), upstream @ masks.T, rtol=1e-12, atol=1e-14)


@given(
    cells=st.integers(1, 40),
    columns=st.integers(1, 12),
    density=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**16),
)
def test_masks_by_index_equal_the_matrix_products(
    cells: int, columns: int, density: float, seed: int
) -> None:
    """Any 0/1 masks, with empty columns and cells among them."""
    masks = (np.random.default_rng(seed).random((cells, columns)) < density).astype(float)
    _check(masks, 7, seed)


def test_masks_with_one_column_per_cell_and_equal_segments() -> None:
    """The shape of a group that forces every root: each cell in exactly one column, every
    column with the same number of cells (the reshape path), and the opposite case."""
    cells, columns = 48, 12
    masks = np.zeros((cells, columns))
    masks[np.arange(cells), np.arange(cells) % columns] = 1.0
    _check(masks, 5, 1)
    _check(masks[:, :1].repeat(3, axis=1), 5, 2)  # one column's cells in three columns


def test_the_density_decides_the_path() -> None:
    assert _Masks(np.eye(40)).sparse, "2.5 % ones: by index"
    assert not _Masks(np.ones((10, 4))).sparse, "all ones: a matrix product"

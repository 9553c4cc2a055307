"""The array type every numeric module shares (numpy only, so that importing it is cheap)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def logit(p: ArrayLike) -> Array:
    """log(p / (1 - p)), elementwise."""
    q = np.asarray(p, dtype=np.float64)
    out: Array = np.log(q) - np.log1p(-q)
    return out


def expit(x: ArrayLike) -> Array:
    """1 / (1 + exp(-x)), elementwise, without overflow for large |x| (scipy.special's
    expit, without importing scipy on the way to the first number)."""
    y = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(y))
    out: Array = np.where(y >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return out

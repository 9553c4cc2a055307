"""The array type every numeric module shares (numpy only, so that importing it is cheap)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

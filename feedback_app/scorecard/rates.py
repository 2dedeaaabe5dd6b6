"""Share of answers saying a promise is kept, with a Wilson score interval.

The Wilson interval (Wilson 1927) stays inside [0, 1] and behaves at small n and at rates near
0 or 1, where the textbook normal interval does not; ONS and DfE use it for proportions.
"""

from __future__ import annotations

import math

import numpy as np

Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal


def kept_share(kept: int, answered: int) -> float | None:
    """Kept / answered, or None when nobody answered."""
    return kept / answered if answered else None


def wilson_interval(kept: int, answered: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval for ``kept`` successes out of ``answered``; None when n is 0."""
    if answered <= 0:
        return None
    p = kept / answered
    denominator = 1 + z * z / answered
    centre = (p + z * z / (2 * answered)) / denominator
    half = z * math.sqrt(p * (1 - p) / answered + z * z / (4 * answered * answered)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def wilson_arrays(kept: np.ndarray, answered: np.ndarray, z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised Wilson interval; NaN where ``answered`` is 0."""
    n = answered.astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = kept / n
        denominator = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)

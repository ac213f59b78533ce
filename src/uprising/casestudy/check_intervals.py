"""How sure an acceptance check is: 95 % intervals of the value it measures over finitely many
runs, and whether the target is settled by them.

A check compares a median or a share of runs with a target. With 200 runs that value has its
own Monte Carlo error, so a check can be met or missed by chance. ``median_interval`` is the
distribution-free interval of a median from the order statistics (no resampling, so no
seed); ``share_interval`` is Wilson's score interval of a proportion. A check is *settled* when
the whole interval lies on one side of the target's edge, *borderline* when it crosses one.
"""

from __future__ import annotations

import math

import numpy as np

#: Normal quantile of a two-sided 95 % interval.
Z95 = 1.959963984540054


def median_interval(values: np.ndarray | list[float], level: float = 0.95
                    ) -> tuple[float, float]:
    """Returns the order-statistic interval (x_(j), x_(n+1-j)) of the median of ``values``,
    with the largest j whose coverage 1 − 2·P(Bin(n, ½) ≤ j − 1) is still ≥ ``level``; NaN
    values are dropped; (nan, nan) when fewer than 6 values remain (no such j at 95 %)."""
    x = np.sort(np.asarray(values, dtype=float))
    x = x[~np.isnan(x)]
    n = len(x)
    tail, total = (1.0 - level) / 2.0, 2**n
    j, count = 0, 1  # count = Σ_{i ≤ j} C(n, i), so P(Bin(n, ½) ≤ j) = count / 2^n
    while j + 1 <= n // 2 and count / total <= tail:
        j += 1
        count += math.comb(n, j)
    if j == 0:
        return (math.nan, math.nan)
    return float(x[j - 1]), float(x[n - j])


def share_interval(k: int, n: int) -> tuple[float, float]:
    """Returns Wilson's 95 % score interval of the proportion ``k / n`` ((nan, nan) if n = 0)."""
    if n <= 0:
        return (math.nan, math.nan)
    p = k / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    lo = 0.0 if k == 0 else max(0.0, centre - half)
    hi = 1.0 if k == n else min(1.0, centre + half)
    return lo, hi


def settled(interval: tuple[float, float], low: float = -math.inf,
            high: float = math.inf) -> bool:
    """Returns whether the interval lies wholly inside [low, high] or wholly outside it (the
    check's verdict would not change with more runs at 95 %); False for an undefined one."""
    lo, hi = interval
    if math.isnan(lo) or math.isnan(hi):
        return False
    inside = low <= lo and hi <= high
    outside = hi < low or lo > high
    return inside or outside

"""Granovetter (1978) threshold model of collective behaviour, computed exactly.

Person i joins the riot at step t + 1 if the number (or fraction) of people already rioting at
step t is at least its threshold; joining is irreversible. The final crowd is the smallest fixed
point of n = #{i : θ_i ≤ n}, reached by iterating from the people with threshold 0 or below.

Test A (Granovetter's example): thresholds 0, 1, …, 99 → all 100 riot; change the person with
threshold 1 to 2 → only the instigator riots. Test B: thresholds ~ Normal(mean, σ) on N = 100
people; the final share jumps from a few percent to ≈ 1 at a critical σ (Granovetter ≈ 0.12,
a recomputation ≈ 0.10; epstein_spec.md §5.7).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.stats import norm


def cascade(thresholds: np.ndarray) -> np.ndarray:
    """Returns the number rioting after each step (index 0: step 0), until nobody new joins.

    Args:
        thresholds: per-person thresholds as *counts* of people already rioting.
    """
    th = np.sort(np.asarray(thresholds, dtype=float))
    path = [int(np.searchsorted(th, 0.0, side="right"))]
    while True:
        nxt = int(np.searchsorted(th, path[-1], side="right"))
        if nxt == path[-1]:
            return np.asarray(path, dtype=np.int64)
        path.append(nxt)


def final_riot(thresholds: np.ndarray) -> int:
    """Returns the final number of rioters for count thresholds."""
    return int(cascade(thresholds)[-1])


def final_share(fraction_thresholds: np.ndarray) -> float:
    """Returns the final rioting share for thresholds given as fractions of the population."""
    th = np.asarray(fraction_thresholds, dtype=float)
    return final_riot(th * len(th)) / len(th)


def quantile_thresholds(n: int, mean: float, sd: float) -> np.ndarray:
    """Returns ``n`` fraction thresholds at the normal quantiles (i + ½)/n: a deterministic
    'discretised' normal population."""
    q = (np.arange(n) + 0.5) / n
    return mean + sd * norm.ppf(q)


def critical_sd_infinite(mean: float = 0.25) -> float:
    """Returns the σ at which the low fixed point of x = Φ((x − mean)/σ) disappears
    (tangency of the CDF with the diagonal), i.e. the infinite-population critical σ."""

    def low_gap(sd: float) -> float:
        # the minimum of F(x) − x over x in [0, mean]; the low equilibrium exists iff it is ≤ 0
        xs = np.linspace(0.0, mean, 20_001)
        return float(np.min(norm.cdf((xs - mean) / sd) - xs))

    return float(brentq(low_gap, 0.01, 1.0, xtol=1e-9))


@dataclass(frozen=True)
class CriticalSigma:
    """Critical σ estimates for Test B."""

    infinite: float  # tangency of the normal CDF with the diagonal
    quantile_n: float  # N people at the normal quantiles, exact cascade
    random_n: float  # N random normal draws: σ where the median final share passes ½
    n: int
    mean: float


def critical_sd_quantile(n: int = 100, mean: float = 0.25, lo: float = 0.01,
                         hi: float = 0.5) -> float:
    """Returns the smallest σ (to 1e-6) at which the quantile population of ``n`` riots in
    majority, found by bisection on a fine grid scan first (the response is a step)."""
    grid = np.linspace(lo, hi, 491)
    shares = np.array([final_share(quantile_thresholds(n, mean, s)) for s in grid])
    above = np.flatnonzero(shares > 0.5)
    if len(above) == 0:
        return math.nan
    i = int(above[0])
    if i == 0:
        return float(grid[0])
    a, b = float(grid[i - 1]), float(grid[i])
    for _ in range(40):
        mid = 0.5 * (a + b)
        if final_share(quantile_thresholds(n, mean, mid)) > 0.5:
            b = mid
        else:
            a = mid
    return b


def critical_sd_random(n: int = 100, mean: float = 0.25, replicates: int = 400,
                       seed: int = 0) -> float:
    """Returns the σ where the median final share of ``replicates`` random populations of ``n``
    normal thresholds first exceeds ½ (σ grid step 0.0025, common random numbers)."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    z = rng.standard_normal((replicates, n))
    for sd in np.arange(0.01, 0.5, 0.0025):
        shares = [final_share(mean + sd * row) for row in z]
        if float(np.median(shares)) > 0.5:
            return float(sd)
    return math.nan


def critical_sigma(n: int = 100, mean: float = 0.25, seed: int = 0) -> CriticalSigma:
    """Returns the three Test B critical-σ estimates for ``n`` people with mean threshold
    ``mean``."""
    return CriticalSigma(
        infinite=critical_sd_infinite(mean),
        quantile_n=critical_sd_quantile(n, mean),
        random_n=critical_sd_random(n, mean, seed=seed),
        n=n,
        mean=mean,
    )

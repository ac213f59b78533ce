"""Small statistics shared by the claims and figures of the reproduction report."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.stats import binomtest, spearmanr


def pooled(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Returns the concatenation of a list-valued column over all rows."""
    if frame.empty or column not in frame:
        return np.zeros(0)
    parts = [np.asarray(v, dtype=float) for v in frame[column] if v is not None and len(v)]
    return np.concatenate(parts) if parts else np.zeros(0)


def mean_sd(x: Iterable[float]) -> tuple[float, float]:
    """Returns (mean, sample s.d.) ignoring NaN; NaN when empty."""
    a = np.asarray(list(x), dtype=float)
    a = a[~np.isnan(a)]
    if len(a) == 0:
        return math.nan, math.nan
    return float(a.mean()), float(a.std(ddof=1)) if len(a) > 1 else math.nan


def fmt(x: float, digits: int = 1) -> str:
    """Returns a number for the report ('—' for NaN)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:.{digits}f}"


def range_str(x: Iterable[float], digits: int = 0) -> str:
    """Returns 'min–max' of the finite values ('65', not '65–65', when they agree)."""
    a = np.asarray(list(x), dtype=float)
    a = a[~np.isnan(a)]
    if len(a) == 0:
        return "—"
    lo, hi = f"{a.min():.{digits}f}", f"{a.max():.{digits}f}"
    return lo if lo == hi else f"{lo}–{hi}"


def p_str(p: float) -> str:
    """Returns 'p = 0.03', or 'p < 0.001' below that (never 'p = 0')."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "p = —"
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}"


def sign_test(wins: int, losses: int) -> float:
    """Returns the one-sided sign-test p-value that wins outnumber losses (ties dropped)."""
    n = wins + losses
    if n == 0:
        return 1.0
    return float(binomtest(wins, n, 0.5, alternative="greater").pvalue)


def fair_coin(k: int, n: int) -> float:
    """Returns the two-sided binomial-test p-value of k successes in n against p = ½."""
    if n == 0:
        return math.nan
    return float(binomtest(k, n, 0.5).pvalue)


def spearman(x: Iterable[float], y: Iterable[float]) -> tuple[float, float]:
    """Returns (rho, two-sided p) over pairs with finite y."""
    xa = np.asarray(list(x), dtype=float)
    ya = np.asarray(list(y), dtype=float)
    ok = ~np.isnan(ya)
    if ok.sum() < 3:
        return math.nan, math.nan
    res = spearmanr(xa[ok], ya[ok])
    return float(res.statistic), float(res.pvalue)


def log_tail_slope(waits: np.ndarray, cut: int = 30) -> float:
    """Returns the slope of log(frequency) against waiting time beyond ``cut`` ticks: −1/mean
    excess wait, the maximum-likelihood rate of an exponential tail (NaN with < 5 such waits).

    The paper's Fig. 6 ("truncated at 30 and logged", slope −0.07) reads as an exponential
    tail; its exact truncation rule is not in the stored quotes, so we take waits ≥ 30.
    """
    w = np.asarray(waits, dtype=float)
    tail = w[w >= cut] - cut
    if len(tail) < 5:
        return math.nan
    return -1.0 / float(tail.mean()) if tail.mean() > 0 else math.nan

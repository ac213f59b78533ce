"""Paired-seed effect sizes for the mechanisms' statistical tests and validation scripts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from uprising import Model


@dataclass(frozen=True)
class Effect:
    """A paired effect: mean of (treated − control) over seeds with its 95 % t interval."""

    mean: float
    low: float
    high: float
    n: int
    control: float
    treated: float

    def __str__(self) -> str:
        return (f"{self.mean:+.4g} [{self.low:+.4g}, {self.high:+.4g}] (n = {self.n}; "
                f"{self.control:.4g} → {self.treated:.4g})")


def paired_effect(control: Sequence[float], treated: Sequence[float]) -> Effect:
    """Returns the mean paired difference treated − control with its 95 % t interval."""
    c = np.asarray(control, dtype=float)
    t = np.asarray(treated, dtype=float)
    d = t - c
    n = len(d)
    half = stats.t.ppf(0.975, n - 1) * d.std(ddof=1) / np.sqrt(n) if n > 1 else np.inf
    return Effect(float(d.mean()), float(d.mean() - half), float(d.mean() + half), n,
                  float(c.mean()), float(t.mean()))


def run_metric(preset: str, overrides: list[str], seeds: Sequence[int],
               metric: Callable[[Model], float]) -> list[float]:
    """Returns ``metric(model)`` after running ``preset`` with ``overrides``, one per seed."""
    out = []
    for s in seeds:
        m = Model(preset, rng=s, overrides=overrides)
        m.run()
        out.append(float(metric(m)))
    return out

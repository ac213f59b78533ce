"""How well an ensemble of runs fits the record, and whether removing a mechanism changes it.

The fit of one statistic is the continuous ranked probability score (CRPS) of the ensemble at
the observed value (lower is better; in the statistic's units), divided by the statistic's
scale (``SCALES``: 1 for log10 counts and 0/1 statistics, 17 for regions, 14 for days) so that
statistics can be averaged. An ablation compares the mean scaled CRPS of the baseline and of
the variant over the same pairs (draw, seed); its interval is a paired bootstrap over pairs,
seeded from a SeedSequence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Scale dividing each statistic's CRPS (by name prefix).
SCALES = {"regions_": 17.0, "peak_violence_day": 14.0}
ABLATION_STREAM = 7


def crps(sample: np.ndarray, observed: float) -> float:
    """Returns the CRPS of an ensemble ``sample`` at ``observed``:
    E|X − y| − ½·E|X − X'| (NaN members dropped; NaN if none are left)."""
    x = np.asarray(sample, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0 or not np.isfinite(observed):
        return float("nan")
    x = np.sort(x)
    n = len(x)
    spread = 2.0 * np.sum((2 * np.arange(1, n + 1) - n - 1) * x) / (n * n)
    return float(np.mean(np.abs(x - observed)) - 0.5 * spread)


def scale_of(name: str) -> float:
    """Returns the scale of a statistic (see ``SCALES``)."""
    for prefix, s in SCALES.items():
        if name.startswith(prefix):
            return s
    return 1.0


def fit_scores(runs: pd.DataFrame, observed: dict[str, float]) -> pd.Series:
    """Returns each statistic's scaled CRPS for one ensemble (rows = runs)."""
    return pd.Series({k: crps(runs[k].to_numpy(), v) / scale_of(k)
                      for k, v in observed.items() if k in runs.columns and np.isfinite(v)})


def ablation_table(runs: pd.DataFrame, observed: dict[str, float], variants: list[str],
                   baseline: str = "baseline", seed: int = 0, n_boot: int = 1000
                   ) -> pd.DataFrame:
    """Returns one row per ablation: mean scaled CRPS of the baseline and of the variant,
    their difference (variant − baseline; > 0: the fit gets worse without the mechanism) with
    a 95 % paired-bootstrap interval, the pairs used, and a verdict."""
    base = runs[runs["variant"] == baseline].set_index("pair").sort_index()
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(ABLATION_STREAM,)))
    rows = []
    for name in variants:
        arm = runs[runs["variant"] == name].set_index("pair").sort_index()
        pairs = base.index.intersection(arm.index)
        b, a = base.loc[pairs], arm.loc[pairs]
        sb, sa = fit_scores(b, observed).mean(), fit_scores(a, observed).mean()
        boots = []
        for _ in range(n_boot):
            idx = rng.choice(len(pairs), len(pairs), replace=True)
            boots.append(fit_scores(a.iloc[idx], observed).mean()
                         - fit_scores(b.iloc[idx], observed).mean())
        lo, hi = np.quantile(boots, [0.025, 0.975])
        verdict = ("fit worse without it" if lo > 0 else "fit better without it" if hi < 0
                   else "no measurable change: the data do not support the mechanism")
        rows.append({"ablation": name, "baseline_crps": sb, "ablated_crps": sa,
                     "difference": sa - sb, "low": lo, "high": hi, "pairs": len(pairs),
                     "verdict": verdict})
    return pd.DataFrame(rows)

"""Structural alternatives compared by their posterior predictive score at the observed data.

Each alternative (fixed overrides, e.g. another arrest rule) is run at the same posterior draws
with the same seeds as the baseline. Its score is the sum over statistics of the scaled CRPS
(lower is better). The difference to the baseline gets a 95 % bootstrap interval over the
draws (resampled jointly, so the pairing is kept); when that interval contains 0 the data
cannot tell the two apart.

This is the cheap comparison: the draws come from the baseline's posterior, so an alternative
is judged at parameters fitted for the baseline, which favours the baseline. A fair contest
gives each alternative its own table and posterior (``run_table(..., structural=name)``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from uprising.casestudy.fit import crps

BOOTSTRAP = 200


def total_score(sims: pd.DataFrame, observed: dict[str, float], statistics: Sequence[str],
                scale: dict[str, float]) -> float:
    """Returns Σ over statistics of CRPS / scale (NaN statistics skipped)."""
    parts = [crps(sims[s].to_numpy(float), observed[s]) / scale[s]
             for s in statistics if s in sims and scale.get(s, 0) > 0]
    parts = [p for p in parts if np.isfinite(p)]
    return float(sum(parts)) if parts else float("nan")


def compare(baseline: pd.DataFrame, alternatives: dict[str, pd.DataFrame],
            observed: dict[str, float], statistics: Sequence[str], scale: dict[str, float],
            seed: np.random.SeedSequence) -> pd.DataFrame:
    """Returns one row per alternative (baseline first): score, difference to the baseline
    with its bootstrap 95 % interval, and the verdict."""
    rng = np.random.Generator(np.random.PCG64(seed))
    n = len(baseline)
    base = total_score(baseline, observed, statistics, scale)
    rows = [{"alternative": "baseline", "score": base, "difference": 0.0,
             "low": np.nan, "high": np.nan, "verdict": "reference"}]
    picks = [rng.integers(0, n, n) for _ in range(BOOTSTRAP)]
    for name, sims in alternatives.items():
        score = total_score(sims, observed, statistics, scale)
        diffs = [total_score(sims.iloc[p], observed, statistics, scale)
                 - total_score(baseline.iloc[p], observed, statistics, scale) for p in picks]
        lo, hi = np.nanquantile(diffs, [0.025, 0.975])
        if lo <= 0 <= hi:
            text = "the data cannot tell them apart"
        else:
            text = "fits worse than the baseline" if lo > 0 else "fits better than the baseline"
        rows.append({"alternative": name, "score": score, "difference": score - base,
                     "low": float(lo), "high": float(hi), "verdict": text})
    return pd.DataFrame(rows)

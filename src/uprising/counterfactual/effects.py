"""Effects of variants: paired differences against the baseline with bootstrap intervals.

For a count or a duration the effect is the median over pairs of (variant − baseline); for a
0/1 outcome (``PROBABILITIES``) it is the difference of proportions (the mean of the paired
differences). The interval is the percentile interval of the statistic over ``n_boot``
resamples of the pairs, drawn from ``SeedSequence(seed, spawn_key=(BOOT_STREAM, variant,
outcome))`` with names hashed to integers: the same seed gives the same bits in any process.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from uprising.counterfactual.ensemble import BOOT_STREAM, PROBABILITIES, outcome_columns
from uprising.counterfactual.variants import BASELINE

#: Most bootstrap resamples (each is a pass over the pairs; 100 000 is beyond any need).
MAX_BOOT = 100_000
_BLOCK = 1 << 22  # most values resampled at once (32 MB), to bound memory with many pairs
EFFECT_COLUMNS = ("variant", "outcome", "statistic", "baseline", "value", "effect", "low",
                  "high", "n_pairs")


def _key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def bootstrap_interval(diffs: np.ndarray, statistic: str, seed: np.random.SeedSequence,
                       n_boot: int = 2000, level: float = 0.95) -> tuple[float, float]:
    """Returns the percentile interval of the median (``statistic="median"``) or the mean of
    ``diffs`` over ``n_boot`` resamples with replacement; (nan, nan) without data."""
    if diffs.size == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    reduce = np.median if statistic == "median" else np.mean
    stats = np.empty(n_boot)
    chunk = max(1, _BLOCK // diffs.size)
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        idx = rng.integers(0, diffs.size, size=(size, diffs.size))
        stats[start:start + size] = reduce(diffs[idx], axis=1)
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(stats, [tail, 100.0 - tail])
    return float(low), float(high)


def paired_differences(runs: pd.DataFrame, variant: str, outcome: str) -> pd.DataFrame:
    """Returns the pairs where both the baseline and ``variant`` have ``outcome``: columns
    pair, baseline, value, diff."""
    base = runs[runs["variant"] == BASELINE].set_index("pair")[outcome]
    arm = runs[runs["variant"] == variant].set_index("pair")[outcome]
    both = pd.DataFrame({"baseline": base, "value": arm}).dropna()
    both["diff"] = both["value"] - both["baseline"]
    return both.reset_index()


def effects_table(runs: pd.DataFrame, seed: int = 0, n_boot: int = 2000,
                  level: float = 0.95) -> pd.DataFrame:
    """Returns one row per (variant, outcome): statistic, baseline and variant summaries, the
    effect with its ``level`` bootstrap interval, and the number of pairs used (pairs with a
    missing value on either side, e.g. order never restored, are left out)."""
    if not 100 <= n_boot <= MAX_BOOT:
        raise ValueError(f"bootstrap: between 100 and {MAX_BOOT} resamples (got {n_boot})")
    variants = [v for v in dict.fromkeys(runs["variant"]) if v != BASELINE]
    rows = []
    for variant in variants:
        for outcome in outcome_columns(runs):
            both = paired_differences(runs, variant, outcome)
            prob = outcome in PROBABILITIES
            statistic = "difference of proportions" if prob else "median difference"
            reduce = np.mean if prob else np.median
            diffs = both["diff"].to_numpy(float)
            seq = np.random.SeedSequence(seed, spawn_key=(BOOT_STREAM, _key(variant),
                                                          _key(outcome)))
            low, high = bootstrap_interval(diffs, "mean" if prob else "median", seq, n_boot,
                                           level)
            empty = diffs.size == 0
            rows.append({
                "variant": variant, "outcome": outcome, "statistic": statistic,
                "baseline": float("nan") if empty else float(reduce(both["baseline"])),
                "value": float("nan") if empty else float(reduce(both["value"])),
                "effect": float("nan") if empty else float(reduce(diffs)),
                "low": low, "high": high, "n_pairs": int(diffs.size),
            })
    return pd.DataFrame(rows, columns=list(EFFECT_COLUMNS))

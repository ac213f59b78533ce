"""Parameter recovery on held-out synthetic data: simulation-based calibration (SBC) ranks,
interval coverage and contraction.

For each held-out run (u*, x*) — never used in training — the posterior is sampled at x*.
The rank of u* among the draws is uniform on {0..n} if the posterior is calibrated (Talts et
al. 2018); the central 50 % and 90 % intervals then contain u* in 50 % and 90 % of the data
sets. Coverage comes with a Clopper–Pearson interval over the data sets, simultaneous at 95 %
over every coverage the table reports (Bonferroni: each at 1 − 0.05 / (parameters × levels)),
so a calibrated estimator passes the whole table 95 % of the time however many parameters it
has: nominal below the interval means overconfident (intervals too narrow), above it
underconfident.
Contraction is 1 − posterior variance / prior variance (unit cube, so the prior variance is
1/12): 0 means the data taught nothing about the parameter, 1 that it is pinned down.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from uprising.calibration.npe import NeuralPosterior
from uprising.calibration.prior import UNIT_VARIANCE

LEVELS = (0.5, 0.9)
#: Family-wise confidence of the coverage intervals over a whole recovery table.
FAMILY_CONFIDENCE = 0.95
#: Contraction below which a parameter's posterior is reported as its prior (unidentified).
UNIDENTIFIED_BELOW = 0.1


def binomial_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Returns the Clopper–Pearson interval of a proportion ``k / n``."""
    if n == 0:
        return (float("nan"), float("nan"))
    a = (1 - level) / 2
    lo = stats.beta.ppf(a, k, n - k + 1) if k > 0 else 0.0
    hi = stats.beta.ppf(1 - a, k + 1, n - k) if k < n else 1.0
    return float(lo), float(hi)


def covered(samples: np.ndarray, truth: np.ndarray, level: float) -> np.ndarray:
    """Returns B × d booleans: whether each true value lies in the central ``level`` interval
    of its draws (``samples`` B × n × d, ``truth`` B × d)."""
    lo = np.quantile(samples, (1 - level) / 2, axis=1)
    hi = np.quantile(samples, (1 + level) / 2, axis=1)
    return (truth >= lo) & (truth <= hi)


def contraction(samples: np.ndarray) -> np.ndarray:
    """Returns 1 − posterior variance / prior variance per parameter (draws on the last two
    axes: … × n × d)."""
    return 1.0 - samples.var(axis=-2) / UNIT_VARIANCE


def ranks(samples: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Returns B × d SBC ranks: how many draws fall below the true value (0..n)."""
    return (samples < truth[:, None, :]).sum(axis=1)


def uniformity_p(rank: np.ndarray, n: int, bins: int) -> float:
    """Returns the χ² p-value of the hypothesis that ranks (0..n) are uniform, in ``bins``."""
    counts = np.histogram(rank / (n + 1), bins=bins, range=(0.0, 1.0))[0]
    return float(stats.chisquare(counts).pvalue)


def verdict(nominal: float, lo: float, hi: float) -> str:
    """Returns ok / overconfident / underconfident from a coverage interval."""
    if hi < nominal:
        return "overconfident"
    return "underconfident" if lo > nominal else "ok"


@dataclass(frozen=True)
class Recovery:
    """Recovery results.

    Attributes:
        table: one row per parameter: coverage at each level with its interval (jointly 95 %
            over the table) and verdict, mean contraction, SBC uniformity p-value.
        ranks: B × d SBC ranks.
        n_samples: posterior draws per data set (ranks run 0..n_samples).
    """

    table: pd.DataFrame
    ranks: np.ndarray
    n_samples: int


def band_level(checks: int, family: float = FAMILY_CONFIDENCE) -> float:
    """Returns each interval's confidence so that ``checks`` intervals hold jointly with
    probability at least ``family`` (Bonferroni)."""
    return 1.0 - (1.0 - family) / max(1, checks)


def summarise(samples: np.ndarray, truth: np.ndarray, names: list[str] | tuple[str, ...]
              ) -> Recovery:
    """Returns the recovery table of draws ``samples`` (B × n × d) at true values ``truth``;
    coverage intervals are simultaneous over the table (column ``band_level``: each one's
    confidence)."""
    b, n, _ = samples.shape
    each = band_level(len(names) * len(LEVELS))
    rank = ranks(samples, truth)
    bins = int(max(2, min(20, b // 5)))
    rows = []
    for j, name in enumerate(names):
        row: dict[str, object] = {"parameter": name, "datasets": b, "band_level": each}
        for level in LEVELS:
            hit = covered(samples[..., j : j + 1], truth[:, j : j + 1], level)[:, 0]
            lo, hi = binomial_interval(int(hit.sum()), b, each)
            tag = f"{int(level * 100)}"
            row.update({f"coverage_{tag}": float(hit.mean()), f"coverage_{tag}_low": lo,
                        f"coverage_{tag}_high": hi, f"verdict_{tag}": verdict(level, lo, hi)})
        row["contraction"] = float(contraction(samples[..., j : j + 1]).mean())
        row["sbc_p"] = uniformity_p(rank[:, j], n, bins)
        rows.append(row)
    return Recovery(pd.DataFrame(rows), rank, n)


def recover(posterior: NeuralPosterior, truth: np.ndarray, x: np.ndarray, names: list[str],
            n_samples: int, seed: np.random.SeedSequence) -> tuple[Recovery, np.ndarray]:
    """Returns (recovery results, draws B × n × d) for held-out rows (``truth`` u*, ``x`` x*)."""
    samples = posterior.sample(x, n_samples, seed)
    return summarise(samples, truth, names), samples


def identification(samples: np.ndarray, names: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """Returns per parameter the contraction of the observed-data posterior (n × d unit draws)
    and whether it is identified (contraction ≥ UNIDENTIFIED_BELOW)."""
    c = contraction(samples)
    return pd.DataFrame({"parameter": list(names), "contraction": c,
                         "identified": c >= UNIDENTIFIED_BELOW})

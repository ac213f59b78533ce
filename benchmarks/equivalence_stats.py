"""Per-run statistics and their two-sample comparison for ``mesa_equivalence.py``.

Each run is reduced to a few statistics of its active and jailed counts; the two
implementations' runs are then compared per statistic with a two-sample KS test, a bootstrap
confidence interval of the difference of means and a least-squares difference at equal initial
head counts, and the outcome is printed as a plain-text table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

STATISTICS = ("mean_active", "peak_active", "frac_over_10", "mean_jailed")
# Secondary set: the same statistics after the initial transient (steps BURN_IN+1..N). The
# first ~20 steps hold one large synchronised outburst that dominates peak_active over 1..N.
BURN_IN = 20
LATE_STATISTICS = tuple(f"{s}_late" for s in STATISTICS)
ALL_STATISTICS = STATISTICS + LATE_STATISTICS
ACTIVE_LEVEL = 10  # "fraction of steps with more than 10 active"


def run_statistics(active: np.ndarray, jailed: np.ndarray) -> dict[str, float]:
    """Returns the per-run statistics compared across implementations (steps 1..N)."""
    return {
        "mean_active": float(np.mean(active)),
        "peak_active": float(np.max(active)),
        "frac_over_10": float(np.mean(active > ACTIVE_LEVEL)),
        "mean_jailed": float(np.mean(jailed)),
    }


def bootstrap_mean_diff_ci(
    a: np.ndarray, b: np.ndarray, n_boot: int = 10_000, level: float = 0.95, seed: int = 12345
) -> tuple[float, float]:
    """Returns the percentile bootstrap CI of mean(a) − mean(b), resampling each side."""
    rng = np.random.default_rng(seed)
    ia = rng.integers(0, len(a), size=(n_boot, len(a)))
    ib = rng.integers(0, len(b), size=(n_boot, len(b)))
    diffs = a[ia].mean(axis=1) - b[ib].mean(axis=1)
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(diffs, [tail, 1.0 - tail])
    return float(lo), float(hi)


def adjusted_difference(
    ours: Sequence[dict], mesa: Sequence[dict], stat: str
) -> tuple[float, float] | None:
    """Returns (difference uprising − Mesa, its standard error) at equal initial head counts.

    Ordinary least squares of the statistic on an implementation indicator plus each run's
    initial numbers of cops and citizens (placement is random per cell, so a block of seeds can
    hold noticeably fewer cops, and every cop fewer adds about one to the mean active count).
    Returns None when the runs do not carry ``n_cops``/``n_citizens``.
    """
    runs = [*ours, *mesa]
    if not all("n_cops" in r and "n_citizens" in r for r in runs):
        return None
    x = np.column_stack(
        [
            np.ones(len(runs)),
            np.r_[np.ones(len(ours)), np.zeros(len(mesa))],
            [float(r["n_cops"]) for r in runs],
            [float(r["n_citizens"]) for r in runs],
        ]
    )
    y = np.array([float(r[stat]) for r in runs])
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    dof = max(len(y) - x.shape[1], 1)
    cov = (resid @ resid / dof) * np.linalg.pinv(x.T @ x)
    return float(beta[1]), float(np.sqrt(max(cov[1, 1], 0.0)))


def compare(
    ours: Sequence[dict], mesa: Sequence[dict], statistics: Sequence[str] = STATISTICS
) -> dict[str, dict[str, float]]:
    """Returns, per statistic, both sides' mean/sd, the KS statistic and p, and the bootstrap CI.

    ``ours`` and ``mesa`` are lists of per-run statistic dicts (``run_statistics``).
    """
    from scipy.stats import ks_2samp

    out: dict[str, dict[str, float]] = {}
    for stat in statistics:
        a = np.array([r[stat] for r in ours], dtype=float)
        b = np.array([r[stat] for r in mesa], dtype=float)
        ks = ks_2samp(a, b)
        lo, hi = bootstrap_mean_diff_ci(a, b)
        out[stat] = {
            "uprising_mean": float(a.mean()),
            "uprising_sd": float(a.std(ddof=1)),
            "mesa_mean": float(b.mean()),
            "mesa_sd": float(b.std(ddof=1)),
            "diff": float(a.mean() - b.mean()),
            "ci_lo": lo,
            "ci_hi": hi,
            "ks_stat": float(ks.statistic),
            "ks_p": float(ks.pvalue),
            "n_uprising": len(a),
            "n_mesa": len(b),
        }
        adjusted = adjusted_difference(ours, mesa, stat)
        if adjusted is not None:
            out[stat]["adj_diff"], out[stat]["adj_se"] = adjusted
    return out


def format_table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    """Returns a plain-text table of the comparison (one row per regime and statistic)."""
    head = (
        f"{'regime':8} {'statistic':18} {'uprising mean (sd)':>20} {'Mesa mean (sd)':>20} "
        f"{'diff [95% CI]':>26} {'KS D':>6} {'KS p':>7} {'adj diff (se)':>18}"
    )
    lines = [head, "-" * len(head)]
    for regime, stats in results.items():
        for stat, r in stats.items():
            ours = f"{r['uprising_mean']:.3f} ({r['uprising_sd']:.3f})"
            theirs = f"{r['mesa_mean']:.3f} ({r['mesa_sd']:.3f})"
            ci = f"{r['diff']:+.3f} [{r['ci_lo']:+.3f}, {r['ci_hi']:+.3f}]"
            adj = f"{r['adj_diff']:+.3f} ({r['adj_se']:.3f})" if "adj_diff" in r else "-"
            lines.append(
                f"{regime:8} {stat:18} {ours:>20} {theirs:>20} {ci:>26} "
                f"{r['ks_stat']:6.3f} {r['ks_p']:7.3f} {adj:>18}"
            )
    return "\n".join(lines)

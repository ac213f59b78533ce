"""Figures of a calibration: posterior vs prior, SBC rank histograms, coverage.

Each function returns a matplotlib Figure built without pyplot (no global backend change, as in
``uprising.plotting``), so the report can embed it and the CLI can save it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter
from scipy import stats

from uprising.calibration.prior import Prior


def _bins(prior: Prior, j: int, count: int = 30) -> np.ndarray:
    lo, hi = prior.low[j], prior.high[j]
    return np.geomspace(lo, hi, count + 1) if prior.log[j] else np.linspace(lo, hi, count + 1)


def posterior_figure(draws: pd.DataFrame, prior: Prior, seed: int = 0,
                     max_points: int = 2000) -> Figure:
    """Returns a corner plot: marginal histograms of the posterior (blue) over the prior (grey
    outline) on the diagonal, pairwise scatter of posterior draws below it."""
    d = prior.dim
    fig = Figure(figsize=(2.2 * d + 1, 2.2 * d + 1), layout="constrained", dpi=100)
    axes = fig.subplots(d, d, squeeze=False)
    ref = prior.sample(max(len(draws), 2000), np.random.SeedSequence(seed))
    shown = draws.iloc[:max_points]
    for i in range(d):
        for j in range(d):
            ax = axes[i, j]
            if j > i:
                ax.axis("off")
                continue
            if i == j:
                bins = _bins(prior, j)
                post = draws.iloc[:, j].to_numpy()
                # share of draws per bin (bins even in log θ for loguniform: the prior is flat)
                ax.hist(ref[:, j], bins=bins, weights=np.full(len(ref), 1 / len(ref)),
                        histtype="step", color="grey", label="prior")
                ax.hist(post, bins=bins, weights=np.full(len(post), 1 / max(1, len(post))),
                        alpha=0.7, color="tab:blue", label="posterior")
                ax.set_yticks([])
            else:
                ax.scatter(shown.iloc[:, j], shown.iloc[:, i], s=2, alpha=0.3, color="tab:blue")
                ax.set_ylim(prior.low[i], prior.high[i])
                if prior.log[i]:
                    ax.set_yscale("log")
                    ax.yaxis.set_minor_formatter(NullFormatter())
            ax.set_xlim(prior.low[j], prior.high[j])
            if prior.log[j]:
                ax.set_xscale("log")
                ax.xaxis.set_minor_formatter(NullFormatter())
            if i == d - 1:
                ax.set_xlabel(prior.names[j])
            if j == 0 and i > 0:
                ax.set_ylabel(prior.names[i])
    axes[0, 0].legend(fontsize=7, frameon=False)
    fig.suptitle("posterior (blue) vs prior (grey)")
    return fig


def sbc_figure(ranks: np.ndarray, n_samples: int, names: Sequence[str], bins: int = 10
               ) -> Figure:
    """Returns SBC rank histograms, one panel per parameter, with the 99 % band of counts a
    calibrated posterior gives (flat: calibrated; ∪: overconfident; ∩: underconfident;
    sloped: biased)."""
    b, d = ranks.shape
    fig = Figure(figsize=(2.6 * d + 0.5, 2.6), layout="constrained", dpi=100)
    axes = fig.subplots(1, d, squeeze=False)
    lo, hi = stats.binom.ppf([0.005, 0.995], b, 1 / bins)
    for j, name in enumerate(names):
        ax = axes[0, j]
        ax.axhspan(lo, hi, color="grey", alpha=0.25, lw=0)
        ax.hist(ranks[:, j], bins=bins, range=(0, n_samples + 1), color="tab:blue")
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("rank of true value")
    axes[0, 0].set_ylabel(f"data sets (of {b})")
    return fig


def coverage_figure(table: pd.DataFrame) -> Figure:
    """Returns empirical coverage of the 50 % and 90 % intervals per parameter, with their
    binomial intervals (jointly 95 % over the table) and the nominal levels as dashed lines."""
    names = list(table["parameter"])
    fig = Figure(figsize=(max(4.0, 0.9 * len(names) + 2), 3.2), layout="constrained", dpi=100)
    ax = fig.subplots()
    x = np.arange(len(names))
    for k, (level, colour) in enumerate(((50, "tab:orange"), (90, "tab:blue"))):
        y = table[f"coverage_{level}"].to_numpy()
        err = np.vstack([y - table[f"coverage_{level}_low"], table[f"coverage_{level}_high"] - y])
        ax.errorbar(x + (k - 0.5) * 0.15, y, yerr=err, fmt="o", color=colour,
                    label=f"{level} % interval")
        ax.axhline(level / 100, ls="--", color=colour, lw=1)
    ax.set_xticks(x, names, rotation=30, ha="right")
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("coverage on held-out data")
    if "band_level" in table:
        ax.set_title(f"intervals jointly 95 % (each {table['band_level'].iloc[0]:.2%})", fontsize=9)
    ax.legend(fontsize=8, frameon=False)
    return fig

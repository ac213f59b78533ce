"""Figures of the report (matplotlib on an Agg canvas, no pyplot): the timeline with bands,
the regional spread as a heat map, the posterior marginals."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from uprising.report.series import MEASURES

BAND, LINE, OBS = "#4c78a8", "#1f3b5c", "#d1495b"


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def timeline_figure(bands: pd.DataFrame, observed: pd.DataFrame | None = None) -> Figure:
    """Returns one panel per measure: the simulated median, 50 % and 90 % bands by day and,
    when given, observed points (columns measure, day, value and optional low, high) with
    their low–high range."""
    measures = [m for m in MEASURES if m in set(bands["measure"])] or ["participants"]
    ncols = 2 if len(measures) > 1 else 1
    nrows = math.ceil(len(measures) / ncols)
    fig = _figure(5.2 * ncols, 3.0 * nrows)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= len(measures):
            ax.set_visible(False)
            continue
        measure = measures[i]
        b = bands[bands["measure"] == measure].sort_values("day")
        ax.fill_between(b["day"], b["q05"], b["q95"], color=BAND, alpha=0.2, lw=0,
                        label="90 % band")
        ax.fill_between(b["day"], b["q25"], b["q75"], color=BAND, alpha=0.45, lw=0,
                        label="50 % band")
        ax.plot(b["day"], b["median"], color=LINE, lw=1.5, label="median")
        if observed is not None and not observed.empty and "measure" in observed.columns:
            o = observed[observed["measure"] == measure]
            if not o.empty:
                low = o["low"] if "low" in o.columns else o["value"]
                high = o["high"] if "high" in o.columns else o["value"]
                err = np.vstack([(o["value"] - low).clip(lower=0).fillna(0),
                                 (high - o["value"]).clip(lower=0).fillna(0)])
                ax.errorbar(o["day"], o["value"], yerr=err, fmt="o", color=OBS, ms=4,
                            capsize=2, label="observed (low–high)")
        ax.set_title(MEASURES[measure], fontsize=10)
        ax.set_xlabel("day", fontsize=8)
        ax.tick_params(labelsize=8)
        if i == 0:
            ax.legend(fontsize=7, loc="upper right")
    return fig


def regional_figure(median: pd.DataFrame) -> Figure:
    """Returns a heat map of participants, region × day (median over runs)."""
    fig = _figure(min(12.0, 2.5 + 0.35 * max(1, median.shape[1])),
                  1.2 + 0.3 * max(1, median.shape[0]))
    ax = fig.subplots()
    if median.empty:
        ax.text(0.5, 0.5, "no regional rows", ha="center", va="center")
        ax.set_axis_off()
        return fig
    image = ax.imshow(median.to_numpy(float), aspect="auto", cmap="cividis",
                      interpolation="nearest")
    ax.set_yticks(range(median.shape[0]), [str(r) for r in median.index], fontsize=8)
    step = max(1, median.shape[1] // 15)
    ax.set_xticks(range(0, median.shape[1], step),
                  [str(c) for c in median.columns[::step]], fontsize=8)
    ax.set_xlabel("day", fontsize=8)
    fig.colorbar(image, ax=ax, label="participants (median)")
    return fig


def posterior_figure(posterior: pd.DataFrame, max_panels: int = 12) -> Figure:
    """Returns histograms of the posterior's numeric columns (at most ``max_panels``)."""
    cols = list(posterior.select_dtypes("number").columns)[:max_panels] or ["(none)"]
    ncols = min(4, len(cols))
    nrows = math.ceil(len(cols) / ncols)
    fig = _figure(3.0 * ncols, 2.3 * nrows)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= len(cols) or cols[i] not in posterior.columns:
            ax.set_visible(False)
            continue
        values = posterior[cols[i]].dropna().to_numpy(float)
        ax.hist(values, bins=min(30, max(5, values.size // 10)), color=BAND)
        ax.set_title(str(cols[i]), fontsize=9)
        ax.tick_params(labelsize=7)
    return fig

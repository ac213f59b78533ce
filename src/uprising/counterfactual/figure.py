"""Forest plot of variant effects: one panel per outcome, a point and its interval per variant."""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

LABELS = {
    "peak_participants": "peak participants",
    "days_to_order": "days to restore order",
    "detentions": "detentions (cumulative)",
    "deaths": "deaths",
    "buildings_damaged": "buildings damaged",
    "regime_collapse": "P(regime collapse)",
}


def outcome_label(outcome: str) -> str:
    """Returns the display label of an outcome column."""
    return LABELS.get(outcome, outcome.replace("_", " "))


def forest_plot(effects: pd.DataFrame, columns: int = 3) -> Figure:
    """Returns a Figure (Agg canvas, no pyplot) with one panel per outcome of an effects
    table: each variant's effect (variant − baseline) with its interval, zero marked."""
    outcomes = list(dict.fromkeys(effects["outcome"])) or ["(none)"]
    variants = list(dict.fromkeys(effects["variant"]))
    ncols = max(1, min(columns, len(outcomes)))
    nrows = math.ceil(len(outcomes) / ncols)
    fig = Figure(figsize=(3.6 * ncols, 0.5 + (0.45 * len(variants) + 1.0) * nrows),
                 layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= len(outcomes):
            ax.set_visible(False)
            continue
        rows = effects[effects["outcome"] == outcomes[i]].set_index("variant").reindex(variants)
        ys = list(range(len(variants)))[::-1]
        low = (rows["effect"] - rows["low"]).clip(lower=0).fillna(0)
        high = (rows["high"] - rows["effect"]).clip(lower=0).fillna(0)
        ax.errorbar(rows["effect"], ys, xerr=[low, high], fmt="o", color="#1f4e79",
                    ecolor="#6f8fb0", capsize=3)
        ax.axvline(0.0, color="#999999", lw=0.8, ls="--")
        ax.set_yticks(ys, variants)
        ax.set_title(outcome_label(outcomes[i]), fontsize=10)
        ax.set_xlabel("effect (variant − baseline)", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.set_ylim(-0.6, len(variants) - 0.4)
    return fig

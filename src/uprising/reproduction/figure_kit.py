"""The drawing kit of the reproduction figures: colours, a pyplot-free figure, the titled
paper-vs-ours footer, and helpers shared by several figures."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from uprising.atomic import write_atomic
from uprising.reproduction.runner import SuiteResults
from uprising.reproduction.stats import pooled

BLUE, GREEN, RED, GREY, BLACK = "#1f5fbf", "#2e9c4a", "#c62828", "#888888", "#222222"


def new_figure(n_axes: int = 1, height: float = 4.8) -> tuple[Figure, list[Axes]]:
    """Returns a pyplot-free figure (safe in worker processes) and its stacked axes."""
    fig = Figure(figsize=(10, height + 1.6))
    axes = fig.subplots(n_axes, 1, squeeze=False)
    return fig, list(axes[:, 0])


def finish(fig: Figure, title: str, paper: str, ours: str, path: Path) -> Path:
    """Returns ``path`` after writing the figure with a title and a paper-vs-ours footer."""
    fig.suptitle(title, fontsize=13, fontweight="bold")
    wrap = 130
    text = "\n".join(
        [*textwrap.wrap("Paper: " + paper, wrap), *textwrap.wrap("Ours: " + ours, wrap)]
    )
    n_lines = text.count("\n") + 1
    fig.tight_layout(rect=(0, 0.035 * n_lines + 0.02, 1, 0.96))
    fig.text(0.01, 0.01, text, fontsize=9, va="bottom", ha="left", family="sans-serif",
             bbox={"boxstyle": "round", "facecolor": "#f4f4f4", "edgecolor": GREY})
    write_atomic(path, lambda p: fig.savefig(p, dpi=110, format="png"))
    return path


def kept_series(res: SuiteResults, exp: str) -> dict[str, np.ndarray]:
    s = res.series(exp, 0)
    if s is None:
        raise KeyError(f"no time series kept for {exp}")
    return s


def pooled_histograms(ax: Axes, res: SuiteResults, key: str, bins: np.ndarray, digits: int,
                       variants: tuple[tuple[str, str], ...]) -> None:
    """Draws one step histogram per Run 2 variant of ``key`` pooled over seeds, labelled
    with its mean ± s.d. (``digits`` decimals)."""
    for exp, color in variants:
        v = pooled(res.frame(exp), key)
        if len(v):
            ax.hist(v, bins=bins, histtype="step", lw=1.6, color=color, density=True,
                    label=f"{exp.removeprefix('run2-')}: {v.mean():.{digits}f} ± "
                          f"{v.std(ddof=1):.{digits}f}")

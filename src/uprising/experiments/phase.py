"""Phase diagrams: a metric reduced over replicates on a grid of two swept parameters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from uprising.experiments.query import query
from uprising.experiments.spec import ExperimentError
from uprising.experiments.store import Store


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def phase_table(
    directory: str | Path, x: str, y: str, metric: str, reduce: str = "mean"
) -> pd.DataFrame:
    """Returns a table (rows = y values, columns = x values) of ``metric`` reduced per cell.

    ``metric`` is an output column or any SQL expression over the ``runs`` view, e.g.
    ``mean_active / n_citizens`` (mean active share) or ``n_outbursts * 1000.0 / ticks``.
    """
    params = Store(directory).manifest()["parameters"]
    for name in (x, y):
        if name not in params:
            raise ExperimentError(f"{name!r} was not swept (swept: {', '.join(params)})")
    agg = {"mean": "avg", "median": "median"}.get(reduce)
    if agg is None:
        raise ExperimentError(f"--reduce must be mean or median, got {reduce!r}")
    sql = (
        f"SELECT {_quote(x)} AS x, {_quote(y)} AS y, {agg}({metric}) AS value, count(*) AS n "
        f"FROM runs GROUP BY 1, 2 ORDER BY 1, 2"
    )
    cells = query(directory, sql)
    if cells.empty:
        raise ExperimentError(f"{directory}: no finished runs")
    return cells.pivot(index="y", columns="x", values="value")


def plot_phase(
    table: pd.DataFrame, path: str | Path, x: str, y: str, metric: str, title: str = ""
) -> Path:
    """Returns ``path`` after drawing ``table`` as an annotated heatmap (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from uprising.atomic import write_atomic

    values = table.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(1.0 + 0.75 * max(6, values.shape[1]),
                                    1.4 + 0.55 * max(5, values.shape[0])))
    image = ax.imshow(values, origin="lower", aspect="auto", cmap="magma",
                      interpolation="nearest")
    ax.set_xticks(np.arange(values.shape[1]), [f"{v:g}" for v in table.columns])
    ax.set_yticks(np.arange(values.shape[0]), [f"{v:g}" for v in table.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    finite = values[np.isfinite(values)]
    mid = (finite.min() + finite.max()) / 2 if finite.size else 0.0
    if values.size <= 400:
        for (i, j), v in np.ndenumerate(values):
            if np.isfinite(v):
                ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=7,
                        color="black" if v > mid else "white")
    fig.colorbar(image, ax=ax, label=metric)
    ax.set_title(title or metric)
    fig.tight_layout()
    write_atomic(Path(path), lambda p: fig.savefig(p, dpi=120, format="png"))
    plt.close(fig)
    return Path(path)

"""Posterior predictive check: simulate at posterior draws, compare each statistic with the
observed value (median, 50 % and 90 % bands, CRPS).

Draw ``i`` runs with the SeedSequence ``(seed, spawn_key=(i,))`` whatever the alternative, so
scores of structural alternatives are paired: they differ by the structure, not by the noise.
The CRPS of a sample X₁…X_M against y is mean|Xᵢ − y| − ½ mean|Xᵢ − Xⱼ| (lower is better, in
the statistic's units); ``crps_scaled`` divides it by the statistic's spread in the reference
table so statistics can be summed.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from typing import Any

import numpy as np
import pandas as pd

from uprising.calibration.simulator import simulate_theta
from uprising.casestudy.fit import crps
from uprising.experiments.executors import SerialExecutor
from uprising.experiments.progress import RunProgress


def simulate_draws(ctx: dict[str, Any], draws: pd.DataFrame, seed: int,
                   executor: Executor | None = None, progress: bool = False,
                   label: str = "predictive") -> pd.DataFrame:
    """Returns one row of statistics per posterior draw (NaN where a run failed).

    Args:
        ctx: simulator context (``simulator.context``).
        draws: θ draws, one column per parameter.
        seed: root seed; draw ``i`` runs with ``SeedSequence(seed, spawn_key=(i,))``.
        executor: where to run (default: in this process).
        progress: show a progress bar.
        label: progress bar text.
    """
    executor = executor or SerialExecutor()
    records = draws.to_dict("records")
    futures = [executor.submit(simulate_theta, ctx, {k: float(v) for k, v in r.items()},
                               np.random.SeedSequence(seed, spawn_key=(i,)))
               for i, r in enumerate(records)]
    rows: list[dict[str, float]] = []
    with RunProgress(len(futures), label, enabled=progress) as bar:
        for future in futures:
            try:
                rows.append(future.result())
                bar.advance(1)
            except Exception:  # a failing run is a missing draw, counted by the caller
                rows.append({})
                bar.advance(0, 1)
    return pd.DataFrame(rows, index=draws.index)


def check(sims: pd.DataFrame, observed: dict[str, float], statistics: Sequence[str],
          scale: dict[str, float] | None = None) -> pd.DataFrame:
    """Returns per statistic: observed, predictive median, 5/25/75/95 % quantiles, whether the
    observed value lies in the 50 % and 90 % bands, CRPS and scaled CRPS."""
    rows = []
    for name in statistics:
        col = sims[name] if name in sims else pd.Series(dtype=float)
        x = col.to_numpy(dtype=float)
        x = x[np.isfinite(x)]
        y = float(observed.get(name, np.nan))
        q = np.quantile(x, [0.05, 0.25, 0.5, 0.75, 0.95]) if len(x) else np.full(5, np.nan)
        score = crps(x, y)
        s = (scale or {}).get(name, np.nan)
        rows.append({
            "statistic": name, "observed": y, "median": q[2], "q05": q[0], "q25": q[1],
            "q75": q[3], "q95": q[4], "in_50": bool(q[1] <= y <= q[3]),
            "in_90": bool(q[0] <= y <= q[4]), "crps": score,
            "crps_scaled": score / s if s and np.isfinite(s) and s > 0 else np.nan,
            "draws": len(x),
        })
    return pd.DataFrame(rows)

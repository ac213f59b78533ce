"""A forecast check (issue 16, AT7): fit on what was known by 6 January, predict the
cumulative detentions of 7-10 January, and score the prediction against simple baselines.

The estimator is retrained on the same reference table with only the statistics the record
had by 6 January (regions with protest on 2-4 Jan, participants in Mangystau on 2 Jan and
nationally on 4 Jan, whether Mangystau was first, detentions on 6 Jan); posterior draws at
those observed values are simulated anew and their detentions 7-10 January scored with the
CRPS on log10(1 + count).

Baselines (``calibration.baselines``), fitted on the record's three detention figures before
7 January (the observed data file): at least 20 by 4 January, "hundreds" on 5 January (read
as the log-midpoint of 200-999, ≈ 447; the range's ends are reported too) and 2,298 on
6 January. A **constant rate** runs through the 6 January figure; a **logistic** runs through
all three. A point forecast's CRPS is its absolute error.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from uprising.calibration import npe
from uprising.calibration.baselines import ConstantRate, Logistic
from uprising.calibration.predictive import simulate_draws
from uprising.calibration.prior import Prior
from uprising.calibration.simulator import context
from uprising.calibration.spec import CalibrationSpec
from uprising.calibration.table import read_table
from uprising.casestudy.fit import crps
from uprising.casestudy.observed import load_observed

EARLY = ("regions_0102", "regions_0103", "regions_0104", "participants_mangystau_0102",
         "participants_0104", "mangystau_first", "detentions_0106")
TARGETS = ("detentions_0107", "detentions_0108", "detentions_0109", "detentions_0110")
#: Days from 1 January 2022 (the day before the onset) to the end of each target day.
TARGET_DAYS = {"detentions_0107": 6, "detentions_0108": 7, "detentions_0109": 8,
               "detentions_0110": 9}
#: The record's detention figures before 7 January, by day (as TARGET_DAYS).
EARLY_DATES = {3: "2022-01-04", 4: "2022-01-05", 5: "2022-01-06"}


def early_detentions(case: str = "kazakhstan-2022", reading: str = "middle") -> dict[int, float]:
    """Returns the record's national cumulative detentions before 7 January by day; a figure
    given as a range (5 January: "hundreds", 200-999) is read at its log-midpoint
    (``reading="middle"``) or at its ``"low"`` or ``"high"`` end."""
    rows = load_observed(case)
    rows = rows[(rows["observable"] == "cumulative_detentions") & (rows["region"] == "national")]
    out: dict[int, float] = {}
    for day, when in EARLY_DATES.items():
        hit = rows[rows["date"].astype(str).str[:10] == when]
        if hit.empty:
            raise ValueError(f"the record has no national detention figure on {when}")
        r = hit.iloc[-1]
        low, high = float(r["low"]), float(r["high"])
        out[day] = {"middle": math.sqrt(low * high), "low": low, "high": high}[reading] \
            if low < high else float(r["value"])
    return out


def _on_targets(curve: Callable[[float], float]) -> dict[str, float]:
    """Returns a baseline curve's log10(1 + detentions) on each target day."""
    return {name: math.log10(1 + curve(day)) for name, day in TARGET_DAYS.items()}


def baselines(case: str = "kazakhstan-2022") -> dict[str, dict[str, float] | None]:
    """Returns each baseline's log10(1 + detentions) per target (None: not fittable): the
    constant rate and the logistic at the middle reading of the early figures, and the logistic
    at both ends of the 5 January range."""
    middle = early_detentions(case)
    days = sorted(middle)
    out: dict[str, dict[str, float] | None] = {
        "constant_rate": _on_targets(ConstantRate.fit(days[-1], middle[days[-1]]))}
    for reading, key in (("middle", "logistic"), ("low", "logistic_low"),
                         ("high", "logistic_high")):
        early = middle if reading == "middle" else early_detentions(case, reading)
        curve = Logistic.through(days, [early[d] for d in days])
        out[key] = None if curve is None else _on_targets(curve)
    return out


def forecast_check(spec: CalibrationSpec, out: str | Path, observed: dict[str, float],
                   draws: int = 100, executor: Executor | None = None,
                   progress: bool = False) -> dict[str, Any]:
    """Returns the forecast record: per target day the observed value, the model's median and
    CRPS, the constant-rate baseline's value and CRPS (absolute error), and the verdict."""
    early = spec.model_copy(update={"statistics": EARLY, "symlog": ()})
    table = read_table(early, Path(out) / "table")
    root = np.random.SeedSequence(spec.budget.seed, spawn_key=(77,))
    post = npe.train(table.unit, early.features(table.x), spec.training, npe.child(root, 0))
    x_obs = np.array([observed[s] for s in EARLY])
    unit = post.sample(x_obs, draws, npe.child(root, 1))
    theta = pd.DataFrame(Prior.from_spec(spec).to_theta(unit), columns=spec.names)
    seed = int(npe.child(root, 2).generate_state(1)[0])
    sims = simulate_draws(context(spec), theta, seed, executor, progress, "forecast")
    base = baselines()
    rows = []
    for name in TARGETS:
        sample = sims[name].to_numpy(dtype=float) if name in sims else np.array([])
        row = {"target": name, "observed": observed[name],
               "model_median": float(np.nanmedian(sample)) if len(sample) else math.nan,
               "model_crps": crps(sample, observed[name])}
        for key, values in base.items():
            if values is not None:
                row[key] = values[name]
                row[f"{key}_crps"] = abs(values[name] - observed[name])
        rows.append(row)
    frame = pd.DataFrame(rows)
    mean = {"model": float(frame["model_crps"].mean())}
    mean |= {k: float(frame[f"{k}_crps"].mean()) for k, v in base.items() if v is not None}
    return {
        "statistics_used": list(EARLY), "draws": draws, "seed": spec.budget.seed,
        "early_detentions": {EARLY_DATES[d]: v for d, v in early_detentions().items()},
        "rows": frame.to_dict("records"),
        "mean_crps": mean,
        "not_fittable": [k for k, v in base.items() if v is None],
        "beats_constant_rate": mean["model"] < mean["constant_rate"],
        "beats_logistic": "logistic" in mean and mean["model"] < mean["logistic"],
        "score": "CRPS of log10(1 + cumulative detentions), mean over 7-10 January",
    }

"""Helpers shared by the experiment tests (no tests here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from uprising.experiments.spec import Experiment, parse_experiment
from uprising.experiments.store import Store

SMALL_WORLD = {
    "world.width": 20,
    "world.height": 20,
    "population.vision": 3,
    "police.vision": 3,
}

# the only columns that legitimately differ between two runs of the same experiment
TIMING_COLUMNS = ["wall_time_s", "cpu_time_s"]


def small_experiment(**changes: Any) -> Experiment:
    """Returns a 3 × 2 grid × 2 replicates Run 2 experiment on a 20 × 20 world, 60 ticks."""
    data: dict[str, Any] = {
        "name": "small",
        "scenario": "epstein2002-run2",
        "set": dict(SMALL_WORLD),
        "ticks": 60,
        "repetitions": 2,
        "seed": 11,
        "enumerated": {"population.legitimacy": [0.6, 0.7, 0.8]},
        "stepped": {"police.density": {"start": 0.03, "stop": 0.06, "step": 0.03}},
        "measure_every": 20,
    }
    data.update(changes)
    return parse_experiment(data)


def flaky_experiment(**changes: Any) -> Experiment:
    """Returns an experiment of ``uprising.testing:flaky`` over x = −2..2, 2 replicates: the
    runs with x < 0 (run ids 0-3) fail."""
    data: dict[str, Any] = {"name": "flaky", "model": "uprising.testing:flaky",
                            "enumerated": {"x": [-2, -1, 0, 1, 2]}, "repetitions": 2}
    data.update(changes)
    return parse_experiment(data)


def results(directory: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Returns (runs without timing columns, time series) of a store, sorted."""
    store = Store(directory)
    return store.runs().drop(columns=TIMING_COLUMNS), store.timeseries()


def assert_identical(a: str | Path, b: str | Path) -> None:
    """Asserts two stores hold the same runs and time series, bit for bit."""
    runs_a, ts_a = results(a)
    runs_b, ts_b = results(b)
    pd.testing.assert_frame_equal(runs_a, runs_b, check_exact=True)
    pd.testing.assert_frame_equal(ts_a, ts_b, check_exact=True)

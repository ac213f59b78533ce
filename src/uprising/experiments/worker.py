"""What a worker process executes: a batch of runs, each failure caught and recorded.

Everything here is importable by name and picklable, so the same ``run_batch`` serves the serial
executor, a process pool and Dask workers.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from uprising.experiments.design import ModelFunction, import_model, set_paths
from uprising.experiments.spec import Experiment
from uprising.scenario.loader import load_scenario
from uprising.simulation.seeds import run_seed


@dataclass(frozen=True)
class RunSpec:
    """One run to execute: its id, coordinates and swept parameter values."""

    run_id: int
    point: int
    replicate: int
    params: dict[str, Any]


@dataclass(frozen=True)
class BatchTask:
    """A batch of runs of one experiment, shipped to a worker."""

    experiment: Experiment
    base: dict[str, Any] | None
    runs: tuple[RunSpec, ...]


@dataclass
class BatchResult:
    """What a worker returns: summary rows, time-series rows and failure records."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    timeseries: list[pd.DataFrame] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)


@lru_cache(maxsize=8)
def _cached_model(reference: str) -> ModelFunction:
    return import_model(reference)


def _select(outputs: dict[str, Any], metrics: tuple[str, ...] | None) -> dict[str, Any]:
    if metrics is None:
        return outputs
    missing = [m for m in metrics if m not in outputs]
    if missing:
        raise KeyError(f"metrics {missing} not produced (outputs: {sorted(outputs)})")
    return {m: outputs[m] for m in metrics}


def _run_uprising(task: BatchTask, run: RunSpec) -> tuple[dict[str, Any], pd.DataFrame | None]:
    from uprising.api import make_model

    exp = task.experiment
    assert task.base is not None
    scenario = load_scenario(set_paths(task.base, run.params))
    model = make_model(scenario, rng=run_seed(exp.seed, run.point, run.replicate))
    model.run()
    result = model.result()  # every model class (Model I, Model II, multi-site) offers it
    ts = result.timeseries
    outputs = {"n_citizens": int(result.metadata.get("n_citizens", -1)), **result.summary}
    series = None
    if exp.measure_every > 0:
        series = ts[ts["tick"] % exp.measure_every == 0].reset_index(drop=True)
        series.insert(0, "run_id", np.int64(run.run_id))
    return outputs, series


def _run_function(task: BatchTask, run: RunSpec) -> dict[str, Any]:
    exp = task.experiment
    assert exp.model is not None
    fn = _cached_model(exp.model)
    out = fn(dict(run.params), run_seed(exp.seed, run.point, run.replicate))
    if not isinstance(out, dict):
        raise TypeError(f"model {exp.model} returned {type(out).__name__}, expected a dict")
    return out


def run_batch(task: BatchTask) -> BatchResult:
    """Returns the results of every run of ``task``; a run that raises becomes a failure record."""
    result = BatchResult()
    metrics = task.experiment.metrics
    for run in task.runs:
        started, cpu_started = time.perf_counter(), time.process_time()
        head = {"run_id": run.run_id, "point": run.point, "replicate": run.replicate, **run.params}
        try:
            if task.experiment.model is None:
                outputs, series = _run_uprising(task, run)
                n_cit = outputs.pop("n_citizens")
                outputs = {"n_citizens": n_cit, **_select(outputs, metrics)}
            else:
                outputs, series = _select(_run_function(task, run), metrics), None
        except Exception as exc:  # a failing run is recorded, never fatal to the sweep
            result.failures.append(
                {
                    **head,
                    "error": type(exc).__name__,
                    "message": str(exc),
                    "traceback": traceback.format_exc(limit=20),
                    "time": time.time(),
                }
            )
            continue
        row = {**head, **outputs, "wall_time_s": time.perf_counter() - started,
               "cpu_time_s": time.process_time() - cpu_started}
        result.rows.append(row)
        if series is not None:
            result.timeseries.append(series)
    return result

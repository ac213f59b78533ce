"""Exports: EMA Workbench (experiments, outcomes) and a NetLogo BehaviorSpace table CSV."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np
import pandas as pd

from uprising import __version__
from uprising.atomic import write_atomic
from uprising.experiments.sensitivity import NON_OUTPUTS
from uprising.experiments.spec import ExperimentError
from uprising.experiments.store import Store


def _finished_runs(store: Store) -> pd.DataFrame:
    runs = store.runs()
    if not len(runs):
        raise ExperimentError(f"{store.directory}: no finished runs yet")
    return runs


def to_ema(directory: str | Path) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Returns (experiments, outcomes) in EMA Workbench's shape, one row per finished run.

    ``experiments`` holds the swept parameters plus ``scenario`` (the point), ``replicate``,
    ``run_id`` and ``model``; ``outcomes`` maps each output to an array aligned with its rows,
    ready for ``ema_workbench.analysis.prim.Prim(experiments[params], outcomes[y] > c)``.
    """
    store = Store(directory)
    manifest = store.manifest()
    params = manifest["parameters"]
    runs = _finished_runs(store)
    experiments = runs[params].copy()
    experiments["scenario"] = runs["point"].to_numpy()
    experiments["replicate"] = runs["replicate"].to_numpy()
    experiments["run_id"] = runs["run_id"].to_numpy()
    experiments["model"] = manifest["experiment"].get("model") or manifest["experiment"]["scenario"]
    outputs = [c for c in runs.columns if c not in NON_OUTPUTS and c not in params]
    outcomes = {c: runs[c].to_numpy() for c in outputs}
    return experiments, outcomes


def _world_bounds(manifest: dict) -> list[int]:
    base = manifest.get("base_scenario") or {}
    world = base.get("world") or {}
    w, h = int(world.get("width", 0)), int(world.get("height", 0))
    return [0, max(w - 1, 0), 0, max(h - 1, 0)]


def behaviorspace_table(directory: str | Path, path: str | Path) -> Path:
    """Returns ``path`` after writing a BehaviorSpace-style table CSV.

    Six preamble lines (tool and table version, model, experiment, date, world bounds), then
    ``[run number]`` (run id + 1), the parameters, ``[step]`` and the metrics: one row per
    recorded tick when the time series was measured, else one row per run at its last tick.
    """
    store = Store(directory)
    manifest = store.manifest()
    params = manifest["parameters"]
    runs = _finished_runs(store)
    ts = store.timeseries() if store.files("ts") else None
    if ts is not None and len(ts):
        table = ts.merge(runs[["run_id", *params]], on="run_id", how="inner")
        metrics = [c for c in ts.columns if c not in {"run_id", "tick"}]
        steps = table["tick"]
    else:
        table = runs
        metrics = [c for c in runs.columns if c not in NON_OUTPUTS and c not in params]
        steps = runs["ticks"] if "ticks" in runs else pd.Series(0, index=runs.index)
    out = pd.DataFrame({"[run number]": table["run_id"] + 1})
    for p in params:
        out[p] = table[p].to_numpy()
    out["[step]"] = steps.to_numpy()
    for m in metrics:
        out[m] = table[m].to_numpy()
    out = out.sort_values(["[run number]", "[step]"], kind="stable")
    exp = manifest["experiment"]

    def write(p: Path) -> None:
        with open(p, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, quoting=csv.QUOTE_ALL)
            tool = f"BehaviorSpace results (uprising {__version__})"
            writer.writerow([tool, "Table version 2.0"])
            writer.writerow([exp.get("model") or exp.get("scenario")])
            writer.writerow([exp.get("name")])
            writer.writerow([time.strftime("%m/%d/%Y %H:%M:%S:000 %z")])
            writer.writerow(["min-pxcor", "max-pxcor", "min-pycor", "max-pycor"])
            writer.writerow(_world_bounds(manifest))
            writer.writerow(list(out.columns))
            writer.writerows(out.itertuples(index=False, name=None))

    return write_atomic(Path(path), write)

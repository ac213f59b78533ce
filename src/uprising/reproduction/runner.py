"""Runs the Epstein (2002) reproduction suite: every task in parallel, one row of results each.

A task is one seed of one experiment: a preset plus overrides. Seed ``i`` of every experiment
uses ``SeedSequence(root, spawn_key=(i,))``, so paired experiments (salami vs jump, floor vs
literal, movement on vs off) start from the same initial world in each seed.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from concurrent.futures import Executor, as_completed
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from uprising.experiments.executors import open_executor
from uprising.experiments.progress import RunProgress
from uprising.observer import find_outbursts, thresholds

#: Time-series columns kept for the figures (seed 0 only, to keep results small).
SERIES_COLUMNS = {
    "civil": ("tick", "active", "jailed", "cops", "legitimacy"),
    "intergroup": ("tick", "blue", "green", "active", "jailed", "cops", "kills"),
}


@dataclass(frozen=True)
class Task:
    """One run of the suite.

    Attributes:
        experiment: experiment id (e.g. ``run2-floor``).
        scenario: preset name.
        overrides: dotted overrides applied to the preset.
        replicate: seed index i (stream ``SeedSequence(root, spawn_key=(i,))``).
        root: the suite's root seed.
        keep_series: return the time series (for figures).
        tension: also record Epstein's tension Ḡ·B̄/R̄ per tick (steps tick by tick).
        deception: count quiet↔active switches against cops entering or leaving the
            citizen's view (steps tick by tick; Run 1's deceptive behaviour).
        point: free-form experiment coordinate (e.g. the swept cop density).
    """

    experiment: str
    scenario: str
    overrides: tuple[str, ...] = ()
    replicate: int = 0
    root: int = 2002
    keep_series: bool = False
    tension: bool = False
    deception: bool = False
    point: float = math.nan


def _civil_metrics(ts: pd.DataFrame, model: Any) -> dict[str, Any]:
    sc = model.scenario
    run = ts[ts["tick"] >= 1]
    start, end = thresholds(sc.observer, model.state.n_citizens)
    bursts = find_outbursts(run["tick"].to_numpy(), run["active"].to_numpy(), start, end)
    complete = bursts[bursts["complete"]]
    waits = (bursts["start"].to_numpy()[1:] - bursts["end"].to_numpy()[:-1]).tolist()
    active = run["active"].to_numpy()
    ticks = run["tick"].to_numpy()
    after = ticks >= 77
    late = (ticks >= 100) & (ticks <= 700)
    peak_i = int(np.argmax(active)) if len(active) else 0
    return {
        "waits": [int(w) for w in waits],
        "activations": [int(a) for a in complete["total_activation"]],
        "peak_after_77": int(active[after].max()) if after.any() else 0,
        "passed_50_after_77": bool((active[after] > 50).any()) if after.any() else False,
        "peak_tick": int(ticks[peak_i]) if len(ticks) else 0,
        "cops_at_peak": int(run["cops"].to_numpy()[peak_i]) if len(ticks) else 0,
        "final_jailed": int(run["jailed"].iloc[-1]),
        "mean_active_100_700": float(active[late].mean()) if late.any() else math.nan,
        "min_active_100_700": int(active[late].min()) if late.any() else 0,
        "max_active_100_700": int(active[late].max()) if late.any() else 0,
    }


def _tension_step(model: Any) -> tuple[np.ndarray, np.ndarray]:
    """Runs the model tick by tick; returns (tension, active) per tick (tick 0 included).

    Tension = Ḡ·B̄/R̄ over free citizens, B̄ their quiet share (ndouglas's reading of Fig. 8).
    """
    st = model.state
    n = st.n_citizens

    def measure() -> float:
        s = st.state[:n]
        free = s != 2  # not jailed
        if not free.any():
            return math.nan
        g = st.grievance[:n][free].mean()
        r = st.risk[:n][free].mean()
        b = (s[free] == 0).mean()
        return float(g * b / r) if r > 0 else math.nan

    tension = [measure()]
    while model.tick < model.scenario.ticks:
        model.run(1)
        tension.append(measure())
    ts = model.get_model_vars_dataframe()
    return np.asarray(tension), ts["active"].to_numpy()


def _deception_step(model: Any) -> dict[str, int]:
    """Runs the model tick by tick; returns switch counts and their cop-movement coincidences.

    For every citizen free on the same cell at two consecutive tick ends: ``up`` counts
    quiet → active switches and ``up_cop_left`` those with fewer cops in its view than the tick
    before; ``down`` / ``down_cop_came`` likewise for active → quiet with more cops. The base
    rates ``quiet_ticks`` / ``quiet_cop_left`` (and ``active_ticks`` / ``active_cop_came``)
    count the same cop changes for citizens that kept their state.
    """
    from uprising.engine.codes import COP
    from uprising.engine.neighbourhood import offsets

    st, sc = model.state, model.scenario
    w, h = sc.world.width, sc.world.height
    n = st.n_citizens
    offs = offsets(sc.neighbourhood.shape, sc.population.vision, False)

    def cops_in_view() -> np.ndarray:
        cop = (st.code == COP).reshape(h, w).astype(np.int16)
        total = np.zeros((h, w), dtype=np.int16)
        for dx, dy in offs:
            total += np.roll(cop, shift=(-int(dy), -int(dx)), axis=(0, 1))
        pos = st.pos[:n]
        return np.where(pos >= 0, total.ravel()[np.clip(pos, 0, None)], -1)

    keys = ("up", "up_cop_left", "down", "down_cop_came", "quiet_ticks", "quiet_cop_left",
            "active_ticks", "active_cop_came")
    out = dict.fromkeys(keys, 0)
    prev_s, prev_pos, prev_c = st.state[:n].copy(), st.pos[:n].copy(), cops_in_view()
    while model.tick < model.scenario.ticks:
        model.run(1)
        s, pos, c = st.state[:n], st.pos[:n], cops_in_view()
        same = (pos >= 0) & (pos == prev_pos)
        left, came = same & (c < prev_c), same & (c > prev_c)
        up = same & (prev_s == 0) & (s == 1)
        down = same & (prev_s == 1) & (s == 0)
        stay_q = same & (prev_s == 0) & (s == 0)
        stay_a = same & (prev_s == 1) & (s == 1)
        for key, arr in (("up", up), ("up_cop_left", up & left), ("down", down),
                         ("down_cop_came", down & came), ("quiet_ticks", stay_q),
                         ("quiet_cop_left", stay_q & left), ("active_ticks", stay_a),
                         ("active_cop_came", stay_a & came)):
            out[key] += int(arr.sum())
        prev_s, prev_pos, prev_c = s.copy(), pos.copy(), c
    return out


def run_task(task: Task) -> dict[str, Any]:
    """Returns one result row for ``task``: its summary, metrics and (optionally) series."""
    import time

    from uprising.api import make_model
    from uprising.scenario import load_scenario

    started = time.perf_counter()
    cpu_started = time.process_time()
    sc = load_scenario(task.scenario, list(task.overrides))
    ss = np.random.SeedSequence(task.root, spawn_key=(task.replicate,))
    model = make_model(sc, rng=ss, replicate=task.replicate)
    row: dict[str, Any] = {
        "experiment": task.experiment,
        "scenario": task.scenario,
        "overrides": " ".join(task.overrides),
        "replicate": task.replicate,
        "point": task.point,
    }
    tension = None
    if task.tension and sc.model == "civil_violence":
        tension, _ = _tension_step(model)
    elif task.deception and sc.model == "civil_violence":
        row.update(_deception_step(model))
    else:
        model.run()
    result = model.result()
    ts = result.timeseries
    row.update({k: v for k, v in result.summary.items()})
    kind = "intergroup" if sc.model == "intergroup" else "civil"
    if kind == "civil":
        row.update(_civil_metrics(ts, model))
    if task.keep_series:
        cols = [c for c in SERIES_COLUMNS[kind] if c in ts.columns]
        row["series"] = {c: ts[c].to_numpy() for c in cols}
        if tension is not None:
            row["series"]["tension"] = tension
    row["wall_time"] = time.perf_counter() - started
    row["cpu_time"] = time.process_time() - cpu_started
    return row


@dataclass
class SuiteResults:
    """All rows of a suite run, by experiment."""

    rows: list[dict[str, Any]]
    n_seeds: int
    root: int
    wall_time: float = 0.0
    workers: int = 1
    failures: list[str] = field(default_factory=list)

    def frame(self, experiment: str) -> pd.DataFrame:
        """Returns the rows of one experiment (without series), sorted by point and seed."""
        rows = [
            {k: v for k, v in r.items() if k != "series"}
            for r in self.rows
            if r["experiment"] == experiment
        ]
        df = pd.DataFrame(rows)
        if df.empty:
            return df
        return df.sort_values(["point", "replicate"], na_position="first").reset_index(drop=True)

    def series(self, experiment: str, replicate: int = 0) -> dict[str, np.ndarray] | None:
        """Returns the kept time series of one seed of an experiment, if any."""
        for r in self.rows:
            if r["experiment"] == experiment and r["replicate"] == replicate and "series" in r:
                return r["series"]
        return None

    def experiments(self) -> list[str]:
        """Returns the experiment ids present, in first-seen order."""
        seen: dict[str, None] = {}
        for r in self.rows:
            seen.setdefault(r["experiment"], None)
        return list(seen)


def _executor(workers: int) -> AbstractContextManager[Executor]:
    """Returns the experiment layer's process executor (serial for one worker)."""
    return open_executor("processes" if workers > 1 else "serial", workers=workers)


def run_suite(
    tasks: Iterable[Task],
    n_seeds: int,
    root: int = 2002,
    workers: int | None = None,
    show_progress: bool = True,
) -> SuiteResults:
    """Returns the results of every task, run in parallel with a progress bar over the suite.

    Long tasks are submitted first so the pool stays busy to the end. A failing task is
    recorded in ``failures`` (experiment, seed, error) instead of stopping the suite.
    """
    import time

    tasks = sorted(tasks, key=_cost, reverse=True)
    workers = workers or os.cpu_count() or 1
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    failures: list[str] = []
    bar = RunProgress(len(tasks), "reproduce epstein2002", enabled=show_progress)
    with _executor(workers) as ex, bar:
        futures = {ex.submit(run_task, t): t for t in tasks}
        for fut in as_completed(futures):
            t = futures[fut]
            try:
                rows.append(fut.result())
                ok = 1
            except Exception as exc:  # report, keep going
                failures.append(f"{t.experiment} seed {t.replicate}: {type(exc).__name__}: {exc}")
                ok = 0
            bar.advance(ok, 1 - ok)
    return SuiteResults(
        rows=rows, n_seeds=n_seeds, root=root, wall_time=time.perf_counter() - started,
        workers=workers, failures=failures,
    )


def _cost(task: Task) -> float:
    """Returns a rough relative cost, used only to order submissions."""
    if task.scenario.startswith("epstein2002-run2"):
        return 30.0 + (5.0 if task.tension else 0.0)
    if "police.density" in " ".join(task.overrides) and task.point >= 0.06:
        return 10.0
    return 1.0

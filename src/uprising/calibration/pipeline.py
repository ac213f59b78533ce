"""The calibration from start to end: reference table → NPE → recovery on held-out runs →
posterior at the observed data → predictive check → structural comparison → files.

Random streams, all children of ``SeedSequence(budget.seed)``: 0 the held-out split,
1 training, 2 recovery draws, 3 observed-data draws, 4 predictive runs, 5 bootstrap; with
``budget.rounds`` 2 (``calibration.truncation``) round 1's draws that span the box come from
6 and round 2 uses 0-3 of child 7 for its own split, training, recovery and observed draws.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from uprising.atomic import write_atomic
from uprising.calibration import npe, plots, predictive, recovery, structural
from uprising.calibration.posterior import write_posterior
from uprising.calibration.prior import Prior
from uprising.calibration.simulator import context, simulate_theta
from uprising.calibration.spec import CalibrationError, CalibrationSpec, parse_spec
from uprising.calibration.table import Table, read_table, run_table, table_experiment
from uprising.calibration.truncation import BOX_DRAWS, MARGIN, TAIL, Box
from uprising.experiments.design import import_model
from uprising.experiments.runner import SweepReport
from uprising.experiments.store import Store

#: Measured cost of training, seconds per (training row × epoch × ensemble member), for the
#: default flow on one thread (see docs/calibration.md); only used for the printed estimate.
TRAIN_SECONDS_PER_ROW_EPOCH = 7e-5
#: Typical number of epochs before early stopping (estimate only).
TYPICAL_EPOCHS = 120


def with_simulations(spec: CalibrationSpec, simulations: int | None,
                     seed: int | None = None) -> CalibrationSpec:
    """Returns ``spec`` with another simulation budget and/or seed (validated again)."""
    data = spec.model_dump(mode="json")
    if simulations is not None:
        data["budget"]["simulations"] = simulations
    if seed is not None:
        data["budget"]["seed"] = seed
    return parse_spec(data, "calibration (with --simulations/--seed)")


def observed_statistics(spec: CalibrationSpec) -> dict[str, float]:
    """Returns the observed value of every fitted statistic.

    Raises:
        CalibrationError: the observed function fails or lacks a statistic.
    """
    fn = import_model(spec.observed)
    data = fn(spec.case)  # type: ignore[call-arg]
    if not isinstance(data, dict):
        raise CalibrationError(f"observed: {spec.observed} returned {type(data).__name__}")
    missing = [s for s in spec.statistics if s not in data]
    if missing:
        raise CalibrationError(f"observed: {spec.observed}({spec.case!r}) lacks {missing}")
    values = {s: float(data[s]) for s in spec.statistics}
    bad = [s for s, v in values.items() if not math.isfinite(v)]
    if bad:
        raise CalibrationError(f"observed: statistics {bad} are not finite numbers")
    return values


@dataclass(frozen=True)
class Plan:
    """What a calibration will do, and roughly how long it will take."""

    points: int
    runs: int
    runs_done: int
    seconds_per_run: float
    simulation_seconds: float
    training_seconds: float

    @property
    def total_seconds(self) -> float:
        """Returns the estimated wall time in seconds."""
        return self.simulation_seconds + self.training_seconds


def plan(spec: CalibrationSpec, out: str | Path, workers: int = 1) -> Plan:
    """Returns the plan, timing a simulation at the prior's centre in this process (twice if
    the first took over 2 s: it may include loading compiled kernels, which a worker pays once).
    """
    prior = Prior.from_spec(spec)
    theta = prior.as_dict(prior.to_theta(np.full(prior.dim, 0.5)))
    per_run = math.inf
    for attempt in range(2):
        started = time.perf_counter()
        simulate_theta(context(spec), theta,
                       np.random.SeedSequence(spec.budget.seed, spawn_key=(2**31 + attempt,)))
        per_run = min(per_run, time.perf_counter() - started)
        if per_run < 2.0:
            break
    store = Store(Path(out) / "table")
    done = len(store.done_ids()) if store.exists() else 0
    runs = spec.points * spec.budget.replicates * spec.budget.rounds
    rows = runs - spec.budget.recovery_datasets * spec.budget.replicates
    train = (TRAIN_SECONDS_PER_ROW_EPOCH * rows * TYPICAL_EPOCHS * spec.training.ensemble)
    sims = per_run * (max(0, runs - done) + spec.budget.predictive_draws
                      * (1 + len(spec.structural))) / max(1, workers)
    return Plan(spec.points, runs, done, per_run, sims, train)


@dataclass
class Outcome:
    """Everything a calibration produced (tables as DataFrames, paths of the files)."""

    spec: CalibrationSpec
    sweep: SweepReport
    table: Table
    posterior: npe.NeuralPosterior
    recovery: recovery.Recovery | None = None
    identification: pd.DataFrame | None = None
    draws: pd.DataFrame | None = None
    fit: pd.DataFrame | None = None
    structural: pd.DataFrame | None = None
    files: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    truncation: dict[str, Any] | None = None


def statistic_scale(table: Table) -> dict[str, float]:
    """Returns each statistic's standard deviation over ``table``: the predictive check's
    CRPS is divided by it (``crps_scaled``), so statistics can be summed."""
    return {s: float(v) for s, v in zip(table.statistics, table.x.std(axis=0), strict=True)}


def _metadata(out: Outcome, observed: dict[str, float]) -> dict[str, Any]:
    spec = out.spec
    params: dict[str, Any] = {}
    for p in spec.parameters:
        q = out.draws[p.name].quantile([0.05, 0.5, 0.95]) if out.draws is not None else None
        ident = out.identification.set_index("parameter").loc[p.name] \
            if out.identification is not None else None
        params[p.name] = {
            "prior": p.prior.model_dump(), "description": p.description, "evidence": p.evidence,
            "median": float(q.iloc[1]) if q is not None else None,
            "interval_90": [float(q.iloc[0]), float(q.iloc[2])] if q is not None else None,
            "contraction": float(ident["contraction"]) if ident is not None else None,
            "identified": bool(ident["identified"]) if ident is not None else None,
        }

    def records(frame: pd.DataFrame | None) -> list[dict[str, Any]] | None:
        return None if frame is None else frame.to_dict("records")

    return {
        "budget": spec.budget.model_dump(), "training": spec.training.model_dump(),
        "statistics": list(spec.statistics), "observed": observed, "seed": spec.budget.seed,
        "simulator": spec.simulator,
        "table": {"rows": len(out.table.x), "nan_rows_dropped": out.table.nan_rows,
                  "failed_runs": out.table.failed, "training_rows": out.posterior.n_train},
        "training_loss": [{"epochs": lg.epochs, "best_validation_loss": lg.best_validation_loss,
                           "seconds": lg.seconds} for lg in out.posterior.logs],
        "coverage": records(out.recovery.table if out.recovery else None),
        "fit": records(out.fit), "structural": records(out.structural),
        "parameters": params, "timings_s": out.timings,
        "load_average": list(os.getloadavg()), "truncation": out.truncation,
    }


@dataclass(frozen=True)
class _Run:
    """How this calibration runs: where, on what, with which random root."""

    out: Path
    root: np.random.SeedSequence
    executor: Executor | None
    workers: int
    label: str
    progress: bool
    say: Callable[[str], None]

    def table(self, spec: CalibrationSpec, structural_name: str | None = None,
              box: Box | None = None) -> SweepReport:
        """Runs (or resumes) a table: the baseline's, an alternative's, or round 2's in ``box``."""
        folder = "table-round2" if box else (
            f"table-{structural_name}" if structural_name else "table")
        return run_table(spec, self.out / folder, executor=self.executor, workers=self.workers,
                         progress=self.progress, label=self.label, structural=structural_name,
                         bounds=box.bounds(spec.names) if box else None,
                         round_=2 if box else 1)


def calibrate(spec: CalibrationSpec, out: str | Path, *, executor: Executor | None = None,
              workers: int = 1, label: str = "serial", progress: bool = False,
              recovery_only: bool = False, refit_structural: bool = False,
              posterior_dir: str | Path | None = None,
              on_epoch: npe.EpochCallback | None = None,
              on_stage: Callable[[str], None] | None = None) -> Outcome:
    """Returns the outcome of calibrating ``spec``; the table is stored (and resumed) in
    ``out/table``, CSV tables and figures go to ``out``, the posterior files to
    ``posterior_dir`` (none written when None).

    Args:
        recovery_only: stop after the recovery check (no observed data needed).
        refit_structural: give each structural alternative its own table (``out/table-NAME``,
            a full budget each) and posterior, instead of reusing the baseline's posterior.
        on_epoch: training progress callback ``(member, epoch, validation_loss)``.
        on_stage: called with the name of each stage as it starts.
    """
    run = _Run(Path(out), np.random.SeedSequence(spec.budget.seed), executor, workers, label,
               progress, on_stage or (lambda _: None))
    observed = {} if recovery_only else observed_statistics(spec)  # fail before the runs
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    run.say("reference table")
    sweep = run.table(spec)
    timings["simulation"] = time.perf_counter() - t0
    table = read_table(spec, run.out / "table")
    train_mask, held = table.split(spec.budget.recovery_datasets, npe.child(run.root, 0))
    t0 = time.perf_counter()
    run.say("training")
    post = npe.train(table.unit[train_mask], spec.features(table.x[train_mask]), spec.training,
                     npe.child(run.root, 1), on_epoch)
    timings["training"] = time.perf_counter() - t0
    result = Outcome(spec, sweep, table, post, timings=timings)
    n = spec.budget.posterior_samples
    if len(held):
        t0 = time.perf_counter()
        run.say("recovery")
        result.recovery, _ = recovery.recover(post, table.unit[held], spec.features(table.x[held]),
                                              spec.names, n, npe.child(run.root, 2))
        timings["recovery"] = time.perf_counter() - t0
    run.out.mkdir(parents=True, exist_ok=True)
    if result.recovery is not None:
        _write_recovery(result, run.out)
    if recovery_only:
        return result
    box = None
    if spec.budget.rounds == 2:
        box = _second_round(result, observed, run)
    _observed_stage(result, observed, run, refit_structural, box)
    if posterior_dir is not None:
        result.files.extend(write_posterior(spec.case, result.draws,
                                            _metadata(result, observed), posterior_dir))
    return result


def _second_round(result: Outcome, observed: dict[str, float], run: _Run) -> Box:
    """Runs the truncated round (``calibration.truncation``): replaces ``result.posterior``
    with round 2's estimator (on the box's coordinates) and ``result.recovery`` with its
    recovery on held-out round-2 runs (round 1's is written as ``recovery-round1.csv``);
    returns the box."""
    spec, timings = result.spec, result.timings
    x_obs = spec.features(np.array([observed[s] for s in spec.statistics]))
    round1 = result.posterior.sample(x_obs, BOX_DRAWS, npe.child(run.root, 6))
    box = Box.around(round1)
    if result.recovery is not None:
        result.files.append(_csv(result.recovery.table, run.out / "recovery-round1.csv"))
    t0 = time.perf_counter()
    run.say(f"round 2: table inside the box ({box.volume():.2g} of the prior's volume)")
    run.table(spec, box=box)
    timings["simulation_round2"] = time.perf_counter() - t0
    table2 = read_table(spec, run.out / "table-round2")
    root2 = npe.child(run.root, 7)
    train2, held2 = table2.split(spec.budget.recovery_datasets, npe.child(root2, 0))
    inside = box.contains(result.table.unit)
    unit = np.concatenate([result.table.unit[inside], table2.unit[train2]])
    x = np.concatenate([result.table.x[inside], table2.x[train2]])
    t0 = time.perf_counter()
    run.say("round 2: training")
    result.posterior = npe.train(box.to_box(unit), spec.features(x), spec.training,
                                 npe.child(root2, 1))
    timings["training_round2"] = time.perf_counter() - t0
    if len(held2):
        result.recovery, _ = recovery.recover(
            result.posterior, box.to_box(table2.unit[held2]), spec.features(table2.x[held2]),
            spec.names, spec.budget.posterior_samples, npe.child(root2, 2))
        _write_recovery(result, run.out)
    theta = Prior.from_spec(spec).to_theta(np.stack([box.lo, box.hi]))
    result.truncation = {
        "rounds": 2, "box_draws": BOX_DRAWS, "tail": TAIL, "margin": MARGIN,
        "volume": box.volume(),
        "box_unit": box.bounds(spec.names),
        "box": {n: [float(theta[0, j]), float(theta[1, j])] for j, n in enumerate(spec.names)},
        "round1_rows_in_box": int(inside.sum()), "round2_training_rows": int(train2.sum()),
        "round2_recovery_datasets": len(held2),
    }
    return box


def _write_recovery(result: Outcome, out: Path) -> None:
    """Writes ``result.recovery`` as recovery.csv, sbc.png and coverage.png in ``out``."""
    rec, names = result.recovery, result.spec.names
    assert rec is not None
    result.files.append(_csv(rec.table, out / "recovery.csv"))
    result.files.append(_png(plots.sbc_figure(rec.ranks, rec.n_samples, names), out / "sbc.png"))
    result.files.append(_png(plots.coverage_figure(rec.table), out / "coverage.png"))


def _at_inner_faces(inner: np.ndarray, box: Box, names: list[str]) -> dict[str, float]:
    """Returns per parameter the share of round-2 draws (box coordinates) within 1 % of a face
    of the box that is not the prior's own bound: mass piling there means the box cut it."""
    low = (inner < 0.01) & (box.lo > 0.0)
    high = (inner > 0.99) & (box.hi < 1.0)
    return {n: float(v) for n, v in zip(names, (low | high).mean(axis=0), strict=True)}


def _observed_stage(result: Outcome, observed: dict[str, float], run: _Run,
                    refit: bool, box: Box | None = None) -> None:
    spec, timings = result.spec, result.timings
    prior = Prior.from_spec(spec)
    x_obs = spec.features(np.array([observed[s] for s in spec.statistics]))
    seed = npe.child(npe.child(run.root, 7), 3) if box is not None else npe.child(run.root, 3)
    unit = result.posterior.sample(x_obs, spec.budget.posterior_samples, seed)
    if box is not None and result.truncation is not None:
        result.truncation["draws_at_inner_faces"] = _at_inner_faces(unit, box, spec.names)
        unit = box.from_box(unit)
    result.draws = pd.DataFrame(prior.to_theta(unit), columns=spec.names)
    result.identification = recovery.identification(unit, spec.names)
    result.files.append(_png(plots.posterior_figure(result.draws, prior),
                             run.out / "posterior.png"))
    m = spec.budget.predictive_draws
    if not m:
        return
    t0 = time.perf_counter()
    run.say("posterior predictive")
    seed = int(npe.child(run.root, 4).generate_state(1)[0])
    picks = result.draws.iloc[:m]
    scale = statistic_scale(result.table)
    sims = predictive.simulate_draws(context(spec), picks, seed, run.executor, run.progress)
    result.fit = predictive.check(sims, observed, spec.statistics, scale)
    result.files.append(_csv(result.fit, run.out / "predictive.csv"))
    if spec.structural:
        run.say("structural alternatives" + (" (own tables and posteriors)" if refit else ""))
        alts = {}
        for alt in spec.structural:
            draws = _refit_draws(spec, alt.name, x_obs, m, run) if refit else picks
            alts[alt.name] = predictive.simulate_draws(context(spec, alt.name), draws, seed,
                                                       run.executor, run.progress, alt.name)
        result.structural = structural.compare(sims, alts, observed, spec.statistics, scale,
                                               npe.child(run.root, 5))
        result.structural["posterior"] = ["own"] * len(result.structural) if refit else (
            ["own"] + ["baseline's"] * len(spec.structural))
        result.files.append(_csv(result.structural, run.out / "structural.csv"))
    timings["predictive"] = time.perf_counter() - t0


def _refit_draws(spec: CalibrationSpec, name: str, x_obs: np.ndarray, m: int,
                 run: _Run) -> pd.DataFrame:
    """Returns ``m`` posterior draws (θ) at the observed data under alternative ``name``,
    from its own table and estimator (same seeds as the baseline's)."""
    run.table(spec, name)
    table = read_table(spec, run.out / f"table-{name}")
    post = npe.train(table.unit, spec.features(table.x), spec.training, npe.child(run.root, 1))
    unit = post.sample(x_obs, m, npe.child(run.root, 3))
    return pd.DataFrame(Prior.from_spec(spec).to_theta(unit), columns=spec.names)


def _csv(frame: pd.DataFrame, path: Path) -> Path:
    return write_atomic(path, lambda p: frame.to_csv(p, index=False))


def _png(fig: Figure, path: Path) -> Path:
    return write_atomic(path, lambda p: fig.savefig(p, format="png"))


__all__ = ["Outcome", "Plan", "calibrate", "observed_statistics", "plan", "statistic_scale",
           "table_experiment", "with_simulations"]

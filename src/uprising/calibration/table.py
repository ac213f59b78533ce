"""The reference table: simulations over the prior, run and stored by the experiment layer.

The table is an experiment: a Latin hypercube over the unit cube of the free parameters
(``budget.simulations / replicates`` points), ``replicates`` runs per point, the statistics as
metrics, seeded from ``budget.seed``. Runs go into the experiment layer's resumable store, so an
interrupted calibration continues where it stopped, runs on a process pool or on Dask, and shows
the sweep's progress bar. (The experiment layer's ``sobol`` sampler is Saltelli's scheme for
sensitivity indices, not a space-filling design, so the table uses ``lhs``.)
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from uprising.calibration.simulator import model_reference
from uprising.calibration.spec import CalibrationError, CalibrationSpec
from uprising.experiments.runner import SweepReport, run_experiment
from uprising.experiments.spec import Experiment, Sampler
from uprising.experiments.store import Store


def round_seed(spec: CalibrationSpec, round_: int) -> int:
    """Returns the design and run seed of round ``round_`` (1: ``budget.seed``; later rounds: a
    32-bit state of its child stream ``round_ + 5``, apart from the pipeline's 0-5)."""
    if round_ == 1:
        return spec.budget.seed
    ss = np.random.SeedSequence(spec.budget.seed, spawn_key=(round_ + 5,))
    return int(ss.generate_state(1)[0])


def table_experiment(spec: CalibrationSpec, structural: str | None = None,
                     bounds: dict[str, tuple[float, float]] | None = None,
                     round_: int = 1) -> Experiment:
    """Returns the experiment that computes the reference table of ``spec``; ``bounds`` (unit
    coordinates by name, default the whole cube) and ``round_`` > 1 give a truncated round's
    table (``calibration.truncation``)."""
    b = spec.budget
    suffix = (f"-{structural}" if structural else "") + (f"-round{round_}" if round_ > 1 else "")
    seed = round_seed(spec, round_)
    return Experiment(
        name=f"calibrate-{spec.case}{suffix}",
        description=f"reference table of the calibration of {spec.case}"
        + (f", round {round_} (truncated prior)" if round_ > 1 else ""),
        model=model_reference(spec, structural),
        sampler=Sampler(method="lhs", n=spec.points,
                        bounds=bounds or {n: (0.0, 1.0) for n in spec.names}, seed=seed),
        repetitions=b.replicates,
        seed=seed,
        metrics=spec.statistics,
    )


def run_table(spec: CalibrationSpec, out: str | Path, *, executor: Executor | None = None,
              workers: int = 1, progress: bool = False, label: str = "serial",
              structural: str | None = None, bounds: dict[str, tuple[float, float]] | None = None,
              round_: int = 1) -> SweepReport:
    """Returns the sweep report after running (or resuming) the reference table into ``out``."""
    return run_experiment(table_experiment(spec, structural, bounds, round_), out,
                          executor=executor, workers=workers, progress=progress, label=label)


@dataclass(frozen=True)
class Table:
    """The usable rows of a reference table.

    Attributes:
        unit: N × d unit-cube coordinates of the parameters.
        x: N × k statistics (columns in ``statistics`` order), all finite.
        point: N design point of each row.
        replicate: N replicate of each row.
        names: parameter names.
        statistics: statistic names.
        nan_rows: finished runs dropped because a statistic was NaN or infinite.
        failed: runs that raised (recorded by the experiment layer), not in the table.
        n_points: points of the design (finished or not).
    """

    unit: np.ndarray
    x: np.ndarray
    point: np.ndarray
    replicate: np.ndarray
    names: tuple[str, ...]
    statistics: tuple[str, ...]
    nan_rows: int
    failed: int
    n_points: int

    def split(self, held_out: int, seed: np.random.SeedSequence) -> tuple[np.ndarray, np.ndarray]:
        """Returns (training mask, held-out row indices): ``held_out`` design points chosen
        at random are kept out of training whole (all replicates); of each, the run of its
        lowest replicate is one recovery data set."""
        rng = np.random.Generator(np.random.PCG64(seed))
        chosen = rng.permutation(self.n_points)[:held_out]
        out = np.isin(self.point, chosen)
        rows = np.flatnonzero(out)
        first = {}
        for i in rows[np.lexsort((self.replicate[rows], self.point[rows]))]:
            first.setdefault(int(self.point[i]), int(i))
        return ~out, np.array(sorted(first.values()), dtype=np.int64)


def read_table(spec: CalibrationSpec, out: str | Path) -> Table:
    """Returns the reference table stored in ``out`` (rows with a non-finite statistic dropped).

    Raises:
        CalibrationError: the store holds no finished run or lacks a column.
    """
    store = Store(out)
    runs = store.runs()
    failed = len(store.failures())
    if not len(runs):
        raise CalibrationError(f"{out}: the reference table has no finished run "
                               f"({failed} failed; see `uprising status {out}`)")
    missing = [c for c in (*spec.names, *spec.statistics) if c not in runs.columns]
    if missing:
        raise CalibrationError(f"{out}: the stored runs lack the columns {missing}")
    x = runs[list(spec.statistics)].to_numpy(dtype=float)
    ok = np.isfinite(x).all(axis=1)
    return Table(
        unit=runs[spec.names].to_numpy(dtype=float)[ok], x=x[ok],
        point=runs["point"].to_numpy(dtype=np.int64)[ok],
        replicate=runs["replicate"].to_numpy(dtype=np.int64)[ok],
        names=tuple(spec.names), statistics=tuple(spec.statistics),
        nan_rows=int((~ok).sum()), failed=failed, n_points=spec.points,
    )

"""The experimental design: the list of parameter points, their run ids and scenarios.

Run ids are ``point * repetitions + replicate``: stable, dense integers that depend only on the
experiment file, never on the executor, the worker count or the order runs finish in.
"""

from __future__ import annotations

import copy
import importlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from uprising.experiments.spec import Experiment, ExperimentError, parse_experiment
from uprising.observer import SUMMARY_KEYS
from uprising.scenario.errors import shorten
from uprising.scenario.loader import ScenarioError, load_scenario, validate
from uprising.scenario.paths import set_path
from uprising.scenario.safe_yaml import load_yaml
from uprising.simulation.memory import check_scenario_fits

ModelFunction = Callable[[dict[str, Any], np.random.SeedSequence], dict[str, Any]]


def plain(value: Any) -> Any:
    """Returns ``value`` with NumPy scalars turned into Python scalars."""
    return value.item() if isinstance(value, np.generic) else value


def set_paths(data: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Returns a deep copy of the mapping ``data`` with each dotted ``path: value`` set.

    Raises:
        ScenarioError: a path runs through a value that is not a section.
    """
    out = copy.deepcopy(data)
    for path, value in values.items():
        try:
            set_path(out, path, plain(value))
        except ValueError as exc:
            raise ScenarioError(f"{path!r}: {exc}") from None
    return out


def import_model(reference: str) -> ModelFunction:
    """Returns the function named by ``'package.module:function'``."""
    module_name, _, attr = reference.partition(":")
    try:
        module = importlib.import_module(module_name)
        fn = getattr(module, attr)
    except (ImportError, AttributeError) as exc:
        raise ExperimentError(f"model: cannot import {reference!r}: {exc}") from None
    if not callable(fn):
        raise ExperimentError(f"model: {reference!r} is not callable")
    return fn


def _sample(exp: Experiment) -> np.ndarray:
    sampler = exp.sampler
    assert sampler is not None
    names = list(sampler.bounds)
    bounds = [list(b) for b in sampler.bounds.values()]
    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    if sampler.method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(
            problem, sampler.n, calc_second_order=sampler.second_order, seed=sampler.seed
        )
    if sampler.method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, sampler.n, num_levels=sampler.levels, seed=sampler.seed)
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(sampler.seed)).random(
        sampler.n
    )
    lo = np.array([b[0] for b in bounds])
    hi = np.array([b[1] for b in bounds])
    return lo + unit * (hi - lo)


def salib_problem(exp: Experiment) -> dict[str, Any]:
    """Returns the SALib ``problem`` dict of a sampled experiment."""
    if exp.sampler is None:
        raise ExperimentError("this experiment has no sampler: sensitivity needs sobol or morris")
    return {
        "num_vars": len(exp.sampler.bounds),
        "names": list(exp.sampler.bounds),
        "bounds": [list(b) for b in exp.sampler.bounds.values()],
    }


def grid_points(exp: Experiment) -> pd.DataFrame:
    """Returns the full factorial of the enumerated and stepped values, one row per point."""
    axes = {**exp.enumerated, **{p: s.values() for p, s in exp.stepped.items()}}
    if not axes:
        return pd.DataFrame(index=pd.RangeIndex(1, name="point"))
    rows = list(itertools.product(*axes.values()))
    frame = pd.DataFrame(rows, columns=list(axes))
    frame.index.name = "point"
    return frame


@dataclass(frozen=True)
class Design:
    """Points, run ids and per-run scenarios of one experiment.

    Attributes:
        experiment: the validated experiment.
        points: one row per point, one column per swept parameter (index = point index).
        sample: the unrounded sample matrix of a sampler design (rows = points), else None.
        base: the resolved base scenario mapping (None for a function model).
    """

    experiment: Experiment
    points: pd.DataFrame
    sample: np.ndarray | None
    base: dict[str, Any] | None

    @property
    def n_points(self) -> int:
        """Returns the number of parameter points."""
        return len(self.points)

    @property
    def n_runs(self) -> int:
        """Returns the number of runs (points × repetitions)."""
        return self.n_points * self.experiment.repetitions

    def locate(self, run_id: int) -> tuple[int, int]:
        """Returns (point, replicate) of a run id."""
        return divmod(int(run_id), self.experiment.repetitions)

    def params(self, point: int) -> dict[str, Any]:
        """Returns the swept parameter values of a point, as Python scalars."""
        return {k: plain(self.points[k].iat[point]) for k in self.points.columns}

    def run_ids(self, shard: tuple[int, int] = (0, 1)) -> list[int]:
        """Returns the run ids of shard ``i`` of ``n`` (run_id % n == i), ascending."""
        i, n = shard
        return list(range(i, self.n_runs, n))

    def scenario_data(self, point: int) -> dict[str, Any]:
        """Returns the scenario mapping of a point (base with the point's values set)."""
        assert self.base is not None
        return set_paths(self.base, self.params(point))


def _round_integers(exp: Experiment, frame: pd.DataFrame) -> pd.DataFrame:
    assert exp.sampler is not None
    for path in exp.sampler.integer:
        frame[path] = np.rint(frame[path]).astype(np.int64)
    return frame


def _check_metrics(exp: Experiment, base: dict[str, Any]) -> None:
    """Raises ExperimentError for metric names a Model I run does not produce."""
    if exp.metrics is None or base.get("model") == "intergroup" or base.get("sites"):
        return  # other model classes have their own summaries: checked per run
    unknown = [m for m in exp.metrics if m not in SUMMARY_KEYS]
    if unknown:
        raise ExperimentError(f"metrics: unknown {unknown} (outputs: {', '.join(SUMMARY_KEYS)})")


def build_design(
    exp: Experiment, folder: str | Path = ".", base: dict[str, Any] | None = None,
    check_memory: bool = True,
) -> Design:
    """Returns the design of an experiment, every point's scenario validated.

    Args:
        exp: the experiment.
        folder: folder a relative scenario path is resolved against.
        base: the resolved base scenario mapping, when already known (e.g. from a manifest).
        check_memory: also refuse a point whose world cannot fit in this machine's memory
            (off to analyse results computed elsewhere).

    Raises:
        ExperimentError: naming the first invalid point and field, or the first point whose
            world cannot fit in this machine's memory.
    """
    if exp.sampler is not None:
        sample = _sample(exp)
        points = _round_integers(exp, pd.DataFrame(sample, columns=list(exp.sampler.bounds)))
        points.index.name = "point"
    else:
        sample, points = None, grid_points(exp)
    if exp.model is not None:
        import_model(exp.model)
        return Design(exp, points, sample, None)
    scenario = exp.scenario
    path = Path(folder) / scenario
    if Path(scenario).suffix in {".yaml", ".yml"} and not Path(scenario).is_absolute():
        scenario = str(path)
    fixed = dict(exp.set)
    if exp.ticks is not None:
        fixed["ticks"] = exp.ticks
    try:
        if base is None:
            base = set_paths(load_scenario(scenario).model_dump(mode="python"), fixed)
        base = load_scenario(base).model_dump(mode="python")
    except ScenarioError as exc:
        raise ExperimentError(f"base scenario (with 'set' and 'ticks'): {exc}") from None
    _check_metrics(exp, base)
    design = Design(exp, points, sample, base)
    for point in range(design.n_points):
        try:
            point_scenario = validate(design.scenario_data(point))  # data is a fresh copy
            if check_memory:
                check_scenario_fits(point_scenario)
        except ScenarioError as exc:
            values = shorten(", ".join(f"{k}={v}" for k, v in design.params(point).items()), 200)
            raise ExperimentError(f"point {point} ({values}): {exc}") from None
    return design


def design_from_manifest(manifest: dict[str, Any]) -> Design:
    """Returns the design recorded in a store's manifest."""
    if "experiment_yaml" not in manifest:
        raise ExperimentError("manifest.json has no experiment_yaml (written by an older version)")
    data = load_yaml(manifest["experiment_yaml"], "manifest.json experiment_yaml", ExperimentError)
    if not isinstance(data, dict):
        raise ExperimentError("manifest.json: experiment_yaml is not a mapping")
    exp = parse_experiment(data, "manifest.json")
    return build_design(exp, ".", base=manifest.get("base_scenario"), check_memory=False)

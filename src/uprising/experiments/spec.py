"""The experiment file: a BehaviorSpace-like sweep description, validated with pydantic.

An experiment names a base scenario (or a Python model function), the values to sweep — a full
factorial of ``enumerated`` and ``stepped`` value sets, or a ``sampler`` (LHS, Sobol, Morris) with
bounds — the number of repetitions, the run length, which summary metrics to keep and how often
to record the time series.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from uprising.scenario.base import Frozen, Name, PathText, Text
from uprising.scenario.errors import ScenarioError, format_validation_error, shorten
from uprising.scenario.safe_yaml import read_yaml_file

#: Most parameter points of one design: each point's scenario is validated before any run
#: (under 1 ms each): the check of the largest design takes about 20 s.
MAX_POINTS = 20_000
#: Most runs (points × repetitions) of one experiment.
MAX_RUNS = 1_000_000
#: Most values of one stepped axis.
MAX_STEPS = 100_000


class ExperimentError(ScenarioError):
    """An experiment could not be loaded, validated or run; the message is meant for the user."""


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "str" if isinstance(value, str) else "other"


class _Frozen(Frozen):
    """Base of the experiment file's parts: the scenario's strict, frozen base."""


class Stepped(_Frozen):
    """Values ``start, start+step, …`` up to and including ``stop`` (BehaviorSpace stepped)."""

    start: float
    stop: float
    step: float = Field(gt=0, description="increment; must be > 0")

    @model_validator(mode="after")
    def _ordered(self) -> Stepped:
        if self.stop < self.start:
            raise ValueError(f"stop ({self.stop:g}) must be ≥ start ({self.start:g})")
        if (self.stop - self.start) / self.step >= MAX_STEPS:
            raise ValueError(f"more than {MAX_STEPS} values: increase step")
        return self

    @property
    def count(self) -> int:
        """Returns the number of values, without building them."""
        return math.floor((self.stop - self.start) / self.step + 1e-9) + 1

    def values(self) -> list[float | int]:
        """Returns the values of the set (integers when start and step are whole numbers)."""
        count = self.count
        vals = [round(self.start + i * self.step, 12) for i in range(count)]
        if float(self.start).is_integer() and float(self.step).is_integer():
            return [int(v) for v in vals]
        return vals


class Sampler(_Frozen):
    """A sample of the parameter box: Latin hypercube, Sobol (Saltelli) or Morris trajectories."""

    method: Literal["lhs", "sobol", "morris"] = Field(
        description="lhs (scipy.stats.qmc), sobol (SALib Saltelli scheme, for Sobol indices), "
        "morris (SALib trajectories, for elementary effects)"
    )
    n: int = Field(
        ge=1,
        le=MAX_POINTS,
        description="lhs: number of points; sobol: base sample N (a power of 2), giving "
        "N·(D+2) points, or N·(2D+2) with second_order; morris: number of trajectories",
    )
    bounds: dict[str, tuple[float, float]] = Field(
        description="parameter path → [low, high]", min_length=1, max_length=100
    )
    integer: tuple[str, ...] = Field(
        (), max_length=100, description="paths whose sampled values are rounded to whole numbers"
    )
    seed: int = Field(0, ge=0, le=2**32 - 1, description="seed of the sample design")
    second_order: bool = Field(False, description="sobol: also sample for second-order indices")
    levels: int = Field(4, ge=2, le=100, description="morris: number of grid levels")

    @model_validator(mode="after")
    def _check(self) -> Sampler:
        for path, (lo, hi) in self.bounds.items():
            if not lo < hi:
                raise ValueError(f"bounds of {path}: low ({lo:g}) must be < high ({hi:g})")
        unknown = [p for p in self.integer if p not in self.bounds]
        if unknown:
            raise ValueError(f"integer lists {unknown}, which have no bounds")
        if self.method == "sobol" and self.n & (self.n - 1):
            raise ValueError(f"sobol needs n to be a power of 2, got {self.n}")
        if self.n_points > MAX_POINTS:
            raise ValueError(
                f"{self.method} with n = {self.n} over {len(self.bounds)} parameters gives "
                f"{self.n_points} points, more than {MAX_POINTS}: lower n"
            )
        return self

    @property
    def n_points(self) -> int:
        """Returns the number of points the sampler draws, without drawing them."""
        d = len(self.bounds)
        if self.method == "sobol":
            return self.n * (2 * d + 2 if self.second_order else d + 2)
        if self.method == "morris":
            return self.n * (d + 1)
        return self.n


class Experiment(_Frozen):
    """A validated experiment (the YAML file ``uprising sweep`` reads)."""

    name: Name = Field(
        "experiment", min_length=1, pattern=r"^[^/\\]*$",
        description="also the default result folder results/<name>: no slashes",
    )
    description: Text = ""
    scenario: PathText = Field(
        "epstein2002-run2",
        description="preset name or scenario YAML path (relative to the experiment file)",
    )
    model: str | None = Field(
        None,
        description="'package.module:function' called as f(params, seed_sequence) -> dict of "
        "outputs, instead of the uprising model (for test functions and custom models)",
    )
    set: dict[str, Any] = Field(
        default_factory=dict, max_length=1000,
        description="fixed overrides of the base scenario: path → value",
    )
    repetitions: int = Field(1, ge=1, le=1_000_000, description="replicates per point")
    ticks: int | None = Field(None, ge=1, le=10_000_000, description="run length (ticks)")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="root of every run's SeedSequence")
    enumerated: dict[str, list[Any]] = Field(
        default_factory=dict, max_length=100,
        description="path → list of values (crossed with all others)",
    )
    stepped: dict[str, Stepped] = Field(
        default_factory=dict, max_length=100,
        description="path → {start, stop, step} (crossed with all others)",
    )
    sampler: Sampler | None = None
    metrics: tuple[str, ...] | None = Field(
        None, description="summary outputs to keep (default: all)"
    )
    measure_every: int = Field(
        0, ge=0, le=10_000_000,
        description="record the time series every k ticks; 0 keeps only summaries",
    )
    reduce: Literal["mean", "median"] = Field(
        "mean", description="statistic that reduces replicates before sensitivity analysis"
    )

    @field_validator("model")
    @classmethod
    def _model_ref(cls, v: str | None) -> str | None:
        if v is not None and (":" not in v or not all(v.partition(":")[::2])):
            raise ValueError(f"must look like 'package.module:function', got {v!r}")
        return v

    @field_validator("enumerated")
    @classmethod
    def _non_empty(cls, v: dict[str, list[Any]]) -> dict[str, list[Any]]:
        for path, values in v.items():
            if not values:
                raise ValueError(f"{path} has no values")
            kinds = {_kind(x) for x in values}
            if len(kinds) > 1 or kinds == {"other"}:
                raise ValueError(
                    f"{path}: values must all be numbers, all strings or all booleans"
                )
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Experiment:
        swept = [*self.enumerated, *self.stepped]
        twice = sorted({p for p in swept if swept.count(p) > 1})
        if twice:
            raise ValueError(f"{twice} both enumerated and stepped")
        if self.sampler is not None and swept:
            raise ValueError("use either a sampler or enumerated/stepped values, not both")
        fixed = set(self.set) & (set(swept) | set(self.sampler.bounds if self.sampler else ()))
        if fixed:
            raise ValueError(f"{sorted(fixed)} both fixed in 'set' and swept")
        points, runs = self.n_points, self.n_points * self.repetitions
        if points > MAX_POINTS or runs > MAX_RUNS:
            raise ValueError(
                f"the design has {points} points × {self.repetitions} repetitions = {runs} runs; "
                f"at most {MAX_POINTS} points and {MAX_RUNS} runs: sweep fewer values"
            )
        return self

    @property
    def n_points(self) -> int:
        """Returns the number of parameter points, computed without building the design."""
        if self.sampler is not None:
            return self.sampler.n_points
        return math.prod([len(v) for v in self.enumerated.values()]
                         + [s.count for s in self.stepped.values()])

    @property
    def parameters(self) -> list[str]:
        """Returns the swept parameter paths, in design order."""
        if self.sampler is not None:
            return list(self.sampler.bounds)
        return [*self.enumerated, *self.stepped]

    def fingerprint(self) -> str:
        """Returns a short hash identifying what the runs compute (name and description aside)."""
        data = self.model_dump(mode="json", exclude={"name", "description"})
        text = json.dumps(data, default=str)  # key order matters: it orders the design
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def experiment_to_yaml(exp: Experiment) -> str:
    """Returns the experiment as YAML text, keys in their original (design) order."""
    return yaml.safe_dump(exp.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def _format(exc: ValidationError, source: str) -> str:
    text = format_validation_error(exc, source).replace("Value error, ", "")
    return text.replace("invalid scenario", "invalid experiment", 1)


def parse_experiment(data: dict[str, Any], source: str = "experiment") -> Experiment:
    """Returns the validated experiment, or raises ExperimentError naming each bad field."""
    try:
        return Experiment.model_validate(data)
    except ValidationError as exc:
        raise ExperimentError(_format(exc, source)) from None


def load_experiment(path: str | Path) -> tuple[Experiment, Path]:
    """Returns (experiment, folder it was read from) for an experiment YAML file.

    A relative ``scenario`` path is resolved against the file's folder.
    """
    path = Path(path)
    if not path.is_file():
        raise ExperimentError(f"experiment file not found: {shorten(str(path), 200)}")
    data = read_yaml_file(path, ExperimentError)
    if not isinstance(data, dict):
        raise ExperimentError(f"{path}: an experiment must be a mapping")
    return parse_experiment(data, str(path)), path.parent

"""The calibration file ``<case>.calibration.yaml``: free parameters with their priors, the
statistics to fit, the simulation budget and the structural alternatives to compare.

Validated with pydantic on the scenario's strict base (unknown keys refused, numbers finite);
an error names the field, e.g. ``parameters.1.prior.low: must be > 0 for loguniform``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, ValidationError, field_validator, model_validator

from uprising.scenario.base import Frozen, Name, Text
from uprising.scenario.errors import ScenarioError, format_validation_error, shorten
from uprising.scenario.safe_yaml import read_yaml_file

#: Where the calibration files of the shipped cases live (beside their scenarios).
PRESET_PACKAGE = "uprising.scenario.presets"
SUFFIX = ".calibration.yaml"
#: Most simulations of one reference table: the experiment layer's MAX_POINTS (20 000) points,
#: each validated before the runs; at ~1 s a run this is already ~6 h on 2 cores.
MAX_SIMULATIONS = 20_000
#: Most free parameters: beyond ~10, a table of a few thousand runs cannot inform them.
MAX_PARAMETERS = 20
#: Most statistics: the density estimator's input width.
MAX_STATISTICS = 200
_IDENT = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"


class CalibrationError(ScenarioError):
    """A calibration could not be loaded, validated or run; the message is meant for the user."""


def _reference(value: str) -> str:
    module, _, attr = value.partition(":")
    if not module or not attr:
        raise ValueError(f"must look like 'package.module:function', got {value!r}")
    return value


class Prior(Frozen):
    """A prior over one parameter: uniform, or uniform in log (loguniform), on [low, high]."""

    dist: Literal["uniform", "loguniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Prior:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low:g}) must be < high ({self.high:g})")
        if self.dist == "loguniform" and self.low <= 0:
            raise ValueError(f"low: must be > 0 for loguniform, got {self.low:g}")
        return self


class Parameter(Frozen):
    """A free parameter: its name (as the simulator reads it), prior and where it comes from."""

    name: str = Field(pattern=_IDENT, max_length=200,
                      description="key the simulator reads, e.g. 'legitimacy' or 'police.density'")
    prior: Prior
    description: Text = ""
    evidence: Text = Field("", description="why this range: sources, measurements")


class Budget(Frozen):
    """How much to simulate and sample."""

    simulations: int = Field(ge=20, le=MAX_SIMULATIONS,
                             description="runs in the reference table (points × replicates)")
    replicates: int = Field(1, ge=1, le=100, description="runs per parameter point")
    posterior_samples: int = Field(2000, ge=100, le=100_000)
    recovery_datasets: int = Field(
        200, ge=0, le=5000,
        description="held-out points (never trained on) for coverage; 0 skips recovery")
    predictive_draws: int = Field(
        100, ge=0, le=5000,
        description="posterior draws simulated for the predictive check (and per alternative)")
    seed: int = Field(0, ge=0, le=2**32 - 1, description="root of every random stream")
    rounds: int = Field(
        1, ge=1, le=2,
        description="2 adds a truncated round: as many simulations again, inside the box of "
        "round 1's posterior at the observed data (calibration.truncation)")

    @model_validator(mode="after")
    def _enough(self) -> Budget:
        points = self.simulations // self.replicates
        if points - self.recovery_datasets < 10:
            raise ValueError(
                f"simulations ({self.simulations}) / replicates ({self.replicates}) gives "
                f"{points} points; with {self.recovery_datasets} held out for recovery fewer "
                "than 10 are left to train on")
        return self


class Training(Frozen):
    """How the neural posterior estimator is trained (defaults suit 5–8 parameters)."""

    estimator: Literal["maf", "nsf", "mdn"] = "maf"
    ensemble: int = Field(2, ge=1, le=10, description="density estimators, pooled equally")
    hidden_features: int = Field(50, ge=4, le=512)
    max_epochs: int = Field(300, ge=1, le=10_000)
    stop_after_epochs: int = Field(20, ge=1, le=1000, description="patience of early stopping")
    batch_size: int = Field(128, ge=8, le=10_000)
    learning_rate: float = Field(5e-4, gt=0, le=1)
    validation_fraction: float = Field(0.1, gt=0, lt=0.5)


class Structural(Frozen):
    """A named structural alternative: fixed overrides compared, never tuned."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", max_length=100,
                      description="letters, digits, '_', '.', '-' (a folder name)")
    description: Text = ""
    overrides: dict[str, Any] = Field(default_factory=dict, max_length=100)

    @field_validator("overrides")
    @classmethod
    def _paths(cls, v: dict[str, Any]) -> dict[str, Any]:
        import re

        bad = [k for k in v if not re.match(_IDENT, k)]
        if bad:
            raise ValueError(f"not dotted field paths: {bad}")
        return v


class CalibrationSpec(Frozen):
    """A validated calibration file."""

    case: Name = Field(min_length=1, pattern=r"^[^/\\]+$",
                       description="case (preset) name the simulator runs; also a file stem")
    description: Text = ""
    simulator: str = Field("uprising.casestudy.simulate:simulate",
                           description="'module:function' f(params, SeedSequence) -> statistics")
    observed: str = Field("uprising.casestudy.simulate:observed_statistics",
                          description="'module:function' f(case) -> observed statistics")
    parameters: tuple[Parameter, ...] = Field(max_length=MAX_PARAMETERS)
    statistics: tuple[Name, ...] = Field(max_length=MAX_STATISTICS)
    symlog: tuple[Name, ...] = Field(
        (), max_length=MAX_STATISTICS,
        description="statistics the estimator sees as sign(x)·log(1 + |x|): counts spanning "
        "orders of magnitude (reports keep the original units)")
    budget: Budget
    training: Training = Training()
    structural: tuple[Structural, ...] = Field((), max_length=20)

    @field_validator("simulator", "observed")
    @classmethod
    def _refs(cls, v: str) -> str:
        return _reference(v)

    @model_validator(mode="after")
    def _unique(self) -> CalibrationSpec:
        if not self.parameters or not self.statistics:
            raise ValueError("needs at least one parameter and one statistic")
        for label, names in (("parameters", [p.name for p in self.parameters]),
                             ("statistics", list(self.statistics)),
                             ("structural", [s.name for s in self.structural])):
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:
                raise ValueError(f"{label}: named more than once: {twice}")
        both = sorted(set(self.names) & set(self.statistics))
        if both:
            raise ValueError(f"{both} named both as parameters and as statistics")
        unknown = sorted(set(self.symlog) - set(self.statistics))
        if unknown:
            raise ValueError(f"symlog: {unknown} are not among the statistics")
        clash = {"case", "structural"} & {p.name for p in self.parameters}
        if clash:
            raise ValueError(f"parameters: {sorted(clash)} are reserved names")
        return self

    @property
    def names(self) -> list[str]:
        """Returns the free parameter names, in order."""
        return [p.name for p in self.parameters]

    @property
    def points(self) -> int:
        """Returns the number of parameter points of the table."""
        return self.budget.simulations // self.budget.replicates

    def features(self, x: np.ndarray) -> np.ndarray:
        """Returns statistics (… × k, in ``statistics`` order) as the estimator sees them:
        ``symlog`` columns mapped to sign(x)·log(1 + |x|), the others unchanged."""
        out = np.array(x, dtype=float, copy=True)
        for j, name in enumerate(self.statistics):
            if name in self.symlog:
                out[..., j] = np.sign(out[..., j]) * np.log1p(np.abs(out[..., j]))
        return out

    def alternative(self, name: str | None) -> Structural | None:
        """Returns the structural alternative called ``name`` (None for the baseline)."""
        if name is None:
            return None
        for alt in self.structural:
            if alt.name == name:
                return alt
        known = ", ".join(a.name for a in self.structural) or "none defined"
        raise CalibrationError(f"structural: no alternative {name!r} (known: {known})")


def parse_spec(data: Any, source: str = "calibration") -> CalibrationSpec:
    """Returns the validated calibration, or raises CalibrationError naming each bad field."""
    if not isinstance(data, dict):
        raise CalibrationError(f"{source}: a calibration file must be a mapping")
    try:
        return CalibrationSpec.model_validate(data)
    except ValidationError as exc:
        text = format_validation_error(exc, source).replace("Value error, ", "")
        text = text.replace("invalid scenario", "invalid calibration", 1)
        raise CalibrationError(text.replace("<scenario>", "<calibration>")) from None


def preset_folder() -> Path:
    """Returns the folder of the shipped scenarios (and their calibration files)."""
    return Path(str(resources.files(PRESET_PACKAGE)))


def spec_path(case: str) -> Path:
    """Returns the calibration file of ``case``: a path to a file, or a shipped case name."""
    path = Path(case)
    if path.suffix in {".yaml", ".yml"} or path.is_file():
        return path
    return preset_folder() / f"{case}{SUFFIX}"


def load_spec(case: str | Path) -> CalibrationSpec:
    """Returns the calibration of a case name or calibration file path.

    Raises:
        CalibrationError: no such file, unsafe YAML, or an invalid field (named).
    """
    path = spec_path(str(case))
    if not path.is_file():
        raise CalibrationError(
            f"no calibration file for {shorten(str(case), 200)}: expected {path}")
    data = read_yaml_file(path, CalibrationError)
    return parse_spec(data, str(path))

"""The one registry of run-time parameters: what a timeline event, a macro actor or
``Model.set_parameter`` may change while a model runs.

Each row says where the value lives (its dotted path), its allowed range, whether it exists per
group (``groups.<name>.<field>``), what a change does to the model's state (its ``effect``),
which models support it, its initial value in a scenario and a typical value for test doubles.
Timeline validation, the run-time ``Parameters`` values, the scripted test model's defaults and
the dispatch of a change are all derived from this table: adding a parameter is one row here
plus its use in a kernel or an actor (CONTRIBUTING.md shows a worked example).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Literal

from uprising.scenario.mechanisms import FORCE_LEVELS

if TYPE_CHECKING:
    from uprising.scenario.schema import Scenario


class Effect(Enum):
    """What a model must do after a run-time parameter changed."""

    CITIZENS = "citizens"  # recompute every citizen's grievance, perceived risk and threshold
    COP_COUNT = "cop_count"  # put cops on or take them off duty to match the density
    MAX_TERM = "max_term"  # rewrite the kernel's maximum-jail-term switch
    VISION = "vision"  # rebuild the citizens' neighbourhood offsets
    MECH = "mech"  # rebuild the kernel's scalar mechanism parameters


ModelKind = Literal["civil_violence", "intergroup"]
BOTH: tuple[ModelKind, ...] = ("civil_violence", "intergroup")
MODEL_I: tuple[ModelKind, ...] = ("civil_violence",)


@dataclass(frozen=True)
class RuntimeParameter:
    """One row of the registry (see the module docstring)."""

    path: str
    low: float
    high: float
    effect: Effect
    initial: Callable[[Scenario], float]
    example: float
    group_field: str | None = None
    models: tuple[ModelKind, ...] = MODEL_I
    doc: str = ""

    def check(self, value: float, where: str) -> None:
        """Raises ValueError naming ``where`` when ``value`` is outside [low, high]."""
        if not self.low <= value <= self.high:  # also refuses NaN
            raise ValueError(f"{where} {self.path} = {value:g} must be in "
                             f"[{self.low:g}, {self.high:g}]")


def _force_code(sc: Scenario) -> float:
    return float(FORCE_LEVELS.index(sc.violence.force_level))


REGISTRY: tuple[RuntimeParameter, ...] = (
    RuntimeParameter("population.legitimacy", 0.0, 1.0, Effect.CITIZENS,
                     lambda sc: sc.population.legitimacy, 0.8, group_field="legitimacy",
                     models=BOTH, doc="perceived legitimacy L of the regime"),
    RuntimeParameter("population.threshold", 0.0, 1.0, Effect.CITIZENS,
                     lambda sc: sc.population.threshold, 0.1, group_field="threshold",
                     models=BOTH, doc="activation threshold T"),
    RuntimeParameter("population.hardship_scale", 0.0, 10.0, Effect.CITIZENS,
                     lambda sc: 1.0, 1.0, group_field="hardship_scale",
                     doc="multiplier of hardship H (capped at 1)"),
    RuntimeParameter("perception.risk_scale", 0.0, 10.0, Effect.CITIZENS,
                     lambda sc: 1.0, 1.0, group_field="risk_scale",
                     doc="multiplier of perceived arrest risk"),
    RuntimeParameter("population.vision", 0.5, 1000.0, Effect.VISION,
                     lambda sc: sc.population.vision, 7.0,
                     doc="citizens' vision radius (also bounded by the world size)"),
    RuntimeParameter("police.density", 0.0, 1.0, Effect.COP_COUNT,
                     lambda sc: sc.police.density, 0.04, models=BOTH,
                     doc="cops on duty per cell"),
    RuntimeParameter("police.loyalty_scale", 0.0, 10.0, Effect.MECH,
                     lambda sc: 1.0, 1.0, doc="multiplier of every cop's loyalty"),
    RuntimeParameter("jail.max_term", 0.0, math.inf, Effect.MAX_TERM,
                     lambda sc: sc.jail.max_term, 30.0, models=BOTH,
                     doc="maximum jail term J_max (inf: never released)"),
    RuntimeParameter("rules.move_probability", 0.0, 1.0, Effect.MECH,
                     lambda sc: sc.curfew.move_probability, 1.0,
                     doc="probability an agent moves when activated (curfew)"),
    RuntimeParameter("defection.sanction", 0.0, 10.0, Effect.MECH,
                     lambda sc: sc.defection.sanction, 0.3,
                     doc="σ, expected sanction for a cop who defects"),
    RuntimeParameter("violence.force_level", 0.0, 2.0, Effect.MECH, _force_code, 1.0,
                     doc="force level code: 0 restrained, 1 normal, 2 lethal"),
)

#: Row of each path.
BY_PATH: dict[str, RuntimeParameter] = {row.path: row for row in REGISTRY}
#: Every path a timeline event may change, in registry order.
PATHS: tuple[str, ...] = tuple(BY_PATH)
#: Paths that exist per group (an event may restrict them to one group with ``group:``).
GROUP_PATHS: tuple[str, ...] = tuple(r.path for r in REGISTRY if r.group_field is not None)
#: Global path → the per-group field it sets for every group.
GROUP_FIELDS: dict[str, str] = {r.path: r.group_field for r in REGISTRY if r.group_field}
#: Allowed (low, high) value of each path.
PATH_RANGES: dict[str, tuple[float, float]] = {r.path: (r.low, r.high) for r in REGISTRY}
#: Typical values, used by test doubles that stand in for a model.
EXAMPLE_VALUES: dict[str, float] = {r.path: r.example for r in REGISTRY}


def row_for(key: str) -> RuntimeParameter:
    """Returns the row of a run-time key: a path, or ``groups.<name>.<field>``.

    Raises:
        KeyError: the key names no run-time parameter.
    """
    if key in BY_PATH:
        return BY_PATH[key]
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "groups":
        for row in REGISTRY:
            if row.group_field == parts[2]:
                return row
    raise KeyError(f"{key!r} cannot be changed during a run; allowed: {', '.join(PATHS)}")


def supported(model: str) -> tuple[RuntimeParameter, ...]:
    """Returns the rows a model kind (``civil_violence`` or ``intergroup``) can change."""
    return tuple(r for r in REGISTRY if model in r.models)

"""Dated timeline events: set, ramp or scale a parameter, or grant a concession."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from uprising.scenario.base import MAX_JAIL_TERM, Frozen, Probability, Tick
from uprising.scenario.mechanisms import GroupName
from uprising.scenario.registry import BY_PATH, GROUP_PATHS, PATHS, supported

#: A path a timeline event may change: a row of ``uprising.scenario.registry``.
TimelinePath = Literal[PATHS]  # type: ignore[valid-type]


class _Targeted(Frozen):
    group: GroupName | None = Field(None, description="apply to this group only")

    @model_validator(mode="after")
    def _groupable(self) -> _Targeted:
        path = getattr(self, "path", None)
        if self.group is not None and path not in GROUP_PATHS:
            raise ValueError(f"path {path!r} cannot target a group; groupable: {GROUP_PATHS}")
        return self


class SetEvent(_Targeted):
    """At tick ``at`` (before that tick is simulated), set a parameter to ``value``."""

    kind: Literal["set"] = "set"
    at: Tick = Field(description="tick at which the value takes effect")
    path: TimelinePath
    value: float = Field(allow_inf_nan=True, description="'inf' only for jail.max_term")


class RampEvent(_Targeted):
    """Change a parameter linearly from ``start_value`` at ``start`` to ``end_value`` at ``end``."""

    kind: Literal["ramp"] = "ramp"
    start: Tick
    end: Tick
    path: TimelinePath
    start_value: float
    end_value: float

    @model_validator(mode="after")
    def _ordered(self) -> RampEvent:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self


class ScaleEvent(_Targeted):
    """At tick ``at``, multiply a parameter's current value by ``factor`` (a shock)."""

    kind: Literal["scale"] = "scale"
    at: Tick
    path: TimelinePath
    factor: float = Field(ge=0.0, le=100.0)


class ConcessionEvent(Frozen):
    """A concession: raises legitimacy and/or lowers hardship of the named groups (all if empty)
    and, as a signal of weakness, scales their perceived arrest probability by
    ``1 − weakness_signal·exp(−(t − at)/decay_ticks)`` from tick ``at`` on."""

    kind: Literal["concession"] = "concession"
    at: Tick
    groups: tuple[GroupName, ...] = Field((), max_length=100)
    legitimacy_gain: float = Field(0.0, ge=0.0, le=1.0, description="added to L_g (capped at 1)")
    hardship_factor: float = Field(1.0, gt=0.0, le=1.0, description="multiplies hardship")
    weakness_signal: Probability = Field(0.0, description="s, drop of perceived arrest risk")
    decay_ticks: float = Field(10.0, gt=0.0, le=1e6, description="τ of the signal's decay")
    credibility: Probability = Field(
        1.0, description="c: share of the concession citizens believe (legitimacy gain and "
        "hardship cut are scaled by c; with demands on, 1 − c moves demands to politics)"
    )


TimelineEvent = Annotated[
    SetEvent | RampEvent | ScaleEvent | ConcessionEvent, Field(discriminator="kind")
]


def last_tick(ev: SetEvent | RampEvent | ScaleEvent | ConcessionEvent) -> int:
    """Returns the last tick at which an event changes something by itself."""
    return ev.end if isinstance(ev, RampEvent) else ev.at


def check_event(index: int, ev: object, scenario: Any, groups: set[str]) -> None:
    """Raises ValueError when an event falls outside the run, names an unknown group, changes a
    parameter the scenario's model does not have or sets a value outside its path's range (for
    ``population.vision`` also the static bound of the world size)."""
    where = f"timeline[{index}]"
    if last_tick(ev) > scenario.ticks:
        raise ValueError(
            f"{where} ends at tick {last_tick(ev)}, after the run's last tick {scenario.ticks}"
        )
    named = list(ev.groups) if isinstance(ev, ConcessionEvent) else [ev.group]
    for g in named:
        if g is not None and g not in groups:
            raise ValueError(f"{where}: unknown group {g!r}; groups: {sorted(groups)}")
    if isinstance(ev, ConcessionEvent):
        if scenario.model != "civil_violence":
            raise ValueError(f"{where}: concessions need model = civil_violence")
        return
    row = BY_PATH[ev.path]
    if ev.group is not None and scenario.model != "civil_violence":
        raise ValueError(f"{where}: model = {scenario.model} has no groups to target")
    if scenario.model not in row.models:
        allowed = ", ".join(r.path for r in supported(scenario.model))
        raise ValueError(f"{where}: {ev.path} cannot change during a run of model = "
                         f"{scenario.model}; allowed: {allowed}")
    if isinstance(ev, SetEvent):
        values = [ev.value]
    elif isinstance(ev, RampEvent):
        values = [ev.start_value, ev.end_value]
    else:
        return
    for value in values:
        row.check(value, where)
        if ev.path == "jail.max_term" and math.isfinite(value) and value > MAX_JAIL_TERM:
            raise ValueError(f"{where} jail.max_term = {value:g} must be ≤ {MAX_JAIL_TERM} "
                             "ticks or 'inf' (never released)")
        if ev.path == "population.vision":
            check_vision(scenario.world, value, f"{where} population.vision")


def check_vision(world: Any, vision: float, what: str) -> None:
    """Raises ValueError when a vision radius sees a cell twice on the world's torus."""
    side = min(world.width, world.height)
    if world.torus and 2 * math.floor(vision) + 1 > side:
        raise ValueError(
            f"{what} = {vision:g} sees the same cell twice on a {side}-cell torus: "
            f"must be < {side / 2:g}"
        )


def timeline_max_density(scenario: Any) -> float:
    """Returns the highest police density the scenario's timeline can set."""
    densities = [scenario.police.density]
    for ev in scenario.timeline:
        if getattr(ev, "path", None) != "police.density":
            continue
        if ev.kind == "set":
            densities.append(ev.value)
        elif ev.kind == "ramp":
            densities += [ev.start_value, ev.end_value]
        elif ev.kind == "scale":
            densities.append(min(1.0, max(densities) * ev.factor))
    return max(densities)


"""Which engine can run which mechanism: a scenario an engine cannot run is refused, naming the
mechanism, instead of being run with the mechanism silently ignored."""

from __future__ import annotations

from typing import Any

#: Run-time parameters the fast engine does not read (they live in the reference kernel's scalar
#: mechanism array only).
REFERENCE_ONLY_PATHS = ("rules.move_probability", "police.loyalty_scale", "violence.force_level")


def unsupported(scenario: Any) -> list[str]:
    """Returns the mechanisms of ``scenario`` its engine cannot run (empty for the reference
    engine, which runs them all)."""
    if scenario.engine == "reference":
        return []
    out = []
    if scenario.curfew.move_probability < 1.0:
        out.append(f"curfew (curfew.move_probability = {scenario.curfew.move_probability:g})")
    gov = scenario.government
    if gov.mode != "off" and gov.emergency is not None:
        out.append("the government's emergency (government.emergency: a curfew)")
    for i, ev in enumerate(scenario.timeline):
        if getattr(ev, "path", None) in REFERENCE_ONLY_PATHS:
            out.append(f"timeline[{i}] changing {ev.path}")
    if scenario.national is not None:
        out.append("a national scenario (national: curfews and emergencies)")
    if scenario.demands.enabled:
        out.append("demands (two-dimensional grievance)")
    if scenario.external_power.enabled and scenario.external_power.guard_targets is not None:
        out.append("guarded targets (external_power.guard_targets)")
    return out


def check_engine(scenario: Any) -> None:
    """Raises ValueError naming every mechanism the scenario's engine cannot run."""
    missing = unsupported(scenario)
    if missing:
        raise ValueError(
            f"engine {scenario.engine!r} cannot run {'; '.join(missing)}: use engine: reference"
        )

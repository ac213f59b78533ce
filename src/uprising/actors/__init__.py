"""Macro actors that act between ticks: government, external power, elite.

``build_actors(scenario)``, called by ``uprising.simulation.civil_violence.Model``, returns the
actors a scenario switches on, each with ``before_tick(model, tick)``. They see a model only
through ``interface.ActorModel`` and change it only through ``set_parameter``, ``concede`` and
``log_event``; equations: docs/ODD.md §8.1 (E8–E10).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from uprising.actors.common import PoliceLevers
from uprising.actors.elite import EliteActor
from uprising.actors.external_power import ExternalPowerActor
from uprising.actors.government import GovernmentActor
from uprising.actors.interface import Actor, ActorModel
from uprising.scenario.actors import max_police_density
from uprising.scenario.events import timeline_max_density

if TYPE_CHECKING:
    from uprising.scenario import Scenario

__all__ = [
    "Actor", "ActorModel", "EliteActor", "ExternalPowerActor", "GovernmentActor", "build_actors",
]


def build_actors(scenario: Scenario) -> list[Actor]:
    """Returns the scenario's macro actors in the order they act each tick: elite (sets resolve
    and loyalty), government (may request help), external power (answers the same tick)."""
    levers = PoliceLevers(max_police_density(scenario, timeline_max_density(scenario)))
    elite = EliteActor(scenario.elite) if scenario.elite.enabled else None
    external = (
        ExternalPowerActor(scenario.external_power, levers)
        if scenario.external_power.enabled
        else None
    )
    government = (
        GovernmentActor(scenario.government, levers, elite=elite, external=external)
        if scenario.government.mode != "off"
        else None
    )
    return [a for a in (elite, government, external) if a is not None]

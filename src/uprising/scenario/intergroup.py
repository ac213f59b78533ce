"""The ``intergroup:`` scenario section (Model II) and its cross-section checks.

Every rule Epstein's Model II leaves open is a named switch with the reading used by the most
careful replication (ndouglas/SugarScape, epstein_spec.md §2) as default; ``docs/ODD.md`` and
``docs/reproduction.md`` explain them. This module must not import ``uprising.scenario``: the
scenario schema imports it (``uprising.scenario.base`` holds only pydantic building blocks).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from uprising.scenario.base import Frozen


class InterGroup(Frozen):
    """Model II settings: two groups, killing, cloning, death by age."""

    group_share: float = Field(
        0.5, ge=0.0, le=1.0, description="share of the initial citizens in group 0 (Blue)"
    )
    group_assignment: Literal["bernoulli", "exact"] = Field(
        "bernoulli",
        description="each initial citizen is Blue with probability group_share (ndouglas), or "
        "exactly round(group_share·citizens) are Blue",
    )
    clone_probability: float = Field(
        0.05, ge=0.0, le=1.0, description="p, chance per tick that a free citizen clones"
    )
    clone_site: Literal["moore", "von_neumann"] = Field(
        "moore",
        description="where a clone may be put: a random empty cell among the 8 Moore "
        "neighbours (ndouglas) or the 4 von Neumann neighbours",
    )
    clone_risk: Literal["new", "inherit"] = Field(
        "new",
        description="offspring inherit group and grievance (paper); risk aversion is drawn "
        "anew (ndouglas) or inherited",
    )
    max_age: int = Field(
        200,
        ge=1,
        le=10_000_000,
        description="death age ~ U(0, max_age), counted in whole ticks: uniform on 1..max_age",
    )
    initial_age: Literal["zero", "uniform"] = Field(
        "zero",
        description="initial citizens are newborn (ndouglas) or already part-way through "
        "their life (age uniform on 0..death_age−1)",
    )
    age_in_jail: bool = Field(
        True, description="jailed citizens keep ageing and can die in jail (ndouglas)"
    )
    actives_counted: Literal["all", "own_group"] = Field(
        "all",
        description="A in the arrest estimate counts the actives of both groups (ndouglas) or "
        "only the agent's own group",
    )
    stop_at_extinction: bool = Field(
        True, description="end the run at the first tick a group has no living member"
    )


def check_scenario(scenario: Any) -> None:
    """Returns None if the scenario's sections fit its ``model``; raises ValueError otherwise.

    Called by ``Scenario``'s model validator, so every message names the offending field.
    Which timeline paths Model II follows is said by ``uprising.scenario.registry``.
    """
    if scenario.model != "intergroup":
        if scenario.intergroup is not None:
            raise ValueError(
                "intergroup: this section only applies when model = intergroup "
                f"(model is {scenario.model!r})"
            )
        return
    rules, jail = scenario.rules, scenario.jail
    if rules.jailed != "removed":
        raise ValueError(
            f"rules.jailed = {rules.jailed!r} is not supported by model = intergroup: "
            "allowed: 'removed' (jailed citizens leave the lattice)"
        )
    if jail.countdown != "end_of_tick":
        raise ValueError(
            f"jail.countdown = {jail.countdown!r} is not supported by model = intergroup: "
            "allowed: 'end_of_tick'"
        )
    if rules.cop_moves_to_arrestee:
        raise ValueError(
            "rules.cop_moves_to_arrestee = true is not supported by model = intergroup: "
            "allowed: false"
        )
    if getattr(scenario, "groups", ()):
        raise ValueError(
            "groups: not supported by model = intergroup (Model II has its own two groups, "
            "set with intergroup.group_share)"
        )
    mechanisms = list(getattr(scenario, "micro_mechanisms", []))
    if mechanisms:
        raise ValueError(
            f"{mechanisms[0]}: mechanism not supported by model = intergroup (switch it off)"
        )
    if scenario.engine != "reference":
        raise ValueError(
            f"engine = {scenario.engine!r} is not supported by model = intergroup: "
            "allowed: 'reference' (Model II has its own kernel)"
        )

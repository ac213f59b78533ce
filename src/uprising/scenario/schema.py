"""Typed, frozen, validated description of a simulation (the scenario file).

Every rule the paper leaves open is a named switch here, with the paper's reading as the default.
See ``docs/ODD.md`` for the meaning of each switch and the implementations that use each value.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, field_validator, model_validator

from uprising.scenario.actors import Elite, ExternalPower, Government, check_actor_sections
from uprising.scenario.base import (
    MAX_CELLS,
    MAX_TICKS,
    Distribution,
    Frozen,
    Name,
    PathText,
    Probability,
    Text,
    check_jail_term,
)
from uprising.scenario.bounds import check_crackdown_reach, check_timeline_density, check_violence
from uprising.scenario.clock import Clock, resolve_dates
from uprising.scenario.engines import check_engine
from uprising.scenario.events import TimelineEvent, check_event, check_vision
from uprising.scenario.intergroup import InterGroup
from uprising.scenario.intergroup import check_scenario as check_intergroup
from uprising.scenario.mechanisms import (
    Crowd,
    Curfew,
    Defection,
    Demands,
    Group,
    Mobilisers,
    Reluctance,
    Violence,
    check_group_names,
)
from uprising.scenario.national import National, check_national
from uprising.scenario.sites import News, Site
from uprising.scenario.stakes import warn_inert_stakes


class World(Frozen):
    """The lattice."""

    width: int = Field(40, ge=3, le=100_000, description="cells along x")
    height: int = Field(40, ge=3, le=100_000, description="cells along y")
    torus: bool = Field(True, description="edges wrap around")


class Neighbourhood(Frozen):
    """Shape of the sites an agent sees within its vision radius."""

    shape: Literal["euclidean", "von_neumann", "moore", "cross"] = Field(
        "euclidean",
        description="euclidean disc dx²+dy²≤v² (paper Table 2, NetLogo), von_neumann diamond "
        "|dx|+|dy|≤v (Mesa), moore square max(|dx|,|dy|)≤v, cross (N/S/E/W lines only)",
    )
    include_center: bool = Field(
        False, description="the agent's own cell is part of its vision (NetLogo in-radius)"
    )


class Population(Frozen):
    """Citizens (Epstein's 'agents')."""

    density: Probability = Field(0.7, description="share of cells holding a citizen")
    legitimacy: Probability = Field(0.82, description="L, perceived regime legitimacy")
    threshold: float = Field(0.1, ge=0.0, le=1.0, description="T, activation threshold")
    vision: float = Field(7.0, gt=0.0, le=1000.0, description="v, citizen vision radius")
    hardship: Distribution = Field(default_factory=Distribution, description="H ~ U(0,1)")
    risk_aversion: Distribution = Field(default_factory=Distribution, description="R ~ U(0,1)")


class Police(Frozen):
    """Cops."""

    density: Probability = Field(0.04, description="share of cells holding a cop")
    vision: float = Field(7.0, gt=0.0, le=1000.0, description="v*, cop vision radius")
    k: float = Field(2.3, ge=0.0, le=100.0, description="arrest constant in P = 1 − exp(−k·ratio)")
    loyalty: Distribution = Field(
        default_factory=lambda: Distribution(dist="constant", value=1.0),
        description="ℓ_i per cop (used by reluctance); 1 = fully loyal",
    )


class Jail(Frozen):
    """Jail terms."""

    max_term: float = Field(
        30, ge=0, allow_inf_nan=True,
        description="J_max ≤ 10⁶ ticks; 'inf' (or .inf in YAML) means never released",
    )
    term_range: Literal["one_to_max", "zero_to_max_minus_one", "zero_to_max"] = Field(
        "one_to_max",
        description="integer J: 1..J_max (paper's U(0,J_max) counted in whole ticks), "
        "0..J_max−1 (NetLogo), 0..J_max (Mesa)",
    )
    countdown: Literal["end_of_tick", "own_step"] = Field(
        "end_of_tick",
        description="terms count down after every agent acted (NetLogo) or in the "
        "prisoner's own activation (Mesa)",
    )

    @field_validator("max_term", mode="before")
    @classmethod
    def _parse_inf(cls, v: object) -> object:
        if isinstance(v, str) and v.strip().lower() in {"inf", "infinity", "none", "never"}:
            return math.inf
        if v is None:
            return math.inf
        return v

    @field_validator("max_term")
    @classmethod
    def _integer_or_inf(cls, v: float) -> float:
        return check_jail_term(v)

    @property
    def infinite(self) -> bool:
        """Returns whether jailed citizens are never released."""
        return math.isinf(self.max_term)


class Rules(Frozen):
    """Switches for every rule choice the paper leaves open (epstein_spec.md §1.8)."""

    arrest_ratio: Literal["literal", "floor", "round_half_even", "round_half_up"] = Field(
        "literal",
        description="ratio in P = 1 − exp(−k·(C/A)): literal C/A (paper), floor (NetLogo), "
        "round_half_even (Mesa ≥ 2024), round_half_up",
    )
    self_count: Literal["once", "twice_if_active"] = Field(
        "once",
        description="A = 1 + actives seen (paper, Mesa); twice_if_active adds one more when "
        "the agent is already active (NetLogo's in-radius includes its own patch)",
    )
    order: Literal["move_then_act", "act_then_move"] = Field(
        "move_then_act",
        description="within an activation: paper/NetLogo move first, Mesa acts first",
    )
    activation: Literal["random_asynchronous"] = Field(
        "random_asynchronous",
        description="every agent activated once per tick, in a fresh random order, in place",
    )
    movement: bool = Field(True, description="rule M: move to a random empty site in vision")
    cops_move_when_movement_off: bool = Field(
        True, description="cops still move when movement is off (NetLogo, ndouglas); Mesa: no"
    )
    jailed: Literal["removed", "stay_and_block", "stay_as_empty"] = Field(
        "removed",
        description="jailed citizens leave the lattice (paper per ndouglas), stay and block "
        "their cell (Mesa), or stay while their cell counts as empty (NetLogo)",
    )
    release: Literal["near_arrest", "anywhere", "in_place"] = Field(
        "near_arrest",
        description="where a released citizen reappears (jailed = removed): random empty "
        "cell within vision of the arrest site, any empty cell, or the arrest site itself",
    )
    cop_moves_to_arrestee: bool = Field(
        False, description="the arresting cop steps onto the arrestee's cell (NetLogo)"
    )
    initial_counts: Literal["exact", "bernoulli"] = Field(
        "exact",
        description="exact round(density·cells) agents (NetLogo, ndouglas) or an independent "
        "draw per cell (Mesa)",
    )

    @model_validator(mode="after")
    def _compatible(self) -> Rules:
        if self.cop_moves_to_arrestee and self.jailed == "stay_and_block":
            raise ValueError(
                "cop_moves_to_arrestee needs a free arrest cell: use jailed = removed or "
                "stay_as_empty (the arrestee blocks its cell under stay_and_block)"
            )
        return self


class Observer(Frozen):
    """Outburst detection (paper: starts when actives exceed 50, ends when they fall below 50)."""

    # counts of actives: no world holds more than MAX_CELLS citizens
    outburst_start: float = Field(
        50, ge=0, le=MAX_CELLS, description="outburst starts when actives > this"
    )
    outburst_end: float = Field(
        50, ge=0, le=MAX_CELLS, description="outburst ends when actives < this"
    )
    scale_with_population: bool = Field(
        False,
        description="thresholds are per 1120 citizens (the paper's 40×40×0.7) and scale "
        "with the number of citizens",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Observer:
        if self.outburst_end > self.outburst_start:
            raise ValueError(
                f"outburst_end ({self.outburst_end}) must be ≤ outburst_start "
                f"({self.outburst_start})"
            )
        return self


class Output(Frozen):
    """What a run writes."""

    directory: PathText = Field("results", description="where `uprising run` writes results")
    plot: bool = Field(True, description="write a PNG of the time series next to the results")


class Scenario(Frozen):
    """A complete, validated simulation description."""

    name: Name = "custom"
    description: Text = ""
    reproduces: Text = Field("", description="what this preset reproduces, with sources")
    world: World = Field(default_factory=World)
    neighbourhood: Neighbourhood = Field(default_factory=Neighbourhood)
    population: Population = Field(default_factory=Population)
    police: Police = Field(default_factory=Police)
    jail: Jail = Field(default_factory=Jail)
    rules: Rules = Field(default_factory=Rules)
    observer: Observer = Field(default_factory=Observer)
    timeline: tuple[TimelineEvent, ...] = Field((), max_length=10_000)
    groups: tuple[Group, ...] = Field(
        (), max_length=100, description="population groups; empty = one group"
    )
    crowd: Crowd = Field(default_factory=Crowd)
    mobilisers: Mobilisers = Field(default_factory=Mobilisers)
    reluctance: Reluctance = Field(default_factory=Reluctance)
    defection: Defection = Field(default_factory=Defection)
    violence: Violence = Field(default_factory=Violence)
    curfew: Curfew = Field(default_factory=Curfew)
    demands: Demands = Field(default_factory=Demands)
    model: Literal["civil_violence", "intergroup"] = Field(
        "civil_violence",
        description="civil_violence: Epstein Model I; intergroup: Model II (two groups, "
        "killing, cloning, death by age; see the intergroup section)",
    )
    intergroup: InterGroup | None = Field(
        None, description="Model II settings (model = intergroup only)"
    )
    government: Government = Field(default_factory=Government)
    external_power: ExternalPower = Field(default_factory=ExternalPower)
    elite: Elite = Field(default_factory=Elite)
    sites: tuple[Site, ...] = Field(
        (), max_length=100, description="several lattices (cities); empty = one"
    )
    news: News = Field(default_factory=News)
    engine: Literal["reference", "fast"] = Field(
        "reference",
        description="scheduler: reference (random asynchronous activation, as the paper) or "
        "fast (random asynchronous within blocks, blocks in parallel; see docs/fast-engine.md)",
    )
    ticks: int = Field(1000, ge=1, le=MAX_TICKS)
    # results store the seed in an int64 column
    seed: int = Field(0, ge=0, le=2**63 - 1, description="root of the SeedSequence")
    output: Output = Field(default_factory=Output)
    clock: Clock | None = Field(None, description="calendar time; None = ticks only")
    national: National | None = Field(
        None, description="a country of regions linked by a diffusion network "
        "(docs/real-world-frame.md); None = one lattice or sites"
    )

    @model_validator(mode="before")
    @classmethod
    def _dated(cls, data: object) -> object:
        return resolve_dates(data) if isinstance(data, dict) else data

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        check_intergroup(self)
        total = self.population.density + self.police.density
        if total > 1.0 + 1e-12:
            raise ValueError(
                f"population.density + police.density = {total:g} exceeds 1 (one agent per cell)"
            )
        for who, v in (("population", self.population.vision), ("police", self.police.vision)):
            check_vision(self.world, v, f"{who}.vision")
        check_group_names(self.groups)
        names = self.group_names
        for i, ev in enumerate(self.timeline):
            check_event(i, ev, self, set(names))
        check_timeline_density(self)
        check_violence(self)
        for g in self.mobilisers.groups:
            if g not in names:
                raise ValueError(f"mobilisers.groups: unknown group {g!r}; groups: {names}")
        check_crackdown_reach(self)
        check_actor_sections(self)
        warn_inert_stakes(self)
        check_national(self)
        check_engine(self)
        if self.neighbourhood.include_center and self.rules.self_count != "twice_if_active":
            raise ValueError(
                "neighbourhood.include_center: the own cell holds the agent itself, so seeing it "
                "means an already-active agent counts itself a second time (NetLogo); say so with "
                "rules.self_count: twice_if_active, or set include_center: false"
            )
        if self.engine != "reference" and self.micro_mechanisms:
            raise ValueError(
                f"engine {self.engine!r} runs the plain Model I only; switch off "
                f"{', '.join(self.micro_mechanisms)} or use engine: reference"
            )
        return self

    @property
    def group_names(self) -> list[str]:
        """Returns the population group names (``["all"]`` when no groups are declared)."""
        return [g.name for g in self.groups] or ["all"]

    @property
    def micro_mechanisms(self) -> list[str]:
        """Returns the names of the kernel-level mechanisms this scenario switches on."""
        on = []
        if self.crowd.in_group_only:
            on.append("crowd")
        if self.mobilisers.share > 0:
            on.append("mobilisers")
        if self.reluctance.enabled:
            on.append("reluctance")
        if self.defection.enabled:
            on.append("defection")
        if self.violence.enabled:
            on.append("violence")
        return on

"""Scenario sections of the macro actors: government, external power, elite.

All are off by default, so the Epstein presets are untouched. Equations and sources:
docs/ODD.md §8.1 (E8–E10). The actors themselves live in ``uprising.actors``; several sites
and their news coupling are ``uprising.scenario.sites``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator, model_validator

from uprising.scenario.base import MAX_TICKS, Frozen, Probability, Tick, Ticks, check_jail_term
from uprising.scenario.mechanisms import GroupName
from uprising.scenario.sites import site_scenario

if TYPE_CHECKING:
    from uprising.scenario.schema import Scenario

#: Numeric code of each force policy (the value ``violence.force_level`` takes).
FORCE_CODES = {"restrained": 0.0, "normal": 1.0, "lethal": 2.0}

#: Government responses in the order the rule checks them within one tick.
GOVERNMENT_ACTIONS = ("concede", "emergency", "cut_information", "crackdown", "request_help")


def _parse_inf(v: object) -> object:
    if v is None:
        return None
    if isinstance(v, str) and v.strip().lower() in {"inf", "infinity", "never"}:
        return math.inf
    return v


class Response(Frozen):
    """When a government response fires (rule mode) and how often it may fire again."""

    threshold: Probability = Field(
        0.1, description="fires when the observed active share (actives / citizens) is ≥ this"
    )
    max_times: int = Field(1, ge=1, le=1000, description="how many times it may fire in a run")
    cooldown: Ticks = Field(
        0, description="ticks after firing before it may fire again (max_times > 1)"
    )


class Concession(Response):
    """A concession (``model.concede``): legitimacy up and/or hardship down for ``groups``
    (all if empty), with a decaying signal of weakness that lowers perceived arrest risk."""

    groups: tuple[GroupName, ...] = Field((), max_length=100)
    legitimacy_gain: Probability = Field(0.05, description="added to L (capped at 1)")
    hardship_factor: float = Field(1.0, gt=0.0, le=1.0, description="multiplies hardship")
    weakness_signal: Probability = Field(0.0, description="s, drop of perceived arrest risk")
    decay_ticks: int = Field(10, ge=1, le=1_000_000, description="τ of the signal's decay")
    credibility: Probability = Field(1.0, description="c: share of the concession believed")


class Crackdown(Response):
    """More police, longer jail terms and/or a harsher force policy."""

    police_factor: float = Field(
        1.5, ge=1.0, le=100.0, description="multiplies police.density (capped by free cells)"
    )
    max_term: float | None = Field(
        None, ge=0.0, allow_inf_nan=True,
        description="new jail.max_term (≤ 10⁶ ticks, or 'inf'); None = unchanged",
    )
    force_level: Literal["restrained", "normal", "lethal"] | None = Field(
        None, description="new violence.force_level; None = unchanged"
    )
    duration: int | None = Field(
        None, ge=1, le=MAX_TICKS, description="ticks until everything is restored; None = permanent"
    )

    @field_validator("max_term", mode="before")
    @classmethod
    def _inf(cls, v: object) -> object:
        return _parse_inf(v)

    @field_validator("max_term")
    @classmethod
    def _term(cls, v: float | None) -> float | None:
        return None if v is None else check_jail_term(v)


class Emergency(Response):
    """A state of emergency with a curfew: free citizens move only with this probability."""

    move_probability: Probability = Field(0.2, description="rules.move_probability under curfew")
    duration: int | None = Field(
        None, ge=1, le=MAX_TICKS, description="ticks until lifted; None = never"
    )


class InformationCut(Response):
    """An internet cut-off: citizen vision shrinks and news from other sites is damped."""

    vision_factor: float = Field(0.3, gt=0.0, le=1.0, description="multiplies population.vision")
    news_factor: Probability = Field(
        0.0, description="multiplies news sent and received by this site (several sites)"
    )
    duration: int | None = Field(
        None, ge=1, le=MAX_TICKS, description="ticks until restored; None = never"
    )


class HelpRequest(Response):
    """A request for external help (signals the external power; no direct effect)."""


class ScriptedAction(Frozen):
    """At tick ``at`` the government takes ``action`` (its settings come from that section)."""

    at: Tick = Field(description="tick at which the action is taken")
    action: Literal["concede", "emergency", "cut_information", "crackdown", "request_help"]


class OnSeized(Frozen):
    """A response to seized targets: once ``after`` targets are destroyed (damage 1), the
    government takes ``action`` (its settings come from that section) at the next tick."""

    action: Literal["concede", "emergency", "cut_information", "crackdown", "request_help"]
    after: int = Field(
        1, ge=1, le=100_000, description="destroyed targets that set it off (≤ the targets)"
    )


class Reporting(Frozen):
    """What a government observes: reported(t) = bias · true(t − lag) (an observation model)."""

    lag: int = Field(0, ge=0, le=10_000, description="ticks before a count is reported")
    bias: float = Field(1.0, gt=0.0, le=10.0, description="reported / true (< 1: under-reported)")


class Government(Frozen):
    """The government actor: scripted (``script``) or rule-based responses to observed unrest."""

    mode: Literal["off", "script", "rule"] = Field(
        "off", description="off; script = act at the ticks in `script`; rule = act on thresholds"
    )
    window: int = Field(
        1, ge=1, le=10_000, description="ticks averaged in the observed active share"
    )
    start_tick: Tick = Field(
        1, description="rule mode acts only from this tick on (earlier ticks: warm-up, "
        "e.g. the opening transient in which every eligible citizen activates at once)"
    )
    measure: Literal["active", "violent"] = Field(
        "active", description="what it watches: actives or violent actives per citizen"
    )
    resolve: Probability = Field(
        1.0,
        description="ρ₀: readiness to crack down; the crackdown threshold is divided by "
        "ρ = ρ₀·(elite resolve factor)",
    )
    concede: Concession | None = None
    emergency: Emergency | None = None
    cut_information: InformationCut | None = None
    crackdown: Crackdown | None = None
    request_help: HelpRequest | None = None
    script: tuple[ScriptedAction, ...] = Field((), max_length=10_000)
    reporting: Reporting = Field(default_factory=Reporting)
    on_seized: OnSeized | None = Field(
        None, description="act once when targets are seized (violence); None = never"
    )

    @model_validator(mode="after")
    def _complete(self) -> Government:
        if self.mode == "script" and not self.script:
            raise ValueError("mode = script needs at least one entry in script")
        if self.mode == "rule" and all(getattr(self, a) is None for a in GOVERNMENT_ACTIONS):
            raise ValueError(
                f"mode = rule needs at least one response section: {', '.join(GOVERNMENT_ACTIONS)}"
            )
        for i, entry in enumerate(self.script):
            if getattr(self, entry.action) is None:
                raise ValueError(
                    f"script[{i}].action = {entry.action!r} needs the {entry.action} section"
                )
        seized = self.on_seized
        if seized is not None and (self.mode == "off" or getattr(self, seized.action) is None):
            raise ValueError(
                f"on_seized.action = {seized.action!r} needs mode = rule or script and the "
                f"{seized.action} section"
            )
        return self


class StakesWeights(Frozen):
    """Weights of the three stakes components (must sum to 1)."""

    border: float = Field(1 / 3, ge=0.0, le=1.0)
    sites: float = Field(1 / 3, ge=0.0, le=1.0)
    diaspora: float = Field(1 / 3, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _sum_to_one(self) -> StakesWeights:
        total = self.border + self.sites + self.diaspora
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"border + sites + diaspora must sum to 1, got {total:g}")
        return self


class ExternalPower(Frozen):
    """A neighbouring power that intervenes when instability exceeds a stakes-dependent
    threshold θ = θ_max·(1 − S), or after a government request, after a delay."""

    enabled: bool = False
    border_km: float = Field(0.0, ge=0.0, le=100_000.0, description="shared land border, km")
    strategic_sites: int = Field(0, ge=0, le=1000, description="strategic sites it uses there")
    diaspora_share: Probability = Field(0.0, description="its diaspora's share of the population")
    border_ref_km: float = Field(
        7644.0, gt=0.0, le=100_000.0,
        description="border length giving full border stakes (Russia–Kazakhstan)",
    )
    sites_ref: float = Field(
        2.0, gt=0.0, le=1000.0, description="site count giving full site stakes"
    )
    diaspora_ref: float = Field(
        0.25, gt=0.0, le=1.0, description="diaspora share giving full diaspora stakes"
    )
    weights: StakesWeights = Field(default_factory=StakesWeights)
    theta_max: Probability = Field(
        0.5, description="intervention threshold (active share) when stakes are zero"
    )
    trigger: Literal["request", "instability", "either"] = Field(
        "either", description="what can set the intervention off"
    )
    request_factor: Probability = Field(
        0.0, description="a request is honoured once instability ≥ request_factor·θ"
    )
    window: int = Field(1, ge=1, le=10_000, description="ticks averaged in the instability")
    start_tick: Tick = Field(
        1, description="instability can set it off only from this tick on (warm-up)"
    )
    measure: Literal["active", "violent"] = Field(
        "active", description="instability: actives or violent actives per citizen"
    )
    delay_ticks: int = Field(5, ge=0, le=1_000_000, description="decision → arrival")
    reinforcement: Literal["police", "static_posts"] = Field(
        "police",
        description="police: adds police_share to police.density; static_posts: guards "
        "posts, freeing local police: police.density × (1 + freed_share)",
    )
    police_share: Probability = Field(0.02, description="extra police density (police mode)")
    freed_share: float = Field(
        0.1, ge=0.0, le=10.0, description="share of local police freed (static_posts mode)"
    )
    stay_ticks: int | None = Field(
        None, ge=1, le=MAX_TICKS, description="ticks deployed; None = to the end"
    )
    guard_targets: Literal["all"] | tuple[int, ...] | None = Field(
        None, max_length=100_000,
        description="targets (violence) it guards while deployed: 'all' or indices (listed "
        "target_cells first, then random ones); a guarded target takes no damage; None = none",
    )


class Elite(Frozen):
    """Elite cohesion c ∈ [0, 1]: scales police loyalty and government resolve; can split."""

    enabled: bool = False
    cohesion: Probability = Field(1.0, description="c at the start")
    split_at: int | None = Field(
        None, ge=1, le=MAX_TICKS, description="tick at which cohesion changes"
    )
    split_to: Probability = Field(0.5, description="c from split_at on")
    loyalty_sensitivity: Probability = Field(
        1.0, description="λ: police.loyalty_scale = 1 − λ·(1 − c)"
    )
    resolve_sensitivity: Probability = Field(
        1.0, description="μ: government resolve factor = 1 − μ·(1 − c)"
    )
    erosion: float = Field(
        0.0, ge=0.0, le=100.0,
        description="η (endogenous cohesion): c ← max(0, c − η·max(0, a − a_tol)) each tick, "
        "a the observed active share",
    )
    tolerance: Probability = Field(0.05, description="a_tol: unrest the elite tolerates")


def stakes_index(ep: ExternalPower) -> float:
    """Returns S ∈ [0, 1]: the weighted sum of the clipped, normalised stakes."""
    border = min(1.0, ep.border_km / ep.border_ref_km)
    sites = min(1.0, ep.strategic_sites / ep.sites_ref)
    diaspora = min(1.0, ep.diaspora_share / ep.diaspora_ref)
    w = ep.weights
    return min(1.0, w.border * border + w.sites * sites + w.diaspora * diaspora)


def intervention_threshold(ep: ExternalPower) -> float:
    """Returns θ = θ_max·(1 − S), the instability (active share) that sets the power off."""
    return ep.theta_max * (1.0 - stakes_index(ep))


def max_police_density(scenario: Scenario, base: float | None = None) -> float:
    """Returns the highest police density the scenario's actors can ask for, given the highest
    density ``base`` the timeline can set (default: police.density), capped by the cells the
    citizens leave free. The engine allocates this many cop slots."""
    density = scenario.police.density if base is None else base
    gov, ext = scenario.government, scenario.external_power
    if gov.mode != "off" and gov.crackdown is not None and density > 0:
        growth = gov.crackdown.max_times * math.log(gov.crackdown.police_factor)
        density = density * math.exp(growth) if growth < 700 else math.inf
    if ext.enabled:
        if ext.reinforcement == "static_posts":
            density *= 1.0 + ext.freed_share
        else:
            density += ext.police_share
    return min(max(density, base or 0.0), 1.0 - scenario.population.density)


def _check_seized_and_guards(scenario: Scenario) -> None:
    v = scenario.violence
    n_targets = v.targets + len(v.target_cells) if v.enabled else 0
    seized = scenario.government.on_seized
    if seized is not None and seized.after > n_targets:
        raise ValueError(
            f"government.on_seized.after = {seized.after} exceeds the {n_targets} targets "
            "(violence.enabled, violence.targets + violence.target_cells)"
        )
    ep = scenario.external_power
    if ep.enabled and ep.guard_targets is not None:
        if n_targets == 0:
            raise ValueError(
                "external_power.guard_targets needs targets (violence.enabled with "
                "violence.targets or violence.target_cells)"
            )
        if ep.guard_targets != "all":
            for i, t in enumerate(ep.guard_targets):
                if not 0 <= t < n_targets:
                    raise ValueError(
                        f"external_power.guard_targets[{i}] = {t} is not a target index "
                        f"(0 ≤ index < {n_targets})"
                    )
            if len(set(ep.guard_targets)) != len(ep.guard_targets):
                raise ValueError("external_power.guard_targets: an index is listed twice")


def check_actor_sections(scenario: Scenario) -> None:
    """Raises ValueError (naming the field) when an actor or site setting does not fit the run:
    events after the last tick, unknown site names, duplicate sites, invalid site overrides."""
    ticks = scenario.ticks
    gov = scenario.government
    for i, entry in enumerate(gov.script):
        if entry.at > ticks:
            raise ValueError(
                f"government.script[{i}].at = {entry.at} is after the run's last tick {ticks}"
            )
    if gov.concede is not None:
        groups = scenario.group_names
        for g in gov.concede.groups:
            if g not in groups:
                raise ValueError(
                    f"government.concede.groups: unknown group {g!r}; groups: {groups}"
                )
    for where, measure in (("government", gov.measure),
                           ("external_power", scenario.external_power.measure)):
        if measure == "violent" and not scenario.violence.enabled:
            raise ValueError(f"{where}.measure = violent needs violence.enabled = true")
    for where, start in (("government", gov.start_tick),
                         ("external_power", scenario.external_power.start_tick)):
        if start > ticks:
            raise ValueError(f"{where}.start_tick = {start} is after the run's last tick {ticks}")
    _check_seized_and_guards(scenario)
    elite = scenario.elite
    if elite.split_at is not None and elite.split_at > ticks:
        raise ValueError(
            f"elite.split_at = {elite.split_at} is after the run's last tick {ticks}"
        )
    if scenario.demands.enabled and scenario.model != "civil_violence":
        raise ValueError("demands.enabled needs model = civil_violence (Model I)")
    names = [s.name for s in scenario.sites]
    if len(set(names)) != len(names):
        raise ValueError(f"sites: duplicate names in {names}")
    news = scenario.news
    if news.gain > 0 and len(names) < 2:
        raise ValueError("news.gain > 0 needs at least two sites (sites: [...])")
    for i, cut in enumerate(news.cuts):
        if not names:
            raise ValueError(f"news.cuts[{i}]: news cuts need sites")
        if cut.end > ticks:
            raise ValueError(f"news.cuts[{i}].end = {cut.end} is after the run's last tick {ticks}")
        for s in cut.sites:
            if s not in names:
                raise ValueError(f"news.cuts[{i}].sites: unknown site {s!r}; sites: {names}")
    for i, site in enumerate(scenario.sites):
        for key in site.overrides:
            if key.split(".")[0] in {"sites", "news"}:
                raise ValueError(f"sites[{i}].overrides: {key!r} cannot be set per site")
        try:
            site_scenario(scenario, site)
        except ValueError as exc:
            lines = [ln.strip() for ln in str(exc).splitlines()[1:]] or [str(exc)]
            raise ValueError(
                f"sites[{i}].overrides ({site.name}): {'; '.join(lines)}"
            ) from None

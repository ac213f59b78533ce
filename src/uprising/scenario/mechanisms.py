"""Scenario sections of the article's micro mechanisms (all off by default).

Equations and sources: docs/ODD.md, section "Extensions". Each section is read by the kernel as
data (arrays and scalars); macro actors live in uprising.actors.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, model_validator

from uprising.scenario.base import MAX_CELLS, Distribution, Frozen, LegitimacyOffset, Probability

if TYPE_CHECKING:
    pass

GroupName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=40)]
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Group(Frozen):
    """A population group; unset fields inherit the ``population`` section's values."""

    name: GroupName
    share: Probability = Field(description="share of citizens in this group")
    legitimacy: Probability | None = Field(None, description="L_g, legitimacy this group grants")
    legitimacy_offset: LegitimacyOffset = Field(
        0.0,
        description="L_g = the population's L + this, clipped to [0, 1], also after every "
        "change of the population's L (a shock, a trigger); not with `legitimacy`",
    )
    threshold: float | None = Field(None, ge=0.0, le=1.0, description="T_g")
    hardship: Distribution | None = None
    risk_aversion: Distribution | None = None

    @model_validator(mode="after")
    def _one_legitimacy(self) -> Group:
        if self.legitimacy is not None and self.legitimacy_offset != 0.0:
            raise ValueError(f"group {self.name!r}: give legitimacy or legitimacy_offset, "
                             "not both")
        return self


class Crowd(Frozen):
    """Who counts in the crowd A an agent sees (in-group counting after Kim & Hanneman 2011)."""

    in_group_only: bool = Field(
        False, description="A = 1 + co-group actives + out_group_weight · other actives"
    )
    out_group_weight: Probability = Field(1.0, description="w, weight of out-group actives")
    legitimacy_coupling: Probability = Field(
        0.0, description="γ: each tick L_g ← L_g + γ·(L̄ − L_g), L̄ the citizen-weighted mean "
        "(a shock to one group's legitimacy spills over to the others)",
    )


class Mobilisers(Frozen):
    """Opposition organisers: always active while free; lower neighbours' thresholds."""

    share: Probability = Field(0.0, description="share of citizens who are mobilisers")
    groups: tuple[GroupName, ...] = Field(
        (), max_length=100, description="recruit only from these groups"
    )
    threshold_drop: float = Field(
        0.05, ge=0.0, le=1.0, description="δ_T: T_eff = max(0, T − δ_T·M), M mobilisers in view"
    )
    grievance_boost: float = Field(
        0.0, ge=0.0, le=1.0, description="δ_G: G_eff = min(1, G + δ_G·M)"
    )
    start: int = Field(
        0, ge=0, le=10_000_000,
        description="tick from which mobilisers act (always active); before it they are "
        "ordinary citizens (0: from the start)",
    )
    organised: bool = Field(
        False, description="mobilisers are the citizens nearest one another (one organised "
        "cell) instead of scattered at random",
    )


class Reluctance(Frozen):
    """Cops hesitate to arrest when the crowd around them is large."""

    enabled: bool = False
    half_ratio: float = Field(
        2.0, gt=0.0, le=1000.0,
        description="r½: skip probability (1 − ℓ)·r/(r + r½), r = actives/cops in view",
    )


class Defection(Frozen):
    """Cops change sides when the local pressure π = a + β·q − σ·(1 − q_σ) exceeds their
    threshold θ_i·ℓ (a: active share of citizens in view, q: share of defectors among the
    security forces in view, q_σ = q or the force-wide share, ``sanction_scope``);
    docs/ODD.md §8.1 E4."""

    enabled: bool = False
    threshold: Distribution = Field(
        default_factory=lambda: Distribution(dist="uniform", low=0.3, high=1.0),
        description="θ_i, per-cop threshold on actives/(citizens in view); scaled by loyalty",
    )
    join_crowd: bool = Field(True, description="defectors become always-active protesters")
    reversible: bool = Field(
        False, description="a defector returns to duty when π falls below return_fraction·θ_i·ℓ"
    )
    return_fraction: float = Field(
        0.5, ge=0.0, le=1.0, description="hysteresis of return: π < return_fraction·θ_i·ℓ"
    )
    peer_weight: float = Field(
        0.0, ge=0.0, le=10.0,
        description="β: weight of q, the share of defected security forces in view",
    )
    sanction: float = Field(
        0.0, ge=0.0, le=10.0,
        description="σ: expected sanction for defecting, enforced in proportion to 1 − q",
    )
    sanction_scope: Literal["view", "force"] = Field(
        "view",
        description="whose defection weakens the sanction: view = q, the defected share of the "
        "security forces in view; force = Q, the defected share of the lattice's (region's) "
        "whole force at the start of the tick",
    )


ForceLevel = Literal["restrained", "normal", "lethal"]
FORCE_LEVELS: tuple[str, ...] = ("restrained", "normal", "lethal")


class CasualtyRates(Frozen):
    """Casualties under one force level: per arrest of a violent protester (``protester``,
    ``police``), and by fire on violent crowds (``fire``, ``lethality``, ``bystander``)."""

    protester: Probability = Field(description="P(protester killed | arrest of a violent one)")
    police: Probability = Field(description="P(police casualty | arrest of a violent one)")
    police_lethality: Probability = Field(0.0, description="share of police casualties who die")
    fire: Probability = Field(
        0.0, description="φ_f: per activation, P(a cop with violent actives in view fires)"
    )
    lethality: Probability = Field(0.5, description="share of fire casualties who die")
    bystander: Probability = Field(0.0, description="share of shots hitting a quiet citizen")

    def harm(self) -> float:
        """Returns h_f = protester + fire: the harm citizens expect from this force level."""
        return self.protester + self.fire


def _default_rates() -> dict[str, CasualtyRates]:
    return {
        "restrained": CasualtyRates(protester=0.002, police=0.02),
        "normal": CasualtyRates(protester=0.01, police=0.01),
        "lethal": CasualtyRates(protester=0.1, police=0.005),
    }


class Violence(Frozen):
    """Escalation of actives to violence, damage to target buildings, casualties."""

    enabled: bool = False
    crowd_threshold: int = Field(
        20, ge=1, le=100_000, description="an active turns violent when actives in view ≥ this"
    )
    # both bounded by the world's cells (checked against world in check_violence)
    targets: int = Field(
        0, ge=0, le=MAX_CELLS, description="number of target cells placed at random"
    )
    target_cells: tuple[tuple[int, int], ...] = Field(
        (), max_length=100_000, description="(x, y) of target cells, 0 ≤ x < width, 0 ≤ y < height"
    )
    damage_per_tick: float = Field(
        0.05, ge=0.0, le=1.0, description="damage a violent neighbour adds to a target per tick"
    )
    police_flee_radius: float = Field(
        0.0, ge=0.0, le=1000.0,
        description="when a target is destroyed (seized), cops on duty within this distance "
        "of it leave duty (0: none); logged as a `seized` event",
    )
    force_level: ForceLevel = "normal"
    deterrence: float = Field(
        0.0, ge=0.0, le=1000.0,
        description="φ: perceived risk × (1 + φ·h_f), h_f = protester + fire rate of the level",
    )
    casualty_rates: dict[ForceLevel, CasualtyRates] = Field(default_factory=_default_rates)

    @model_validator(mode="after")
    def _all_levels(self) -> Violence:
        missing = [lvl for lvl in FORCE_LEVELS if lvl not in self.casualty_rates]
        if missing:
            raise ValueError(f"casualty_rates needs every force level; missing {missing}")
        return self


class Demands(Frozen):
    """Two-dimensional demands (docs/ODD.md §8.1 E11): G = (1 − ω_g)·E + ω_g·P with the
    economic grievance E = min(1, H·h)·(1 − L_g) and the political one P = A·(1 − L_g);
    mobilisers, repression and the unbelieved part of concessions move ω_g towards politics."""

    enabled: bool = False
    political_weight: Probability = Field(0.0, description="ω₀, weight of politics at the start")
    alienation: Distribution = Field(
        default_factory=lambda: Distribution(dist="uniform", low=0.0, high=1.0),
        description="A_i, political alienation (drawn independently of hardship)",
    )
    mobiliser_shift: float = Field(
        0.0, ge=0.0, le=1000.0,
        description="μ: dω = μ·m_g·(1 − ω), m_g the active mobilisers per citizen of g",
    )
    repression_shift: float = Field(
        0.0, ge=0.0, le=1000.0,
        description="κ: dω = κ·r·(1 − ω), r the arrests and killings per citizen last tick",
    )
    concession_shift: Probability = Field(
        0.0, description="χ: a concession of credibility c moves ω by χ·(1 − c)·(1 − ω)"
    )
    relaxation: Probability = Field(
        0.0, description="λ: dω = −λ·(ω − ω₀) per tick (demands return to their start)"
    )


class Curfew(Frozen):
    """Emergency rule: a free citizen moves only with this probability when activated."""

    move_probability: Probability = Field(1.0, description="1 = no curfew")


def check_group_names(groups: tuple[Group, ...]) -> None:
    """Raises ValueError unless group names are unique and shares sum to 1."""
    names = [g.name for g in groups]
    if len(set(names)) != len(names):
        raise ValueError(f"groups: duplicate names in {names}")
    total = sum(g.share for g in groups)
    if groups and abs(total - 1.0) > 1e-6:
        raise ValueError(f"groups: shares must sum to 1, got {total:g}")


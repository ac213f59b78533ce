"""Macro-level parameters a run can change between ticks, and the kernel data they produce.

Timeline events, concessions and macro actors change these values; ``refresh`` turns them into
the per-agent arrays (effective grievance, perceived risk, threshold) and the scalar array
``mech`` that the kernel reads. Equations: docs/ODD.md, "Extensions".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from uprising.engine import mechanisms as mk
from uprising.engine.codes import (
    M_DAMAGE,
    M_DEFECT_JOIN,
    M_DEFECT_PEER,
    M_DEFECT_RETURN,
    M_DEFECT_REVERSIBLE,
    M_DEFECT_SANCTION,
    M_DEFECT_SANCTION_FORCE,
    M_DEFECTION,
    M_FIRE,
    M_FIRE_BYSTANDER,
    M_FIRE_LETHALITY,
    M_IN_GROUP,
    M_LOYALTY_SCALE,
    M_MOB_GRIEVANCE_BOOST,
    M_MOB_THRESHOLD_DROP,
    M_MOBILISERS,
    M_MOVE_PROBABILITY,
    M_OUT_WEIGHT,
    M_P_POLICE_CASUALTY,
    M_P_PROTESTER_CASUALTY,
    M_POLICE_LETHALITY,
    M_RELUCTANCE,
    M_RELUCTANCE_HALF,
    M_VIOLENCE,
    M_VIOLENCE_CROWD,
)
from uprising.engine.state import WorldState
from uprising.scenario import Scenario
from uprising.scenario.events import ConcessionEvent
from uprising.scenario.mechanisms import FORCE_LEVELS, CasualtyRates
from uprising.scenario.registry import GROUP_FIELDS, row_for, supported

SIGNAL_FLOOR = 1e-4  # a weakness signal smaller than this is treated as gone


@dataclass
class WeaknessSignal:
    """A concession's signal of weakness: perceived risk × (1 − s·exp(−(t − at)/τ))."""

    groups: list[int]
    strength: float
    at: int
    decay: float

    def factor(self, tick: int) -> float:
        """Returns the multiplier of perceived arrest risk during ``tick``."""
        if tick < self.at:
            return 1.0
        return 1.0 - self.strength * math.exp(-(tick - self.at) / self.decay)

    def alive(self, tick: int) -> bool:
        """Returns whether the signal still changes perceived risk at ``tick``."""
        return self.strength * math.exp(-(tick - self.at) / self.decay) > SIGNAL_FLOOR


class Parameters:
    """Current values of every run-time parameter the scenario's model supports (the rows of
    ``uprising.scenario.registry``), globally and, for Model I, per group."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.grouped = scenario.model == "civil_violence"
        self.groups = scenario.group_names if self.grouped else []
        rows = supported(scenario.model)
        self.values: dict[str, float] = {row.path: float(row.initial(scenario)) for row in rows}
        declared = {g.name: g for g in scenario.groups}
        own_fields = ("legitimacy", "threshold")  # the per-group fields a group may declare
        #: per group, its legitimacy minus the population's (kept when that changes)
        self.offsets = {name: (declared[name].legitimacy_offset if name in declared else 0.0)
                        for name in self.groups}
        for name in self.groups:
            g = declared.get(name)
            for row in rows:
                if row.group_field is None:
                    continue
                own = getattr(g, row.group_field, None) if row.group_field in own_fields else None
                value = (self._grouped(name, row.group_field, self.values[row.path])
                         if own is None else own)
                self.values[f"groups.{name}.{row.group_field}"] = float(value)
        self.signals: list[WeaknessSignal] = []
        demands = scenario.demands
        self.demands = demands.enabled and self.grouped
        #: ω_g, the political weight of each group's demands (two-dimensional demands)
        self.weight = np.full(len(self.groups), demands.political_weight)
        self.news_hardship = 1.0  # several sites: 1 + g·news multiplies every hardship scale

    def keys(self) -> list[str]:
        """Returns every settable key."""
        return list(self.values)

    def set(self, key: str, value: float) -> list[str]:
        """Sets ``key`` (a global path sets every group's field too); returns the keys changed.

        Raises:
            KeyError: ``key`` is no run-time parameter of this model (the message lists them).
        """
        if key not in self.values:
            row_for(key)  # raises KeyError naming the allowed paths for an unknown key
            raise KeyError(f"{key!r} cannot be changed during a run of model = "
                           f"{self.scenario.model}; allowed: {self.keys()}")
        changed = [key] if self.values[key] != value else []
        self.values[key] = value
        field = GROUP_FIELDS.get(key) if self.grouped else None
        if field is not None:
            for name in self.groups:
                gk = f"groups.{name}.{field}"
                own = self._grouped(name, field, value)
                if self.values[gk] != own:
                    self.values[gk] = own
                    changed.append(gk)
        return changed

    def _grouped(self, name: str, field: str, value: float) -> float:
        """Returns group ``name``'s value of a per-group ``field`` when the global one is
        ``value``: for legitimacy plus the group's offset, clipped to [0, 1]."""
        offset = self.offsets.get(name, 0.0) if field == "legitimacy" else 0.0
        return value if offset == 0.0 else min(1.0, max(0.0, value + offset))

    def concede(self, ev: ConcessionEvent, tick: int) -> None:
        """Applies the believed part c of a concession's legitimacy gain and hardship cut, moves
        demands to politics by χ·(1 − c) (demands on) and records its weakness signal."""
        names = list(ev.groups) or self.groups
        c = ev.credibility
        gain = ev.legitimacy_gain if c == 1.0 else c * ev.legitimacy_gain
        factor = ev.hardship_factor if c == 1.0 else 1.0 - c * (1.0 - ev.hardship_factor)
        shift = self.scenario.demands.concession_shift * (1.0 - c) if self.demands else 0.0
        for name in names:
            lk = f"groups.{name}.legitimacy"
            self.values[lk] = min(1.0, self.values[lk] + gain)
            self.values[f"groups.{name}.hardship_scale"] *= factor
            gi = self.groups.index(name)
            self.weight[gi] += shift * (1.0 - self.weight[gi])
        if ev.weakness_signal > 0:
            idx = [self.groups.index(n) for n in names]
            self.signals.append(WeaknessSignal(idx, ev.weakness_signal, tick, ev.decay_ticks))

    def update_demands(self, mobilisers: np.ndarray, repression: float) -> None:
        """Moves every group's political weight one tick: ω += (μ·m_g + κ·r)·(1 − ω) −
        λ·(ω − ω₀), clipped to [0, 1]; ``mobilisers`` holds m_g (active mobilisers per citizen
        of the group), ``repression`` r (arrests and killings per citizen last tick)."""
        d = self.scenario.demands
        w = self.weight
        push = np.minimum(1.0, d.mobiliser_shift * mobilisers + d.repression_shift * repression)
        w += push * (1.0 - w) - d.relaxation * (w - d.political_weight)
        np.clip(w, 0.0, 1.0, out=w)

    def mean_weight(self, state: WorldState) -> float:
        """Returns the citizen-weighted mean political weight ω."""
        counts = np.bincount(state.group[: state.n_citizens], minlength=len(self.groups))
        return float(np.dot(counts, self.weight) / max(1, counts.sum()))

    def signals_alive(self, tick: int) -> bool:
        """Returns whether some weakness signal still changes perceived risk at ``tick``."""
        return any(s.alive(tick) for s in self.signals)

    def group_vector(self, field: str) -> np.ndarray:
        """Returns one value per group of a per-group field."""
        return np.array([self.values[f"groups.{n}.{field}"] for n in self.groups])

    def risk_factors(self, tick: int) -> np.ndarray:
        """Returns per-group perceived-risk multipliers: scale × every live weakness signal."""
        factors = self.group_vector("risk_scale")
        deterrence = self.deterrence()
        if deterrence != 1.0:
            factors = factors * deterrence
        for sig in self.signals:
            f = sig.factor(tick)
            for gi in sig.groups:
                factors[gi] *= f
        return factors

    def mean_legitimacy(self, state: WorldState) -> float:
        """Returns the citizen-weighted mean legitimacy (the plain L with a single group)."""
        if len(self.groups) == 1:
            return self.values[f"groups.{self.groups[0]}.legitimacy"]
        counts = np.bincount(state.group[: state.n_citizens], minlength=len(self.groups))
        return float(np.dot(counts, self.group_vector("legitimacy")) / max(1, counts.sum()))

    def refresh_citizens(self, state: WorldState, tick: int) -> None:
        """Recomputes effective grievance, perceived risk and threshold of every citizen.

        G = min(1, H·h_g·n)·(1 − L_g), R_eff = R·r_g(t), T = T_g, where h_g and r_g multiply the
        global and the group's scale (and r_g every live concession signal) and n is the news
        multiplier of several sites (1 otherwise).
        """
        n = state.n_citizens
        g = state.group[:n]
        h = state.hardship[:n]
        hs = self.group_vector("hardship_scale")[g] * self.news_hardship
        hardship = np.minimum(h * hs, 1.0) if np.any(hs != 1.0) else h
        alienated = 1.0 - self.group_vector("legitimacy")[g]
        if self.demands:  # G = (1 − ω)·E + ω·P, E = min(1, H·h)·(1 − L), P = A·(1 − L)
            w = self.weight[g]
            state.grievance[:n] = ((1.0 - w) * hardship + w * state.alienation[:n]) * alienated
        else:
            state.grievance[:n] = hardship * alienated
        rf = self.risk_factors(tick)[g]
        base = state.risk_aversion[:n]
        state.risk[:n] = base * rf if np.any(rf != 1.0) else base
        state.threshold[:n] = self.group_vector("threshold")[g]

    def force_rates(self) -> CasualtyRates:
        """Returns the casualty rates of the force level in force now."""
        level = FORCE_LEVELS[min(2, max(0, round(self.values["violence.force_level"])))]
        return self.scenario.violence.casualty_rates[level]

    def deterrence(self) -> float:
        """Returns D = 1 + φ·h_f, the multiplier force puts on perceived arrest risk (1 when
        violence or deterrence is off)."""
        v = self.scenario.violence
        if not v.enabled or v.deterrence == 0.0:
            return 1.0
        return 1.0 + v.deterrence * self.force_rates().harm()

    def mech(self) -> np.ndarray:
        """Returns the kernel's scalar mechanism parameters (engine.codes.M_*)."""
        sc = self.scenario
        m = mk.default_mech()
        m[M_IN_GROUP] = float(sc.crowd.in_group_only)
        m[M_OUT_WEIGHT] = sc.crowd.out_group_weight
        m[M_MOBILISERS] = float(sc.mobilisers.share > 0)
        m[M_MOB_THRESHOLD_DROP] = sc.mobilisers.threshold_drop
        m[M_MOB_GRIEVANCE_BOOST] = sc.mobilisers.grievance_boost
        m[M_RELUCTANCE] = float(sc.reluctance.enabled)
        m[M_RELUCTANCE_HALF] = sc.reluctance.half_ratio
        m[M_DEFECTION] = float(sc.defection.enabled)
        m[M_DEFECT_JOIN] = float(sc.defection.join_crowd)
        m[M_DEFECT_REVERSIBLE] = float(sc.defection.reversible)
        m[M_DEFECT_RETURN] = sc.defection.return_fraction
        m[M_DEFECT_PEER] = sc.defection.peer_weight
        m[M_DEFECT_SANCTION] = self.values["defection.sanction"]
        m[M_DEFECT_SANCTION_FORCE] = float(sc.defection.sanction_scope == "force")
        m[M_VIOLENCE] = float(sc.violence.enabled)
        m[M_VIOLENCE_CROWD] = sc.violence.crowd_threshold
        m[M_DAMAGE] = sc.violence.damage_per_tick
        rates = self.force_rates()
        m[M_P_PROTESTER_CASUALTY] = rates.protester
        m[M_P_POLICE_CASUALTY] = rates.police
        m[M_POLICE_LETHALITY] = rates.police_lethality
        m[M_FIRE] = rates.fire
        m[M_FIRE_LETHALITY] = rates.lethality
        m[M_FIRE_BYSTANDER] = rates.bystander
        m[M_MOVE_PROBABILITY] = self.values["rules.move_probability"]
        m[M_LOYALTY_SCALE] = self.values["police.loyalty_scale"]
        return m

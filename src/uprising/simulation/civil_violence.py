"""Epstein's Model I (civil violence) with the article's mechanisms: the Mesa-like ``Model``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from uprising.actors import build_actors
from uprising.engine import get_kernel
from uprising.engine import reference as ref
from uprising.engine.codes import (
    COUNT_COLUMNS,
    F_MOBILISER,
    K_COP,
    M_VIOLENCE,
    MECH_COLUMNS,
    S_ACTIVE,
    S_JAILED,
    S_OFF,
    S_QUIET,
)
from uprising.engine.state import build_state, count_for, draw, kernel_config
from uprising.observer import summarize
from uprising.scenario import Scenario
from uprising.scenario.events import ConcessionEvent
from uprising.scenario.registry import Effect
from uprising.simulation.base import ScenarioLike
from uprising.simulation.lattice import LatticeSimulation
from uprising.simulation.memory import check_buildable
from uprising.simulation.police import flee, mark_foreign, police_slots, set_cop_count
from uprising.simulation.seeds import SeedLike, generator

STREAM_DEMANDS = 3  # the seed stream of political alienation A_i (demands on)


def _columns(scenario: Scenario) -> list[str]:
    """Returns the time-series columns a scenario produces."""
    cols = ["tick", *COUNT_COLUMNS, "legitimacy"]
    if scenario.micro_mechanisms:
        cols += list(MECH_COLUMNS)
    names = scenario.group_names
    if len(names) > 1:
        for what in ("quiet", "active", "jailed", "legitimacy"):
            cols += [f"{what}_{g}" for g in names]
    if scenario.demands.enabled:
        cols.append("political_weight")
    return cols


class Model(LatticeSimulation):
    """One simulation of a scenario.

    Args:
        scenario: preset name, YAML path, mapping or Scenario.
        rng: seed (int), SeedSequence or Generator; defaults to the scenario's ``seed``.
        overrides: dotted ``path=value`` overrides applied to the scenario.
        replicate: replicate index, mixed into the SeedSequence's spawn key.

    Example:
        >>> m = Model("epstein2002-run2", rng=42)
        >>> m.run(100) is m                     # run returns the model; m.run() runs to the end
        True
        >>> df = m.get_model_vars_dataframe()   # one row per tick, tick 0 the initial state
        >>> list(df.columns)
        ['tick', 'quiet', 'active', 'jailed', 'cops', 'arrests', 'releases', 'legitimacy']
        >>> m.tick, len(df)
        (100, 101)
        >>> bool((df.quiet + df.active + df.jailed == 1120).all())   # every citizen, every tick
        True
    """

    def __init__(
        self,
        scenario: ScenarioLike = "epstein2002-run2",
        rng: SeedLike = None,
        overrides: list[str] | str | None = None,
        replicate: int = 0,
    ):
        super().__init__(scenario, rng, overrides, replicate)
        s = self.scenario
        check_buildable(s)
        self.state = build_state(s, self._streams())
        if s.engine == "fast":  # float32 attributes, lattice-ordered agents
            from uprising.engine.fast.memory import compact_state

            compact_state(self.state)
        if s.demands.enabled:  # its own stream: the other draws stay as without demands
            alienation = np.zeros(len(self.state.kind))
            rng = generator(self.seed_sequence, STREAM_DEMANDS)
            alienation[: self.state.n_citizens] = draw(s.demands.alienation, rng,
                                                       self.state.n_citizens)
            self.state.alienation = alienation
        self._seized = np.zeros(len(self.state.damage), dtype=bool)  # destroyed targets seen
        self._dormant = np.zeros(0, dtype=np.int64)  # mobilisers waiting for mobilisers.start
        if s.mobilisers.start > 0:
            self._dormant = np.flatnonzero(self.state.flags & F_MOBILISER)
            if len(self._dormant):  # (the fast engine keeps an all-zero flags array read-only)
                self.state.flags[self._dormant] &= ~np.int8(F_MOBILISER)
        self.config = kernel_config(s)
        self.switches = self.config.switches.copy()
        self._start()
        self.parameters.refresh_citizens(self.state, 0)
        self.mech = self.parameters.mech()
        self.columns = _columns(s)
        self.actors: list[Any] = build_actors(s)
        self._burn_in = s.clock.burn_in_ticks if s.clock is not None else 0  # ticks 1 … b
        self._record(self._counts_row(self._current_counts(), 0))

    def _check_scenario(self, scenario: Scenario) -> None:
        if scenario.sites or scenario.model != "civil_violence" or scenario.national is not None:
            raise ValueError(
                f"scenario {scenario.name!r} needs another model class (several sites, a "
                "national scenario or Model II): build it with "
                "uprising.api.make_model(scenario, rng)"
            )

    # -- records -------------------------------------------------------------------------
    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """Returns the per-tick time series (tick 0 is the initial state).

        Columns: tick, quiet, active, jailed, cops, arrests, releases, legitimacy; with a
        micro mechanism on, also violent, reluctant, defected, killed, police_casualties,
        targets_damaged, targets_destroyed; with several groups, quiet_<g>, active_<g>,
        jailed_<g> and legitimacy_<g> per group.
        """
        return super().get_model_vars_dataframe()

    def get_agent_vars_dataframe(self) -> pd.DataFrame:
        """Returns one row per agent now: kind, state, cell (x, y), group (empty for cops),
        hardship, risk, grievance.

        A citizen's state is quiet, active, jailed or off; a cop's is on_duty or off_duty.
        """
        st = self.state
        w = self.scenario.world.width
        return pd.DataFrame(
            {
                "agent": np.arange(len(st.kind)),
                "kind": np.where(st.kind == K_COP, "cop", "citizen"),
                "state": np.where(  # cops are on or off duty, never "quiet"
                    st.kind == K_COP, np.where(st.state == S_OFF, "off_duty", "on_duty"),
                    np.array(["quiet", "active", "jailed", "off", "dead"])[st.state]),
                "x": np.where(st.pos >= 0, st.pos % w, -1),
                "y": np.where(st.pos >= 0, st.pos // w, -1),
                "group": np.where(st.kind == K_COP, "",
                                  np.array(self.scenario.group_names)[st.group]),
                "hardship": st.hardship,
                "risk_aversion": st.risk,
                "grievance": st.grievance,
                "jail_term": st.term,
            }
        )

    def concede(self, event: ConcessionEvent | None = None, **fields: Any) -> None:
        """Grants a concession now (an event, or its fields: groups, legitimacy_gain,
        hardship_factor, weakness_signal, decay_ticks); see ConcessionEvent."""
        ev = event or ConcessionEvent(at=self.tick + 1, **fields)
        self.parameters.concede(ev, self.tick + 1)
        self.parameters.refresh_citizens(self.state, self.tick + 1)

    def receive_news(self, hardship_factor: float) -> None:
        """Sets the news multiplier of hardship (several sites, ``news.target: hardship``) from
        the next tick on: it multiplies every group's hardship scale and never overwrites it,
        so shocks and concessions on that scale survive the news."""
        if hardship_factor != self.parameters.news_hardship:
            self.parameters.news_hardship = hardship_factor
            self._refresh_citizens()

    def guard_targets(self, targets: Sequence[int] | None, on: bool) -> int:
        """Returns how many targets are guarded after guarding (``on``) or releasing
        ``targets`` (indices into the targets; None = all); a guarded one takes no damage."""
        st = self.state
        if len(st.guarded) != len(st.damage):
            st.guarded = np.zeros(len(st.damage), dtype=np.int8)
        idx = np.arange(len(st.damage)) if targets is None else np.asarray(targets, dtype=int)
        if idx.size and (idx.min() < 0 or idx.max() >= len(st.damage)):
            raise ValueError(f"guard_targets: indices must be in [0, {len(st.damage)})")
        st.guarded[idx] = 1 if on else 0
        return int(np.count_nonzero(st.guarded))

    @property
    def n_citizens(self) -> int:
        """Returns the number of citizens (free or jailed)."""
        return self.state.n_citizens

    def _summary(self, ts: pd.DataFrame) -> dict[str, Any]:
        return summarize(ts, self.scenario.observer, self.state.n_citizens)

    # -- internals -----------------------------------------------------------------------
    def _before_tick(self, nxt: int) -> bool:
        waiting = len(self._dormant) > 0
        if waiting and nxt >= self.scenario.mobilisers.start:  # the organisers come out
            self.state.flags[self._dormant] |= np.int8(F_MOBILISER)
            self.log_event("mobilisers", "start", count=len(self._dormant))
            self._dormant = self._dormant[:0]
            waiting = False
        if self.scenario.violence.police_flee_radius > 0:
            self._police_flee()
        scripted = nxt in self.timeline.change_ticks
        if scripted:
            self._apply_changes(self.timeline.changes_at(nxt))
            for ev in self.timeline.concessions_at(nxt):
                self.concede(ev)
        settling = nxt <= self._burn_in  # burn-in: no macro actor, no violence (``_kernel``)
        if not settling:
            for actor in self.actors:
                actor.before_tick(self, nxt)
        signalling = self.parameters.signals_alive(nxt)
        demands = self.parameters.demands
        if demands:
            self._update_demands()
        coupled = self.scenario.crowd.legitimacy_coupling > 0 and self._per_group
        if coupled:
            self._couple_legitimacy()
        if signalling or demands or coupled:
            self._refresh_citizens()
        return (scripted or bool(self.actors) or signalling or demands or waiting
                or self._per_group or settling)

    def _police_flee(self) -> None:
        """Police near a newly destroyed (seized) target leave duty; logged for the government."""
        st = self.state
        new = (st.damage >= 1.0) & ~self._seized
        if not new.any():
            return
        self._seized |= new
        cells = np.flatnonzero(np.isin(st.target_index, np.flatnonzero(new)))
        w = self.scenario.world
        fled = flee(cells, self.scenario.violence.police_flee_radius, w.width, w.height,
                    w.torus, police_slots(self._cop_ids(), st.kind), st.code, st.occupant,
                    st.state, st.pos)
        self.log_event("violence", "seized", targets=[int(c) for c in cells], police_fled=fled)

    def _couple_legitimacy(self) -> None:
        gamma = self.scenario.crowd.legitimacy_coupling
        mean = self.parameters.mean_legitimacy(self.state)
        for name in self.parameters.groups:
            key = f"groups.{name}.legitimacy"
            value = self.parameters.values[key]
            self.parameters.values[key] = value + gamma * (mean - value)

    def _update_demands(self) -> None:
        st = self.state
        n = st.n_citizens
        k = len(self.parameters.groups)
        group = st.group[:n]
        mob = ((st.flags[:n] & F_MOBILISER) != 0) & (st.state[:n] == S_ACTIVE)
        sizes = np.bincount(group, minlength=k)
        m_g = np.bincount(group[mob], minlength=k) / np.maximum(sizes, 1)
        row = self.last_row()
        repression = (row["arrests"] + row.get("killed", 0.0)) / max(n, 1)
        self.parameters.update_demands(m_g, repression)

    def _kernel(self, n_ticks: int) -> tuple[np.ndarray, int]:
        st, cfg = self.state, self.config
        if self.scenario.engine != "reference":
            base = get_kernel(self.scenario.engine)(
                n_ticks, self.kernel_rng, st.world(), st.agents(), cfg.views, self.switches,
                cfg.k,
            )
            mech = np.zeros((n_ticks, len(MECH_COLUMNS)), dtype=np.int64)
            return np.hstack([base, mech]), n_ticks
        mech = self.mech
        if self.tick < self._burn_in:  # one burn-in tick (they run one by one): no violence,
            mech = mech.copy()  # so no damage and no casualties before the clock's start
            mech[M_VIOLENCE] = 0.0
        counts = ref.run_ticks_mech(
            n_ticks, self.kernel_rng, st.world(), st.agents(), st.mechanisms(), cfg.views,
            self.switches, cfg.k, mech,
        )
        return counts, n_ticks

    @property
    def _per_group(self) -> bool:
        return len(self.parameters.groups) > 1

    def _current_counts(self) -> np.ndarray:
        st = self.state
        civ = st.state[st.kind != K_COP]
        cops = int(((st.kind == K_COP) & (st.state != S_OFF)).sum())
        counts = np.zeros(len(COUNT_COLUMNS) + len(MECH_COLUMNS), dtype=np.int64)
        counts[:4] = [(civ == S_QUIET).sum(), (civ == S_ACTIVE).sum(),
                      (civ == S_JAILED).sum(), cops]
        return counts

    def _counts_row(self, counts: np.ndarray, tick: int) -> np.ndarray:
        row = [float(tick), *counts[:6].tolist(), self.parameters.mean_legitimacy(self.state)]
        if len(self.columns) > 8 and self.columns[8] == "violent":
            row += counts[6:].tolist()
        if self._per_group:
            row += self._group_counts()
        if self.parameters.demands:
            row.append(self.parameters.mean_weight(self.state))
        return np.asarray(row, dtype=float)

    def _group_counts(self) -> list[float]:
        st = self.state
        n = st.n_citizens
        k = len(self.parameters.groups)
        out: list[float] = []
        for s in (S_QUIET, S_ACTIVE, S_JAILED):
            out += np.bincount(st.group[:n][st.state[:n] == s], minlength=k).tolist()
        out += self.parameters.group_vector("legitimacy").tolist()
        return out

    def _on_change(self, effect: Effect, value: float) -> None:
        if effect is Effect.VISION:
            self.config = kernel_config(self.scenario, citizen_vision=value)
        elif effect is Effect.MECH:
            self.mech = self.parameters.mech()
            if self.scenario.violence.deterrence > 0:  # force level enters perceived risk
                self._refresh_citizens()
        elif effect is Effect.COP_COUNT:
            self._set_police(value)
        else:
            super()._on_change(effect, value)

    def _set_police(self, density: float) -> None:
        """Brings the police on duty to ``density``: only police slots are put on or taken off
        duty (a defector is a citizen now and stays where it is); the outside power's share of
        the density (its police, ``PoliceLevers.extra``) is flagged foreign."""
        st = self.state
        cells = len(st.code)
        slots = self._cop_ids()
        target = count_for(density, cells)
        if target > len(slots):
            raise ValueError(
                f"police.density = {density:g} needs {target} cops, but this run has "
                f"{len(slots)} cop slots (sized from the largest density the scenario's "
                "timeline and actors can reach): declare the change in the timeline"
            )
        police = police_slots(slots, st.kind)
        set_cop_count(min(target, len(police)), police, st.code, st.occupant, st.state, st.pos,
                      self.macro_rng, self.kernel_rng)
        levers = next((a.levers for a in self.actors if hasattr(a, "levers")), None)
        foreign = count_for(levers.extra, cells) if levers is not None else 0
        mark_foreign(police, st.state, st.flags, foreign)

    def _refresh_citizens(self) -> None:
        self.parameters.refresh_citizens(self.state, self.tick + 1)

    def _world(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        st = self.state
        return st.code, st.occupant, st.state, st.pos

    def _cop_ids(self) -> np.ndarray:
        return np.arange(self.state.n_citizens, len(self.state.kind))

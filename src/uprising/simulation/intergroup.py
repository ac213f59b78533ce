"""Epstein's Model II (inter-group violence, peacekeepers) on the simulation contract."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from uprising.engine import codes as kc
from uprising.engine.bundles import InterGroupAgents, Views, World
from uprising.engine.codes import (
    ARREST_RULES,
    COP,
    EMPTY,
    QUIET,
    RELEASE_MODES,
    TERM_RANGES,
)
from uprising.engine.intergroup.kernel import run_ticks
from uprising.engine.lattice import spans_from_offsets
from uprising.engine.neighbourhood import offsets
from uprising.engine.state import count_for, draw, max_cops
from uprising.scenario import Scenario
from uprising.scenario.intergroup import InterGroup
from uprising.simulation.base import ScenarioLike
from uprising.simulation.lattice import LatticeSimulation
from uprising.simulation.memory import check_buildable
from uprising.simulation.seeds import SeedLike

GROUP_NAMES = ("blue", "green")
TIMESERIES_COLUMNS = ("tick", *kc.IG_COUNT_COLUMNS, "legitimacy")


def _move_offsets(shape: str, radius: float) -> np.ndarray:
    offs = offsets(shape, radius, False)
    return np.ascontiguousarray(offs)


class InterGroupModel(LatticeSimulation):
    """One run of Epstein's Model II (inter-group violence, peacekeepers).

    Args:
        scenario: preset name, YAML path, mapping or Scenario with ``model: intergroup``.
        rng: seed (int), SeedSequence or Generator; defaults to the scenario's ``seed``.
        overrides: dotted ``path=value`` overrides applied to the scenario.
        replicate: replicate index, mixed into the SeedSequence's spawn key.

    Example:
        >>> m = InterGroupModel("epstein2002-run7", rng=1)
        >>> m.run() is m                        # runs to the scenario's end
        True
        >>> m.result().summary["victor"]
        'blue'
    """

    def __init__(
        self,
        scenario: ScenarioLike = "epstein2002-run7",
        rng: SeedLike = None,
        overrides: list[str] | str | None = None,
        replicate: int = 0,
    ):
        super().__init__(scenario, rng, overrides, replicate)
        self.ig: InterGroup = self.scenario.intergroup or InterGroup()
        check_buildable(self.scenario)
        self._build(self._streams())
        self._start()
        self.columns = list(TIMESERIES_COLUMNS)
        self.extinct = False
        self._record(self._counts_row(self._current_counts(), 0))

    def _check_scenario(self, scenario: Scenario) -> None:
        if scenario.model != "intergroup":
            raise ValueError(f"scenario {scenario.name!r} is not Model II (model = intergroup)")

    # -- construction --------------------------------------------------------------------
    def _build(self, rng: np.random.Generator) -> None:
        sc, ig = self.scenario, self.ig
        w, h = sc.world.width, sc.world.height
        cells = w * h
        d_cit, d_cop = sc.population.density, sc.police.density
        if sc.rules.initial_counts == "exact":
            n_cop, n_cit = count_for(d_cop, cells), count_for(d_cit, cells)
            perm = rng.permutation(cells)
            cop_cells, cit_cells = perm[:n_cop], perm[n_cop : n_cop + n_cit]
        else:
            u = rng.random(cells)
            cit_cells = np.flatnonzero(u < d_cit)
            cop_cells = np.flatnonzero((u >= d_cit) & (u < d_cit + d_cop))
            n_cop, n_cit = len(cop_cells), len(cit_cells)
        slots = max(n_cop, max_cops(sc, cells))
        capacity = 2 * cells  # free citizens ≤ cells; the rest is room for the jailed
        n = slots + capacity
        self.n_cop_slots = slots
        self.code = np.full(cells, EMPTY, dtype=np.int8)
        self.occupant = np.full(cells, -1, dtype=np.int32)
        self.state = np.full(n, kc.S_DEAD, dtype=np.int8)
        self.state[:slots] = kc.S_OFF
        self.state[:n_cop] = kc.S_QUIET
        self.pos = np.full(n, -1, dtype=np.int32)
        self.pos[:n_cop] = cop_cells
        self.code[cop_cells] = COP
        self.occupant[cop_cells] = np.arange(n_cop, dtype=np.int32)
        cit = np.arange(slots, slots + n_cit)
        self.state[cit] = kc.S_QUIET
        self.pos[cit] = cit_cells
        self.code[cit_cells] = QUIET
        self.occupant[cit_cells] = cit.astype(np.int32)
        self.group = np.zeros(n, dtype=np.int8)
        if ig.group_assignment == "exact":
            n_blue = count_for(ig.group_share, n_cit)
            self.group[cit] = np.where(rng.permutation(n_cit) < n_blue, kc.BLUE, kc.GREEN)
        else:
            self.group[cit] = np.where(rng.random(n_cit) < ig.group_share, kc.BLUE, kc.GREEN)
        self.hardship = np.zeros(n)
        self.risk = np.zeros(n)
        self.hardship[cit] = draw(sc.population.hardship, rng, n_cit)
        self.risk[cit] = draw(sc.population.risk_aversion, rng, n_cit)
        self.death_age = np.zeros(n, dtype=np.int32)
        self.age = np.zeros(n, dtype=np.int32)
        self.death_age[cit] = 1 + rng.integers(0, ig.max_age, n_cit)
        if ig.initial_age == "uniform":
            self.age[cit] = rng.integers(0, self.death_age[cit])
        self.term = np.zeros(n, dtype=np.int32)
        self.fresh = np.zeros(n, dtype=bool)
        self.newborn = np.zeros(n, dtype=bool)
        self.arrest_cell = np.full(n, -1, dtype=np.int32)
        free = np.arange(slots + n_cit, n, dtype=np.int64)[::-1].copy()
        self.free_stack = np.zeros(capacity, dtype=np.int64)
        self.free_stack[: len(free)] = free
        self.free_top = np.array([len(free)], dtype=np.int64)
        nb = sc.neighbourhood.shape
        self.cit_offs = _move_offsets(nb, sc.population.vision)
        self.cop_offs = _move_offsets(nb, sc.police.vision)
        self.views = Views(self.cit_offs, spans_from_offsets(self.cit_offs), self.cop_offs,
                           spans_from_offsets(self.cop_offs))
        self.clone_offs = _move_offsets(ig.clone_site, 1.0)
        r = sc.rules
        sw = np.zeros(kc.N_IG_SWITCHES, dtype=np.int64)
        sw[kc.SW_ARREST_RULE] = ARREST_RULES.index(r.arrest_ratio)
        sw[kc.SW_TWICE_IF_ACTIVE] = int(r.self_count == "twice_if_active")
        sw[kc.SW_MOVE_FIRST] = int(r.order == "move_then_act")
        sw[kc.SW_MOVEMENT] = int(r.movement)
        sw[kc.SW_COPS_MOVE_WHEN_OFF] = int(r.cops_move_when_movement_off)
        sw[kc.SW_JAILED] = kc.JAILED_REMOVED  # Model II: always off the lattice
        sw[kc.SW_COP_TO_ARRESTEE] = 0
        sw[kc.SW_RELEASE] = RELEASE_MODES.index(r.release)
        sw[kc.SW_TERM_RANGE] = TERM_RANGES.index(sc.jail.term_range)
        sw[kc.SW_MAX_TERM] = -1 if sc.jail.infinite else int(sc.jail.max_term)
        sw[kc.SW_WIDTH] = w
        sw[kc.SW_HEIGHT] = h
        sw[kc.SW_TORUS] = int(sc.world.torus)
        sw[kc.SW_IG_OWN_GROUP_ONLY] = int(ig.actives_counted == "own_group")
        sw[kc.SW_IG_CLONE_RISK_INHERIT] = int(ig.clone_risk == "inherit")
        sw[kc.SW_IG_MAX_AGE] = ig.max_age
        sw[kc.SW_IG_AGE_IN_JAIL] = int(ig.age_in_jail)
        sw[kc.SW_IG_STOP_AT_EXTINCTION] = int(ig.stop_at_extinction)
        sw[kc.SW_IG_N_COP_SLOTS] = slots
        self.switches = sw

    # -- records -------------------------------------------------------------------------
    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """Returns the per-tick time series (tick 0 is the initial state).

        Columns: tick, blue, green (living members, jailed included), blue_active,
        green_active, quiet, active, jailed, cops, arrests, releases, kills, births, deaths,
        births_blocked (clones that found no free agent slot), legitimacy.
        """
        return super().get_model_vars_dataframe()

    def get_agent_vars_dataframe(self) -> pd.DataFrame:
        """Returns one row per living agent: kind, group, state, cell, hardship, risk, age."""
        live = np.flatnonzero(self.state != kc.S_DEAD)
        live = live[(live >= self.n_cop_slots) | (self.state[live] != kc.S_OFF)]
        w = self.scenario.world.width
        is_cop = live < self.n_cop_slots
        pos = self.pos[live]
        return pd.DataFrame(
            {
                "agent": live,
                "kind": np.where(is_cop, "cop", "citizen"),
                "group": np.where(is_cop, "", np.array(GROUP_NAMES)[self.group[live]]),
                "state": np.where(is_cop, "on_duty", np.array(
                    ["quiet", "active", "jailed", "off", "dead"])[self.state[live]]),
                "x": np.where(pos >= 0, pos % w, -1),
                "y": np.where(pos >= 0, pos // w, -1),
                "hardship": self.hardship[live],
                "risk_aversion": self.risk[live],
                "age": self.age[live],
                "death_age": self.death_age[live],
                "jail_term": self.term[live],
            }
        )

    @property
    def n_citizens(self) -> int:
        """Returns the number of citizens at tick 0 (Blue + Green)."""
        first = self._rows[0]
        return int(first[1] + first[2])

    def _summary(self, ts: pd.DataFrame) -> dict[str, Any]:
        """Summary keys: ticks, kills, births, deaths, births_blocked, total_arrests,
        peak_active, mean_active, mean_jailed, final_blue, final_green, extinction_tick (NaN if
        both groups live), victor ("blue", "green", "neither" if both died out together,
        "none" if no extinction)."""
        return summarize(ts)

    # -- internals -----------------------------------------------------------------------
    def _before_tick(self, nxt: int) -> bool:
        if nxt in self.timeline.change_ticks:
            self._apply_changes(self.timeline.changes_at(nxt))
            return True
        return False

    def _finished(self) -> bool:
        return self.ig.stop_at_extinction and self.extinct

    def _record(self, row: np.ndarray) -> None:
        super()._record(row)
        if row[0] >= 1 and (row[1] == 0 or row[2] == 0):  # blue or green died out
            self.extinct = True

    def _kernel(self, n_ticks: int) -> tuple[np.ndarray, int]:
        agents = InterGroupAgents(
            self.state, self.group, self.pos, self.term, self.fresh, self.arrest_cell,
            self.hardship, self.risk, self.age, self.death_age, self.newborn, self.free_stack,
            self.free_top,
        )
        counts, done = run_ticks(
            n_ticks, self.kernel_rng, World(self.code, self.occupant), agents, self.views,
            self.clone_offs, self.switches, float(self.scenario.police.k),
            float(self.params["population.threshold"]), float(self.ig.clone_probability),
            float(self.params["population.legitimacy"]),
        )
        return counts, int(done)

    def _current_counts(self) -> np.ndarray:
        st = self.state
        cit = np.arange(self.n_cop_slots, len(st))
        alive = cit[st[cit] != kc.S_DEAD]
        g = self.group[alive]
        s = st[alive]
        row = np.zeros(kc.IG_N_COLUMNS, dtype=np.int64)
        row[0] = (g == kc.BLUE).sum()
        row[1] = (g == kc.GREEN).sum()
        row[2] = ((g == kc.BLUE) & (s == kc.S_ACTIVE)).sum()
        row[3] = ((g == kc.GREEN) & (s == kc.S_ACTIVE)).sum()
        row[4] = (s == kc.S_QUIET).sum()
        row[5] = (s == kc.S_ACTIVE).sum()
        row[6] = (s == kc.S_JAILED).sum()
        row[7] = (st[: self.n_cop_slots] != kc.S_OFF).sum()
        return row

    def _counts_row(self, counts: np.ndarray, tick: int) -> np.ndarray:
        return np.concatenate(([tick], counts, [self.params["population.legitimacy"]])).astype(
            float
        )

    def _world(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return self.code, self.occupant, self.state, self.pos

    def _cop_ids(self) -> np.ndarray:
        return np.arange(self.n_cop_slots)


def summarize(ts: pd.DataFrame) -> dict[str, Any]:
    """Returns the Model II summary of one run's time series (tick 0 excluded from rates)."""
    run = ts[ts["tick"] >= 1]
    blue, green = ts["blue"].to_numpy(), ts["green"].to_numpy()
    gone = np.flatnonzero((blue == 0) | (green == 0))
    if len(gone):
        i = int(gone[0])
        extinction = float(ts["tick"].iloc[i])
        if blue[i] == 0 and green[i] == 0:
            victor = "neither"
        else:
            victor = "green" if blue[i] == 0 else "blue"
    else:
        extinction, victor = math.nan, "none"
    active = run["active"].to_numpy()
    return {
        "ticks": len(run),
        "kills": int(run["kills"].sum()),
        "births": int(run["births"].sum()),
        "deaths": int(run["deaths"].sum()),
        "births_blocked": int(run["births_blocked"].sum()),
        "total_arrests": int(run["arrests"].sum()),
        "peak_active": int(active.max()) if len(active) else 0,
        "mean_active": float(active.mean()) if len(active) else math.nan,
        "mean_jailed": float(run["jailed"].mean()) if len(run) else math.nan,
        "final_blue": int(blue[-1]),
        "final_green": int(green[-1]),
        "extinction_tick": extinction,
        "victor": victor,
    }

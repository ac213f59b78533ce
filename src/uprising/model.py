"""Mesa-like front end: ``Model(scenario, rng=...)``, ``step()``, ``run()``, data frames."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from uprising.engine import get_kernel
from uprising.engine import reference as ref
from uprising.engine.codes import (
    COP,
    COUNT_COLUMNS,
    EMPTY,
    K_COP,
    MECH_COLUMNS,
    S_ACTIVE,
    S_JAILED,
    S_OFF,
    S_QUIET,
    SW_MAX_TERM,
)
from uprising.engine.lattice import random_empty_anywhere as _random_empty_anywhere
from uprising.engine.rng import seed_state
from uprising.engine.state import build_state, count_for, kernel_config
from uprising.observer import summarize
from uprising.parameters import Parameters
from uprising.results import RunResult, run_metadata
from uprising.scenario import Scenario, load_scenario
from uprising.scenario.events import ConcessionEvent
from uprising.timeline import Timeline


def _columns(scenario: Scenario) -> list[str]:
    """Returns the time-series columns a scenario produces."""
    cols = ["tick", *COUNT_COLUMNS, "legitimacy"]
    if scenario.micro_mechanisms:
        cols += list(MECH_COLUMNS)
    names = scenario.group_names
    if len(names) > 1:
        for what in ("quiet", "active", "jailed", "legitimacy"):
            cols += [f"{what}_{g}" for g in names]
    return cols


def build_actors(scenario: Scenario) -> list[Any]:
    """Returns the macro actors (government, external power, ...) a scenario switches on."""
    try:
        from uprising.actors import build_actors as _build
    except ModuleNotFoundError as exc:
        if exc.name != "uprising.actors":
            raise
        return []
    return _build(scenario)

SeedLike = int | np.random.SeedSequence | np.random.Generator | None


def seed_sequence(rng: SeedLike, default: int, replicate: int = 0) -> np.random.SeedSequence:
    """Returns the run's SeedSequence: ``SeedSequence(seed, spawn_key=(replicate,))``.

    A Generator is accepted for Mesa compatibility; its next 128 bits become the entropy.
    """
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, np.random.Generator):
        entropy = int(rng.integers(0, 2**63)) << 64 | int(rng.integers(0, 2**63))
        return np.random.SeedSequence(entropy, spawn_key=(replicate,))
    seed = default if rng is None else int(rng)
    return np.random.SeedSequence(seed, spawn_key=(replicate,))


def _child(ss: np.random.SeedSequence, index: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, index))


class Model:
    """One simulation of a scenario.

    Args:
        scenario: preset name, YAML path, mapping or Scenario.
        rng: seed (int), SeedSequence or Generator; defaults to the scenario's ``seed``.
        overrides: dotted ``path=value`` overrides applied to the scenario.
        replicate: replicate index, mixed into the SeedSequence's spawn key.

    Example:
        >>> m = Model("epstein2002-run2", rng=42)
        >>> m.run(100)
        >>> m.get_model_vars_dataframe().tail()
    """

    def __init__(
        self,
        scenario: str | Path | Scenario | dict[str, Any] = "epstein2002-run2",
        rng: SeedLike = None,
        overrides: list[str] | None = None,
        replicate: int = 0,
    ):
        self.scenario: Scenario = load_scenario(scenario, overrides)
        if self.scenario.sites or self.scenario.model != "civil_violence":
            raise ValueError(
                f"scenario {self.scenario.name!r} needs another model class (several sites or "
                "Model II): build it with uprising.api.make_model(scenario, rng)"
            )
        self.replicate = replicate
        self.seed_sequence = seed_sequence(rng, self.scenario.seed, replicate)
        init_rng = np.random.Generator(np.random.PCG64(_child(self.seed_sequence, 0)))
        self.macro_rng = np.random.Generator(np.random.PCG64(_child(self.seed_sequence, 2)))
        self.kernel_rng = seed_state(_child(self.seed_sequence, 1))
        self.state = build_state(self.scenario, init_rng)
        if self.scenario.engine == "fast":  # float32 attributes, lattice-ordered agents
            from uprising.engine.fast.memory import compact_state

            compact_state(self.state)
        self.config = kernel_config(self.scenario)
        self.switches = self.config.switches.copy()
        s = self.scenario
        self.parameters = Parameters(s)
        self.parameters.refresh_citizens(self.state, 0)
        self.params = self.parameters.values
        self.mech = self.parameters.mech()
        self.columns = _columns(s)
        self.timeline = Timeline(s)
        self.events: list[dict[str, Any]] = []
        self.actors: list[Any] = build_actors(s)
        self.tick = 0
        self.running = True
        self.wall_time = 0.0
        self._rows: list[np.ndarray] = [self._counts_row(self._current_counts(), 0)]

    # -- Mesa-like API -------------------------------------------------------------------
    def step(self) -> None:
        """Advances the model by one tick."""
        self.run(1)

    def run(self, ticks: int | None = None, progress: Any = None) -> Model:
        """Returns self after running ``ticks`` more ticks (default: up to the scenario's end).

        Args:
            ticks: number of ticks to run.
            progress: optional callable ``progress(ticks_done_now)`` called after each chunk.
        """
        remaining = self.scenario.ticks - self.tick if ticks is None else int(ticks)
        started = time.perf_counter()
        while remaining > 0:
            nxt = self.tick + 1
            scripted = nxt in self.timeline.change_ticks
            if scripted:
                self._apply_changes(self.timeline.changes_at(nxt))
                for ev in self.timeline.concessions_at(nxt):
                    self.concede(ev)
            for actor in self.actors:
                actor.before_tick(self, nxt)
            signalling = self.parameters.signals_alive(nxt)
            if signalling:
                self.parameters.refresh_citizens(self.state, nxt)
            if scripted or self.actors or signalling or self._per_group:
                chunk = 1
            else:
                change = self.timeline.next_change(nxt)
                chunk = remaining if change is None else min(remaining, change - nxt)
            chunk = min(chunk, 1000)
            counts = self._kernel(chunk)
            for i in range(chunk):
                self._rows.append(self._counts_row(counts[i], self.tick + 1 + i))
            self.tick += chunk
            remaining -= chunk
            if progress is not None:
                progress(chunk)
        self.wall_time += time.perf_counter() - started
        self.running = self.tick < self.scenario.ticks
        return self

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """Returns the per-tick time series (tick 0 is the initial state).

        Columns: tick, quiet, active, jailed, cops, arrests, releases, legitimacy; with a
        micro mechanism on, also violent, reluctant, defected, killed, police_casualties,
        targets_damaged, targets_destroyed; with several groups, quiet_<g>, active_<g>,
        jailed_<g> and legitimacy_<g> per group.
        """
        df = pd.DataFrame(np.vstack(self._rows), columns=self.columns)
        floats = [c for c in self.columns if c.startswith("legitimacy")]
        return df.astype({c: "int64" for c in self.columns if c not in floats})

    def get_agent_vars_dataframe(self) -> pd.DataFrame:
        """Returns one row per agent now: kind, state, cell (x, y), hardship, risk, grievance."""
        st = self.state
        w = self.scenario.world.width
        return pd.DataFrame(
            {
                "agent": np.arange(len(st.kind)),
                "kind": np.where(st.kind == K_COP, "cop", "citizen"),
                "state": np.array(["quiet", "active", "jailed", "off"])[st.state],
                "x": np.where(st.pos >= 0, st.pos % w, -1),
                "y": np.where(st.pos >= 0, st.pos // w, -1),
                "hardship": st.hardship,
                "risk_aversion": st.risk,
                "grievance": st.grievance,
                "jail_term": st.term,
            }
        )

    def last_row(self) -> dict[str, float]:
        """Returns the latest per-tick record (the columns of the time series) as a dict."""
        return dict(zip(self.columns, self._rows[-1].tolist(), strict=True))

    def log_event(self, actor: str, action: str, **detail: Any) -> None:
        """Records a macro actor's decision at the current tick (saved with the results)."""
        self.events.append({"tick": self.tick + 1, "actor": actor, "action": action, **detail})

    def set_parameter(self, path: str, value: float) -> None:
        """Sets a changeable parameter from now on: a timeline path (a global group path sets
        every group) or ``groups.<name>.<legitimacy|threshold|hardship_scale|risk_scale>``."""
        self._apply({path: value})

    def concede(self, event: ConcessionEvent | None = None, **fields: Any) -> None:
        """Grants a concession now (an event, or its fields: groups, legitimacy_gain,
        hardship_factor, weakness_signal, decay_ticks); see ConcessionEvent."""
        ev = event or ConcessionEvent(at=self.tick + 1, **fields)
        self.parameters.concede(ev, self.tick + 1)
        self.parameters.refresh_citizens(self.state, self.tick + 1)

    def result(self) -> RunResult:
        """Returns the RunResult (time series, summary, metadata) of the ticks run so far."""
        ts = self.get_model_vars_dataframe()
        summary = summarize(ts, self.scenario.observer, self.state.n_citizens)
        meta = run_metadata(
            self.scenario,
            seed=int(self.seed_sequence.entropy) if isinstance(self.seed_sequence.entropy, int)
            else None,
            replicate=self.replicate,
            spawn_key=list(self.seed_sequence.spawn_key),
            wall_time=self.wall_time,
            ticks=self.tick,
            n_citizens=self.state.n_citizens,
            events=self.events,
        )
        return RunResult(timeseries=ts, summary=summary, metadata=meta)

    # -- internals -----------------------------------------------------------------------
    def _kernel(self, n_ticks: int) -> np.ndarray:
        st, cfg = self.state, self.config
        if self.scenario.engine != "reference":
            base = get_kernel(self.scenario.engine)(
                n_ticks, self.kernel_rng, st.world(), st.agents(), cfg.views, self.switches,
                cfg.k,
            )
            return np.hstack([base, np.zeros((n_ticks, len(MECH_COLUMNS)), dtype=np.int64)])
        return ref.run_ticks_mech(
            n_ticks, self.kernel_rng, st.world(), st.agents(), st.mechanisms(), cfg.views,
            self.switches, cfg.k, self.mech,
        )

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

    def _apply_changes(self, changes: list[tuple[str, str, float]]) -> None:
        for key, op, value in changes:
            self._apply({key: self.params[key] * value if op == "scale" else value})

    def _apply(self, values: dict[str, float]) -> None:
        st = self.state
        citizens = False
        for path, value in values.items():
            for key in self.parameters.set(path, value):
                if key.startswith("groups."):
                    citizens = True
                elif key == "jail.max_term":
                    self.switches[SW_MAX_TERM] = -1 if np.isinf(value) else int(value)
                elif key == "police.density":
                    self._set_cop_count(count_for(value, len(st.code)))
                elif key == "population.vision":
                    self.config = kernel_config(self.scenario, citizen_vision=value)
                elif key in ("rules.move_probability", "violence.force_level",
                             "police.loyalty_scale"):
                    self.mech = self.parameters.mech()
        if citizens:
            self.parameters.refresh_citizens(st, self.tick + 1)

    def _set_cop_count(self, target: int) -> None:
        st = self.state
        cop_ids = np.arange(st.n_citizens, len(st.kind))
        on_duty = cop_ids[st.state[cop_ids] != S_OFF]
        off_duty = cop_ids[st.state[cop_ids] == S_OFF]
        if target < len(on_duty):
            for a in self.macro_rng.choice(on_duty, len(on_duty) - target, replace=False):
                st.code[st.pos[a]] = EMPTY
                st.occupant[st.pos[a]] = -1
                st.pos[a] = -1
                st.state[a] = S_OFF
        else:
            for a in off_duty[: target - len(on_duty)]:
                cell = _random_empty_anywhere(self.kernel_rng, st.code)
                if cell < 0:
                    break
                st.code[cell] = COP
                st.occupant[cell] = a
                st.pos[a] = cell
                st.state[a] = S_QUIET

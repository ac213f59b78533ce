"""What the models on one lattice share: seed streams, the timeline, per-tick records, and the
dispatch of a run-time parameter change (through ``uprising.scenario.registry``) to its effect."""

from __future__ import annotations

import math
from abc import abstractmethod
from collections.abc import Mapping

import numpy as np
import pandas as pd

from uprising.engine.codes import SW_MAX_TERM
from uprising.engine.rng import seed_state
from uprising.engine.state import count_for
from uprising.scenario.registry import Effect, row_for
from uprising.simulation.base import Simulation
from uprising.simulation.parameters import Parameters
from uprising.simulation.police import set_cop_count
from uprising.simulation.reporters import Reporter, Reporters
from uprising.simulation.seeds import STREAM_INIT, STREAM_KERNEL, STREAM_MACRO, child, generator
from uprising.simulation.timeline import Timeline

#: Columns other than legitimacy that hold real numbers (not counts).
FLOAT_COLUMNS = ("political_weight",)


class LatticeSimulation(Simulation):
    """A model of one lattice: builds its streams, applies timeline changes and records rows.

    Subclasses build their state in ``_build(init_rng)``, then call ``_start()``; they simulate
    with ``_kernel`` and say what happens before each tick in ``_before_tick``.
    """

    columns: list[str]

    def _streams(self) -> np.random.Generator:
        """Returns the initialisation Generator after creating the macro and kernel streams."""
        init_rng = generator(self.seed_sequence, STREAM_INIT)
        self.macro_rng = generator(self.seed_sequence, STREAM_MACRO)
        self.kernel_rng = seed_state(child(self.seed_sequence, STREAM_KERNEL))
        return init_rng

    def _start(self) -> None:
        """Creates the run-time parameters, the timeline and the record of tick 0."""
        self.parameters = Parameters(self.scenario)
        self.timeline = Timeline(self.scenario)
        self._events = []
        self._rows: list[np.ndarray] = []
        self.reporters: Reporters | None = None

    # -- records ---------------------------------------------------------------------------
    def add_reporters(self, model_reporters: Mapping[str, Reporter] | None = None,
                      every: int = 1, agents_every: int | None = None) -> Reporters:
        """Returns the model's reporters after adding these (Mesa's DataCollector idea).

        Each ``model_reporters[name](model)`` is evaluated now and every ``every`` ticks and
        becomes a column of ``get_model_vars_dataframe()`` (NaN between); ``agents_every``
        records the agents every that many ticks (``get_agent_records()``). Results are the
        same bits with or without reporters.
        """
        new = Reporters(model_reporters, every, agents_every)
        if self.reporters is not None:
            new.model_reporters = {**self.reporters.model_reporters, **new.model_reporters}
            new.rows, new.agent_frames = self.reporters.rows, self.reporters.agent_frames
        self.reporters = new
        new.collect(self, force=True)
        return new

    def get_agent_records(self) -> pd.DataFrame:
        """Returns the agent records of ``add_reporters(agents_every=M)``: one row per agent
        and recorded tick (tick, agent, kind, state, x, y, group)."""
        if self.reporters is None:
            raise ValueError("no agent records: call add_reporters(agents_every=M) first")
        return self.reporters.agent_records()

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """Returns the per-tick time series (tick 0 is the initial state); every column but
        legitimacy (and the user reporters' columns) is an integer count."""
        df = pd.DataFrame(np.vstack(self._rows), columns=self.columns)
        floats = [c for c in self.columns
                  if c.startswith("legitimacy") or c in FLOAT_COLUMNS]
        df = df.astype({c: "int64" for c in self.columns if c not in floats})
        return df if self.reporters is None else self.reporters.join(df)

    def last_row(self) -> dict[str, float]:
        """Returns the latest per-tick record (the columns of the time series) as a dict."""
        return dict(zip(self.columns, self._rows[-1].tolist(), strict=True))

    def _record(self, row: np.ndarray) -> None:
        """Appends one tick's record."""
        self._rows.append(row)

    # -- run-time parameters ---------------------------------------------------------------
    @property
    def params(self) -> dict[str, float]:
        """Returns the current value of every run-time parameter (registry keys)."""
        return self.parameters.values

    def set_parameter(self, path: str, value: float) -> None:
        """Sets a run-time parameter from now on: a registry path (a per-group path sets every
        group) or ``groups.<name>.<field>``.

        Raises:
            KeyError: the path is no run-time parameter of this model.
        """
        self._apply({path: value})

    def _apply_changes(self, changes: list[tuple[str, str, float]]) -> None:
        for key, op, value in changes:
            self._apply({key: self.params[key] * value if op == "scale" else value})

    def _apply(self, values: dict[str, float]) -> None:
        refresh = False
        for path, value in values.items():
            for key in self.parameters.set(path, value):
                effect = row_for(key).effect
                if effect is Effect.CITIZENS:  # a per-group path acts through its group keys
                    refresh = refresh or key.startswith("groups.") or not self.parameters.grouped
                else:
                    self._on_change(effect, self.params[key])
        if refresh:
            self._refresh_citizens()

    def _on_change(self, effect: Effect, value: float) -> None:
        """Applies the effect of a changed scalar parameter."""
        if effect is Effect.MAX_TERM:
            self.switches[SW_MAX_TERM] = -1 if math.isinf(value) else int(value)
        elif effect is Effect.COP_COUNT:
            world, slots = self._world(), self._cop_ids()
            target = count_for(value, len(world[0]))
            if target > len(slots):
                raise ValueError(
                    f"police.density = {value:g} needs {target} cops, but this run has "
                    f"{len(slots)} cop slots (sized from the largest density the scenario's "
                    "timeline and actors can reach): declare the change in the timeline"
                )
            set_cop_count(target, slots, *world, self.macro_rng, self.kernel_rng)
        else:
            raise NotImplementedError(f"{type(self).__name__} cannot apply {effect}")

    def _refresh_citizens(self) -> None:
        """Recomputes what citizens read from per-group parameters (nothing by default)."""

    # -- the run ---------------------------------------------------------------------------
    def _advance(self, remaining: int) -> int:
        nxt = self.tick + 1
        chunk = self.timeline.chunk(nxt, remaining, self._before_tick(nxt))
        if self.reporters is not None:
            chunk = self.reporters.limit(nxt, chunk)
        counts, done = self._kernel(chunk)
        for i in range(done):
            self._record(self._counts_row(counts[i], self.tick + 1 + i))
        self.tick += done
        if self.reporters is not None:
            self.reporters.collect(self)
        return done

    @abstractmethod
    def _before_tick(self, nxt: int) -> bool:
        """Applies what is due before tick ``nxt``; returns whether the run must go tick by
        tick from here."""

    @abstractmethod
    def _kernel(self, n_ticks: int) -> tuple[np.ndarray, int]:
        """Returns (counts per tick, ticks done) after simulating up to ``n_ticks`` ticks."""

    @abstractmethod
    def _counts_row(self, counts: np.ndarray, tick: int) -> np.ndarray:
        """Returns the record of ``tick`` from the kernel's counts."""

    @abstractmethod
    def _world(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Returns (code, occupant, state, pos): the lattice and the agents' state and cell."""

    @abstractmethod
    def _cop_ids(self) -> np.ndarray:
        """Returns the agent indices of the cop slots."""

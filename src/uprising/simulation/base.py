"""The one simulation contract every model runs on: Model I, Model II and several sites.

``Simulation`` owns what all models share — loading the scenario, the run's seed streams, the
tick counter, the run loop with its progress callback and wall time, the macro actors' event
log, parameter changes through the run-time registry, forks (``fork``) and the ``RunResult`` —
and leaves to each model how a stretch of ticks is simulated (``_advance``), what it records and
how it summarises.
"""

from __future__ import annotations

import copy
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
import pandas as pd

from uprising.results import RunResult, run_metadata
from uprising.scenario import Scenario, load_scenario
from uprising.scenario.events import ConcessionEvent
from uprising.simulation.seeds import SeedLike, seed_sequence

ScenarioLike = str | Path | Scenario | dict[str, Any]
Progress = Callable[[int], object]


class Simulation(ABC):
    """A run of a scenario, stepped like a Mesa model.

    Args:
        scenario: preset name, YAML path, mapping or Scenario.
        rng: seed (int), SeedSequence or Generator; defaults to the scenario's ``seed``.
        overrides: dotted ``path=value`` overrides applied to the scenario (a string is one).
        replicate: replicate index, mixed into the SeedSequence's spawn key.
    """

    scenario: Scenario

    def __init__(
        self,
        scenario: ScenarioLike,
        rng: SeedLike = None,
        overrides: list[str] | str | None = None,
        replicate: int = 0,
    ):
        if isinstance(overrides, str):
            overrides = [overrides]
        self.scenario = load_scenario(scenario, overrides)
        self._check_scenario(self.scenario)
        if isinstance(replicate, bool) or not isinstance(replicate, int | np.integer) \
                or replicate < 0:
            raise ValueError(f"replicate must be a non-negative int; got {replicate!r}")
        self.replicate = int(replicate)
        self.seed_sequence = seed_sequence(rng, self.scenario.seed, self.replicate)
        self.tick = 0
        self.running = True
        self.wall_time = 0.0

    # -- the contract ----------------------------------------------------------------------
    def step(self) -> None:
        """Advances the model by one tick."""
        self.run(1)

    def run(self, ticks: int | None = None, progress: Progress | None = None) -> Simulation:
        """Returns self after running ``ticks`` more ticks (default: up to the scenario's end).

        Args:
            ticks: number of ticks to run (≥ 0).
            progress: optional callable ``progress(ticks_done_now)`` called after each stretch.

        Raises:
            ValueError: ``ticks`` is negative.
        """
        if ticks is not None and int(ticks) < 0:
            raise ValueError(f"ticks must be >= 0; got {ticks}")
        remaining = self.scenario.ticks - self.tick if ticks is None else int(ticks)
        started = time.perf_counter()
        while remaining > 0 and not self._finished():
            done = self._advance(remaining)
            remaining -= done
            if progress is not None:
                progress(done)
            if done == 0:
                break
        self.wall_time += time.perf_counter() - started
        self.running = self.tick < self.scenario.ticks and not self._finished()
        return self

    def fork(self) -> Self:
        """Returns an independent copy of the run that continues exactly as this one would.

        A deep copy of everything the run holds: the state, the run-time parameters, the
        timeline, the macro actors, the records so far and every random stream (kernel, macro
        actors, each site's). So ``m.fork().run(n)`` records the same ticks as ``m.run(n)``,
        bit for bit; a change to one of the two (``set_parameter``, ``concede``, a run) leaves
        the other untouched. The scenario and seed metadata are those of the original.
        """
        return copy.deepcopy(self)

    @abstractmethod
    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """Returns the per-tick time series (tick 0 is the initial state)."""

    @abstractmethod
    def get_agent_vars_dataframe(self) -> pd.DataFrame:
        """Returns one row per agent now."""

    @abstractmethod
    def last_row(self) -> dict[str, float]:
        """Returns the latest per-tick record (the columns of the time series) as a dict."""

    @property
    @abstractmethod
    def params(self) -> dict[str, float]:
        """Returns the current value of every run-time parameter (registry keys)."""

    @abstractmethod
    def set_parameter(self, path: str, value: float) -> None:
        """Sets a run-time parameter (a row of ``uprising.scenario.registry``) from now on."""

    def concede(self, event: ConcessionEvent | None = None, **fields: Any) -> None:
        """Grants a concession now; models without concessions refuse."""
        raise NotImplementedError(
            f"{type(self).__name__} has no concessions (model = {self.scenario.model})"
        )

    def guard_targets(self, targets: Sequence[int] | None, on: bool) -> int:
        """Returns how many targets are guarded (a guarded target takes no damage); models
        without target buildings refuse."""
        raise NotImplementedError(
            f"{type(self).__name__} has no target buildings to guard (model = "
            f"{self.scenario.model})"
        )

    @property
    def events(self) -> list[dict[str, Any]]:
        """Returns the macro actors' decisions so far, in order."""
        return self._events

    def log_event(self, actor: str, action: str, **detail: Any) -> None:
        """Records a macro actor's decision at the tick about to be simulated."""
        self._events.append({"tick": self.tick + 1, "actor": actor, "action": action, **detail})

    def result(self) -> RunResult:
        """Returns the RunResult (time series, summary, metadata) of the ticks run so far."""
        ts = self.get_model_vars_dataframe()
        if self.scenario.clock is not None and "datetime" not in ts.columns:
            from uprising.simulation.calendar import with_datetime

            ts = with_datetime(ts, self.scenario.clock)  # burn-in dropped, local date-times
        entropy = self.seed_sequence.entropy
        meta = run_metadata(
            self.scenario,
            seed=int(entropy) if isinstance(entropy, int) else None,
            replicate=self.replicate,
            spawn_key=list(self.seed_sequence.spawn_key),
            wall_time=self.wall_time,
            ticks=self.tick,
            n_citizens=self.n_citizens,
            **self._metadata(),
        )
        return RunResult(timeseries=ts, summary=self._summary(ts), metadata=meta)

    # -- what each model provides ----------------------------------------------------------
    _events: list[dict[str, Any]]

    @property
    @abstractmethod
    def n_citizens(self) -> int:
        """Returns the number of citizens the shares and the summary refer to."""

    @abstractmethod
    def _check_scenario(self, scenario: Scenario) -> None:
        """Raises ValueError when the scenario needs another model class."""

    @abstractmethod
    def _advance(self, remaining: int) -> int:
        """Returns the ticks simulated (1 … ``remaining``), after advancing ``self.tick``."""

    def _finished(self) -> bool:
        """Returns whether the run stopped by itself (e.g. a group died out)."""
        return False

    @abstractmethod
    def _summary(self, ts: pd.DataFrame) -> dict[str, Any]:
        """Returns the summary statistics of a time series of this model."""

    def _metadata(self) -> dict[str, Any]:
        """Returns the model-specific entries of the run's metadata."""
        return {"events": self.events}


def stacked_agents(names: list[str], models: list[Simulation], column: str) -> pd.DataFrame:
    """Returns the agent tables of several models (sites, regions) stacked, each row labelled
    with its model's name in the first column ``column``."""
    frames = []
    for name, m in zip(names, models, strict=True):
        df = m.get_agent_vars_dataframe()
        df.insert(0, column, name)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)

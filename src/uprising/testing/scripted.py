"""A stand-in for ``uprising.Model`` that replays a scripted active share, for testing actors.

It implements the actor-facing interface (``uprising.actors.interface.ActorModel``: ``params``,
``set_parameter``, ``concede``, ``log_event``, ``last_row``, ``n_citizens``) and records
every call.
"""

from __future__ import annotations

from typing import Any

from uprising.actors import build_actors
from uprising.scenario import Scenario, load_scenario
from uprising.scenario.registry import EXAMPLE_VALUES

#: Parameter values a scripted model starts with: the typical value of every row of the
#: run-time registry (every path the actors may set).
DEFAULT_PARAMS: dict[str, float] = dict(EXAMPLE_VALUES)


class ScriptedModel:
    """Replays ``actives[t]`` as the active count recorded at tick t and drives actors.

    Args:
        actives: active count per tick, starting with tick 0 (the initial state).
        actors: the actors to call before each tick.
        n_citizens: citizens the shares are computed against.
        params: parameter values overriding ``DEFAULT_PARAMS``.
        violent: violent count per tick (default: none violent).
    """

    def __init__(
        self,
        actives: list[int],
        actors: list[Any],
        n_citizens: int = 1000,
        params: dict[str, float] | None = None,
        violent: list[int] | None = None,
    ):
        self.actives = list(actives)
        self.violent = list(violent) if violent is not None else [0] * len(self.actives)
        self.actors = actors
        self.n_citizens = n_citizens
        self.params: dict[str, float] = {**DEFAULT_PARAMS, **(params or {})}
        self.tick = 0
        self.events: list[dict[str, Any]] = []
        self.sets: list[tuple[int, str, float]] = []
        self.concessions: list[dict[str, Any]] = []
        self.guards: list[tuple[int, list[int] | None, bool]] = []
        self.destroyed: list[int] = []  # targets_destroyed per tick (default: none)

    @classmethod
    def from_scenario(
        cls, actives: list[int], scenario: Scenario | dict[str, Any] | str, **kwargs: Any
    ) -> ScriptedModel:
        """Returns a scripted model driving the macro actors ``scenario`` switches on.

        ``kwargs`` are passed on (``n_citizens``, ``params``, ``violent``).
        """
        return cls(actives, build_actors(load_scenario(scenario)), **kwargs)

    def last_row(self) -> dict[str, float]:
        """Returns the scripted record of the current tick."""
        row = {"tick": self.tick, "active": self.actives[self.tick],
               "violent": self.violent[self.tick]}
        if self.destroyed:
            row["targets_destroyed"] = self.destroyed[self.tick]
        return row

    def set_parameter(self, path: str, value: float) -> None:
        """Records and applies a parameter change (unknown paths raise KeyError, like Model)."""
        if path not in self.params:
            raise KeyError(path)
        self.params[path] = value
        self.sets.append((self.tick + 1, path, value))

    def concede(self, **kwargs: Any) -> None:
        """Records a concession."""
        self.concessions.append({"tick": self.tick + 1, **kwargs})

    def guard_targets(self, targets: list[int] | None, on: bool) -> int:
        """Records a guard order; returns how many targets it names (0 for all)."""
        self.guards.append((self.tick + 1, targets, on))
        return len(targets) if targets is not None else 0

    def log_event(self, actor: str, action: str, **detail: Any) -> None:
        """Records an actor's decision at the tick about to be simulated."""
        self.events.append({"tick": self.tick + 1, "actor": actor, "action": action, **detail})

    def run(self, ticks: int) -> ScriptedModel:
        """Returns self after calling every actor before each of ``ticks`` more ticks."""
        for _ in range(ticks):
            for actor in self.actors:
                actor.before_tick(self, self.tick + 1)
            self.tick += 1
        return self

    def actions(self, actor: str | None = None) -> list[tuple[int, str]]:
        """Returns (tick, action) of the logged decisions, optionally of one actor."""
        return [(e["tick"], e["action"]) for e in self.events if actor in (None, e["actor"])]

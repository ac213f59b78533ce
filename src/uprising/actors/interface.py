"""What a macro actor may see and do of a model: the actor-facing interface.

Every model of ``uprising.simulation`` offers it, and so does the scripted test double in
``uprising.testing``; actors are typed against this Protocol and never reach into kernels or
state arrays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol


class ActorModel(Protocol):
    """The model as a macro actor sees it (see ``uprising.simulation.base.Simulation``)."""

    @property
    def n_citizens(self) -> int:
        """Returns how many citizens the shares an actor observes refer to."""
        ...

    @property
    def params(self) -> Mapping[str, float]:
        """Returns the current run-time parameters (rows of ``uprising.scenario.registry``)."""
        ...

    def last_row(self) -> dict[str, float]:
        """Returns the latest per-tick record (active, violent, ... counts)."""
        ...

    def set_parameter(self, path: str, value: float) -> None:
        """Sets a run-time parameter from the next tick on."""
        ...

    def concede(self, **fields: Any) -> None:
        """Grants a concession now (the fields of a ConcessionEvent)."""
        ...

    def log_event(self, actor: str, action: str, **detail: Any) -> None:
        """Records the actor's decision at the tick about to be simulated."""
        ...

    def guard_targets(self, targets: Sequence[int] | None, on: bool) -> int:
        """Returns how many targets are guarded after guarding (``on``) or releasing
        ``targets`` (indices; None = all); a guarded target takes no damage."""
        ...


class Actor(Protocol):
    """A macro actor: acts between ticks."""

    name: str

    def before_tick(self, model: ActorModel, tick: int) -> None:
        """Acts before tick ``tick`` is simulated."""
        ...

"""Shared pieces of the macro actors: the observed active share and the police-density ledger."""

from __future__ import annotations

from collections import deque

from uprising.actors.interface import ActorModel


def active_share(model: ActorModel, measure: str = "active") -> float:
    """Returns the ``measure`` column (active or violent) / citizens in the latest recorded
    tick (0 when there are no citizens)."""
    n = model.n_citizens
    return float(model.last_row()[measure]) / n if n else 0.0


class Reported:
    """An observation model: ``observe`` returns bias · (the value pushed ``lag`` calls ago),
    the earliest value while fewer than ``lag`` have been pushed."""

    def __init__(self, lag: int = 0, bias: float = 1.0):
        self.values: deque[float] = deque(maxlen=lag + 1)
        self.bias = bias

    def observe(self, true_value: float) -> float:
        """Returns the reported value after recording ``true_value``."""
        self.values.append(true_value)
        return self.bias * self.values[0]


class ShareWindow:
    """Moving average of the observed active share over the last ``window`` ticks."""

    def __init__(self, window: int):
        self.values: deque[float] = deque(maxlen=window)

    def push(self, value: float) -> float:
        """Returns the average after adding ``value``."""
        self.values.append(value)
        return sum(self.values) / len(self.values)


class PoliceLevers:
    """Composes the actors' claims on ``police.density`` so none undoes another's.

    density = min(cap, base·factor·(1 + freed) + extra), where ``factor`` is the government's
    crackdown multiplier, ``freed`` the share of local police freed by an external power taking
    over static posts, and ``extra`` external police density. ``base`` is the value the model had
    before the actors' last write (re-read whenever something else, e.g. the timeline, changed it).
    """

    def __init__(self, cap: float):
        self.cap = cap
        self.factor = 1.0
        self.freed = 0.0
        self.extra = 0.0
        self._base: float | None = None
        self._written: float | None = None

    def apply(self, model: ActorModel) -> float:
        """Returns the police density written to ``model`` from the current claims."""
        current = float(model.params["police.density"])
        if self._written is None or current != self._written:
            self._base = current
        assert self._base is not None
        value = min(self.cap, self._base * self.factor * (1.0 + self.freed) + self.extra)
        model.set_parameter("police.density", value)
        self._written = value
        return value

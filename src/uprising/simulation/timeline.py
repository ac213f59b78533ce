"""Scripted timeline: which parameters the scenario's dated events change at each tick."""

from __future__ import annotations

from uprising.scenario.events import ConcessionEvent, RampEvent, ScaleEvent, SetEvent
from uprising.scenario.registry import GROUP_PATHS
from uprising.scenario.schema import Scenario

#: Longest stretch of ticks one kernel call simulates.
MAX_CHUNK = 1000


def event_key(ev: SetEvent | RampEvent | ScaleEvent) -> str:
    """Returns the parameter key an event changes: the path, or ``groups.<g>.<field>``."""
    if ev.group is not None and ev.path in GROUP_PATHS:
        return f"groups.{ev.group}.{ev.path.split('.', 1)[1]}"
    return ev.path


class Timeline:
    """The scenario's dated events, answering what changes at a given tick."""

    def __init__(self, scenario: Scenario):
        self.changes: dict[int, list[tuple[str, str, float]]] = {}
        self.concessions: dict[int, list[ConcessionEvent]] = {}
        for ev in scenario.timeline:
            if isinstance(ev, ConcessionEvent):
                self.concessions.setdefault(ev.at, []).append(ev)
            elif isinstance(ev, SetEvent):
                self._add(ev.at, event_key(ev), "set", ev.value)
            elif isinstance(ev, ScaleEvent):
                self._add(ev.at, event_key(ev), "scale", ev.factor)
            else:
                span = ev.end - ev.start
                for t in range(ev.start, ev.end + 1):
                    frac = (t - ev.start) / span
                    value = ev.start_value + (ev.end_value - ev.start_value) * frac
                    self._add(t, event_key(ev), "set", value)
        self.change_ticks: set[int] = set(self.changes) | set(self.concessions)

    def _add(self, tick: int, key: str, op: str, value: float) -> None:
        self.changes.setdefault(tick, []).append((key, op, value))

    def changes_at(self, tick: int) -> list[tuple[str, str, float]]:
        """Returns (key, op, value) changes at ``tick``, op being ``set`` or ``scale``, in the
        order the events are listed."""
        return self.changes.get(tick, [])

    def concessions_at(self, tick: int) -> list[ConcessionEvent]:
        """Returns the concessions granted at ``tick``."""
        return self.concessions.get(tick, [])

    def chunk(self, nxt: int, remaining: int, per_tick: bool) -> int:
        """Returns how many ticks from ``nxt`` on one kernel call may simulate: 1 when something
        acts every tick, else up to the next scheduled change (at most ``MAX_CHUNK``)."""
        if per_tick:
            return 1
        change = self.next_change(nxt)
        chunk = remaining if change is None else min(remaining, change - nxt)
        return min(chunk, MAX_CHUNK)

    def next_change(self, after: int) -> int | None:
        """Returns the first tick > ``after`` at which something is scheduled, if any."""
        later = [t for t in self.change_ticks if t > after]
        return min(later) if later else None

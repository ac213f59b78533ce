"""Scripted timeline: the value each timeline-controlled parameter takes at each tick."""

from __future__ import annotations

from uprising.scenario.schema import RampEvent, Scenario, SetEvent


def value_at(events: list[SetEvent | RampEvent], tick: int, initial: float) -> float:
    """Returns a parameter's value in force during ``tick`` given its events (later win)."""
    value = initial
    for ev in events:
        if isinstance(ev, SetEvent):
            if tick >= ev.at:
                value = ev.value
        elif tick >= ev.end:
            value = ev.end_value
        elif tick >= ev.start:
            frac = (tick - ev.start) / (ev.end - ev.start)
            value = ev.start_value + (ev.end_value - ev.start_value) * frac
    return value


class Timeline:
    """The scenario's dated events, answering which parameters change at a given tick."""

    def __init__(self, scenario: Scenario, initial: dict[str, float]):
        self.initial = dict(initial)
        self.by_path: dict[str, list[SetEvent | RampEvent]] = {}
        for ev in scenario.timeline:
            self.by_path.setdefault(ev.path, []).append(ev)
        self.change_ticks: set[int] = set()
        for ev in scenario.timeline:
            if isinstance(ev, SetEvent):
                self.change_ticks.add(ev.at)
            else:
                self.change_ticks.update(range(ev.start, ev.end + 1))

    def values_at(self, tick: int) -> dict[str, float]:
        """Returns {path: value} for every timeline-controlled parameter during ``tick``."""
        return {
            path: value_at(events, tick, self.initial[path])
            for path, events in self.by_path.items()
        }

    def next_change(self, after: int) -> int | None:
        """Returns the first tick > ``after`` at which some parameter may change, if any."""
        later = [t for t in self.change_ticks if t > after]
        return min(later) if later else None

"""Calendar time: a scenario's clock, and dated events resolved to ticks.

A clock says when the run starts (a local date-time in a named time zone), how many hours a
tick lasts and how many burn-in ticks run before the start. With ``burn_in_ticks = b`` and
``hours_per_tick = h``, model tick ``k`` (k ≥ 1) covers the local interval

    [start + (k − b − 1)·h,  start + (k − b)·h)

so ticks 1 … b are the burn-in (before the start) and tick b + 1 is the first tick of the run.
An event dated ``d`` (``start ≤ d < end``) acts before the tick whose interval contains it:

    k(d) = b + ⌊(d − start) / h⌋ + 1

A row of the time series describes the state at the *end* of its tick:
``datetime(k) = start + (k − b)·h``. Equations: docs/real-world-frame.md §1.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from uprising.scenario.base import Frozen

#: Fields of a timeline event that hold a tick (and may be given as a date-time instead).
TICK_FIELDS = ("at", "start", "end")


class Clock(Frozen):
    """Calendar time of a run (optional; without it a tick has no duration)."""

    start: datetime = Field(description="local date-time of the first tick after burn-in")
    timezone: str = Field("UTC", description="IANA time zone of the local date-times")
    hours_per_tick: float = Field(1.0, gt=0.0, le=24.0, description="hours one tick lasts")
    burn_in_ticks: int = Field(
        0, ge=0, le=100_000, description="ticks run before the start; their output is dropped"
    )
    days: float | None = Field(
        None, gt=0.0, le=3650.0,
        description="length of the run after the start, in days (sets ticks = burn-in + "
        "days·24/hours_per_tick)",
    )

    @field_validator("start")
    @classmethod
    def _naive(cls, v: datetime) -> datetime:
        if v.tzinfo is not None:
            raise ValueError("give a local date-time without offset; the zone is `timezone`")
        return v

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {v!r}") from exc
        return v

    @model_validator(mode="after")
    def _whole_ticks(self) -> Clock:
        if self.days is not None:
            n = self.days * 24.0 / self.hours_per_tick
            if abs(n - round(n)) > 1e-9:
                raise ValueError(
                    f"days = {self.days:g} is not a whole number of {self.hours_per_tick:g}-hour "
                    "ticks"
                )
        return self

    # -- conversions ---------------------------------------------------------------------
    @property
    def tick_hours(self) -> timedelta:
        """Returns the length of one tick."""
        return timedelta(hours=self.hours_per_tick)

    def run_ticks(self) -> int | None:
        """Returns burn-in + the ticks of ``days`` (None without ``days``)."""
        if self.days is None:
            return None
        return self.burn_in_ticks + round(self.days * 24.0 / self.hours_per_tick)

    def tick_of(self, when: datetime) -> int:
        """Returns the model tick whose interval contains the local date-time ``when``."""
        hours = (when - self.start).total_seconds() / 3600.0
        return self.burn_in_ticks + math.floor(hours / self.hours_per_tick + 1e-9) + 1

    def datetime_of(self, tick: int) -> datetime:
        """Returns the local date-time at the end of model tick ``tick``."""
        return self.start + (tick - self.burn_in_ticks) * self.tick_hours

    def ticks_of_hours(self, hours: float) -> int:
        """Returns a duration in hours as a whole number of ticks (rounded, ≥ 0)."""
        return max(0, round(hours / self.hours_per_tick))

    def end(self, ticks: int) -> datetime:
        """Returns the local date-time at which a run of ``ticks`` model ticks ends."""
        return self.datetime_of(ticks)

    @property
    def zone(self) -> ZoneInfo:
        """Returns the time zone."""
        return ZoneInfo(self.timezone)


def parse_when(value: Any, where: str) -> datetime | None:
    """Returns ``value`` as a naive local date-time, or None when it is a tick (an int).

    Raises:
        ValueError: a string that is no ISO date-time, naming ``where``.
    """
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else _refuse_offset(where)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"{where}: {value!r} is neither a tick nor an ISO date-time") from exc
        if parsed.tzinfo is not None:
            _refuse_offset(where)
        return parsed
    return None


def _refuse_offset(where: str) -> datetime:
    raise ValueError(f"{where}: give a local date-time without offset (the clock's zone)")


def resolve_tick(clock: Clock | None, value: Any, ticks: int | None, where: str) -> Any:
    """Returns the tick of a value given as a tick or a local date-time.

    Raises:
        ValueError: a date without a clock, or a date outside the run, naming ``where``.
    """
    when = parse_when(value, where)
    if when is None:
        return value
    if clock is None:
        raise ValueError(f"{where}: a date-time ({value}) needs a `clock` section")
    if when < clock.start:
        raise ValueError(f"{where}: {when.isoformat()} is before the clock's start "
                         f"{clock.start.isoformat()}")
    tick = clock.tick_of(when)
    if ticks is not None and when > clock.end(ticks):  # the end itself closes periods
        raise ValueError(f"{where}: {when.isoformat()} is after the run's end "
                         f"{clock.end(ticks).isoformat()}")
    return tick


def resolve_dates(data: dict[str, Any]) -> dict[str, Any]:
    """Returns scenario data whose dated timeline events and government script actions are
    resolved to ticks (and whose
    ``ticks`` follows ``clock.days``); data without a clock or dates is returned as is."""
    raw_clock = data.get("clock")
    timeline = data.get("timeline") or ()
    if not isinstance(timeline, list | tuple) or not (
            raw_clock is None or isinstance(raw_clock, dict | Clock)):
        return data  # not a list / mapping: the schema's own validation says so
    gov = data.get("government")
    script = gov.get("script") if isinstance(gov, dict) else None
    dated = any(isinstance(ev, dict) and any(isinstance(ev.get(f), str | datetime)
                                              for f in TICK_FIELDS) for ev in timeline) or (
        isinstance(script, list | tuple) and any(
            isinstance(a, dict) and isinstance(a.get("at"), str | datetime) for a in script))
    if raw_clock is None and not dated:
        return data
    clock = raw_clock if isinstance(raw_clock, Clock) or raw_clock is None \
        else Clock.model_validate(raw_clock)
    out = dict(data)
    if clock is not None and clock.run_ticks() is not None:
        out["ticks"] = clock.run_ticks()
    ticks = out.get("ticks")
    events = []
    for i, ev in enumerate(timeline):
        if isinstance(ev, dict):
            ev = {k: (resolve_tick(clock, v, ticks, f"timeline[{i}].{k}")
                      if k in TICK_FIELDS else v) for k, v in ev.items()}
        events.append(ev)
    out["timeline"] = events
    gov = out.get("government")
    if isinstance(gov, dict) and isinstance(gov.get("script"), list | tuple):
        script = [{**a, "at": resolve_tick(clock, a.get("at"), ticks, f"government.script[{i}].at")}
                  if isinstance(a, dict) else a for i, a in enumerate(gov["script"])]
        out["government"] = {**gov, "script": script}
    return out

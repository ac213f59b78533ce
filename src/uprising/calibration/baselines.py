"""Baselines a forecast of cumulative counts must beat (issue 16, AT7): a constant rate and a
logistic curve, each fitted to the early figures of the record.

Times are days since a reference day (the day before the onset); a count at day ``t`` is the
cumulative count at the end of that day.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ConstantRate:
    """Cumulative count = ``rate`` × days since the reference day."""

    rate: float

    @classmethod
    def fit(cls, day: float, count: float) -> ConstantRate:
        """The rate that gives ``count`` by ``day`` (the last early figure)."""
        if day <= 0:
            raise ValueError(f"day must be after the reference day, got {day}")
        return cls(count / day)

    def __call__(self, day: float) -> float:
        return self.rate * day


@dataclass(frozen=True)
class Logistic:
    """Cumulative count = ``capacity`` / (1 + exp(−``growth`` (day − ``midpoint``)))."""

    capacity: float
    growth: float
    midpoint: float

    @classmethod
    def through(cls, days: Sequence[float], counts: Sequence[float]) -> Logistic | None:
        """The logistic through three figures on equally spaced days, or None when none
        exists (growth that does not slow down has no finite capacity).

        With y = 1/count, a logistic gives y(t) = a + b·q^t with a = 1/capacity and
        q = exp(−growth): on equally spaced days (y₀ − a), (y₁ − a), (y₂ − a) are geometric,
        which fixes a; then q and the midpoint follow."""
        if len(days) != 3 or len(counts) != 3:
            raise ValueError("a logistic needs exactly three figures")
        t0, t1, t2 = (float(d) for d in days)
        if not (t1 - t0 > 0 and math.isclose(t1 - t0, t2 - t1)):
            raise ValueError(f"the days must be increasing and equally spaced, got {days}")
        if min(counts) <= 0:
            raise ValueError(f"counts must be positive, got {counts}")
        y0, y1, y2 = (1.0 / float(c) for c in counts)
        den = y0 + y2 - 2.0 * y1
        if den == 0:
            return None
        a = (y0 * y2 - y1 * y1) / den
        if not (0 < a < y2) or y1 - a <= 0 or y0 - a <= 0:
            return None  # growth is not slowing: no finite capacity
        q = (y1 - a) / (y0 - a)
        if not 0 < q < 1:
            return None
        growth = -math.log(q) / (t1 - t0)
        # y0 - a = a·exp(−growth (t0 − midpoint))
        midpoint = t0 + math.log((y0 - a) / a) / growth
        return cls(1.0 / a, growth, midpoint)

    def __call__(self, day: float) -> float:
        z = -self.growth * (day - self.midpoint)
        return 0.0 if z > 700 else self.capacity / (1.0 + math.exp(z))

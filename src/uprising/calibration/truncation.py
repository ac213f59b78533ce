"""A second, truncated round of neural posterior estimation (after Deistler et al. 2022, TSNPE,
with a box for the truncation region).

Round 1 is the calibration on the full prior. Its posterior at the observed data is sampled,
and the box between each parameter's ``TAIL`` and 1 − ``TAIL`` quantiles of those draws —
widened by ``MARGIN`` of its width on each side, clipped to the prior's unit cube — becomes
the truncated prior of round 2: a new Latin hypercube of
simulations inside the box, plus the round-1 rows that fall inside it (they are draws from the
same truncated prior, since the prior is uniform on the unit cube). Round 2's estimator works
on the box's own unit cube, so its posterior cannot leave the box, and its recovery on held-out
round-2 runs checks coverage under the truncated prior, where the observed data lie. The
posterior equals the full-prior posterior as long as that posterior's mass lies inside the
box; the margin and the draws' extent keep that likely, and the metadata record the box and
the share of round-1 draws near its edges.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Share of the draws' range added on each side of the box.
MARGIN = 0.1
#: Each parameter's box runs between these quantiles of the draws (before the margin): the
#: extreme draws of a flow follow its tails, which are least trained.
TAIL = 1e-3
#: Posterior draws of round 1 that span the box.
BOX_DRAWS = 20_000


@dataclass(frozen=True)
class Box:
    """An axis-aligned box inside the unit cube (``lo`` < ``hi`` per parameter)."""

    lo: np.ndarray
    hi: np.ndarray

    @classmethod
    def around(cls, unit_draws: np.ndarray, margin: float = MARGIN, tail: float = TAIL) -> Box:
        """Returns the box between the ``tail`` and 1 − ``tail`` quantiles of ``unit_draws``
        (n × d) per parameter, widened by ``margin`` of its width on each side (at least 1e-3
        wide) and clipped to [0, 1]."""
        lo, hi = np.quantile(unit_draws, [tail, 1.0 - tail], axis=0)
        pad = np.maximum(margin * (hi - lo), 5e-4)
        return cls(np.clip(lo - pad, 0.0, 1.0), np.clip(hi + pad, 0.0, 1.0))

    def contains(self, unit: np.ndarray) -> np.ndarray:
        """Returns, per row of ``unit`` (n × d), whether it lies inside the box."""
        return ((unit >= self.lo) & (unit <= self.hi)).all(axis=-1)

    def to_box(self, unit: np.ndarray) -> np.ndarray:
        """Returns ``unit`` in the box's own unit coordinates."""
        return (unit - self.lo) / (self.hi - self.lo)

    def from_box(self, inner: np.ndarray) -> np.ndarray:
        """Returns the prior's unit coordinates of the box's coordinates ``inner``."""
        return self.lo + (self.hi - self.lo) * inner

    def volume(self) -> float:
        """Returns the box's share of the prior's unit cube."""
        return float(np.prod(self.hi - self.lo))

    def bounds(self, names: list[str] | tuple[str, ...]) -> dict[str, tuple[float, float]]:
        """Returns the box as a sampler's bounds by parameter name."""
        return {n: (float(a), float(b)) for n, a, b in zip(names, self.lo, self.hi, strict=True)}

"""The prior of a calibration, and the unit cube the inference works in.

Each parameter maps to a unit coordinate ``u`` in [0, 1]: ``θ = low + u (high − low)`` for a
uniform prior, ``θ = low (high/low)^u`` for a loguniform one. Both priors are uniform in ``u``,
so the table is sampled, the posterior estimated and coverage measured on the unit cube, and
only the results shown to people are mapped back to θ. Quantiles, ranks and interval coverage
do not change under this monotone map; variances (hence contraction) are those of ``u``, i.e.
of log θ for a loguniform parameter. (The torch distribution sbi trains against is that of
logit(u): ``npe.logistic_prior``.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from uprising.calibration.spec import CalibrationSpec

#: Variance of a uniform variable on [0, 1]: the prior variance of every unit coordinate.
UNIT_VARIANCE = 1.0 / 12.0


@dataclass(frozen=True)
class Prior:
    """Independent uniform / loguniform priors over named parameters.

    Attributes:
        names: parameter names, in order.
        log: per parameter, whether the prior is loguniform.
        low: lower bounds (θ units).
        high: upper bounds (θ units).
    """

    names: tuple[str, ...]
    log: tuple[bool, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]

    @classmethod
    def from_spec(cls, spec: CalibrationSpec) -> Prior:
        """Returns the prior declared in a calibration file."""
        ps = spec.parameters
        return cls(tuple(p.name for p in ps), tuple(p.prior.dist == "loguniform" for p in ps),
                   tuple(p.prior.low for p in ps), tuple(p.prior.high for p in ps))

    @property
    def dim(self) -> int:
        """Returns the number of parameters."""
        return len(self.names)

    def _bounds(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        log = np.array(self.log)
        lo, hi = np.array(self.low, float), np.array(self.high, float)
        safe = np.where(log, np.maximum(lo, 1e-300), 1.0), np.where(log, hi, 1.0)
        return log, np.where(log, np.log(safe[0]), lo), np.where(log, np.log(safe[1]), hi)

    def to_theta(self, unit: np.ndarray) -> np.ndarray:
        """Returns θ (same shape, last axis = parameters) of unit-cube coordinates."""
        log, lo, hi = self._bounds()
        z = lo + np.asarray(unit, float) * (hi - lo)
        return np.where(log, np.exp(z), z)

    def to_unit(self, theta: np.ndarray) -> np.ndarray:
        """Returns unit-cube coordinates of θ (inverse of ``to_theta``)."""
        log, lo, hi = self._bounds()
        theta = np.asarray(theta, float)
        z = np.where(log, np.log(np.where(log, theta, 1.0)), theta)
        return (z - lo) / (hi - lo)

    def sample_unit(self, n: int, seed: np.random.SeedSequence) -> np.ndarray:
        """Returns ``n`` × dim unit-cube draws from the prior; the same seed gives the same bits."""
        return np.random.Generator(np.random.PCG64(seed)).random((n, self.dim))

    def sample(self, n: int, seed: np.random.SeedSequence) -> np.ndarray:
        """Returns ``n`` × dim draws of θ from the prior (seeded like ``sample_unit``)."""
        return self.to_theta(self.sample_unit(n, seed))

    def as_dict(self, theta_row: np.ndarray) -> dict[str, float]:
        """Returns {name: value} of one θ vector."""
        return {n: float(v) for n, v in zip(self.names, theta_row, strict=True)}

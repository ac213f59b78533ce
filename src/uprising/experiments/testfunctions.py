"""Test functions with known sensitivity indices, callable as experiment models.

Use in an experiment file as ``model: uprising.experiments.testfunctions:ishigami``. (Models
that only serve the package's own tests, ``flaky`` and ``process_id``, are in ``uprising.testing``.)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

ISHIGAMI_A = 7.0
ISHIGAMI_B = 0.1


def ishigami(params: dict[str, Any], rng: np.random.SeedSequence | None = None) -> dict[str, float]:
    """Returns ``{"y": sin x1 + a sin² x2 + b x3⁴ sin x1}`` (a = 7, b = 0.1); ``rng`` unused.

    Parameters are read in key order (x1, x2, x3), each on [−π, π].
    """
    x1, x2, x3 = (float(v) for v in params.values())
    y = math.sin(x1) + ISHIGAMI_A * math.sin(x2) ** 2 + ISHIGAMI_B * x3**4 * math.sin(x1)
    return {"y": y}


def ishigami_indices(a: float = ISHIGAMI_A, b: float = ISHIGAMI_B) -> dict[str, list[float]]:
    """Returns the analytic first-order (S1) and total (ST) Sobol indices of the Ishigami function.

    With x_i ~ U(−π, π): V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2, V1 = (1 + bπ⁴/5)²/2, V2 = a²/8,
    V13 = b²π⁸(1/18 − 1/50); S1 = (V1/V, V2/V, 0), ST = ((V1+V13)/V, V2/V, V13/V).
    """
    pi4 = math.pi**4
    v1 = 0.5 * (1 + b * pi4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return {"S1": [v1 / v, v2 / v, 0.0], "ST": [(v1 + v13) / v, v2 / v, v13 / v]}


def noisy_linear(params: dict[str, Any], rng: np.random.SeedSequence) -> dict[str, float]:
    """Returns ``{"y": Σ (i+1)·x_i + N(0, 0.1)}`` — a stochastic model for replicate tests."""
    noise = np.random.default_rng(rng).normal(0.0, 0.1)
    total = sum((i + 1) * float(v) for i, v in enumerate(params.values()))
    return {"y": total + float(noise)}


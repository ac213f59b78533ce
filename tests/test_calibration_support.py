"""Toy simulators for the calibration tests (importable by name: tests/ is on sys.path).

Two parameters with a known answer: ``a`` (uniform on [0, 1]) and ``b`` (loguniform on
[0.5, 5]); three statistics, each a linear function of (a, log b) plus Gaussian noise, so the
true posterior is close to Gaussian and a calibrated estimator must cover the truth.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

NOISE = 0.08
OBSERVED = {"s1": 0.3, "s2": math.log(2.0), "s3": 0.3 + math.log(2.0)}


def toy(params: dict[str, Any], seed: np.random.SeedSequence) -> dict[str, float]:
    """Returns s1 = a, s2 = log b, s3 = a + log b (+ noise; + ``shift`` on s1 if given)."""
    e = np.random.default_rng(seed).normal(0.0, NOISE, 3)
    a, lb = float(params["a"]), math.log(float(params["b"]))
    shift = float(params.get("shift", 0.0))
    return {"s1": a + shift + e[0], "s2": lb + e[1], "s3": a + lb + e[2]}


def toy_nan(params: dict[str, Any], seed: np.random.SeedSequence) -> dict[str, float]:
    """Returns ``toy`` but with s3 NaN when a > 0.8 (a statistic that failed)."""
    out = toy(params, seed)
    if params["a"] > 0.8:
        out["s3"] = float("nan")
    return out


def observed(case: str) -> dict[str, float]:
    """Returns the toy's observed statistics (true a = 0.3, b = 2)."""
    return dict(OBSERVED)


def spec_data(**budget: Any) -> dict[str, Any]:
    """Returns a toy calibration mapping; ``budget`` entries override the small default."""
    return {
        "case": "toy",
        "simulator": "test_calibration_support:toy",
        "observed": "test_calibration_support:observed",
        "parameters": [
            {"name": "a", "prior": {"dist": "uniform", "low": 0.0, "high": 1.0}},
            {"name": "b", "prior": {"dist": "loguniform", "low": 0.5, "high": 5.0}},
        ],
        "statistics": ["s1", "s2", "s3"],
        "budget": {"simulations": 100, "recovery_datasets": 20, "posterior_samples": 200,
                   "predictive_draws": 20, "seed": 7, **budget},
        "training": {"ensemble": 2, "hidden_features": 24, "max_epochs": 80,
                     "stop_after_epochs": 10, "batch_size": 64},
        "structural": [{"name": "shifted", "overrides": {"shift": 0.5}}],
    }

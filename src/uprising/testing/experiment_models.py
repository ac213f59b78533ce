"""Function models for tests of the experiment layer (``f(params, seed) -> dict``).

Named in an experiment as ``model: uprising.testing:flaky``; workers (processes, Dask)
import them by that name.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np


def flaky(params: dict[str, Any], rng: np.random.SeedSequence) -> dict[str, float]:
    """Returns ``{"y": x}`` but raises ValueError when ``x`` is negative (for failure tests)."""
    x = float(next(iter(params.values())))
    if x < 0:
        raise ValueError(f"x = {x} is negative")
    return {"y": x}


def process_id(params: dict[str, Any], rng: np.random.SeedSequence) -> dict[str, float]:
    """Returns ``{"pid": id of the process that ran it}`` (to see which worker ran a run)."""
    return {"pid": float(os.getpid())}

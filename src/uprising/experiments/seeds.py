"""Per-run random streams: one SeedSequence per (point, replicate), independent of execution."""

from __future__ import annotations

import numpy as np


def run_seed(experiment_seed: int, point: int, replicate: int) -> np.random.SeedSequence:
    """Returns ``SeedSequence(experiment_seed, spawn_key=(point, replicate))``.

    The stream depends only on the experiment's seed and the run's coordinates, so a run gives
    the same bits whichever executor, worker or shard computes it, and in whatever order.
    """
    return np.random.SeedSequence(int(experiment_seed), spawn_key=(int(point), int(replicate)))


"""Every random stream of a run, derived from one ``numpy.random.SeedSequence``.

A run's root is ``SeedSequence(seed, spawn_key=(replicate,))`` (an experiment's run:
``spawn_key=(point, replicate)``); its streams are children keyed by a named index, so the same
seed gives the same bits whichever process, worker or shard runs it.
"""

from __future__ import annotations

import numpy as np

SeedLike = int | np.random.SeedSequence | np.random.Generator | None

#: Stream indices appended to the run's spawn key.
STREAM_INIT = 0  # initial placement and attributes of the agents
STREAM_KERNEL = 1  # the kernel's xoshiro state (activation order, moves, arrests, ...)
STREAM_MACRO = 2  # macro decisions between ticks (which cops go off duty, ...)
STREAM_CASE_EFFECTS = 900  # a case study's random effects, drawn before the model is built
STREAM_QUIET_START = 910  # + k: a case study's k-th redrawn burn-in (casestudy.simulate)
#: Offset added to a site's index, so site streams never coincide with a single-site run's.
SITE_KEY_OFFSET = 1000


def seed_sequence(rng: SeedLike, default: int, replicate: int = 0) -> np.random.SeedSequence:
    """Returns the run's SeedSequence: ``SeedSequence(seed, spawn_key=(replicate,))``.

    Args:
        rng: a seed (non-negative int), a SeedSequence (used as it is), a Generator (its next
            128 bits become the entropy, for Mesa compatibility) or None (``default``).
        default: the seed used when ``rng`` is None (the scenario's ``seed``).
        replicate: replicate index, the spawn key.

    Raises:
        ValueError: ``rng`` is a negative integer or of another type (the message names it).
    """
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, np.random.Generator):
        entropy = int(rng.integers(0, 2**63)) << 64 | int(rng.integers(0, 2**63))
        return np.random.SeedSequence(entropy, spawn_key=(replicate,))
    seed = default if rng is None else rng
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"rng must be a non-negative int seed, a SeedSequence or a Generator; "
                         f"got {seed!r}")
    return np.random.SeedSequence(int(seed), spawn_key=(replicate,))


def child(ss: np.random.SeedSequence, index: int) -> np.random.SeedSequence:
    """Returns the stream ``index`` of a run: its spawn key extended by ``index``."""
    return np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, index))


def generator(ss: np.random.SeedSequence, index: int) -> np.random.Generator:
    """Returns a PCG64 Generator on stream ``index`` of a run."""
    return np.random.Generator(np.random.PCG64(child(ss, index)))


def site_seed(ss: np.random.SeedSequence, index: int) -> np.random.SeedSequence:
    """Returns the SeedSequence of site ``index``: the run's spawn key + (1000 + index,)."""
    return child(ss, SITE_KEY_OFFSET + index)


def run_seed(experiment_seed: int, point: int, replicate: int) -> np.random.SeedSequence:
    """Returns ``SeedSequence(experiment_seed, spawn_key=(point, replicate))``: the root of an
    experiment's run, independent of the executor, worker, shard and order that compute it."""
    return np.random.SeedSequence(int(experiment_seed), spawn_key=(int(point), int(replicate)))

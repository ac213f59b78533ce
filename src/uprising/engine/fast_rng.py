"""Counter-based random numbers for the fast scheduler.

Every draw is a pure function of (tick key, stream, cell, attempt): the splitmix64 output
function applied to a per-stream counter. No generator state is shared between threads, so the
fast engine's results do not depend on how many threads run it or in which order cells are
visited. The tick key itself is the next output of the run's xoshiro256** stream
(``uprising.engine.rng``), so ``run(100)`` and 100 calls of ``step()`` give the same bits.
"""

from __future__ import annotations

import numba
import numpy as np

_U64 = np.uint64
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_INV53 = 1.0 / 9007199254740992.0

# Stream ids (one per use, so draws for different purposes never coincide).
ST_MOVE = 1 << 12  # + 64·sub-step + 2·round: target; + 1: claim priority
ST_ARREST = 1 << 13  # + 64·sub-step + 2·round: victim; + 1: claim priority
ST_TERM = 128
ST_COIN = 129
ST_RELEASE = 130
ST_SLOT = 131


@numba.njit(inline="always")
def mix64(z: np.uint64) -> np.uint64:
    """Returns the splitmix64 finaliser of ``z`` (a bijection with full avalanche)."""
    z = (z ^ (z >> _U64(30))) * _M1
    z = (z ^ (z >> _U64(27))) * _M2
    return z ^ (z >> _U64(31))


@numba.njit(inline="always")
def stream_key(tick_key: np.uint64, stream: int) -> np.uint64:
    """Returns the key of one stream within a tick."""
    return mix64(tick_key ^ mix64(_U64(stream) * _GOLDEN + _U64(1)))


@numba.njit(inline="always")
def draw(key: np.uint64, cell: int, attempt: int) -> np.uint64:
    """Returns 64 random bits for (stream key, cell, attempt); ``attempt`` must be < 64."""
    return mix64(key + (_U64(cell) * _U64(64) + _U64(attempt)) * _GOLDEN)


@numba.njit(inline="always")
def unit(u: np.uint64) -> float:
    """Returns a float in [0, 1) from the top 53 bits of ``u``."""
    return float(u >> _U64(11)) * _INV53


@numba.njit(inline="always")
def bounded(u: np.uint64, n: int) -> int:
    """Returns an integer in [0, n) from the random bits ``u`` (n ≥ 1)."""
    return int(unit(u) * n)


@numba.njit(inline="always")
def bounded32(u: np.uint64, n: int) -> int:
    """Returns an integer in [0, n) from 32 random bits ``u`` (Lemire's multiply-shift)."""
    return int((u * _U64(n)) >> _U64(32))

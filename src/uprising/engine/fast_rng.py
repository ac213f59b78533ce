"""Key mixing for the fast scheduler's random streams.

Every block of every tick draws from its own xoshiro256** stream (``uprising.engine.rng``)
seeded by mixing the tick key (one output of the run's stream) with the block's index, so the
draws do not depend on how many threads run the blocks or in which order.
"""

from __future__ import annotations

import numba
import numpy as np

_U64 = np.uint64
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


@numba.njit(inline="always")
def mix64(z: np.uint64) -> np.uint64:
    """Returns the splitmix64 finaliser of ``z`` (a bijection with full avalanche)."""
    z = (z ^ (z >> _U64(30))) * _M1
    z = (z ^ (z >> _U64(27))) * _M2
    return z ^ (z >> _U64(31))


_G = np.uint64(0x9E3779B97F4A7C15)
COUNTER = 4  # slot of a block's SplitMix64 counter in its state array (xoshiro uses 0..3)


@numba.njit(inline="always")
def draw(st: np.ndarray) -> np.uint64:
    """Returns the next 64 random bits of the SplitMix64 counter stream in ``st[COUNTER]``."""
    c = st[COUNTER] + _G
    st[COUNTER] = c
    return mix64(c)


@numba.njit(inline="always")
def draw4(st: np.ndarray) -> tuple[np.uint64, np.uint64, np.uint64, np.uint64]:
    """Returns the next four outputs of the counter stream (independent, computed in parallel)."""
    c = st[COUNTER]
    st[COUNTER] = c + np.uint64(4) * _G
    return (mix64(c + _G), mix64(c + np.uint64(2) * _G), mix64(c + np.uint64(3) * _G),
            mix64(c + np.uint64(4) * _G))


@numba.njit(inline="always")
def draw_below(st: np.ndarray, n: int) -> int:
    """Returns a random integer in [0, n) from the counter stream (53-bit float, as ``below``)."""
    return int(float(draw(st) >> np.uint64(11)) * (1.0 / 9007199254740992.0) * n)


@numba.njit(cache=True)
def shuffle_counter(st: np.ndarray, a: np.ndarray) -> None:
    """Shuffles ``a`` in place (Fisher–Yates) with the counter stream."""
    for i in range(a.shape[0] - 1, 0, -1):
        j = draw_below(st, i + 1)
        tmp = a[i]
        a[i] = a[j]
        a[j] = tmp

"""Counter-free xoshiro256** generator usable inside Numba kernels.

State is a ``uint64[4]`` array seeded from a ``numpy.random.SeedSequence``, so every stream is
reproducible and independent of global state. Floats have 53 random bits; bounded integers use
``floor(u·n)``, whose bias (≤ n·2⁻⁵³) is far below anything a simulation can detect.
"""

from __future__ import annotations

import numba
import numpy as np

_U64 = np.uint64


def seed_state(seed_sequence: np.random.SeedSequence) -> np.ndarray:
    """Returns a fresh xoshiro256** state (uint64[4], never all zero) from a SeedSequence."""
    state = seed_sequence.generate_state(4, np.uint64)
    if not state.any():
        state[0] = _U64(0x9E3779B97F4A7C15)
    return state


@numba.njit(inline="always")
def _rotl(x: np.uint64, k: int) -> np.uint64:
    return (x << _U64(k)) | (x >> _U64(64 - k))


@numba.njit(inline="always")
def next_u64(s: np.ndarray) -> np.uint64:
    """Returns the next 64 random bits and advances the state ``s`` in place."""
    s0 = s[0]
    s1 = s[1]
    s2 = s[2]
    s3 = s[3]
    result = _rotl(s1 * _U64(5), 7) * _U64(9)
    t = s1 << _U64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, 45)
    s[0] = s0
    s[1] = s1
    s[2] = s2
    s[3] = s3
    return result


@numba.njit(inline="always")
def uniform(s: np.ndarray) -> float:
    """Returns a float in [0, 1) with 53 random bits."""
    return float(next_u64(s) >> _U64(11)) * (1.0 / 9007199254740992.0)


@numba.njit(inline="always")
def below(s: np.ndarray, n: int) -> int:
    """Returns a random integer in [0, n) for n ≥ 1."""
    return int(uniform(s) * n)


@numba.njit(cache=True)
def shuffle(s: np.ndarray, a: np.ndarray) -> None:
    """Shuffles ``a`` in place (Fisher–Yates)."""
    for i in range(a.shape[0] - 1, 0, -1):
        j = below(s, i + 1)
        tmp = a[i]
        a[i] = a[j]
        a[j] = tmp

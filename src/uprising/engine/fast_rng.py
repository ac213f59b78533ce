"""Random streams of the fast scheduler's blocks.

Every block of every tick has its own state array, seeded by mixing the tick key (one output of
the run's stream) with the block's index, so the draws do not depend on how many threads run
the blocks or in which order. Slots 0..3 are a xoshiro256** state (``uprising.engine.rng``:
jail terms and releases, through the reference's own functions); slot ``COUNTER`` is a
SplitMix64 counter (Steele, Lea & Flood 2014: output = ``mix64`` of a counter stepped by the
golden-ratio constant) for the draws of the activation order, the empty-cell probes and the
arrestee: one multiply-xorshift chain per 64 bits, with no dependency between consecutive
outputs, so several can be computed at once.
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


_LOW32 = np.uint64(0xFFFFFFFF)


@numba.njit(inline="always")
def _below32(st: np.ndarray, x: np.uint64, bound: int) -> int:
    """Returns a uniform integer in [0, bound) from 32 random bits ``x`` (bound < 2³²), exactly:
    Lemire's multiply-shift, redrawing in the rare case (probability < bound·2⁻³²) that the
    low product bits fall below 2³² mod bound."""
    b = np.uint64(bound)
    prod = x * b
    if (prod & _LOW32) < b:
        t = (np.uint64(1) << np.uint64(32)) % b
        while (prod & _LOW32) < t:
            prod = (draw(st) & _LOW32) * b
    return np.int64(prod >> np.uint64(32))


@numba.njit(cache=True)
def shuffle_counter(st: np.ndarray, a: np.ndarray) -> None:
    """Shuffles ``a`` in place (Fisher–Yates) with the counter stream: two exact 32-bit draws
    per 64 random bits (arrays of fewer than 2³² entries)."""
    i = a.shape[0] - 1
    while i > 0:
        u = draw(st)
        j = _below32(st, u & _LOW32, i + 1)
        tmp = a[i]
        a[i] = a[j]
        a[j] = tmp
        i -= 1
        if i > 0:
            j = _below32(st, u >> np.uint64(32), i + 1)
            tmp = a[i]
            a[i] = a[j]
            a[j] = tmp
            i -= 1

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


GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # 2⁶⁴/φ: SplitMix64's counter step
COUNTER = 4  # slot of a block's SplitMix64 counter in its state array (xoshiro uses 0..3)
LOW32 = np.uint64(0xFFFFFFFF)


@numba.njit(cache=True, _nrt=False)
def seed_state(st: np.ndarray, key: np.uint64) -> None:
    """Seeds a block's state ``st`` (xoshiro256** in 0..3, never all zero, and the counter) from
    a 64-bit key."""
    for i in range(COUNTER + 1):
        st[i] = mix64(key + np.uint64(i + 1) * GOLDEN)


@numba.njit(inline="always")
def draw(st: np.ndarray) -> np.uint64:
    """Returns the next 64 random bits of the SplitMix64 counter stream in ``st[COUNTER]``."""
    c = st[COUNTER] + GOLDEN
    st[COUNTER] = c
    return mix64(c)


@numba.njit(inline="always")
def draw_below(st: np.ndarray, n: int) -> int:
    """Returns a random integer in [0, n) from the counter stream (53-bit float, as ``below``)."""
    return int(float(draw(st) >> np.uint64(11)) * (1.0 / 9007199254740992.0) * n)


@numba.njit(inline="always")
def _below32(st: np.ndarray, x: np.uint64, bound: int) -> int:
    """Returns a uniform integer in [0, bound) from 32 random bits ``x`` (bound < 2³²), exactly:
    Lemire's multiply-shift, redrawing in the rare case (probability < bound·2⁻³²) that the
    low product bits fall below 2³² mod bound."""
    b = np.uint64(bound)
    prod = x * b
    if (prod & LOW32) < b:
        t = (np.uint64(1) << np.uint64(32)) % b
        while (prod & LOW32) < t:
            prod = (draw(st) & LOW32) * b
    return np.int64(prod >> np.uint64(32))


@numba.njit(inline="always")
def _swap_in(st: np.ndarray, a: np.ndarray, i: int, x: np.uint64) -> None:
    """Fisher–Yates step: swaps ``a[i]`` with ``a[j]``, j uniform in [0, i] from the bits ``x``."""
    j = _below32(st, x, i + 1)
    tmp = a[i]
    a[i] = a[j]
    a[j] = tmp


@numba.njit(cache=True)
def shuffle_counter(st: np.ndarray, a: np.ndarray) -> None:
    """Shuffles ``a`` in place (Fisher–Yates) with the counter stream: two exact 32-bit draws
    per 64 random bits (arrays of fewer than 2³² entries)."""
    i = a.shape[0] - 1
    while i > 0:
        u = draw(st)
        _swap_in(st, a, i, u & LOW32)
        i -= 1
        if i > 0:
            _swap_in(st, a, i, u >> np.uint64(32))
            i -= 1

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

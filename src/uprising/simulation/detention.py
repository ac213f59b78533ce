"""Detention as a process, tracked outside the kernel from the agents' state after each tick.

* **Distinct detainees**: a per-agent "ever detained" flag, set for every citizen found in jail
  at the end of a tick. Limit: a citizen arrested and released within one and the same tick is
  missed (impossible with terms ≥ 1 tick, the default ``term_range: one_to_max``).
* **Detention events**: the kernel's ``arrests`` count (every arrest, repeated ones included).
* **Capacity**: after each tick, prisoners beyond the capacity are released (those with the
  shortest remaining term first) onto uniformly random empty cells. Within a tick the kernel may
  arrest beyond capacity; the records, taken after this step, never exceed it.
"""

from __future__ import annotations

import numpy as np

from uprising.engine.codes import EMPTY, QUIET, S_JAILED, S_QUIET


class DetentionTracker:
    """Distinct detainees of one lattice (``n_citizens`` agents)."""

    def __init__(self, n_citizens: int):
        self.ever = np.zeros(n_citizens, dtype=bool)

    def update(self, state: np.ndarray) -> int:
        """Returns the number of distinct citizens ever detained, after marking those in jail."""
        n = len(self.ever)
        self.ever |= state[:n] == S_JAILED
        return int(self.ever.sum())


def release_excess(st: object, capacity: int, rng: np.random.Generator) -> int:
    """Returns how many prisoners were released to bring the jailed count down to ``capacity``.

    ``st`` is an ``engine.state.State`` with ``jailed: removed`` (prisoners hold no cell); the
    released go to uniformly random empty cells drawn from ``rng``.
    """
    n = st.n_citizens  # type: ignore[attr-defined]
    state, term, pos = st.state, st.term, st.pos  # type: ignore[attr-defined]
    code, occupant = st.code, st.occupant  # type: ignore[attr-defined]
    jailed = np.flatnonzero(state[:n] == S_JAILED)
    excess = len(jailed) - capacity
    if excess <= 0:
        return 0
    remaining = np.where(term[jailed] < 0, np.iinfo(np.int32).max, term[jailed])
    chosen = jailed[np.argsort(remaining, kind="stable")[:excess]]
    empty = np.flatnonzero(code == EMPTY)
    k = min(len(chosen), len(empty))
    chosen = chosen[:k]
    cells = rng.choice(empty, size=k, replace=False)
    code[cells] = QUIET
    occupant[cells] = chosen
    pos[chosen] = cells
    state[chosen] = S_QUIET
    term[chosen] = 0
    return int(k)

"""Detention as a process, tracked outside the kernel from the agents' state after each tick.

* **Distinct detainees**: a per-agent "ever detained" flag, read after each tick from the
  kernel's ``arrest_cell`` (see ``DetentionTracker``; no kernel rule is changed).
* **Detention events**: the kernel's ``arrests`` count (every arrest, repeated ones included).
* **Capacity**: after each tick, prisoners beyond the capacity are released (those with the
  shortest remaining term first) onto uniformly random empty cells. Within a tick the kernel may
  arrest beyond capacity; the records, taken after this step, never exceed it.
"""

from __future__ import annotations

import numpy as np

from uprising.engine.codes import EMPTY, QUIET, S_JAILED, S_QUIET


class DetentionTracker:
    """Distinct detainees of one lattice (``n_citizens`` agents), counted from ``start()`` on.

    A citizen counts once it has an arrest cell (the kernel writes ``arrest_cell`` at every
    arrest and never clears it) that differs from the one it had when counting started, so an
    arrest and a release within one tick are not missed. Limit: a prisoner still held when
    counting starts, released and re-arrested later on exactly the same cell, is not counted.
    """

    def __init__(self, n_citizens: int):
        self.ever = np.zeros(n_citizens, dtype=bool)
        self.before = np.full(n_citizens, -1, dtype=np.int64)

    def start(self, state: np.ndarray, arrest_cell: np.ndarray) -> None:
        """Starts counting now: forgets earlier arrests (the burn-in's) of free citizens."""
        n = len(self.ever)
        held = state[:n] == S_JAILED
        arrest_cell[:n][~held] = -1  # only read when a prisoner is released
        self.before = np.where(held, arrest_cell[:n], -1).astype(np.int64)
        self.ever[:] = False

    def update(self, state: np.ndarray, arrest_cell: np.ndarray) -> int:
        """Returns the number of distinct citizens detained since ``start()``."""
        n = len(self.ever)
        cell = arrest_cell[:n]
        self.ever |= (cell >= 0) & (cell != self.before)
        return int(self.ever.sum())


def release_excess(st: object, capacity: int, rng: np.random.Generator,
                   jailed_now: int | None = None) -> int:
    """Returns how many prisoners were released to bring the jailed count down to ``capacity``.

    ``st`` is an ``engine.state.State`` with ``jailed: removed`` (prisoners hold no cell); the
    released go to uniformly random empty cells drawn from ``rng``; ``jailed_now``, when known,
    spares counting the prisoners.
    """
    if jailed_now is not None and jailed_now <= capacity:
        return 0
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

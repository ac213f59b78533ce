"""The fast scheduler's per-tick passes over all agents: jail count-down, releases, tally.

Each pass walks the agent arrays in chunks of ``CHUNK`` agents (in parallel where the agents are
independent): ``count_down_all`` counts prisoners' terms down and notes which chunks hold
prisoners due out, ``release_due`` places those in agent order (serial: they compete for
cells), and ``tally_and_clear`` counts quiet, active, jailed and cops on duty and clears the
activation stamps for the next tick.
"""

from __future__ import annotations

import numba
import numpy as np

from uprising.engine import rules as ru
from uprising.engine.codes import (
    K_COP,
    S_ACTIVE,
    S_JAILED,
    S_OFF,
    S_QUIET,
)

CHUNK = 4096  # agents per chunk of the parallel count-down and tally passes


@numba.njit(cache=True, parallel=True)
def count_down_all(state, pos, term, stamp, own_step, need):
    """Parallel part of the jail count-down; ``need[c]`` = prisoners of chunk c due out."""
    n = state.shape[0]
    for c in numba.prange(need.shape[0]):
        due = 0
        for a in range(c * CHUNK, min(n, (c + 1) * CHUNK)):
            if state[a] != S_JAILED or (own_step and pos[a] >= 0):
                continue
            if own_step:
                if term[a] != 0:  # the prisoner's own step: one tick less
                    stamp[a] = 1
                    if term[a] > 0:
                        term[a] -= 1
                else:
                    due += 1
            else:
                if term[a] > 0:  # the arrest tick counts (as the reference)
                    term[a] -= 1
                due += term[a] == 0
        need[c] = due


@numba.njit(cache=True)
def release_due(rng, code, occupant, state, pos, term, arrest_cell, stamp, own_step, need, sw,
                 cit_offs, scratch):
    """Releases the prisoners due out, in agent order (serial); returns how many were placed.

    Own-step: a prisoner released here is left unstamped, so its block activates it (move,
    decide) later in the tick, as the reference does right after the release.
    """
    n = state.shape[0]
    placed = 0
    for c in range(need.shape[0]):
        if need[c] == 0:
            continue
        for a in range(c * CHUNK, min(n, (c + 1) * CHUNK)):
            if state[a] != S_JAILED or term[a] != 0:
                continue
            if own_step and (pos[a] >= 0 or stamp[a] != 0):
                continue
            got = ru._release(rng, code, occupant, state, pos, term, arrest_cell, a, cit_offs,
                              sw, scratch)
            placed += got
            if own_step and got == 0:
                stamp[a] = 1
    return placed


@numba.njit(cache=True, parallel=True)
def tally_and_clear(kind, state, stamp, row, n_chunks):
    """Writes quiet, active, jailed and cops on duty into ``row``; clears the stamps.

    Branch-free counting (the compiler vectorises the loop): a citizen's state indexes the
    first three counts, a cop on duty adds to the fourth.
    """
    n = state.shape[0]
    parts = np.zeros((n_chunks, 4), dtype=np.int64)
    for c in numba.prange(n_chunks):
        quiet = np.int32(0)
        active = np.int32(0)
        jailed = np.int32(0)
        on_duty = np.int32(0)
        lo = c * CHUNK
        hi = min(n, (c + 1) * CHUNK)
        stamp[lo:hi] = 0
        for a in range(lo, hi):
            s = state[a]
            cop = np.int32(kind[a] == K_COP)
            citizen = 1 - cop
            quiet += citizen * np.int32(s == S_QUIET)
            active += citizen * np.int32(s == S_ACTIVE)
            jailed += citizen * np.int32(s == S_JAILED)
            on_duty += cop * np.int32(s != S_OFF)
        parts[c, 0] = quiet
        parts[c, 1] = active
        parts[c, 2] = jailed
        parts[c, 3] = on_duty
    for j in range(4):
        row[j] = parts[:, j].sum()

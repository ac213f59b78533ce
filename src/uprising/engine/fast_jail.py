"""The fast scheduler's jail phase (count-down and releases) and the end-of-tick tally.

Same rules as the reference (``uprising.engine.rules``): the end-of-tick count-down counts the
arrest tick; the own-step count-down runs for every prisoner at the start of the tick. Releases
that need a free cell are placed one by one in agent order with counter-based draws, so the
result does not depend on the number of threads.
"""

from __future__ import annotations

import numba

from uprising.engine.fast_phases import S_ACTIVE, S_JAILED, S_OFF, S_QUIET, S_RELEASING
from uprising.engine.fast_rng import ST_RELEASE, bounded, draw, stream_key
from uprising.engine.lattice import EMPTY, QUIET, neighbour


@numba.njit(inline="always")
def _empty_near(code, site, offs, width, height, torus, key, agent):
    n = offs.shape[0]
    for att in range(8):
        if n == 0:
            break
        j = bounded(draw(key, agent, att), n)
        t = neighbour(site, offs[j, 0], offs[j, 1], width, height, torus)
        if t >= 0 and code[t] == EMPTY:
            return t
    m = 0
    for j in range(n):
        t = neighbour(site, offs[j, 0], offs[j, 1], width, height, torus)
        m += t >= 0 and code[t] == EMPTY
    if m == 0:
        return -1
    pick = bounded(draw(key, agent, 9), m)
    for j in range(n):
        t = neighbour(site, offs[j, 0], offs[j, 1], width, height, torus)
        if t >= 0 and code[t] == EMPTY:
            if pick == 0:
                return t
            pick -= 1
    return -1


@numba.njit(inline="always")
def _empty_anywhere(code, key, agent):
    n = code.shape[0]
    for att in range(16):
        t = bounded(draw(key, agent, 16 + att), n)
        if code[t] == EMPTY:
            return t
    m = 0
    for t in range(n):
        m += code[t] == EMPTY
    if m == 0:
        return -1
    pick = bounded(draw(key, agent, 40), m)
    for t in range(n):
        if code[t] == EMPTY:
            if pick == 0:
                return t
            pick -= 1
    return -1


@numba.njit(parallel=True, cache=True)
def jail_phase(code, occupant, state, pos, term, fresh, arrest_cell, n_cit, cit_offs, width,
               height, torus, tick_key, own_step, jailed_mode, release_mode):
    """Counts jail terms down and releases prisoners (as the reference); returns releases.

    ``own_step``: the countdown of the reference's prisoner activation, done for all prisoners
    at the start of the tick; otherwise the end-of-tick countdown. Releases that need a free
    cell are placed one by one in agent order (deterministic), the rest in parallel.
    """
    released = 0
    pending = 0
    for a in numba.prange(n_cit):
        if state[a] != S_JAILED:
            continue
        if own_step:
            fresh[a] = False
            if term[a] != 0:
                if term[a] > 0:
                    term[a] -= 1
                continue
        else:
            fresh[a] = False
            if term[a] > 0:  # the arrest tick counts (NetLogo, ndouglas), as the reference
                term[a] -= 1
            if term[a] != 0:
                continue
        if jailed_mode == 1:
            state[a] = S_QUIET
            code[pos[a]] = QUIET
            released += 1
        else:
            state[a] = S_RELEASING
            pending += 1
    if pending == 0:
        return released
    key = stream_key(tick_key, ST_RELEASE)
    for a in range(n_cit):
        if state[a] != S_RELEASING:
            continue
        state[a] = S_QUIET
        site = arrest_cell[a]
        target = -1
        if (release_mode == 2 or jailed_mode == 2) and code[site] == EMPTY:
            target = site
        if target < 0 and release_mode != 1:
            target = _empty_near(code, site, cit_offs, width, height, torus, key, a)
        if target < 0:
            target = _empty_anywhere(code, key, a)
        if target < 0:
            state[a] = S_JAILED
            term[a] = 0
            continue
        code[target] = QUIET
        occupant[target] = a
        pos[a] = target
        released += 1
    return released


@numba.njit(parallel=True, cache=True)
def tally(kind, state, out_row):
    """Writes (quiet, active, jailed, cops) into the first four entries of ``out_row``."""
    quiet = 0
    active = 0
    jailed = 0
    cops = 0
    for a in numba.prange(kind.shape[0]):
        s = state[a]
        if kind[a] == 1:
            cops += s != S_OFF
        elif s == S_QUIET:
            quiet += 1
        elif s == S_ACTIVE:
            active += 1
        else:
            jailed += 1
    out_row[0] = quiet
    out_row[1] = active
    out_row[2] = jailed
    out_row[3] = cops

"""Model II tick loop in Numba: move, decide, kill, arrest, jail, clone, age and die.

Agent slots: cops first (``0 .. n_cop_slots−1``), then citizen slots, some of them dead and
waiting on a free-slot stack for a newborn. A tick is:

1. every free citizen and every cop on duty is activated once, in a fresh random order. A
   citizen moves (rule M) and decides (rule A, G = H(1 − L) with L the legitimacy each group
   grants the other); an active citizen then kills one random free citizen of the other group
   in its vision, if any. A cop moves and arrests one random active citizen of either group in
   its vision. The order of move and act is the ``rules.order`` switch;
2. jail terms count down and served citizens are released (as the core engine's end-of-tick
   countdown);
3. demography: in a fresh random order every free citizen clones with probability p onto a random
   empty neighbouring cell (the clone keeps group and hardship), then every citizen not born this
   tick ages by one tick and dies on reaching its death age.
"""

from __future__ import annotations

import numba
import numpy as np

from uprising.engine.lattice import (
    ACTIVE,
    COP,
    EMPTY,
    QUIET,
    neighbour,
    random_empty_anywhere,
    random_empty_in_view,
)
from uprising.engine.reference import arrest_probability
from uprising.engine.rng import below, uniform

S_QUIET = 0
S_ACTIVE = 1
S_JAILED = 2
S_OFF = 3  # cop slot not on duty
S_DEAD = 4  # citizen slot free for a newborn

BLUE = 0
GREEN = 1

# Integer switches (array ``sw``).
IW_ARREST_RULE = 0
IW_TWICE_IF_ACTIVE = 1
IW_MOVE_FIRST = 2
IW_MOVEMENT = 3
IW_COPS_MOVE_WHEN_OFF = 4
IW_RELEASE = 5
IW_TERM_RANGE = 6
IW_MAX_TERM = 7  # −1 = never released
IW_WIDTH = 8
IW_HEIGHT = 9
IW_TORUS = 10
IW_OWN_GROUP_ONLY = 11
IW_CLONE_RISK_INHERIT = 12
IW_MAX_AGE = 13
IW_AGE_IN_JAIL = 14
IW_STOP_AT_EXTINCTION = 15
IW_N_COP_SLOTS = 16
N_SWITCHES = 17

COUNT_COLUMNS = (
    "blue",
    "green",
    "blue_active",
    "green_active",
    "quiet",
    "active",
    "jailed",
    "cops",
    "arrests",
    "releases",
    "kills",
    "births",
    "deaths",
    "births_blocked",
)
N_COLUMNS = len(COUNT_COLUMNS)


@numba.njit(cache=True)
def shuffle_prefix(rng, a, m):
    """Shuffles ``a[:m]`` in place (Fisher–Yates)."""
    for i in range(m - 1, 0, -1):
        j = below(rng, i + 1)
        tmp = a[i]
        a[i] = a[j]
        a[j] = tmp


@numba.njit(cache=True)
def draw_term(rng, sw):
    """Returns a jail term under the scenario's term-range mode (−1 = forever)."""
    j = sw[IW_MAX_TERM]
    if j < 0:
        return -1
    if j == 0:
        return 0
    mode = sw[IW_TERM_RANGE]
    if mode == 0:
        return 1 + below(rng, j)
    if mode == 1:
        return below(rng, j)
    return below(rng, j + 1)


@numba.njit(cache=True)
def _move(rng, code, occupant, pos, agent, offs, sw, scratch):
    cell = pos[agent]
    target = random_empty_in_view(
        rng, code, cell, offs, sw[IW_WIDTH], sw[IW_HEIGHT], sw[IW_TORUS] == 1, scratch
    )
    if target >= 0:
        code[target] = code[cell]
        occupant[target] = agent
        code[cell] = EMPTY
        occupant[cell] = -1
        pos[agent] = target


@numba.njit(cache=True)
def _decide(code, occupant, pos, state, group, hardship, risk, agent, offs, sw, k, threshold, lgt):
    """Rule A; returns True if the agent is active after deciding."""
    cell = pos[agent]
    cops = 0
    actives = 0
    own_only = sw[IW_OWN_GROUP_ONLY] == 1
    for j in range(offs.shape[0]):
        c = neighbour(cell, offs[j, 0], offs[j, 1], sw[IW_WIDTH], sw[IW_HEIGHT], sw[IW_TORUS] == 1)
        if c < 0:
            continue
        v = code[c]
        if v == COP:
            cops += 1
        elif v == ACTIVE and (not own_only or group[occupant[c]] == group[agent]):
            actives += 1
    a = 1 + actives
    if sw[IW_TWICE_IF_ACTIVE] == 1 and state[agent] == S_ACTIVE:
        a += 1
    p = arrest_probability(cops, a, sw[IW_ARREST_RULE], k)
    if hardship[agent] * (1.0 - lgt) - risk[agent] * p > threshold:
        state[agent] = S_ACTIVE
        code[cell] = ACTIVE
        return True
    state[agent] = S_QUIET
    code[cell] = QUIET
    return False


@numba.njit(cache=True)
def _kill(rng, code, occupant, state, group, pos, agent, offs, sw, scratch):
    """Kills one random free citizen of the other group in view; returns the victim or −1."""
    cell = pos[agent]
    m = 0
    for j in range(offs.shape[0]):
        c = neighbour(cell, offs[j, 0], offs[j, 1], sw[IW_WIDTH], sw[IW_HEIGHT], sw[IW_TORUS] == 1)
        if c < 0:
            continue
        v = code[c]
        if QUIET <= v <= ACTIVE and group[occupant[c]] != group[agent]:  # a free citizen
            scratch[m] = c
            m += 1
    if m == 0:
        return -1
    target = scratch[below(rng, m)]
    victim = occupant[target]
    state[victim] = S_DEAD
    pos[victim] = -1
    code[target] = EMPTY
    occupant[target] = -1
    return victim


@numba.njit(cache=True)
def _arrest(rng, code, occupant, state, pos, term, fresh, arrest_cell, cop, offs, sw, scratch):
    """Arrests one random active citizen in the cop's view; returns 1 if someone was arrested."""
    cell = pos[cop]
    m = 0
    for j in range(offs.shape[0]):
        c = neighbour(cell, offs[j, 0], offs[j, 1], sw[IW_WIDTH], sw[IW_HEIGHT], sw[IW_TORUS] == 1)
        if c >= 0 and code[c] == ACTIVE:
            scratch[m] = c
            m += 1
    if m == 0:
        return 0
    target = scratch[below(rng, m)]
    victim = occupant[target]
    state[victim] = S_JAILED
    term[victim] = draw_term(rng, sw)
    fresh[victim] = True
    arrest_cell[victim] = target
    pos[victim] = -1
    code[target] = EMPTY
    occupant[target] = -1
    return 1


@numba.njit(cache=True)
def _release(rng, code, occupant, state, pos, term, arrest_cell, agent, offs, sw, scratch):
    """Puts a served citizen back (quiet); returns 1 if placed, 0 if the lattice is full."""
    site = arrest_cell[agent]
    mode = sw[IW_RELEASE]
    target = -1
    if mode == 2 and code[site] == EMPTY:
        target = site
    if target < 0 and mode != 1:
        target = random_empty_in_view(
            rng, code, site, offs, sw[IW_WIDTH], sw[IW_HEIGHT], sw[IW_TORUS] == 1, scratch
        )
    if target < 0:
        target = random_empty_anywhere(rng, code)
    if target < 0:
        term[agent] = 0
        return 0
    state[agent] = S_QUIET
    code[target] = QUIET
    occupant[target] = agent
    pos[agent] = target
    return 1


@numba.njit(cache=True)
def _clone(rng, code, occupant, state, group, pos, hardship, risk, age, death_age, newborn,
           free_stack, free_top, parent, clone_offs, sw, scratch):
    """Returns 1 if ``parent`` put a clone on an empty neighbouring cell, 0 if none was empty,
    −1 if no slot was free."""
    cell = pos[parent]
    m = 0
    for j in range(clone_offs.shape[0]):
        c = neighbour(
            cell, clone_offs[j, 0], clone_offs[j, 1], sw[IW_WIDTH], sw[IW_HEIGHT],
            sw[IW_TORUS] == 1,
        )
        if c >= 0 and code[c] == EMPTY:
            scratch[m] = c
            m += 1
    if m == 0:
        return 0
    target = scratch[below(rng, m)]
    if free_top[0] == 0:
        return -1
    free_top[0] -= 1
    child = free_stack[free_top[0]]
    state[child] = S_QUIET
    group[child] = group[parent]
    hardship[child] = hardship[parent]
    risk[child] = risk[parent] if sw[IW_CLONE_RISK_INHERIT] == 1 else uniform(rng)
    age[child] = 0
    death_age[child] = 1 + below(rng, sw[IW_MAX_AGE])
    newborn[child] = True
    pos[child] = target
    code[target] = QUIET
    occupant[target] = child
    return 1


@numba.njit(cache=True)
def _free_slot(state, pos, free_stack, free_top, agent):
    state[agent] = S_DEAD
    pos[agent] = -1
    free_stack[free_top[0]] = agent
    free_top[0] += 1


@numba.njit(cache=True)
def run_ticks(
    n_ticks,
    rng,
    code,
    occupant,
    state,
    group,
    pos,
    term,
    fresh,
    arrest_cell,
    hardship,
    risk,
    age,
    death_age,
    newborn,
    free_stack,
    free_top,
    cit_offs,
    cop_offs,
    clone_offs,
    sw,
    k,
    threshold,
    clone_p,
    legitimacy,
):
    """Runs up to ``n_ticks`` ticks in place.

    Returns (counts, ticks_done): int64 (n_ticks, N_COLUMNS) per-tick counts (COUNT_COLUMNS)
    and the number of ticks run, fewer than ``n_ticks`` when ``stop_at_extinction`` ends it.
    """
    n = state.shape[0]
    n_cops = sw[IW_N_COP_SLOTS]
    order = np.empty(n, dtype=np.int64)
    scratch = np.empty(max(cit_offs.shape[0], cop_offs.shape[0], clone_offs.shape[0], 1),
                       dtype=np.int64)
    out = np.zeros((n_ticks, N_COLUMNS), dtype=np.int64)
    move_first = sw[IW_MOVE_FIRST] == 1
    citizens_move = sw[IW_MOVEMENT] == 1
    cops_move = citizens_move or sw[IW_COPS_MOVE_WHEN_OFF] == 1
    for t in range(n_ticks):
        arrests = 0
        releases = 0
        kills = 0
        births = 0
        deaths = 0
        blocked = 0
        # 1. activation of free citizens and cops on duty, in a fresh random order
        m = 0
        for a in range(n):
            s = state[a]
            if a < n_cops:
                if s != S_OFF:
                    order[m] = a
                    m += 1
            elif s <= S_ACTIVE:  # free citizen (quiet or active)
                order[m] = a
                m += 1
        shuffle_prefix(rng, order, m)
        for idx in range(m):
            a = order[idx]
            if a < n_cops:
                if move_first and cops_move:
                    _move(rng, code, occupant, pos, a, cop_offs, sw, scratch)
                arrests += _arrest(
                    rng, code, occupant, state, pos, term, fresh, arrest_cell, a, cop_offs, sw,
                    scratch,
                )
                if not move_first and cops_move:
                    _move(rng, code, occupant, pos, a, cop_offs, sw, scratch)
                continue
            s = state[a]
            if s > S_ACTIVE:  # killed or arrested earlier this tick
                continue
            if move_first and citizens_move:
                _move(rng, code, occupant, pos, a, cit_offs, sw, scratch)
            active = _decide(
                code, occupant, pos, state, group, hardship, risk, a, cit_offs, sw, k, threshold,
                legitimacy,
            )
            if active:
                victim = _kill(rng, code, occupant, state, group, pos, a, cit_offs, sw, scratch)
                if victim >= 0:
                    kills += 1
                    _free_slot(state, pos, free_stack, free_top, victim)
            if not move_first and citizens_move:
                _move(rng, code, occupant, pos, a, cit_offs, sw, scratch)
        # 2. jail countdown and release
        for a in range(n_cops, n):
            if state[a] != S_JAILED:
                continue
            if fresh[a]:
                fresh[a] = False
                if term[a] != 0:
                    continue
            elif term[a] > 0:
                term[a] -= 1
            if term[a] == 0:
                releases += _release(
                    rng, code, occupant, state, pos, term, arrest_cell, a, cit_offs, sw, scratch
                )
        # 3. demography: cloning in a fresh random order, then ageing and death
        m = 0
        for a in range(n_cops, n):
            newborn[a] = False
            if state[a] <= S_ACTIVE:
                order[m] = a
                m += 1
        shuffle_prefix(rng, order, m)
        for idx in range(m):
            a = order[idx]
            if uniform(rng) >= clone_p:
                continue
            got = _clone(
                rng, code, occupant, state, group, pos, hardship, risk, age, death_age, newborn,
                free_stack, free_top, a, clone_offs, sw, scratch,
            )
            if got == 1:
                births += 1
            elif got < 0:
                blocked += 1
        age_in_jail = sw[IW_AGE_IN_JAIL] == 1
        for a in range(n_cops, n):
            s = state[a]
            if s == S_DEAD or newborn[a] or (s == S_JAILED and not age_in_jail):
                continue
            age[a] += 1
            if age[a] >= death_age[a]:
                if s != S_JAILED:
                    code[pos[a]] = EMPTY
                    occupant[pos[a]] = -1
                deaths += 1
                _free_slot(state, pos, free_stack, free_top, a)
        # counts
        row = out[t]
        for a in range(n):
            s = state[a]
            if a < n_cops:
                row[7] += s != S_OFF
                continue
            if s == S_DEAD:
                continue
            g = group[a]
            row[g] += 1
            if s == S_QUIET:
                row[4] += 1
            elif s == S_ACTIVE:
                row[5] += 1
                row[2 + g] += 1
            else:
                row[6] += 1
        row[8] = arrests
        row[9] = releases
        row[10] = kills
        row[11] = births
        row[12] = deaths
        row[13] = blocked
        if sw[IW_STOP_AT_EXTINCTION] == 1 and (row[0] == 0 or row[1] == 0):
            return out, t + 1
    return out, n_ticks

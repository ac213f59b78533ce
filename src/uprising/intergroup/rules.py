"""Model II rules for one agent, as Numba functions over the lattice and agent arrays.

Rule M (move), rule A (decide), killing, rule C (arrest), release, cloning and freeing a dead
agent's slot; ``kernel.run_ticks`` schedules them.
"""

from __future__ import annotations

import numba

from uprising.engine.codes import ACTIVE, COP, EMPTY, QUIET
from uprising.engine.lattice import neighbour, random_empty_anywhere, random_empty_in_view
from uprising.engine.rng import below, uniform
from uprising.engine.rules import arrest_probability
from uprising.engine.rules import draw_term as term_draw
from uprising.intergroup.codes import (
    IW_ARREST_RULE,
    IW_CLONE_RISK_INHERIT,
    IW_HEIGHT,
    IW_MAX_AGE,
    IW_MAX_TERM,
    IW_OWN_GROUP_ONLY,
    IW_RELEASE,
    IW_TERM_RANGE,
    IW_TORUS,
    IW_TWICE_IF_ACTIVE,
    IW_WIDTH,
    S_ACTIVE,
    S_DEAD,
    S_JAILED,
    S_QUIET,
)


@numba.njit(cache=True)
def draw_term(rng, sw):
    """Returns a jail term under the scenario's term-range mode (−1 = forever)."""
    return term_draw(rng, sw[IW_MAX_TERM], sw[IW_TERM_RANGE])


@numba.njit(cache=True)
def move(rng, code, occupant, pos, agent, offs, sw, scratch):
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
def decide(code, occupant, pos, state, group, hardship, risk, agent, offs, sw, k, threshold, lgt):
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
def kill(rng, code, occupant, state, group, pos, agent, offs, sw, scratch):
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
def arrest(rng, code, occupant, state, pos, term, fresh, arrest_cell, cop, offs, sw, scratch):
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
def release(rng, code, occupant, state, pos, term, arrest_cell, agent, offs, sw, scratch):
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
def clone(rng, code, occupant, state, group, pos, hardship, risk, age, death_age, newborn,
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
def free_slot(state, pos, free_stack, free_top, agent):
    state[agent] = S_DEAD
    pos[agent] = -1
    free_stack[free_top[0]] = agent
    free_top[0] += 1

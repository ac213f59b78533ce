"""Model II rules for one agent, as Numba functions over the lattice and agent arrays.

Model II shares Model I's switch indices, so it calls Model I's rules (``engine.rules``) where
the semantics and the random draws are exactly the same: rule M (``_move``), the arrestee pick
(``_pick_arrestee``), jailing (``_jail``: Model II's switches always say "removed from the
lattice, the cop stays"), release (``_release``), a citizen's quiet/active state
(``_set_civilian_state``) and taking an agent off the lattice (``_take_off_lattice``). What is
Model II's own is here: rule A with two groups, killing, the jail count-down (the arrest tick
does not count), cloning and freeing a dead agent's slot; ``kernel.run_ticks`` schedules them.
"""

from __future__ import annotations

import numba

from uprising.engine.codes import (
    ACTIVE,
    COP,
    EMPTY,
    QUIET,
    S_ACTIVE,
    S_DEAD,
    S_QUIET,
    SW_ARREST_RULE,
    SW_HEIGHT,
    SW_IG_CLONE_RISK_INHERIT,
    SW_IG_MAX_AGE,
    SW_IG_OWN_GROUP_ONLY,
    SW_TORUS,
    SW_TWICE_IF_ACTIVE,
    SW_WIDTH,
)
from uprising.engine.lattice import neighbour
from uprising.engine.rng import below, uniform
from uprising.engine.rules import (
    _jail,
    _pick_arrestee,
    _release,
    _set_civilian_state,
    _take_off_lattice,
    arrest_probability,
)


@numba.njit(cache=True)
def decide(code, occupant, pos, state, group, hardship, risk, agent, offs, sw, k, threshold, lgt):
    """Rule A of Model II; returns True if the agent is active after deciding.

    Differs from Model I's ``rules._decide``: the actives counted can be those of the agent's
    own group only (``SW_IG_OWN_GROUP_ONLY``, which needs each active's group, so the offsets
    are walked one by one instead of the row spans), G = H·(1 − L) is computed here from the
    legitimacy L the groups grant each other, and T is one scalar. The state change is Model I's.
    """
    cell = pos[agent]
    cops = 0
    actives = 0
    own_only = sw[SW_IG_OWN_GROUP_ONLY] == 1
    for j in range(offs.shape[0]):
        c = neighbour(cell, offs[j, 0], offs[j, 1], sw[SW_WIDTH], sw[SW_HEIGHT], sw[SW_TORUS] == 1)
        if c < 0:
            continue
        v = code[c]
        if v == COP:
            cops += 1
        elif v == ACTIVE and (not own_only or group[occupant[c]] == group[agent]):
            actives += 1
    a = 1 + actives
    if sw[SW_TWICE_IF_ACTIVE] == 1 and state[agent] == S_ACTIVE:
        a += 1
    p = arrest_probability(cops, a, sw[SW_ARREST_RULE], k)
    active = hardship[agent] * (1.0 - lgt) - risk[agent] * p > threshold
    _set_civilian_state(code, pos, state, agent, active)
    return active


@numba.njit(cache=True)
def kill(rng, code, occupant, state, group, pos, agent, offs, sw, scratch):
    """Kills one random free citizen of the other group in view; returns the victim or −1."""
    cell = pos[agent]
    m = 0
    for j in range(offs.shape[0]):
        c = neighbour(cell, offs[j, 0], offs[j, 1], sw[SW_WIDTH], sw[SW_HEIGHT], sw[SW_TORUS] == 1)
        if c < 0:
            continue
        v = code[c]
        if QUIET <= v <= ACTIVE and group[occupant[c]] != group[agent]:  # a free citizen
            scratch[m] = c
            m += 1
    if m == 0:
        return -1
    victim = occupant[scratch[below(rng, m)]]
    state[victim] = S_DEAD
    _take_off_lattice(code, occupant, pos, victim)
    return victim


@numba.njit(cache=True)
def arrest(rng, code, occupant, state, pos, term, fresh, arrest_cell, cop, offs, spans, sw,
           scratch):
    """Rule C: arrests one random active citizen in the cop's view (Model I's pick and jail);
    returns 1 if someone was arrested."""
    victim = _pick_arrestee(rng, code, occupant, pos, cop, offs, spans, sw, scratch)
    if victim < 0:
        return 0
    _jail(rng, code, occupant, state, pos, term, fresh, arrest_cell, victim, cop, sw)
    return 1


@numba.njit(cache=True)
def count_down(rng, code, occupant, state, pos, term, fresh, arrest_cell, agent, offs, sw,
               scratch):
    """End-of-tick jail count-down of one jailed citizen; returns 1 if released and placed.

    Differs from Model I's end-of-tick count-down (``reference.run_ticks_mech``), where the
    arrest tick counts as served: here a citizen arrested this tick (``fresh``) does not count
    it down, and is released right away only with a term of 0. Release is Model I's.
    """
    if fresh[agent]:
        fresh[agent] = False
        if term[agent] != 0:
            return 0
    elif term[agent] > 0:
        term[agent] -= 1
    if term[agent] != 0:
        return 0
    return _release(rng, code, occupant, state, pos, term, arrest_cell, agent, offs, sw, scratch)


@numba.njit(cache=True)
def clone(rng, code, occupant, state, group, pos, hardship, risk, age, death_age, newborn,
          free_stack, free_top, parent, clone_offs, sw, scratch):
    """Returns 1 if ``parent`` put a clone on an empty neighbouring cell, 0 if none was empty,
    −1 if no slot was free."""
    cell = pos[parent]
    m = 0
    for j in range(clone_offs.shape[0]):
        c = neighbour(
            cell, clone_offs[j, 0], clone_offs[j, 1], sw[SW_WIDTH], sw[SW_HEIGHT],
            sw[SW_TORUS] == 1,
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
    risk[child] = risk[parent] if sw[SW_IG_CLONE_RISK_INHERIT] == 1 else uniform(rng)
    age[child] = 0
    death_age[child] = 1 + below(rng, sw[SW_IG_MAX_AGE])
    newborn[child] = True
    pos[child] = target
    code[target] = QUIET
    occupant[target] = child
    return 1


@numba.njit(cache=True)
def free_slot(state, pos, free_stack, free_top, agent):
    """Marks ``agent`` dead and pushes its slot on the free-slot stack (for a newborn)."""
    state[agent] = S_DEAD
    pos[agent] = -1
    free_stack[free_top[0]] = agent
    free_top[0] += 1


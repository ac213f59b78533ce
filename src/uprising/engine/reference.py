"""Reference scheduler: Epstein's random asynchronous activation, one agent at a time, in place.

Each tick every agent (citizens, jailed or free, and cops on duty) is activated once in a fresh
random order. An activated citizen moves (rule M) and decides (rule A); a cop moves and arrests
(rule C); the order within an activation is a switch. Later agents see earlier agents' new
states and positions within the same tick. The whole tick loop runs inside one Numba function.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from uprising.engine.lattice import (
    ACTIVE,
    COP,
    EMPTY,
    JAILED,
    QUIET,
    count_view,
    random_empty_anywhere,
    random_empty_in_view,
)
from uprising.engine.rng import below, shuffle

# Agent states (array ``state``).
S_QUIET = 0
S_ACTIVE = 1
S_JAILED = 2
S_OFF = 3  # a cop slot not on duty (removed by a timeline event or not yet deployed)

# Agent kinds (array ``kind``).
K_CITIZEN = 0
K_COP = 1

# Integer switch codes (array ``switches``); names mirror uprising.scenario.schema.Rules.
ARREST_RULES = ("literal", "floor", "round_half_even", "round_half_up")
JAILED_MODES = ("removed", "stay_and_block", "stay_as_empty")
RELEASE_MODES = ("near_arrest", "anywhere", "in_place")
TERM_RANGES = ("one_to_max", "zero_to_max_minus_one", "zero_to_max")

SW_ARREST_RULE = 0
SW_TWICE_IF_ACTIVE = 1
SW_MOVE_FIRST = 2
SW_MOVEMENT = 3
SW_COPS_MOVE_WHEN_OFF = 4
SW_JAILED = 5
SW_RELEASE = 6
SW_COP_TO_ARRESTEE = 7
SW_TERM_RANGE = 8
SW_COUNTDOWN_OWN_STEP = 9
SW_MAX_TERM = 10  # −1 means infinite
SW_WIDTH = 11
SW_HEIGHT = 12
SW_TORUS = 13
N_SWITCHES = 14

# Columns of the per-tick counts the kernel returns.
COUNT_COLUMNS = ("quiet", "active", "jailed", "cops", "arrests", "releases")


@numba.njit(inline="always")
def arrest_ratio(cops: int, actives: int, rule: int) -> float:
    """Returns the ratio entering P = 1 − exp(−k·ratio) under an arrest-ratio rule code."""
    if rule == 0:
        return cops / actives
    q = cops // actives
    r = cops - q * actives
    if rule == 1:
        return float(q)
    if rule == 2:
        if 2 * r > actives or (2 * r == actives and q % 2 == 1):
            return float(q + 1)
        return float(q)
    if 2 * r >= actives:
        return float(q + 1)
    return float(q)


@numba.njit(inline="always")
def arrest_probability(cops: int, actives: int, rule: int, k: float) -> float:
    """Returns the estimated arrest probability P for C cops and A actives (A ≥ 1)."""
    return 1.0 - math.exp(-k * arrest_ratio(cops, actives, rule))


@numba.njit(inline="always")
def _set_cell(code, occupant, cell, value, agent):
    code[cell] = value
    occupant[cell] = agent


@numba.njit(cache=True)
def _move(rng, code, occupant, pos, agent, offs, sw, scratch):
    cell = pos[agent]
    target = random_empty_in_view(
        rng, code, cell, offs, sw[SW_WIDTH], sw[SW_HEIGHT], sw[SW_TORUS] == 1, scratch
    )
    if target >= 0:
        _set_cell(code, occupant, target, code[cell], agent)
        _set_cell(code, occupant, cell, EMPTY, -1)
        pos[agent] = target


@numba.njit(cache=True)
def _decide(code, pos, state, grievance, risk, threshold, agent, spans, sw, k):
    cell = pos[agent]
    cops, actives = count_view(code, cell, spans, sw[SW_WIDTH], sw[SW_HEIGHT], sw[SW_TORUS] == 1)
    a = 1 + actives
    if sw[SW_TWICE_IF_ACTIVE] == 1 and state[agent] == S_ACTIVE:
        a += 1
    p = arrest_probability(cops, a, sw[SW_ARREST_RULE], k)
    if grievance[agent] - risk[agent] * p > threshold[agent]:
        state[agent] = S_ACTIVE
        code[cell] = ACTIVE
    else:
        state[agent] = S_QUIET
        code[cell] = QUIET


@numba.njit(cache=True)
def _draw_term(rng, sw):
    j = sw[SW_MAX_TERM]
    if j < 0:
        return -1
    if j == 0:
        return 0
    mode = sw[SW_TERM_RANGE]
    if mode == 0:
        return 1 + below(rng, j)
    if mode == 1:
        return below(rng, j)
    return below(rng, j + 1)


@numba.njit(cache=True)
def _arrest(rng, code, occupant, state, pos, term, fresh, arrest_cell, cop, offs, sw, scratch):
    """Arrests one random active citizen in the cop's view; returns 1 if someone was arrested."""
    width = sw[SW_WIDTH]
    height = sw[SW_HEIGHT]
    torus = sw[SW_TORUS] == 1
    cell = pos[cop]
    m = 0
    for j in range(offs.shape[0]):
        x = cell % width + offs[j, 0]
        y = cell // width + offs[j, 1]
        if torus:
            x = x % width
            y = y % height
        elif x < 0 or x >= width or y < 0 or y >= height:
            continue
        c = y * width + x
        if code[c] == ACTIVE:
            scratch[m] = c
            m += 1
    if m == 0:
        return 0
    target_cell = scratch[below(rng, m)]
    victim = occupant[target_cell]
    state[victim] = S_JAILED
    term[victim] = _draw_term(rng, sw)
    fresh[victim] = True
    arrest_cell[victim] = target_cell
    if sw[SW_JAILED] == 1:
        code[target_cell] = JAILED
    else:
        _set_cell(code, occupant, target_cell, EMPTY, -1)
        pos[victim] = -1
        if sw[SW_COP_TO_ARRESTEE] == 1:
            _set_cell(code, occupant, target_cell, COP, cop)
            _set_cell(code, occupant, cell, EMPTY, -1)
            pos[cop] = target_cell
    return 1


@numba.njit(cache=True)
def _release(rng, code, occupant, state, pos, term, arrest_cell, agent, cit_offs, sw, scratch):
    """Frees a jailed citizen (quiet) and puts it back on the lattice; returns 1 if placed."""
    state[agent] = S_QUIET
    if sw[SW_JAILED] == 1:
        code[pos[agent]] = QUIET
        return 1
    site = arrest_cell[agent]
    mode = sw[SW_RELEASE]
    target = -1
    if (mode == 2 or sw[SW_JAILED] == 2) and code[site] == EMPTY:
        target = site
    if target < 0 and mode != 1:
        target = random_empty_in_view(
            rng, code, site, cit_offs, sw[SW_WIDTH], sw[SW_HEIGHT], sw[SW_TORUS] == 1, scratch
        )
    if target < 0:
        target = random_empty_anywhere(rng, code)
    if target < 0:  # lattice full: stays out until a cell frees up
        state[agent] = S_JAILED
        term[agent] = 0
        return 0
    _set_cell(code, occupant, target, QUIET, agent)
    pos[agent] = target
    return 1


@numba.njit(cache=True)
def run_ticks(
    n_ticks,
    rng,
    code,
    occupant,
    kind,
    state,
    pos,
    term,
    fresh,
    arrest_cell,
    grievance,
    risk,
    threshold,
    cit_offs,
    cit_spans,
    cop_offs,
    cop_spans,
    sw,
    k,
):
    """Runs ``n_ticks`` ticks in place; returns int64 (n_ticks, 6) counts (COUNT_COLUMNS)."""
    n = kind.shape[0]
    order = np.arange(n)
    scratch = np.empty(max(cit_offs.shape[0], cop_offs.shape[0], 1), dtype=np.int64)
    out = np.zeros((n_ticks, 6), dtype=np.int64)
    move_first = sw[SW_MOVE_FIRST] == 1
    citizens_move = sw[SW_MOVEMENT] == 1
    cops_move = citizens_move or sw[SW_COPS_MOVE_WHEN_OFF] == 1
    own_step = sw[SW_COUNTDOWN_OWN_STEP] == 1
    for t in range(n_ticks):
        arrests = 0
        releases = 0
        shuffle(rng, order)
        for idx in range(n):
            a = order[idx]
            s = state[a]
            if s == S_OFF:
                continue
            if kind[a] == K_COP:
                if move_first and cops_move:
                    _move(rng, code, occupant, pos, a, cop_offs, sw, scratch)
                arrests += _arrest(
                    rng, code, occupant, state, pos, term, fresh, arrest_cell, a, cop_offs, sw,
                    scratch,
                )
                if not move_first and cops_move:
                    _move(rng, code, occupant, pos, a, cop_offs, sw, scratch)
                continue
            if s == S_JAILED:
                if not own_step:
                    continue
                fresh[a] = False
                if term[a] != 0:
                    if term[a] > 0:
                        term[a] -= 1
                    continue
                placed = _release(
                    rng, code, occupant, state, pos, term, arrest_cell, a, cit_offs, sw, scratch
                )
                releases += placed
                if placed == 0:
                    continue
            if move_first and citizens_move:
                _move(rng, code, occupant, pos, a, cit_offs, sw, scratch)
            _decide(code, pos, state, grievance, risk, threshold, a, cit_spans, sw, k)
            if not move_first and citizens_move:
                _move(rng, code, occupant, pos, a, cit_offs, sw, scratch)
        if not own_step:
            for a in range(n):
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
        quiet = 0
        active = 0
        jailed = 0
        cops = 0
        for a in range(n):
            s = state[a]
            if kind[a] == K_COP:
                cops += s != S_OFF
            elif s == S_QUIET:
                quiet += 1
            elif s == S_ACTIVE:
                active += 1
            else:
                jailed += 1
        out[t, 0] = quiet
        out[t, 1] = active
        out[t, 2] = jailed
        out[t, 3] = cops
        out[t, 4] = arrests
        out[t, 5] = releases
    return out

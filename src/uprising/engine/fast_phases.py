"""The synchronous phases of one fast tick: move, decide, arrest (jail and tally: fast_jail).

Every phase reads a snapshot and resolves conflicts by random-priority claims, so its outcome
is a pure function of the state at its start and of counter-based random numbers keyed by
(tick, stream, cell). Loops run in parallel (``numba.prange``); where two cells' work could
touch the same cell (claims within a vision radius), rows are split into bands at least
2r high and the bands of one colour (even, then odd) run in parallel, so no two threads ever
write the same cell at once and the result never depends on the thread count.

Flag bits on top of the cell codes (cleared before the phase ends):
``MOVED`` marks an agent that moved this tick, or a cop done arresting; ``NEXT`` carries a
citizen's new decision; ``CLAIM`` marks an active citizen some cop claimed this round.
Move claims live in ``occupant`` of the (empty) target cell as −2 − source cell; arrest
claims in ``arrest_cell`` of the victim as the claiming cop's cell.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from uprising.engine.fast_counts import LOW, SHIFT, count_band
from uprising.engine.fast_rng import (
    ST_ARREST,
    ST_COIN,
    ST_MOVE,
    ST_SLOT,
    ST_TERM,
    bounded,
    bounded32,
    draw,
    stream_key,
)
from uprising.engine.lattice import ACTIVE, COP, EMPTY, JAILED, QUIET, neighbour

MOVED = 8
NEXT = 16
CLAIM = 32
STAY_QUIET = 32  # decision phase only (CLAIM is used in the arrest phase only)

S_QUIET = 0
S_ACTIVE = 1
S_JAILED = 2
S_OFF = 3
S_RELEASING = 4  # transient, inside the jail phase only

MOVE_ROUNDS = 8
_LOW32 = np.uint64(0xFFFFFFFF)
ARREST_ROUNDS = 16


@numba.njit(inline="always")
def _target(c, x, y, j, offs, flat, width, height, torus, inner):
    """Returns the cell at offset ``offs[j]`` from ``c`` = (x, y), or −1 off a bounded edge."""
    if inner:
        return c + flat[j]
    return neighbour(c, offs[j, 0], offs[j, 1], width, height, torus)


@numba.njit(inline="always")
def _pick_empty(code, c, x, y, offs, flat, reach, width, height, torus, key, scratch):
    """Returns a uniformly chosen empty cell in view of ``c`` (−1 if none).

    Up to 16 uniform draws among the sites in view (two per 64 random bits), then enumeration
    of the empty sites; both stages are uniform over the empty sites, so the result is too.
    """
    n = offs.shape[0]
    if n == 0:
        return -1
    inner = x >= reach and x < width - reach and y >= reach and y < height - reach
    for att in range(8):
        u = draw(key, c, att)
        j = bounded32(u & _LOW32, n)
        t = _target(c, x, y, j, offs, flat, width, height, torus, inner)
        if t >= 0 and code[t] == EMPTY:
            return t
        j = bounded32(u >> np.uint64(32), n)
        t = _target(c, x, y, j, offs, flat, width, height, torus, inner)
        if t >= 0 and code[t] == EMPTY:
            return t
    m = 0
    for j in range(n):
        t = _target(c, x, y, j, offs, flat, width, height, torus, inner)
        if t >= 0 and code[t] == EMPTY:
            scratch[m] = t
            m += 1
    if m == 0:
        return -1
    return scratch[bounded(draw(key, c, 8), m)]


@numba.njit(inline="always")
def _wins(pkey, c, s):
    """Returns whether source ``c`` outranks source ``s`` in a claim (ties: larger cell)."""
    pc = draw(pkey, c, 0)
    ps = draw(pkey, s, 0)
    return pc > ps or (pc == ps and c > s)


@numba.njit(parallel=True, cache=True)
def move_phase(code, occupant, pos, width, height, torus, cit_offs, cit_flat, cit_reach,
               cop_offs, cop_flat, cop_reach, cit_move, cop_move, tick_key, bands, scratch_len,
               rounds, slot, sub):
    """Moves every mobile agent of sub-step ``sub`` to a random empty cell in view; returns
    how many moved.

    Round after round, each agent that has not moved picks a target among the cells empty at
    the round's start; the highest-priority claimant of each target moves, the others try
    again next round (cells vacated by winners are free then). Stops after ``rounds`` rounds
    (at most 24) or when a round moves no one.
    """
    nb = bands.shape[0] - 1
    multi = slot.shape[0] > 1
    total = 0
    for rnd in range(rounds):
        mkey = stream_key(tick_key, ST_MOVE + 2 * rnd + 64 * sub)
        pkey = stream_key(tick_key, ST_MOVE + 2 * rnd + 1 + 64 * sub)
        claims = 0
        for colour in range(2):
            for bi in numba.prange((nb - colour + 1) // 2):
                b = 2 * bi + colour
                scratch = np.empty(scratch_len, dtype=np.int64)
                for y in range(bands[b], bands[b + 1]):
                    for x in range(width):
                        c = y * width + x
                        v = code[c]
                        if v == EMPTY or (multi and slot[c] != sub):
                            continue
                        if v == QUIET or v == ACTIVE:  # noqa: SIM109
                            if not cit_move:
                                continue
                            t = _pick_empty(code, c, x, y, cit_offs, cit_flat, cit_reach, width,
                                            height, torus, mkey, scratch)
                        elif v == COP:
                            if not cop_move:
                                continue
                            t = _pick_empty(code, c, x, y, cop_offs, cop_flat, cop_reach, width,
                                            height, torus, mkey, scratch)
                        else:
                            continue
                        if t < 0:
                            continue
                        claims += 1
                        o = occupant[t]
                        if o == -1 or _wins(pkey, c, -2 - o):
                            occupant[t] = -2 - c
        if claims == 0:
            break
        moved = 0
        for y in numba.prange(height):
            for d in range(y * width, (y + 1) * width):
                o = occupant[d]
                if o <= -2:
                    s = -2 - o
                    a = occupant[s]
                    code[d] = code[s] | MOVED
                    if multi:
                        slot[d] = slot[s]
                    occupant[d] = a
                    pos[a] = d
                    code[s] = EMPTY
                    occupant[s] = -1
                    moved += 1
        total += moved
        if moved == 0:
            break
    for y in numba.prange(height):
        for c in range(y * width, (y + 1) * width):
            if code[c] & MOVED:
                code[c] = code[c] & 7
    return total


@numba.njit(inline="always")
def probability(cops, a, rule, k):
    """Returns P = 1 − exp(−k·ratio) for C = ``cops``, A = ``a``, as the reference computes it."""
    if cops == 0:
        return 0.0
    if rule == 0:
        return 1.0 - math.exp(-k * (cops / a))
    q = cops // a
    rem = cops - q * a
    if rule == 2:
        if 2 * rem > a or (2 * rem == a and q % 2 == 1):
            q += 1
    elif rule == 3 and 2 * rem >= a:
        q += 1
    return 1.0 - math.exp(-k * q)


@numba.njit(cache=True)
def probability_table(max_cops, max_a, rule, k):
    """Returns P[C, A] for 0 ≤ C ≤ max_cops, 0 ≤ A ≤ max_a (row A = 0 unused)."""
    out = np.zeros((max_cops + 1, max_a + 1))
    for c in range(max_cops + 1):
        for a in range(1, max_a + 1):
            out[c, a] = probability(c, a, rule, k)
    return out


@numba.njit(parallel=True, cache=True)
def decide_phase(code, occupant, state, grievance, risk, threshold, width, height, torus,
                 method, r, spans, bands, rule, twice, k, ptab, use_table, work, slot, sub):
    """Sets every free citizen of sub-step ``sub`` quiet or active from start-of-phase counts;
    returns the number of active citizens on the lattice afterwards.

    ``work`` holds one row of scratch per thread: counts of a band, then ``count_band``'s
    workspace (contents never carry over between bands, so results do not depend on threads).
    """
    nb = bands.shape[0] - 1
    multi = slot.shape[0] > 1
    for b in numba.prange(nb):
        y0 = bands[b]
        y1 = bands[b + 1]
        mine = work[numba.get_thread_id()]
        cnt = mine[: (y1 - y0) * width]
        count_band(code, width, height, torus, y0, y1, method, r, spans, cnt,
                   mine[(y1 - y0) * width :])
        base = y0 * width
        for i in range((y1 - y0) * width):
            c = base + i
            v = code[c]
            if (v != QUIET and v != ACTIVE) or (multi and slot[c] != sub):
                continue
            agent = occupant[c]
            if grievance[agent] <= threshold[agent]:
                code[c] = v | STAY_QUIET  # G − R·P ≤ G ≤ T whatever the counts (R, P ≥ 0)
                continue
            packed = cnt[i]
            cops = packed >> SHIFT
            acts = (packed & LOW) - (v == ACTIVE)
            a_count = 1 + acts
            if twice and v == ACTIVE:
                a_count += 1
            p = ptab[cops, a_count] if use_table else probability(cops, a_count, rule, k)
            if grievance[agent] - risk[agent] * p > threshold[agent]:
                code[c] = v | NEXT
            else:
                code[c] = v | STAY_QUIET
    actives = 0
    for y in numba.prange(height):
        for c in range(y * width, (y + 1) * width):
            v = code[c]
            low = v & 7
            if low == QUIET or low == ACTIVE:  # noqa: SIM109
                if v & NEXT:
                    if low != ACTIVE:
                        state[occupant[c]] = S_ACTIVE
                    code[c] = ACTIVE
                elif v & STAY_QUIET:
                    if low != QUIET:
                        state[occupant[c]] = S_QUIET
                    code[c] = QUIET
                actives += code[c] == ACTIVE
    return actives


@numba.njit(inline="always")
def draw_term(u, max_term, mode):
    """Returns a jail term from random bits ``u`` (−1 = forever), as reference._draw_term."""
    if max_term < 0:
        return -1
    if max_term == 0:
        return 0
    if mode == 0:
        return 1 + bounded(u, max_term)
    if mode == 1:
        return bounded(u, max_term)
    return bounded(u, max_term + 1)


@numba.njit(parallel=True, cache=True)
def arrest_phase(code, occupant, state, pos, term, fresh, arrest_cell, width, height, torus,
                 cop_offs, cop_flat, cop_reach, tick_key, bands, n_cit, cop_target, cop_victim,
                 scratch_len,
                 jailed_mode, to_arrestee, max_term, term_mode, own_step, slot, sub):
    """Each cop of sub-step ``sub`` arrests one random active citizen in view; returns the
    number of arrests.

    Claim rounds: every cop not yet done picks a random active in view; the highest-priority
    claimant of each citizen arrests it; the others pick again among the actives left.
    """
    nb = bands.shape[0] - 1
    multi = slot.shape[0] > 1
    n_slots = cop_target.shape[0]
    jkey = stream_key(tick_key, ST_TERM)
    ckey = stream_key(tick_key, ST_COIN)
    total = 0
    for rnd in range(ARREST_ROUNDS):
        akey = stream_key(tick_key, ST_ARREST + 2 * rnd + 64 * sub)
        pkey = stream_key(tick_key, ST_ARREST + 2 * rnd + 1 + 64 * sub)
        claims = 0
        for colour in range(2):
            for bi in numba.prange((nb - colour + 1) // 2):
                b = 2 * bi + colour
                scratch = np.empty(scratch_len, dtype=np.int64)
                for c in range(bands[b] * width, bands[b + 1] * width):
                    if code[c] != COP or (multi and slot[c] != sub):
                        continue
                    j = occupant[c] - n_cit
                    y = c // width
                    x = c - y * width
                    inner = (x >= cop_reach and x < width - cop_reach and y >= cop_reach
                             and y < height - cop_reach)
                    m = 0
                    for q in range(cop_offs.shape[0]):
                        t = _target(c, x, y, q, cop_offs, cop_flat, width, height, torus, inner)
                        if t >= 0 and (code[t] & 7) == ACTIVE:
                            scratch[m] = t
                            m += 1
                    if m == 0:
                        code[c] = COP | MOVED
                        cop_target[j] = -1
                        continue
                    t = scratch[bounded(draw(akey, c, 0), m)]
                    victim = occupant[t]
                    cop_target[j] = t
                    cop_victim[j] = victim
                    claims += 1
                    if code[t] == ACTIVE:
                        code[t] = ACTIVE | CLAIM
                        arrest_cell[victim] = c
                    elif _wins(pkey, c, arrest_cell[victim]):
                        arrest_cell[victim] = c
        if claims == 0:
            break
        made = 0
        for j in numba.prange(n_slots):
            cop = n_cit + j
            c = pos[cop]
            if c < 0 or code[c] != COP or (multi and slot[c] != sub):
                continue
            victim = cop_victim[j]
            if arrest_cell[victim] != c:
                continue
            t = cop_target[j]
            state[victim] = S_JAILED
            jt = draw_term(draw(jkey, t, sub), max_term, term_mode)
            if own_step and jt > 0 and draw(ckey, t, sub) >> np.uint64(63):
                jt -= 1  # the prisoner's own activation came after the cop's (probability ½)
            term[victim] = jt
            fresh[victim] = True
            arrest_cell[victim] = t
            made += 1
            if jailed_mode == 1:
                code[t] = JAILED
                code[c] = COP | MOVED
                continue
            code[t] = EMPTY
            occupant[t] = -1
            pos[victim] = -1
            if to_arrestee:
                code[t] = COP | MOVED
                if multi:
                    slot[t] = slot[c]
                occupant[t] = cop
                pos[cop] = t
                code[c] = EMPTY
                occupant[c] = -1
            else:
                code[c] = COP | MOVED
        total += made
    for j in numba.prange(n_slots):
        c = pos[n_cit + j]
        if c >= 0 and code[c] == COP | MOVED:
            code[c] = COP
    return total


@numba.njit(parallel=True, cache=True)
def assign_substeps(slot, width, height, tick_key, substeps):
    """Gives every cell's agent a random sub-step in [0, substeps) for this tick."""
    key = stream_key(tick_key, ST_SLOT)
    for y in numba.prange(height):
        for c in range(y * width, (y + 1) * width):
            slot[c] = bounded32(draw(key, c, 0) & _LOW32, substeps)

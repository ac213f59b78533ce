"""Model II tick loop in Numba: move, decide, kill, arrest, jail, clone, age and die.

Agent slots: cops first (``0 .. n_cop_slots−1``), then citizen slots, some of them dead and
waiting on a free-slot stack for a newborn. A tick is:

1. every free citizen and every cop on duty is activated once, in a fresh random order. A
   citizen moves (rule M) and decides (rule A, G = H(1 − L) with L the legitimacy each group
   grants the other); an active citizen then kills one random free citizen of the other group
   in its vision, if any. A cop moves and arrests one random active citizen of either group in
   its vision. The order of move and act is the ``rules.order`` switch;
2. jail terms count down and served citizens are released (``rules.count_down``: unlike the
   core engine's end-of-tick count-down, the arrest tick does not count);
3. demography: in a fresh random order every free citizen clones with probability p onto a random
   empty neighbouring cell (the clone keeps group and hardship), then every citizen not born this
   tick ages by one tick and dies on reaching its death age.
"""

from __future__ import annotations

import numba
import numpy as np

from uprising.engine.codes import (
    EMPTY,
    IG_N_COLUMNS,
    S_ACTIVE,
    S_DEAD,
    S_JAILED,
    S_OFF,
    S_QUIET,
    SW_IG_AGE_IN_JAIL,
    SW_IG_N_COP_SLOTS,
    SW_IG_STOP_AT_EXTINCTION,
)
from uprising.engine.intergroup.rules import (
    arrest,
    clone,
    count_down,
    decide,
    free_slot,
    kill,
)
from uprising.engine.rng import shuffle, uniform
from uprising.engine.rules import _move as move
from uprising.engine.rules import movement


@numba.njit(cache=True)
def run_ticks(n_ticks, rng, world, agents, views, clone_offs, sw, k, threshold, clone_p,
              legitimacy):
    """Runs up to ``n_ticks`` ticks in place.

    ``world``: a ``bundles.World``; ``agents``: a ``bundles.InterGroupAgents``; ``views``: a
    ``bundles.Views`` (the citizens' spans are not used); ``clone_offs``: the sites a clone can
    be put on; ``sw``: the switch array (``codes.SW_*`` then ``codes.SW_IG_*``); ``k``, the
    threshold T, the cloning probability and the legitimacy L are scalars.

    Returns (counts, ticks_done): int64 (n_ticks, IG_N_COLUMNS) per-tick counts
    (IG_COUNT_COLUMNS) and the number of ticks run, fewer than ``n_ticks`` when
    ``stop_at_extinction`` ends it.
    """
    code, occupant = world.code, world.occupant
    state, group, pos, term = agents.state, agents.group, agents.pos, agents.term
    fresh, arrest_cell = agents.fresh, agents.arrest_cell
    hardship, risk, age, death_age = agents.hardship, agents.risk, agents.age, agents.death_age
    newborn, free_stack, free_top = agents.newborn, agents.free_stack, agents.free_top
    cit_offs, _, cop_offs, cop_spans = views
    n = state.shape[0]
    n_cops = sw[SW_IG_N_COP_SLOTS]
    order = np.empty(n, dtype=np.int64)
    scratch = np.empty(max(cit_offs.shape[0], cop_offs.shape[0], clone_offs.shape[0], 1),
                       dtype=np.int64)
    out = np.zeros((n_ticks, IG_N_COLUMNS), dtype=np.int64)
    move_first, citizens_move, cops_move = movement(sw)
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
        shuffle(rng, order[:m])
        for idx in range(m):
            a = order[idx]
            if a < n_cops:
                if move_first and cops_move:
                    move(rng, code, occupant, pos, a, cop_offs, sw, scratch)
                arrests += arrest(
                    rng, code, occupant, state, pos, term, fresh, arrest_cell, a, cop_offs,
                    cop_spans, sw, scratch,
                )
                if not move_first and cops_move:
                    move(rng, code, occupant, pos, a, cop_offs, sw, scratch)
                continue
            s = state[a]
            if s > S_ACTIVE:  # killed or arrested earlier this tick
                continue
            if move_first and citizens_move:
                move(rng, code, occupant, pos, a, cit_offs, sw, scratch)
            active = decide(
                code, occupant, pos, state, group, hardship, risk, a, cit_offs, sw, k, threshold,
                legitimacy,
            )
            if active:
                victim = kill(rng, code, occupant, state, group, pos, a, cit_offs, sw, scratch)
                if victim >= 0:
                    kills += 1
                    free_slot(state, pos, free_stack, free_top, victim)
            if not move_first and citizens_move:
                move(rng, code, occupant, pos, a, cit_offs, sw, scratch)
        # 2. jail countdown and release
        for a in range(n_cops, n):
            if state[a] == S_JAILED:
                releases += count_down(
                    rng, code, occupant, state, pos, term, fresh, arrest_cell, a, cit_offs, sw,
                    scratch,
                )
        # 3. demography: cloning in a fresh random order, then ageing and death
        m = 0
        for a in range(n_cops, n):
            newborn[a] = False
            if state[a] <= S_ACTIVE:
                order[m] = a
                m += 1
        shuffle(rng, order[:m])
        for idx in range(m):
            a = order[idx]
            if uniform(rng) >= clone_p:
                continue
            got = clone(
                rng, code, occupant, state, group, pos, hardship, risk, age, death_age, newborn,
                free_stack, free_top, a, clone_offs, sw, scratch,
            )
            if got == 1:
                births += 1
            elif got < 0:
                blocked += 1
        age_in_jail = sw[SW_IG_AGE_IN_JAIL] == 1
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
                free_slot(state, pos, free_stack, free_top, a)
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
        if sw[SW_IG_STOP_AT_EXTINCTION] == 1 and (row[0] == 0 or row[1] == 0):
            return out, t + 1
    return out, n_ticks

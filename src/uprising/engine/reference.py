"""Reference scheduler: Epstein's random asynchronous activation, one agent at a time, in place.

Each tick every agent (citizens, jailed or free, and cops on duty) is activated once in a fresh
random order. An activated citizen moves (rule M) and decides (rule A); a cop moves and arrests
(rule C); the order within an activation is a switch. Later agents see earlier agents' new
states and positions within the same tick. The whole tick loop runs inside one Numba function.
"""

from __future__ import annotations

import numba
import numpy as np

from uprising.engine.bundles import Mechanisms
from uprising.engine.codes import (
    COP,
    F_FOREIGN,
    F_MOBILISER,
    F_VIOLENT,
    K_COP,
    K_DEFECTOR,
    M_DEFECT_JOIN,
    M_DEFECT_PEER,
    M_DEFECT_RETURN,
    M_DEFECT_REVERSIBLE,
    M_DEFECT_SANCTION,
    M_DEFECT_SANCTION_FORCE,
    M_DEFECTION,
    M_FIRE,
    M_IN_GROUP,
    M_LOYALTY_SCALE,
    M_MOBILISERS,
    M_MOVE_PROBABILITY,
    M_P_POLICE_CASUALTY,
    M_P_PROTESTER_CASUALTY,
    M_POLICE_LETHALITY,
    M_RELUCTANCE,
    M_RELUCTANCE_HALF,
    M_VIOLENCE,
    MECH_COLUMNS,
    S_ACTIVE,
    S_DEAD,
    S_JAILED,
    S_OFF,
    S_QUIET,
    SW_COUNTDOWN_OWN_STEP,
    SW_HEIGHT,
    SW_TORUS,
    SW_WIDTH,
)
from uprising.engine.lattice import count_view
from uprising.engine.mechanisms import (
    default_mech,
    defection_pressure,
    force_defected_share,
    reluctance_skip_probability,
    security_census,
)
from uprising.engine.rng import shuffle, uniform
from uprising.engine.rules import (
    _decide,
    _decide_mech,
    _escalate,
    _fire_on_crowd,
    _jail,
    _maybe_move,
    _move,
    _pick_arrestee,
    _release,
    _set_civilian_state,
    _take_off_lattice,
    movement,
)


@numba.njit(cache=True)
def run_ticks(n_ticks, rng, world, agents, views, sw, k):
    """Runs ``n_ticks`` ticks with every mechanism off; returns int64 (n_ticks, 6) counts.

    ``world``, ``agents``, ``views``: ``bundles.World``, ``Agents``, ``Views``; ``sw``: the
    switch array (``codes.SW_*``); ``k``: the arrest constant.
    """
    n = agents.kind.shape[0]
    mech = default_mech()
    off = Mechanisms(np.zeros(n, dtype=np.int8), np.zeros(n, dtype=np.int8), np.zeros(1),
                     np.zeros(1), np.zeros(1, dtype=np.int32), np.zeros(0),
                     np.zeros(0, dtype=np.int8))
    out = run_ticks_mech(n_ticks, rng, world, agents, off, views, sw, k, mech)
    return out[:, :6].copy()


@numba.njit(cache=True)
def run_ticks_mech(n_ticks, rng, world, agents, mechanisms, views, sw, k, mech):
    """Runs ``n_ticks`` ticks in place, mechanisms switched by ``mech``; returns int64
    (n_ticks, 13) counts: COUNT_COLUMNS then MECH_COLUMNS.

    ``mechanisms``: a ``bundles.Mechanisms``; the other arguments as ``run_ticks``.
    """
    code, occupant = world.code, world.occupant
    kind, state, pos, term = agents.kind, agents.state, agents.pos, agents.term
    fresh, arrest_cell = agents.fresh, agents.arrest_cell
    grievance, risk, threshold = agents.grievance, agents.risk, agents.threshold
    group, flags, loyalty = mechanisms.group, mechanisms.flags, mechanisms.loyalty
    defect_threshold = mechanisms.defect_threshold
    target_index, damage = mechanisms.target_index, mechanisms.damage
    guarded = mechanisms.guarded
    cit_offs, cit_spans, cop_offs, cop_spans = views
    n = kind.shape[0]
    order = np.arange(n)
    scratch = np.empty(max(cit_offs.shape[0], cop_offs.shape[0], 1), dtype=np.int64)
    out = np.zeros((n_ticks, 6 + len(MECH_COLUMNS)), dtype=np.int64)
    width = sw[SW_WIDTH]
    height = sw[SW_HEIGHT]
    torus = sw[SW_TORUS] == 1
    move_first, citizens_move, cops_move = movement(sw)
    own_step = sw[SW_COUNTDOWN_OWN_STEP] == 1
    move_p = mech[M_MOVE_PROBABILITY]
    extended_census = mech[M_IN_GROUP] == 1.0 or mech[M_MOBILISERS] == 1.0
    violence = mech[M_VIOLENCE] == 1.0
    reluctance = mech[M_RELUCTANCE] == 1.0
    defection = mech[M_DEFECTION] == 1.0
    join_crowd = mech[M_DEFECT_JOIN] == 1.0
    loyalty_scale = mech[M_LOYALTY_SCALE]
    peer = mech[M_DEFECT_PEER]
    fire = violence and mech[M_FIRE] > 0.0
    hits = np.zeros(4, dtype=np.int64)  # protesters killed, injured; bystanders killed, injured
    sanction = mech[M_DEFECT_SANCTION]
    force_wide = defection and mech[M_DEFECT_SANCTION_FORCE] == 1.0
    force_q = -1.0  # σ enforced by the share defected in view (force_wide: in the lattice)
    for t in range(n_ticks):
        if force_wide:
            force_q = force_defected_share(kind, state)
        arrests = 0
        releases = 0
        reluctant = 0
        killed = 0
        police_casualties = 0
        police_killed = 0
        hits[:] = 0
        for i in range(n):  # a fresh random order each tick, whatever the chunking
            order[i] = i
        shuffle(rng, order)
        for idx in range(n):
            a = order[idx]
            s = state[a]
            if s >= S_OFF:  # off duty or dead
                continue
            if kind[a] == K_COP:
                if move_first and cops_move:
                    _move(rng, code, occupant, pos, a, cop_offs, sw, scratch)
                skip = False
                if (defection or reluctance) and not flags[a] & F_FOREIGN:
                    cops_v, act_v, quiet_v, def_v = security_census(
                        code, occupant, kind, pos[a], cop_spans, width, height, torus
                    )
                    pressure = defection_pressure(act_v, quiet_v, cops_v, def_v, peer, sanction,
                                                  force_q)
                    if defection and pressure > defect_threshold[a] * loyalty_scale:
                        kind[a] = K_DEFECTOR
                        _set_civilian_state(code, pos, state, a, join_crowd)
                        continue
                    if reluctance and act_v > 0:
                        p_skip = reluctance_skip_probability(
                            act_v, cops_v, loyalty[a] * loyalty_scale, mech[M_RELUCTANCE_HALF]
                        )
                        if uniform(rng) < p_skip:
                            skip = True
                            reluctant += 1
                if fire and not skip:
                    skip = _fire_on_crowd(rng, code, occupant, state, pos, flags, a, cop_offs,
                                          sw, mech, scratch, hits)
                if not skip:
                    victim = _pick_arrestee(
                        rng, code, occupant, pos, a, cop_offs, cop_spans, sw, scratch
                    )
                    if victim >= 0:
                        if violence and flags[victim] & F_VIOLENT:
                            if uniform(rng) < mech[M_P_PROTESTER_CASUALTY]:
                                state[victim] = S_DEAD
                                flags[victim] = 0
                                _take_off_lattice(code, occupant, pos, victim)
                                killed += 1
                            else:
                                _jail(rng, code, occupant, state, pos, term, fresh,
                                      arrest_cell, victim, a, sw)
                                arrests += 1
                            if uniform(rng) < mech[M_P_POLICE_CASUALTY]:
                                state[a] = S_OFF
                                _take_off_lattice(code, occupant, pos, a)
                                police_casualties += 1
                                if mech[M_POLICE_LETHALITY] > 0.0:
                                    police_killed += uniform(rng) < mech[M_POLICE_LETHALITY]
                                continue
                        else:
                            _jail(rng, code, occupant, state, pos, term, fresh, arrest_cell,
                                  victim, a, sw)
                            arrests += 1
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
                _maybe_move(rng, code, occupant, pos, a, cit_offs, sw, scratch, move_p)
            actives_seen = 0
            if kind[a] == K_DEFECTOR:
                if defection and mech[M_DEFECT_REVERSIBLE] == 1.0:
                    cops_v, act_v, quiet_v, def_v = security_census(
                        code, occupant, kind, pos[a], cop_spans, width, height, torus
                    )
                    pressure = defection_pressure(act_v, quiet_v, cops_v, def_v, peer, sanction,
                                                  force_q)
                    if pressure < defect_threshold[a] * loyalty_scale * mech[M_DEFECT_RETURN]:
                        kind[a] = K_COP
                        state[a] = S_QUIET
                        flags[a] = 0
                        code[pos[a]] = COP
                        continue
                _set_civilian_state(code, pos, state, a, join_crowd)
                if violence:
                    _, actives_seen = count_view(code, pos[a], cit_spans, width, height, torus)
            elif flags[a] & F_MOBILISER:
                _set_civilian_state(code, pos, state, a, True)
                if violence:
                    _, actives_seen = count_view(code, pos[a], cit_spans, width, height, torus)
            elif extended_census:
                actives_seen = _decide_mech(
                    code, occupant, pos, state, flags, group, grievance, risk, threshold, a,
                    cit_spans, sw, k, mech,
                )
            else:
                actives_seen = _decide(
                    code, pos, state, grievance, risk, threshold, a, cit_spans, sw, k, violence
                )
            if violence:
                _escalate(code, pos, state, flags, target_index, damage, guarded, a,
                          actives_seen, sw, mech)
            if not move_first and citizens_move:
                _maybe_move(rng, code, occupant, pos, a, cit_offs, sw, scratch, move_p)
        if not own_step:
            for a in range(n):
                if state[a] != S_JAILED:
                    continue
                fresh[a] = False
                if term[a] > 0:  # the arrest tick counts (NetLogo, ndouglas)
                    term[a] -= 1
                if term[a] == 0:
                    releases += _release(
                        rng, code, occupant, state, pos, term, arrest_cell, a, cit_offs, sw,
                        scratch,
                    )
        quiet = 0
        active = 0
        jailed = 0
        cops = 0
        violent = 0
        defected = 0
        for a in range(n):
            s = state[a]
            if kind[a] == K_COP:
                cops += s != S_OFF
                continue
            defected += kind[a] == K_DEFECTOR
            if s == S_QUIET:
                quiet += 1
            elif s == S_ACTIVE:
                active += 1
                violent += (flags[a] & F_VIOLENT) != 0
            elif s == S_JAILED:
                jailed += 1
        damaged = 0
        destroyed = 0
        for i in range(damage.shape[0]):
            damaged += damage[i] > 0.0
            destroyed += damage[i] >= 1.0
        row = out[t]
        row[0] = quiet
        row[1] = active
        row[2] = jailed
        row[3] = cops
        row[4] = arrests
        row[5] = releases
        row[6] = violent
        row[7] = reluctant
        row[8] = defected
        row[9] = killed + hits[0]
        row[10] = police_casualties
        row[11] = damaged
        row[12] = destroyed
        row[13] = hits[1]
        row[14] = hits[2]
        row[15] = hits[3]
        row[16] = police_killed
    return out

"""Agent rules of Epstein's Model I and the article's micro mechanisms, as Numba functions.

Each function acts on one agent over struct-of-arrays state; the schedulers (reference.py) call
them. The integer codes they use live in ``uprising.engine.codes``.
"""

from __future__ import annotations

import math

import numba

from uprising.engine import codes
from uprising.engine.codes import (
    ACTIVE,
    ARREST_FLOOR,
    ARREST_LITERAL,
    ARREST_ROUND_HALF_EVEN,
    COP,
    EMPTY,
    F_VIOLENT,
    JAILED,
    JAILED_STAY_AND_BLOCK,
    JAILED_STAY_AS_EMPTY,
    M_DAMAGE,
    M_FIRE,
    M_FIRE_BYSTANDER,
    M_FIRE_LETHALITY,
    M_IN_GROUP,
    M_MOB_GRIEVANCE_BOOST,
    M_MOB_THRESHOLD_DROP,
    M_OUT_WEIGHT,
    M_VIOLENCE_CROWD,
    QUIET,
    RELEASE_ANYWHERE,
    RELEASE_IN_PLACE,
    S_ACTIVE,
    S_DEAD,
    S_JAILED,
    S_QUIET,
    SW_ARREST_RULE,
    SW_COP_TO_ARRESTEE,
    SW_HEIGHT,
    SW_JAILED,
    SW_MAX_TERM,
    SW_RELEASE,
    SW_TERM_RANGE,
    SW_TORUS,
    SW_TWICE_IF_ACTIVE,
    SW_WIDTH,
    TERM_ONE_TO_MAX,
    TERM_ZERO_TO_MAX_MINUS_ONE,
)
from uprising.engine.lattice import (
    count_view,
    neighbour,
    random_empty_anywhere,
    random_empty_in_view,
)
from uprising.engine.mechanisms import census, damage_targets, float_ratio
from uprising.engine.rng import below, uniform


@numba.njit(inline="always")
def arrest_ratio(cops: int, actives: int, rule: int) -> float:
    """Returns the ratio entering P = 1 − exp(−k·ratio) under an arrest-ratio rule code."""
    if rule == ARREST_LITERAL:
        return cops / actives
    q = cops // actives
    r = cops - q * actives
    if rule == ARREST_FLOOR:
        return float(q)
    if rule == ARREST_ROUND_HALF_EVEN:
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


@numba.njit(inline="always")
def movement(sw):
    """Returns (move before acting?, citizens move?, cops move?) from the switches (rule M)."""
    citizens_move = sw[codes.SW_MOVEMENT] == 1
    cops_move = citizens_move or sw[codes.SW_COPS_MOVE_WHEN_OFF] == 1
    return sw[codes.SW_MOVE_FIRST] == 1, citizens_move, cops_move


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
def _set_civilian_state(code, pos, state, agent, active):
    """Makes a free citizen (or defector) active or quiet, on its cell too."""
    state[agent] = S_ACTIVE if active else S_QUIET
    code[pos[agent]] = ACTIVE if active else QUIET


@numba.njit(cache=True)
def _decide(code, pos, state, grievance, risk, threshold, agent, spans, sw, k, need_count):
    """Rule A; returns the actives seen (0 when the view was not needed and not counted).

    G − R·P ≤ G since R, P ≥ 0, so a citizen with G ≤ T is quiet whatever it sees: unless the
    caller needs the count (violence), the neighbourhood is then not scanned.
    """
    cell = pos[agent]
    if not need_count and grievance[agent] <= threshold[agent]:
        _set_civilian_state(code, pos, state, agent, False)
        return 0
    cops, actives = count_view(code, cell, spans, sw[SW_WIDTH], sw[SW_HEIGHT], sw[SW_TORUS] == 1)
    a = 1 + actives
    if sw[SW_TWICE_IF_ACTIVE] == 1 and state[agent] == S_ACTIVE:
        a += 1
    p = arrest_probability(cops, a, sw[SW_ARREST_RULE], k)
    active = grievance[agent] - risk[agent] * p > threshold[agent]
    _set_civilian_state(code, pos, state, agent, active)
    return actives


@numba.njit(inline="always")
def draw_term(rng, max_term, mode):
    """Returns a jail term for J = ``max_term`` (−1: forever) under a ``TERM_RANGES`` code."""
    if max_term < 0:
        return -1
    if max_term == 0:
        return 0
    if mode == TERM_ONE_TO_MAX:
        return 1 + below(rng, max_term)
    if mode == TERM_ZERO_TO_MAX_MINUS_ONE:
        return below(rng, max_term)
    return below(rng, max_term + 1)


@numba.njit(cache=True)
def _draw_term(rng, sw):
    return draw_term(rng, sw[SW_MAX_TERM], sw[SW_TERM_RANGE])


@numba.njit(cache=True)
def _pick_arrestee(rng, code, occupant, pos, cop, offs, spans, sw, scratch):
    """Returns a uniformly chosen active agent in the cop's view, or −1 if there is none.

    A fast row-span count first rules out the common case of no active in view; otherwise
    the offsets are enumerated (their order fixes which active a random index picks).
    """
    width = sw[SW_WIDTH]
    height = sw[SW_HEIGHT]
    torus = sw[SW_TORUS] == 1
    cell = pos[cop]
    if count_view(code, cell, spans, width, height, torus)[1] == 0:
        return -1
    m = 0
    for j in range(offs.shape[0]):
        c = neighbour(cell, offs[j, 0], offs[j, 1], width, height, torus)
        if c < 0:
            continue
        if code[c] == ACTIVE:
            scratch[m] = c
            m += 1
    if m == 0:
        return -1
    return occupant[scratch[below(rng, m)]]


@numba.njit(cache=True)
def _take_off_lattice(code, occupant, pos, agent):
    cell = pos[agent]
    _set_cell(code, occupant, cell, EMPTY, -1)
    pos[agent] = -1
    return cell


@numba.njit(cache=True)
def _jail(rng, code, occupant, state, pos, term, fresh, arrest_cell, victim, cop, sw):
    """Jails ``victim`` (arrested by ``cop``) under the scenario's jail rules."""
    target_cell = pos[victim]
    state[victim] = S_JAILED
    term[victim] = _draw_term(rng, sw)
    fresh[victim] = True
    arrest_cell[victim] = target_cell
    if sw[SW_JAILED] == JAILED_STAY_AND_BLOCK:
        code[target_cell] = JAILED
        return
    _take_off_lattice(code, occupant, pos, victim)
    if sw[SW_COP_TO_ARRESTEE] == 1:
        cell = pos[cop]
        _set_cell(code, occupant, target_cell, COP, cop)
        _set_cell(code, occupant, cell, EMPTY, -1)
        pos[cop] = target_cell


@numba.njit(cache=True)
def _release(rng, code, occupant, state, pos, term, arrest_cell, agent, cit_offs, sw, scratch):
    """Frees a jailed citizen (quiet) and puts it back on the lattice; returns 1 if placed."""
    state[agent] = S_QUIET
    if sw[SW_JAILED] == JAILED_STAY_AND_BLOCK:
        code[pos[agent]] = QUIET
        return 1
    site = arrest_cell[agent]
    mode = sw[SW_RELEASE]
    target = -1
    if (mode == RELEASE_IN_PLACE or sw[SW_JAILED] == JAILED_STAY_AS_EMPTY) and code[site] == EMPTY:
        target = site
    if target < 0 and mode != RELEASE_ANYWHERE:
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
def _maybe_move(rng, code, occupant, pos, agent, offs, sw, scratch, move_probability):
    if move_probability < 1.0 and uniform(rng) >= move_probability:
        return
    _move(rng, code, occupant, pos, agent, offs, sw, scratch)


@numba.njit(cache=True)
def _decide_mech(
    code, occupant, pos, state, flags, group, grievance, risk, threshold, agent, spans, sw, k,
    mech,
):
    """Rule A with in-group crowd counting and mobilisers' influence; returns actives seen."""
    cell = pos[agent]
    cops, actives, same, mobilisers, _ = census(
        code, occupant, group, flags, cell, spans, sw[SW_WIDTH], sw[SW_HEIGHT],
        sw[SW_TORUS] == 1, group[agent],
    )
    if mech[M_IN_GROUP] == 1.0:
        crowd = 1.0 + same + mech[M_OUT_WEIGHT] * (actives - same)
    else:
        crowd = 1.0 + actives
    if sw[SW_TWICE_IF_ACTIVE] == 1 and state[agent] == S_ACTIVE:
        crowd += 1.0
    p = 1.0 - math.exp(-k * float_ratio(cops, crowd, sw[SW_ARREST_RULE]))
    g = min(1.0, grievance[agent] + mech[M_MOB_GRIEVANCE_BOOST] * mobilisers)
    t = max(0.0, threshold[agent] - mech[M_MOB_THRESHOLD_DROP] * mobilisers)
    _set_civilian_state(code, pos, state, agent, g - risk[agent] * p > t)
    return actives


@numba.njit(cache=True)
def _escalate(code, pos, state, flags, target_index, damage, guarded, agent, actives_seen, sw,
              mech):
    """Rule V: an active seeing a crowd ≥ the threshold turns violent and damages targets."""
    if state[agent] == S_ACTIVE and actives_seen + 1 >= mech[M_VIOLENCE_CROWD]:
        flags[agent] |= F_VIOLENT
        damage_targets(
            code, target_index, damage, guarded, pos[agent], sw[SW_WIDTH], sw[SW_HEIGHT],
            sw[SW_TORUS] == 1, mech[M_DAMAGE],
        )
    else:
        flags[agent] &= ~F_VIOLENT


@numba.njit(cache=True)
def _fire_on_crowd(rng, code, occupant, state, pos, flags, cop, offs, sw, mech, scratch, hits):
    """Rule F: a cop with violent actives in view fires with probability φ_f (``M_FIRE``).

    The shot hits a uniformly chosen quiet citizen in view with probability b
    (``M_FIRE_BYSTANDER``, if any quiet citizen is in view), otherwise a uniformly chosen violent
    active. The person hit dies with probability ``M_FIRE_LETHALITY`` (off the lattice, S_DEAD),
    else is injured and withdraws (quiet). Adds to ``hits``: [protesters killed, protesters
    injured, bystanders killed, bystanders injured]. Returns whether the cop fired.
    """
    width = sw[SW_WIDTH]
    height = sw[SW_HEIGHT]
    torus = sw[SW_TORUS] == 1
    cell = pos[cop]
    n_violent = 0
    n_quiet = 0
    m = offs.shape[0]
    for j in range(m):
        c = neighbour(cell, offs[j, 0], offs[j, 1], width, height, torus)
        if c < 0:
            continue
        if code[c] == ACTIVE and flags[occupant[c]] & F_VIOLENT:
            scratch[n_violent] = c  # violent cells from the front, quiet cells from the back
            n_violent += 1
        elif code[c] == QUIET:
            n_quiet += 1
            scratch[scratch.shape[0] - n_quiet] = c
    if n_violent == 0 or uniform(rng) >= mech[M_FIRE]:
        return False
    if n_quiet > 0 and uniform(rng) < mech[M_FIRE_BYSTANDER]:
        victim = occupant[scratch[scratch.shape[0] - 1 - below(rng, n_quiet)]]
        slot = 2
    else:
        victim = occupant[scratch[below(rng, n_violent)]]
        slot = 0
    flags[victim] &= ~F_VIOLENT
    if uniform(rng) < mech[M_FIRE_LETHALITY]:
        state[victim] = S_DEAD
        flags[victim] = 0
        _take_off_lattice(code, occupant, pos, victim)
        hits[slot] += 1
    else:
        _set_civilian_state(code, pos, state, victim, False)
        hits[slot + 1] += 1
    return True

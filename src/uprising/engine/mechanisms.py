"""Kernel-side rules of the article's micro mechanisms (groups, mobilisers, police reluctance and
defection, violence). They read per-agent arrays and the scalar array ``mech``; macro actors and
the timeline change that data between ticks. Equations: docs/ODD.md, "Extensions".
"""

from __future__ import annotations

import math

import numba
import numpy as np

from uprising.engine.codes import (
    ACTIVE,
    ARREST_FLOOR,
    ARREST_LITERAL,
    ARREST_ROUND_HALF_EVEN,
    COP,
    F_MOBILISER,
    K_COP,
    K_DEFECTOR,
    M_DEFECT_RETURN,
    M_LOYALTY_SCALE,
    M_MOVE_PROBABILITY,
    M_OUT_WEIGHT,
    N_MECH,
    QUIET,
    S_DEAD,
    S_OFF,
    TARGET,
)
from uprising.engine.lattice import wrap


@numba.njit(cache=True)
def default_mech() -> np.ndarray:
    """Returns the mechanism parameters with every mechanism off (movement probability 1)."""
    mech = np.zeros(N_MECH)
    mech[M_OUT_WEIGHT] = 1.0
    mech[M_MOVE_PROBABILITY] = 1.0
    mech[M_LOYALTY_SCALE] = 1.0
    mech[M_DEFECT_RETURN] = 0.5
    return mech


@numba.njit(cache=True)
def census(code, occupant, group, flags, cell, spans, width, height, torus, own_group):
    """Returns (cops, actives, co-group actives, mobilisers, quiet) around ``cell``, centre out.

    Walks the same row spans as ``lattice.count_view`` but looks up each active's agent to know
    its group and whether it is a mobiliser.
    """
    x = cell % width
    y = cell // width
    cops = 0
    actives = 0
    same = 0
    mobilisers = 0
    quiet = 0
    for r in range(spans.shape[0]):
        ny = wrap(y + spans[r, 0], height, torus)
        if ny < 0:
            continue
        for dx in range(spans[r, 1], spans[r, 2] + 1):
            nx = wrap(x + dx, width, torus)
            if nx < 0:
                continue
            c = ny * width + nx
            if c == cell:
                continue
            v = code[c]
            if v == COP:
                cops += 1
            elif v == QUIET:
                quiet += 1
            elif v == ACTIVE:
                actives += 1
                other = occupant[c]
                if group[other] == own_group:
                    same += 1
                if flags[other] & F_MOBILISER:
                    mobilisers += 1
    return cops, actives, same, mobilisers, quiet


@numba.njit(cache=True)
def security_census(code, occupant, kind, cell, spans, width, height, torus):
    """Returns (cops, actives, quiet, defectors) around ``cell``: defectors are former cops
    (kind K_DEFECTOR) standing in view, quiet or active; they are also counted as actives or
    quiet citizens."""
    x = cell % width
    y = cell // width
    cops = 0
    actives = 0
    quiet = 0
    defectors = 0
    for r in range(spans.shape[0]):
        ny = wrap(y + spans[r, 0], height, torus)
        if ny < 0:
            continue
        for dx in range(spans[r, 1], spans[r, 2] + 1):
            nx = wrap(x + dx, width, torus)
            if nx < 0:
                continue
            c = ny * width + nx
            if c == cell:
                continue
            v = code[c]
            if v == COP:
                cops += 1
            elif v == ACTIVE:
                actives += 1
                defectors += kind[occupant[c]] == K_DEFECTOR
            elif v == QUIET:
                quiet += 1
                defectors += kind[occupant[c]] == K_DEFECTOR
    return cops, actives, quiet, defectors


@numba.njit(inline="always")
def defection_pressure(actives, quiet, cops, defectors, peer, sanction, force_q):
    """Returns π = a + β·q − σ·(1 − q_σ): a the local active share of citizens in view, q the
    share of defectors among the security forces in view (cops + defectors; 0 if none), β the
    peer weight, σ the sanction, enforced less the more of the force has defected: q_σ = q (in
    view) when ``force_q`` < 0, else q_σ = ``force_q`` (the lattice's whole force)."""
    a = local_active_share(actives, quiet)
    forces = cops + defectors
    q = defectors / forces if forces > 0 else 0.0
    q_sanction = q if force_q < 0.0 else force_q
    return a + peer * q - sanction * (1.0 - q_sanction)


@numba.njit(cache=True)
def force_defected_share(kind, state):
    """Returns Q = D / (C + D): D former cops alive (free or jailed), C cops on duty (foreign
    ones included); 0 when both are 0."""
    cops = 0
    defectors = 0
    for a in range(kind.shape[0]):
        if kind[a] == K_DEFECTOR:
            defectors += state[a] != S_DEAD
        elif kind[a] == K_COP:
            cops += state[a] < S_OFF
    total = cops + defectors
    return defectors / total if total > 0 else 0.0


@numba.njit(inline="always")
def float_ratio(cops: int, crowd: float, rule: int) -> float:
    """Returns the arrest ratio for a possibly fractional crowd size A (in-group counting)."""
    q = cops / crowd
    if rule == ARREST_LITERAL:
        return q
    if rule == ARREST_FLOOR:
        return math.floor(q)
    if rule == ARREST_ROUND_HALF_EVEN:
        return float(np.rint(q))
    return math.floor(q + 0.5)


@numba.njit(inline="always")
def reluctance_skip_probability(actives: int, cops: int, loyalty: float, half: float) -> float:
    """Returns (1 − ℓ)·r/(r + r½) with r = actives / (cops in view + the cop itself)."""
    r = actives / (cops + 1.0)
    return (1.0 - min(1.0, max(0.0, loyalty))) * r / (r + half)


@numba.njit(inline="always")
def local_active_share(actives: int, quiet: int) -> float:
    """Returns actives / (actives + quiet citizens) in view (0 when nobody is in view)."""
    seen = actives + quiet
    return actives / seen if seen > 0 else 0.0


@numba.njit(cache=True)
def damage_targets(code, target_index, damage, guarded, cell, width, height, torus, amount):
    """Adds ``amount`` of damage to every unguarded target among the 8 cells around ``cell``
    (target t is guarded when ``t < len(guarded)`` and ``guarded[t] != 0``)."""
    for dy in range(-1, 2):
        for dx in range(-1, 2):
            if dx == 0 and dy == 0:
                continue
            x = cell % width + dx
            y = cell // width + dy
            if torus:
                x %= width
                y %= height
            elif x < 0 or x >= width or y < 0 or y >= height:
                continue
            c = y * width + x
            if code[c] == TARGET:
                t = target_index[c]
                if t < guarded.shape[0] and guarded[t] != 0:
                    continue
                damage[t] = min(1.0, damage[t] + amount)

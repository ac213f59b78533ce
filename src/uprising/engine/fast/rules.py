"""Epstein's agent rules for the fast scheduler: the reference rules, reading window-count fields.

Each function acts on one agent with the law of its counterpart in ``uprising.engine.rules``,
except that C and A come from the ``fields`` arrays in O(1), every cell change goes through
``fields.recode`` so that the fields stay exact, and the empty-cell and arrestee draws come
from the block's counter stream (``fast.rng``) with cheaper, equally uniform probes. Jail
terms and releases use the reference's own functions and xoshiro256** draws.
``Geometry`` bundles what the functions need to know about the lattice and the views.
"""

from __future__ import annotations

from collections import namedtuple

import numba
import numpy as np

from uprising.engine.codes import (
    ACTIVE,
    COP,
    EMPTY,
    JAILED,
    JAILED_STAY_AND_BLOCK,
    QUIET,
    S_ACTIVE,
    S_JAILED,
    S_QUIET,
    SW_ARREST_RULE,
    SW_COP_TO_ARRESTEE,
    SW_JAILED,
    SW_TWICE_IF_ACTIVE,
)
from uprising.engine.fast.fields import move_window, recode, split
from uprising.engine.fast.rng import LOW32, draw, draw_below
from uprising.engine.fast.stencils import apply_stencil
from uprising.engine.lattice import site
from uprising.engine.rules import _draw_term, _release, arrest_probability

_LOW16 = np.uint64(0xFFFF)

# width, height, torus; citizen offsets/spans (moves, decisions, fields); cop offsets;
# whether the cops' view equals the citizens' (then "any active in view" is one field read).
# rows_ok: the view's rows are −r..r without a gap (``fields.move_window`` can be used).
# *_flat: the offsets as cell-index steps (dy·width + dx), valid ≥ *_reach cells from any edge.
# ptab: P[C, A] for every count a view can give (the same doubles ``arrest_probability``
# returns), or a 1×1 dummy when the view is too big for a table (P is then computed).
# *_steps, *_bounds: the move stencils of citizens' and cops' moves (``stencils``; no rows if
# the tables would be too big).
Geometry = namedtuple(
    "Geometry",
    ["width", "height", "torus", "cit_offs", "cit_spans", "cop_offs", "same_view", "ptab",
     "cit_flat", "cit_reach", "cop_flat", "cop_reach", "rows_ok", "cit_steps", "cit_bounds",
     "cop_steps", "cop_bounds", "cit_threshold", "cop_threshold"],
)
TABLE_LIMIT = 1 << 21  # largest P[C, A] table (entries)


@numba.njit(cache=True)
def probability_table(view_cells, rule, k):
    """Returns P[C, A] = ``arrest_probability(C, A)`` for C ≤ view, 1 ≤ A ≤ view + 2."""
    tab = np.zeros((view_cells + 1, view_cells + 3))
    for c in range(view_cells + 1):
        for a in range(1, view_cells + 3):
            tab[c, a] = arrest_probability(c, a, rule, k)
    return tab


@numba.njit(inline="always")
def _inside(x, y, margin, width, height):
    """Returns whether (x, y) is at least ``margin`` cells from every edge of the lattice."""
    return x >= margin and x < width - margin and y >= margin and y < height - margin


@numba.njit(inline="always")
def _cell_at(j, cell, x, y, offs, flat, inner, width, height, torus):
    """Returns the cell at offset row ``j`` from ``cell`` = (x, y): a flat step away from the
    edges (``inner``), else wrapped on a torus, −1 off a bounded edge."""
    if inner:
        return cell + flat[j]
    return site(x, y, offs[j, 0], offs[j, 1], width, height, torus)


@numba.njit(inline="always")
def _rows_holding(code, value, cell, x, y, offs, flat, inner, width, height, torus, scratch):
    """Writes, in row order, the offset rows whose cell holds ``value`` into ``scratch``;
    returns how many (away from the edges by flat steps, without a branch per cell)."""
    m = 0
    if inner:
        for j in range(offs.shape[0]):
            scratch[m] = j
            m += code[cell + flat[j]] == value
    else:
        for j in range(offs.shape[0]):
            c = site(x, y, offs[j, 0], offs[j, 1], width, height, torus)
            if c >= 0 and code[c] == value:
                scratch[m] = j
                m += 1
    return m


SMALL_VIEW = 4096  # views up to this many sites draw 16-bit probes, larger ones 32-bit


def probe_threshold(n: int) -> int:
    """Returns 2¹⁶ mod n: a 16-bit probe whose low product bits fall below it is dropped, which
    makes the kept probes exactly uniform over n sites (Lemire's multiply-shift rejection)."""
    return (1 << 16) % n if 0 < n <= SMALL_VIEW else 0


@numba.njit(inline="always")
def _take(code, cell, flat, nn, h, shift, threshold, best_c, best_j):
    """Returns ``(c, j)`` updated by one probe (the ``shift``-th bits of ``h``): it takes over if
    it is kept and its cell is empty, without a branch."""
    prod = ((h >> shift) & _LOW16) * nn
    j = prod >> np.uint64(16)
    kept = (prod & _LOW16) >= threshold
    c = cell + flat[j]
    hit = kept & (code[np.uint64(c)] == EMPTY)
    return (c if hit else best_c), (np.int64(j) if hit else best_j)


@numba.njit(inline="always")
def _first_empty_of_8(rng, code, cell, flat, n, threshold):
    """Returns ``(c, j)`` for the first empty one of 8 uniform probes among the ``n`` ≤
    ``SMALL_VIEW`` sites in view (flat steps from ``cell``, away from the edges), or (−1, −1).

    Each probe is 16 random bits, kept with the same probability for every site (exactly
    uniform when kept, ``probe_threshold``); the 8 cells are read together and the first kept
    empty one is selected without a branch per probe (a mispredicted branch after every
    occupied cell cost more than the loads). "First" is a fixed order, so the pick is uniform
    over the empty sites.
    """
    nn = np.uint64(n)
    t = np.uint64(threshold)
    h0 = draw(rng)
    h1 = draw(rng)
    c = np.int64(-1)
    j = np.int64(-1)
    # later probes first: earlier ones overwrite (unrolled: a loop over a tuple compiles badly)
    c, j = _take(code, cell, flat, nn, h1, np.uint64(48), t, c, j)
    c, j = _take(code, cell, flat, nn, h1, np.uint64(32), t, c, j)
    c, j = _take(code, cell, flat, nn, h1, np.uint64(16), t, c, j)
    c, j = _take(code, cell, flat, nn, h1, np.uint64(0), t, c, j)
    c, j = _take(code, cell, flat, nn, h0, np.uint64(48), t, c, j)
    c, j = _take(code, cell, flat, nn, h0, np.uint64(32), t, c, j)
    c, j = _take(code, cell, flat, nn, h0, np.uint64(16), t, c, j)
    c, j = _take(code, cell, flat, nn, h0, np.uint64(0), t, c, j)
    return c, j


@numba.njit(inline="always")
def pick_empty(rng, code, cell, offs, flat, reach, threshold, width, height, torus, scratch):
    """Returns ``(c, j)``: a uniformly chosen empty cell ``c`` among ``offs`` around ``cell`` and
    its offset's row ``j``, or (−1, −1) if none.

    Away from the edges and for views up to ``SMALL_VIEW`` sites: up to three batches of 8
    probes (``_first_empty_of_8``); otherwise up to 16 probes of 32 random bits (bias ≤ n·2⁻³²)
    one at a time; the first empty one wins. Then enumeration of the empty sites. Each stage
    is uniform over the empty sites, so the result is too (the same law as
    ``lattice.random_empty_in_view``, with cheaper draws).
    """
    n = offs.shape[0]
    if n == 0:
        return -1, -1
    x, y = split(cell, width)
    inner = _inside(x, y, reach, width, height)
    if inner and n <= SMALL_VIEW:
        for _ in range(3):
            c, j = _first_empty_of_8(rng, code, cell, flat, n, threshold)
            if c >= 0:
                return c, j
    else:
        for _ in range(8):
            u = draw(rng)
            for _half in range(2):
                j = np.int64(((u & LOW32) * np.uint64(n)) >> np.uint64(32))
                u >>= np.uint64(32)
                c = _cell_at(j, cell, x, y, offs, flat, inner, width, height, torus)
                if c >= 0 and code[c] == EMPTY:
                    return c, j
    m = _rows_holding(code, EMPTY, cell, x, y, offs, flat, inner, width, height, torus, scratch)
    if m == 0:
        return -1, -1
    j = scratch[draw_below(rng, m)]
    return _cell_at(j, cell, x, y, offs, flat, inner, width, height, torus), j


@numba.njit(inline="always")
def move(rng, code, occupant, pos, cops, actives, agent, offs, flat, reach, threshold, steps,
         bounds, geo, scratch):
    """Rule M: moves ``agent`` to a uniformly chosen empty cell in view, if there is one.

    A moving cop or active shifts its count in the fields by the move's stencil (``stencils``)
    away from the edges, else by ``fields.move_window`` (or two window updates).
    """
    cell = pos[np.uint64(agent)]
    target, j = pick_empty(rng, code, cell, offs, flat, reach, threshold, geo.width, geo.height,
                           geo.torus, scratch)
    if target < 0:
        return
    uc = np.uint64(cell)  # unsigned indices: no negative-index wrap-around code
    ut = np.uint64(target)
    value = code[uc]
    counted = (value == ACTIVE) | (value == COP)
    stencil = False  # shift the count by the move's stencil (away from the edges)
    if counted and bounds.shape[0] > 0:
        x, y = split(cell, geo.width)
        stencil = _inside(x, y, reach + geo.cit_reach, geo.width, geo.height)
    if counted and not stencil and not geo.rows_ok:
        recode(code, cops, actives, cell, EMPTY, geo.cit_spans, geo.width, geo.height, geo.torus)
        recode(code, cops, actives, target, value, geo.cit_spans, geo.width, geo.height,
               geo.torus)
    else:
        code[uc] = EMPTY
        code[ut] = value
        field = actives if value == ACTIVE else cops
        if stencil:
            apply_stencil(field, cell, steps, bounds, j)
        elif counted:
            move_window(field, cell, target, geo.cit_spans, geo.width, geo.height, geo.torus)
    occupant[uc] = -1
    occupant[ut] = agent
    pos[np.uint64(agent)] = target


@numba.njit(inline="always")
def set_civilian(code, pos, state, cops, actives, agent, active, geo):
    """Makes a free citizen active or quiet, on its cell and in the fields."""
    ua = np.uint64(agent)
    state[ua] = S_ACTIVE if active else S_QUIET
    recode(code, cops, actives, pos[ua], ACTIVE if active else QUIET, geo.cit_spans,
           geo.width, geo.height, geo.torus)


@numba.njit(inline="always")
def decide(code, pos, state, grievance, risk, threshold, cops, actives, agent, sw, k, geo):
    """Rule A with C and A read from the fields.

    With the P[C, A] table (every view up to ~1,400 cells) the counts are read for every
    citizen and the outcome is computed without branching on G ≤ T (a branch that went either
    way at random cost more than the two reads); without it, P is computed only when G > T.
    """
    ua = np.uint64(agent)  # unsigned indices: no negative-index wrap-around code
    g = grievance[ua]
    t = threshold[ua]
    uc = np.uint64(pos[ua])
    if geo.ptab.shape[0] > 1:
        a = 1 + int(actives[uc])
        if sw[SW_TWICE_IF_ACTIVE] == 1:
            a += state[ua] == S_ACTIVE
        p = geo.ptab[np.uint64(cops[uc]), np.uint64(a)]
        active = (g > t) & (g - risk[ua] * p > t)
    elif g <= t:
        active = False
    else:
        a = 1 + int(actives[uc])
        if sw[SW_TWICE_IF_ACTIVE] == 1 and state[ua] == S_ACTIVE:
            a += 1
        p = arrest_probability(int(cops[uc]), a, sw[SW_ARREST_RULE], k)
        active = g - risk[ua] * p > t
    set_civilian(code, pos, state, cops, actives, agent, active, geo)


@numba.njit(cache=True, _nrt=False)
def pick_arrestee(rng, code, occupant, pos, actives, cop, geo, scratch):
    """Returns a uniformly chosen active agent in the cop's view, or −1 (as the reference)."""
    cell = pos[cop]
    if geo.same_view and actives[cell] == 0:
        return -1
    offs = geo.cop_offs
    flat = geo.cop_flat
    x, y = split(cell, geo.width)
    inner = _inside(x, y, geo.cop_reach, geo.width, geo.height)
    m = _rows_holding(code, ACTIVE, cell, x, y, offs, flat, inner, geo.width, geo.height,
                      geo.torus, scratch)
    if m == 0:
        return -1
    j = scratch[draw_below(rng, m)]
    return occupant[_cell_at(j, cell, x, y, offs, flat, inner, geo.width, geo.height, geo.torus)]


@numba.njit(cache=True, _nrt=False)
def jail(rng, code, occupant, state, pos, term, arrest_cell, cops, actives, victim, cop, sw,
         geo):
    """Jails ``victim`` (arrested by ``cop``) under the scenario's jail rules."""
    w, h, t, sp = geo.width, geo.height, geo.torus, geo.cit_spans
    target_cell = pos[victim]
    state[victim] = S_JAILED
    term[victim] = _draw_term(rng, sw)
    arrest_cell[victim] = target_cell
    if sw[SW_JAILED] == JAILED_STAY_AND_BLOCK:
        recode(code, cops, actives, target_cell, JAILED, sp, w, h, t)
        return
    recode(code, cops, actives, target_cell, EMPTY, sp, w, h, t)
    occupant[target_cell] = -1
    pos[victim] = -1
    if sw[SW_COP_TO_ARRESTEE] == 1:
        cell = pos[cop]
        recode(code, cops, actives, cell, EMPTY, sp, w, h, t)
        occupant[cell] = -1
        recode(code, cops, actives, target_cell, COP, sp, w, h, t)
        occupant[target_cell] = cop
        pos[cop] = target_cell


@numba.njit(cache=True, _nrt=False)
def count_down(rng, code, occupant, state, pos, term, arrest_cell, agent, sw, geo, scratch):
    """A prisoner's own-step activation: one tick less, or release (quiet) when served.

    Returns 1 if the agent was released and placed on the lattice (it then moves and decides
    in the same activation), else 0. Released citizens are quiet, so the fields do not change.
    """
    if term[agent] != 0:
        if term[agent] > 0:
            term[agent] -= 1
        return 0
    return _release(rng, code, occupant, state, pos, term, arrest_cell, agent, geo.cit_offs, sw,
                    scratch)

"""Fast scheduler: random asynchronous activation within blocks, blocks of one colour in parallel.

Selected with ``engine: fast``. ``run_ticks`` has exactly the signature and return value of
``uprising.engine.reference.run_ticks``, so ``Model``, timeline events and results work
unchanged. One tick (``docs/fast-engine.md`` and ``docs/ODD.md`` §8.2 explain the differences
from the reference):

1. own-step count-down of the prisoners off the lattice (``jail.countdown = own_step``);
2. the block grid (``blocks.block_plan``) is shifted by a random offset and its colours are
   put in a random order; colour by colour, the blocks of the colour run in parallel
   (``numba.prange``); inside a block, every agent on it not yet activated this tick is
   activated once, in a random order, with the reference rules (``fast.rules``): move, decide
   (C and A from window-count ``fields``, O(1)), arrest;
3. end-of-tick count-down and releases (``jail.countdown = end_of_tick``), then the tally.

Each block draws from its own streams (``fast.rng``) seeded by (tick key, block), and the tick
key is one output of the run's stream, so a seed gives the same run with any number of
threads, and ``run(n)`` equals n calls of ``step()``. A lattice too small to hold two blocks of
one colour, or smaller than ``PARALLEL_MIN_CELLS``, is one block: the reference schedule exactly,
with O(1) counting.
"""

from __future__ import annotations

import os

import numba
import numpy as np

from uprising.engine.codes import (
    ACTIVE,
    COP,
    JAILED_STAY_AND_BLOCK,
    K_COP,
    S_JAILED,
    S_OFF,
    SW_ARREST_RULE,
    SW_COPS_MOVE_WHEN_OFF,
    SW_COUNTDOWN_OWN_STEP,
    SW_HEIGHT,
    SW_JAILED,
    SW_MOVE_FIRST,
    SW_MOVEMENT,
    SW_TORUS,
    SW_WIDTH,
)
from uprising.engine.fast import first_compile
from uprising.engine.fast.blocks import BlockPlan, block_plan
from uprising.engine.fast.counts import classify
from uprising.engine.fast.fieldcache import FIELDS
from uprising.engine.fast.fields import band_edges, build_fields, build_workspace, field_dtype
from uprising.engine.fast.passes import CHUNK, count_down_all, release_due, tally_and_clear
from uprising.engine.fast.prefetch import prefetch
from uprising.engine.fast.rng import COUNTER, GOLDEN, mix64, seed_state, shuffle_counter
from uprising.engine.fast.rules import (
    TABLE_LIMIT,
    Geometry,
    count_down,
    decide,
    jail,
    move,
    pick_arrestee,
    probability_table,
    probe_threshold,
)
from uprising.engine.fast.stencils import move_stencils
from uprising.engine.rng import below, next_u64, shuffle

AHEAD = 4  # prefetch hints: an agent's arrays 2·AHEAD activations before its own, its cell
# AHEAD before (0: no hints). Results do not depend on it; 2 threads on 160×160 run ~20 % faster
VERIFY_FIELDS = False  # tests: after each call, compare the fields with a fresh count
PARALLEL_MIN_CELLS = 128 * 128  # smaller lattices (and plans with one block per colour) run
# as one block on one thread: the reference schedule, and faster than parallel launches there


@numba.njit(cache=True, _nrt=False)
def _wrap(v, n):
    return v - n if v >= n else v


# _activate and _hint are ordinary compiled functions, not Numba IR inlines (inline="always"):
# inlining them into _run_block made its first compilation take ~25 % more CPU and ~5× the
# memory (2.8 GB) for no measurable speed (LLVM still inlines what pays).
@numba.njit(cache=True, _nrt=False)
def _activate(a, rng, code, occupant, kind, state, pos, term, arrest_cell, grievance, risk,
              threshold, sw, k, geo, cops, actives, stamp, scratch, counts):
    """One agent's activation, as in ``reference.run_ticks_mech`` with every mechanism off."""
    ua = np.uint64(a)  # unsigned indices compile without negative-index wrap-around code
    if stamp[ua]:
        return
    stamp[ua] = 1
    s = state[ua]
    if s >= S_OFF:
        return
    move_first = sw[SW_MOVE_FIRST] == 1
    cit_move = sw[SW_MOVEMENT] == 1
    cop_move = cit_move or sw[SW_COPS_MOVE_WHEN_OFF] == 1
    own_step = sw[SW_COUNTDOWN_OWN_STEP] == 1
    # Four inlined move sites: one site for both kinds and orders compiles in half the time
    # but ran 4–8 % slower.
    if kind[ua] == K_COP:
        if move_first and cop_move:
            move(rng, code, occupant, pos, cops, actives, a, geo.cop_offs, geo.cop_flat,
                 geo.cop_reach, geo.cop_threshold, geo.cop_steps, geo.cop_bounds, geo, scratch)
        victim = pick_arrestee(rng, code, occupant, pos, actives, a, geo, scratch)
        if victim >= 0:
            jail(rng, code, occupant, state, pos, term, arrest_cell, cops, actives, victim, a,
                 sw, geo)
            counts[0] += 1
            if (own_step and sw[SW_JAILED] != JAILED_STAY_AND_BLOCK and stamp[victim] == 0
                    and term[victim] != 0):
                # Off the lattice, the victim would not be reached by its own block: its
                # own-step count-down (the reference's later activation) happens now.
                stamp[victim] = 1
                if term[victim] > 0:
                    term[victim] -= 1
        if not move_first and cop_move:
            move(rng, code, occupant, pos, cops, actives, a, geo.cop_offs, geo.cop_flat,
                 geo.cop_reach, geo.cop_threshold, geo.cop_steps, geo.cop_bounds, geo, scratch)
        return
    if s == S_JAILED:
        if not own_step:
            return
        placed = count_down(rng, code, occupant, state, pos, term, arrest_cell, a, sw, geo,
                            scratch)
        counts[1] += placed
        if placed == 0:
            return
    if move_first and cit_move:
        move(rng, code, occupant, pos, cops, actives, a, geo.cit_offs, geo.cit_flat,
             geo.cit_reach, geo.cit_threshold, geo.cit_steps, geo.cit_bounds, geo, scratch)
    decide(code, pos, state, grievance, risk, threshold, cops, actives, a, sw, k, geo)
    if not move_first and cit_move:
        move(rng, code, occupant, pos, cops, actives, a, geo.cit_offs, geo.cit_flat,
             geo.cit_reach, geo.cit_threshold, geo.cit_steps, geo.cit_bounds, geo, scratch)


@numba.njit(cache=True, _nrt=False)
def _collect(occupant, stamp, x0, x1, y0, y1, width, height, out):
    """Writes the agents on block [x0, x1) × [y0, y1) (wrapped) not yet activated into
    ``out``; returns how many."""
    m = 0
    for yy in range(y0, y1):
        row = _wrap(yy, height) * width
        for xx in range(x0, x1):
            a = occupant[np.uint64(row + _wrap(xx, width))]  # (unsigned: no wrap-around code)
            if a >= 0 and stamp[np.uint64(a)] == 0:
                out[m] = a
                m += 1
    return m


@numba.njit(cache=True, _nrt=False)
def _hint(order, i, m, ahead, stamp, state, kind, pos, term, grievance, risk, code, occupant,
          cops, actives, reach, width, lo, hi):
    """Prefetch hints while activating ``order[i]``: the arrays of the agent 2·``ahead``
    activations later, and the cell of the one ``ahead`` later (loaded by then)."""
    if i + 2 * ahead < m:
        b = order[i + 2 * ahead]
        prefetch(stamp, b)
        prefetch(state, b)
        prefetch(kind, b)
        prefetch(pos, b)
        prefetch(term, b)  # read by a prisoner's own-step count-down
        prefetch(grievance, b)
        prefetch(risk, b)
    if i + ahead < m:
        b = order[i + ahead]
        c = pos[b]
        if c >= 0:
            prefetch(code, c)
            prefetch(occupant, c)
            prefetch(cops, c)
            prefetch(actives, c)
            if kind[b] == K_COP and c >= lo and c < hi:
                # a cop's move shifts its count in the cop field around its cell
                for dy in range(-reach, reach + 1):
                    prefetch(cops, c + dy * width - reach)
                    prefetch(cops, c + dy * width + reach)


@numba.njit(cache=True, _nrt=False)
def _run_block(bx, by, ox, oy, plan, tick_key, st, mine, scratch, counts, code, occupant, kind,
               state, pos, term, arrest_cell, grievance, risk, threshold, sw, k, geo, cops,
               actives, stamp, ahead):
    """Activates the agents of block (bx, by) not yet activated this tick, in random order;
    adds its arrests and releases to ``counts``."""
    width = geo.width
    height = geo.height
    nbx = plan[0]
    nby = plan[2]
    seed_state(st, mix64(tick_key ^ np.uint64(1 + bx * nby + by) * GOLDEN))
    x0 = ox + (bx * width) // nbx
    x1 = ox + ((bx + 1) * width) // nbx
    y0 = oy + (by * height) // nby
    y1 = oy + ((by + 1) * height) // nby
    m = _collect(occupant, stamp, x0, x1, y0, y1, width, height, mine)
    lo = geo.cit_reach * (width + 1)
    hi = code.shape[0] - lo
    order = mine[:m]
    shuffle_counter(st, order)
    counts[0] = 0
    counts[1] = 0
    for i in range(m):
        if ahead > 0:
            _hint(order, i, m, ahead, stamp, state, kind, pos, term, grievance, risk, code,
                  occupant, cops, actives, geo.cit_reach, width, lo, hi)
        _activate(order[i], st, code, occupant, kind, state, pos, term, arrest_cell, grievance,
                  risk, threshold, sw, k, geo, cops, actives, stamp, scratch, counts)


@numba.njit(cache=True, parallel=True)
def _run(n_ticks, rng, code, occupant, kind, state, pos, term, arrest_cell, grievance, risk,
         threshold, sw, k, geo, cops, actives, stamp, plan, lists, rngs, scratch, ahead):
    out = np.zeros((n_ticks, 6), dtype=np.int64)
    width = geo.width
    height = geo.height
    own_step = sw[SW_COUNTDOWN_OWN_STEP] == 1
    nbx, cx, nby, cy = plan[0], plan[1], plan[2], plan[3]
    per_x = nbx // cx
    per_y = nby // cy
    per_colour = per_x * per_y
    colours = np.arange(cx * cy)
    n_chunks = (state.shape[0] + CHUNK - 1) // CHUNK
    need = np.zeros(n_chunks, dtype=np.int64)
    serial = np.empty(COUNTER + 1, dtype=np.uint64)
    got = np.zeros((per_colour, 16), dtype=np.int64)  # per block, 128 bytes apart
    for t in range(n_ticks):
        tick_key = next_u64(rng)
        seed_state(serial, tick_key)
        ox = below(serial, width) if nbx > 1 else 0
        oy = below(serial, height) if nby > 1 else 0
        shuffle(serial, colours)
        arrests = 0
        releases = 0
        if own_step and sw[SW_JAILED] != JAILED_STAY_AND_BLOCK:
            count_down_all(state, pos, term, stamp, True, need)
            releases += release_due(serial, code, occupant, state, pos, term, arrest_cell,
                                     stamp, True, need, sw, geo.cit_offs, scratch[0])
        for ci in range(colours.shape[0]):
            col_x = colours[ci] // cy
            col_y = colours[ci] % cy
            for j in numba.prange(per_colour):
                tid = numba.get_thread_id()
                _run_block(col_x + cx * (j // per_y), col_y + cy * (j % per_y), ox, oy, plan,
                           tick_key, rngs[tid], lists[tid], scratch[tid], got[j], code,
                           occupant, kind, state, pos, term, arrest_cell, grievance, risk,
                           threshold, sw, k, geo, cops, actives, stamp, ahead)
            for j in range(per_colour):
                arrests += got[j, 0]
                releases += got[j, 1]
        if not own_step:
            count_down_all(state, pos, term, stamp, False, need)
            releases += release_due(serial, code, occupant, state, pos, term, arrest_cell,
                                     stamp, False, need, sw, geo.cit_offs, scratch[0])
        tally_and_clear(kind, state, stamp, out[t], n_chunks)
        out[t, 4] = arrests
        out[t, 5] = releases
    return out


def kernels_cached() -> bool:
    """Returns False if the next run must first compile the fast kernels (about a minute on a
    fresh install; Numba then caches them next to the sources). True when unsure."""
    if _run.signatures:
        return True
    try:
        return os.path.exists(_run._cache._cache_file._index_path)  # Numba internals
    except AttributeError:
        return True


def _reach(offs: np.ndarray) -> int:
    return int(np.abs(offs).max()) if offs.size else 0


def run_ticks(n_ticks, rng, world, agents, views, sw, k):
    """Runs ``n_ticks`` ticks in place; returns int64 (n_ticks, 6) counts.

    Same arguments (``bundles.World``, ``Agents``, ``Views``) and columns
    (``codes.COUNT_COLUMNS``) as ``reference.run_ticks`` (``agents.fresh`` holds the activation
    stamps during a call and is all False after it). The bundles are unpacked here, in Python:
    the parallel loop below takes the arrays themselves.
    """
    code, occupant = world.code, world.occupant
    kind, state, pos, term = agents.kind, agents.state, agents.pos, agents.term
    fresh, arrest_cell = agents.fresh, agents.arrest_cell
    grievance, risk, threshold = agents.grievance, agents.risk, agents.threshold
    cit_offs, cit_spans, cop_offs, _ = views
    width = int(sw[SW_WIDTH])
    height = int(sw[SW_HEIGHT])
    torus = bool(sw[SW_TORUS] == 1)
    spans = np.ascontiguousarray(cit_spans, dtype=np.int64)
    method, r = classify(spans)
    same_view = cop_offs.shape == cit_offs.shape and bool(np.array_equal(cop_offs, cit_offs))
    view = int(cit_offs.shape[0])
    ptab = (probability_table(view, int(sw[SW_ARREST_RULE]), float(k))
            if (view + 1) * (view + 3) <= TABLE_LIMIT else np.zeros((1, 1)))
    cit64 = np.ascontiguousarray(cit_offs, dtype=np.int64)
    cop64 = np.ascontiguousarray(cop_offs, dtype=np.int64)
    cit_steps, cit_bounds = move_stencils(cit64, cit64, width)
    cop_steps, cop_bounds = ((cit_steps, cit_bounds) if same_view
                             else move_stencils(cit64, cop64, width))
    geo = Geometry(width, height, torus, cit64, spans, cop64, same_view, ptab,
                   cit64[:, 1] * width + cit64[:, 0], _reach(cit_offs),
                   cop64[:, 1] * width + cop64[:, 0], _reach(cop_offs),
                   bool(np.array_equal(spans[:, 0], np.arange(spans[0, 0], -spans[0, 0] + 1))),
                   cit_steps, cit_bounds, cop_steps, cop_bounds,
                   probe_threshold(cit64.shape[0]), probe_threshold(cop64.shape[0]))
    threads = numba.config.NUMBA_NUM_THREADS
    dtype = field_dtype(cit_offs.shape[0])
    field_key = (width, height, torus, spans.tobytes(), np.dtype(dtype).str)
    fields = FIELDS.get(code, field_key)
    if fields is None:
        cops = np.empty(code.shape[0], dtype=dtype)
        actives = np.empty(code.shape[0], dtype=dtype)
    else:
        cops, actives = fields
    plan = block_plan(width, height, _reach(cit_offs), _reach(cop_offs))
    if plan.blocks_per_colour < 2 or width * height < PARALLEL_MIN_CELLS:
        plan = BlockPlan(1, 1, 1, 1)  # nothing to share: the whole lattice, one thread
    cells = -(-width // plan.nbx) * -(-height // plan.nby)
    lists = np.empty((threads, cells), dtype=np.int32)
    stamp = fresh.view(np.uint8)  # the fast engine's activation stamps (nothing else reads it)
    stamp[:] = 0
    scratch = np.empty((threads, max(cit_offs.shape[0], cop_offs.shape[0], 1)), dtype=np.int64)
    rngs = np.empty((threads, 16), dtype=np.uint64)  # 128 bytes apart: no false sharing
    args = (int(n_ticks), rng, code, occupant, kind, state, pos, term, arrest_cell, grievance,
            risk, threshold, sw, float(k), geo, cops, actives, stamp,
            np.array(plan, dtype=np.int64), lists, rngs, scratch, AHEAD)
    first_compile.stop_if_helper(_activate, args)  # a no-op outside first_compile's helper
    if fields is None:
        build_fields(code, width, height, torus, method, r, spans, band_edges(height),
                     build_workspace(height, width, r, threads), cops, actives)
    first_compile.wait_for_helper()
    before = numba.get_num_threads()
    if plan.blocks_per_colour == 1:
        numba.set_num_threads(1)
    try:
        out = _run(*args)
    finally:
        numba.set_num_threads(before)
    FIELDS.put(code, field_key, cops, actives)
    if VERIFY_FIELDS:
        _verify(code, width, height, torus, spans, cops, actives)
    return out


def _verify(code, width, height, torus, spans, cops, actives) -> None:
    """Raises AssertionError unless the fields equal a brute-force count of the lattice."""
    from uprising.engine.fast.counts import ROWS, window_counts

    want_cops, want_actives = window_counts(code, width, height, torus, spans, method=ROWS)
    want_cops -= code == COP
    want_actives -= code == ACTIVE
    bad = np.flatnonzero((want_cops != cops) | (want_actives != actives))
    if bad.size:
        c = int(bad[0])
        raise AssertionError(
            f"window counts drifted at {bad.size} cells, first cell {c}: fields "
            f"(cops {int(cops[c])}, actives {int(actives[c])}), lattice "
            f"({int(want_cops[c])}, {int(want_actives[c])})"
        )

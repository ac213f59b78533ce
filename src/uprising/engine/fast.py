"""Fast scheduler: the reference engine's rules in synchronous phases, parallel on all cores.

Selected with ``engine: fast`` in a scenario. ``run_ticks`` has exactly the signature and return
value of ``uprising.engine.reference.run_ticks``, so ``Model``, timeline events and results
work unchanged. One tick (``docs/fast-engine.md`` explains every difference from the
reference's random asynchronous activation):

1. own-step jail countdown (when ``jail.countdown = own_step``): all prisoners at once;
then, for each of ``SUBSTEPS`` random sub-steps (default 1: fully synchronous), the agents of
that sub-step run phases 2–5:
2. movement (``rules.order = move_then_act``): every mobile agent moves to a random empty cell
   in view; conflicts resolved by random-priority claims, losers retry in later rounds;
3. decisions: every free citizen applies rule A to the cop and active counts of the phase's
   start (O(1) window counts, ``fast_counts``);
4. arrests: every cop arrests a random active in view; claim rounds give each active to one cop;
5. movement here instead, when ``rules.order = act_then_move``;
6. end-of-tick jail countdown and releases (when ``jail.countdown = end_of_tick``).

Random numbers are counter-based (``fast_rng``), keyed by one xoshiro256** output per tick,
so a seed gives the same run with any number of threads.
"""

from __future__ import annotations

import numba
import numpy as np

from uprising.engine import reference as ref
from uprising.engine.fast_counts import classify, workspace_size
from uprising.engine.fast_jail import jail_phase, tally
from uprising.engine.fast_phases import (
    MOVE_ROUNDS,
    arrest_phase,
    assign_substeps,
    decide_phase,
    move_phase,
    probability_table,
)
from uprising.engine.rng import next_u64

TABLE_LIMIT = 1 << 20  # largest P[C, A] table (entries); wider views compute exp per decision
DECIDE_BAND = 32  # rows per band of the decision phase (any value gives the same result)
SERIAL_CELLS = 256 * 256  # smaller worlds run on one thread (same results, less overhead)
SUBSTEPS = 1  # random sub-steps per tick (1 = fully synchronous); see docs/fast-engine.md


def claim_bands(height: int, radius: int, torus: bool) -> np.ndarray:
    """Returns band boundaries for claim phases: every band ≥ 2·radius rows (even count on a
    torus, so bands of one colour never touch across the wrap), or one band if that fails."""
    need = max(2 * radius, 1)
    nb = height // need
    if torus and nb % 2 == 1:
        nb -= 1
    if nb < 2:
        nb = 1
    return np.array([(i * height) // nb for i in range(nb + 1)], dtype=np.int64)


def decide_bands(height: int, band: int = DECIDE_BAND) -> np.ndarray:
    """Returns band boundaries for the decision phase (rows of ``band``, the last shorter)."""
    edges = [*range(0, height, max(1, band)), height]
    return np.array(edges, dtype=np.int64)


def _reach(offs: np.ndarray) -> int:
    return int(np.abs(offs).max()) if offs.size else 0


def _flat(offs: np.ndarray, width: int) -> np.ndarray:
    return (offs[:, 1].astype(np.int64) * width + offs[:, 0]).astype(np.int64)


@numba.njit(cache=True)
def _run(n_ticks, rng, code, occupant, kind, state, pos, term, fresh, arrest_cell, grievance,
         risk, threshold, cit_offs, cop_offs, sw, k, method, r, spans, mbands, dbands, n_cit,
         scratch_len, cit_flat, cit_reach, cop_flat, cop_reach, work, move_rounds, substeps,
         slot):
    out = np.zeros((n_ticks, 6), dtype=np.int64)
    width = sw[ref.SW_WIDTH]
    height = sw[ref.SW_HEIGHT]
    torus = sw[ref.SW_TORUS] == 1
    move_first = sw[ref.SW_MOVE_FIRST] == 1
    cit_move = sw[ref.SW_MOVEMENT] == 1
    cop_move = cit_move or sw[ref.SW_COPS_MOVE_WHEN_OFF] == 1
    own_step = sw[ref.SW_COUNTDOWN_OWN_STEP] == 1
    rule = sw[ref.SW_ARREST_RULE]
    twice = sw[ref.SW_TWICE_IF_ACTIVE] == 1
    jailed_mode = sw[ref.SW_JAILED]
    release_mode = sw[ref.SW_RELEASE]
    to_arrestee = sw[ref.SW_COP_TO_ARRESTEE] == 1
    term_mode = sw[ref.SW_TERM_RANGE]
    n_view = cit_offs.shape[0]
    use_table = (n_view + 1) * (n_view + 3) <= TABLE_LIMIT
    ptab = probability_table(n_view, n_view + 2, rule, k) if use_table else np.zeros((1, 1))
    n_slots = kind.shape[0] - n_cit
    cop_target = np.full(n_slots, -1, dtype=np.int32)
    cop_victim = np.full(n_slots, 0, dtype=np.int32)
    for t in range(n_ticks):
        tick_key = next_u64(rng)
        max_term = sw[ref.SW_MAX_TERM]
        releases = 0
        arrests = 0
        if own_step:
            releases += jail_phase(code, occupant, state, pos, term, fresh, arrest_cell, n_cit,
                                   cit_offs, width, height, torus, tick_key, True, jailed_mode,
                                   release_mode)
        if substeps > 1:
            assign_substeps(slot, width, height, tick_key, substeps)
        for sub in range(substeps):
            if move_first and (cit_move or cop_move):
                move_phase(code, occupant, pos, width, height, torus, cit_offs, cit_flat,
                           cit_reach, cop_offs, cop_flat, cop_reach, cit_move, cop_move, tick_key,
                           mbands, scratch_len, move_rounds, slot, sub)
            actives = decide_phase(code, occupant, state, grievance, risk, threshold, width,
                                   height, torus, method, r, spans, dbands, rule, twice, k, ptab,
                                   use_table, work, slot, sub)
            if actives > 0 and n_slots > 0:
                arrests += arrest_phase(code, occupant, state, pos, term, fresh, arrest_cell,
                                        width, height, torus, cop_offs, cop_flat, cop_reach,
                                        tick_key, mbands, n_cit, cop_target, cop_victim,
                                        scratch_len, jailed_mode, to_arrestee, max_term,
                                        term_mode, own_step, slot, sub)
            if not move_first and (cit_move or cop_move):
                move_phase(code, occupant, pos, width, height, torus, cit_offs, cit_flat,
                           cit_reach, cop_offs, cop_flat, cop_reach, cit_move, cop_move, tick_key,
                           mbands, scratch_len, move_rounds, slot, sub)
        if not own_step:
            releases += jail_phase(code, occupant, state, pos, term, fresh, arrest_cell, n_cit,
                                   cit_offs, width, height, torus, tick_key, False, jailed_mode,
                                   release_mode)
        tally(kind, state, out[t])
        out[t, 4] = arrests
        out[t, 5] = releases
    return out


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
    """Runs ``n_ticks`` synchronous ticks in place; returns int64 (n_ticks, 6) counts.

    Same arguments and columns (``reference.COUNT_COLUMNS``) as ``reference.run_ticks``.
    """
    height = int(sw[ref.SW_HEIGHT])
    torus = bool(sw[ref.SW_TORUS] == 1)
    method, r = classify(cit_spans)
    width = int(sw[ref.SW_WIDTH])
    cit_reach, cop_reach = _reach(cit_offs), _reach(cop_offs)
    n_cit = int(np.count_nonzero(kind == ref.K_CITIZEN))
    scratch_len = max(cit_offs.shape[0], cop_offs.shape[0], 1)
    spans = np.ascontiguousarray(cit_spans, dtype=np.int64)
    dbands = decide_bands(height)
    rows = int(np.diff(dbands).max())
    per_thread = rows * width + workspace_size(rows, width, r)
    work = np.empty((numba.config.NUMBA_NUM_THREADS, per_thread), dtype=np.int64)
    slot = np.zeros(code.shape[0] if SUBSTEPS > 1 else 1, dtype=np.uint8)
    threads = numba.get_num_threads()
    if code.shape[0] < SERIAL_CELLS and threads > 1:
        numba.set_num_threads(1)
    try:
        return _run(
            int(n_ticks), rng, code, occupant, kind, state, pos, term, fresh, arrest_cell,
            grievance, risk, threshold, cit_offs, cop_offs, sw, float(k), method, r, spans,
            claim_bands(height, max(cit_reach, cop_reach), torus), dbands, n_cit, scratch_len,
            _flat(cit_offs, width), cit_reach, _flat(cop_offs, width), cop_reach, work,
            MOVE_ROUNDS, SUBSTEPS, slot,
        )
    finally:
        numba.set_num_threads(threads)

"""Move stencils: which window counts change when a counted agent (cop, active) moves by d.

A cop at z adds 1 to the count of every cell that sees it, the cells z + V′ (V′ the citizen
view without its centre; views are symmetric). Moving from z to z + d therefore takes 1 from
the cells V′ \\ (V′ + d) and adds 1 to (V′ + d) \\ V′, both relative to z. For every move offset
d (a row of the mover's view offsets, the ``j`` a move draws) the stencil lists those cells as
flat steps (dy·width + dx), so an update away from the edges is two short loops instead of
``fields.move_window``'s row-by-row interval logic. Near an edge (where steps would wrap or
leave the lattice) the fast engine falls back to ``move_window``.
"""

from __future__ import annotations

import functools

import numba
import numpy as np

STENCIL_LIMIT = 1 << 22  # most entries (int32) a pair of tables may hold: 16 MB


def move_stencils(view_offs: np.ndarray, move_offs: np.ndarray, width: int):
    """Returns ``(steps, bounds)``: for move offset j, ``steps[bounds[j, 0]:bounds[j, 1]]`` lose
    a count and ``steps[bounds[j, 1]:bounds[j, 2]]`` gain one (flat steps from the old cell,
    each list in memory order). Empty tables (``bounds`` with no rows) if they would exceed
    ``STENCIL_LIMIT`` entries. Read-only arrays, built once per views and width (a run that
    calls the kernel every tick would otherwise rebuild them every tick)."""
    view = np.ascontiguousarray(view_offs, dtype=np.int64).reshape(-1, 2)
    moves = np.ascontiguousarray(move_offs, dtype=np.int64).reshape(-1, 2)
    if 2 * view.shape[0] * moves.shape[0] > STENCIL_LIMIT or view.shape[0] == 0:
        return np.zeros(0, dtype=np.int32), np.zeros((0, 3), dtype=np.int64)
    return _cached(view.tobytes(), moves.tobytes(), int(width))


@functools.lru_cache(maxsize=16)
def _cached(view_bytes: bytes, move_bytes: bytes, width: int):
    steps, bounds = _build(np.frombuffer(view_bytes, dtype=np.int64).reshape(-1, 2),
                           np.frombuffer(move_bytes, dtype=np.int64).reshape(-1, 2), width)
    steps.flags.writeable = False
    bounds.flags.writeable = False
    return steps, bounds


def _build(view: np.ndarray, moves: np.ndarray, width: int):
    r = int(np.abs(view).max()) + int(np.abs(moves).max()) if moves.size else 0
    side = 2 * r + 1
    inside = np.zeros((side, side), dtype=bool)  # V′ on a grid centred at (r, r)
    inside[view[:, 1] + r, view[:, 0] + r] = True
    steps: list[np.ndarray] = []
    bounds = np.zeros((moves.shape[0], 3), dtype=np.int64)
    at = 0
    for j, (dx, dy) in enumerate(moves):
        leave = view[~inside[view[:, 1] - dy + r, view[:, 0] - dx + r]]  # v ∉ V′ + d
        shifted = view + np.array([dx, dy])
        enter = shifted[~inside[shifted[:, 1] + r, shifted[:, 0] + r]]  # v + d ∉ V′
        lose = np.sort(leave[:, 1] * width + leave[:, 0])
        gain = np.sort(enter[:, 1] * width + enter[:, 0])
        bounds[j] = (at, at + lose.size, at + lose.size + gain.size)
        at = int(bounds[j, 2])
        steps += [lose, gain]
    flat = np.concatenate(steps) if steps else np.zeros(0, dtype=np.int64)
    return flat.astype(np.int32), bounds


@numba.njit(inline="always")
def apply_stencil(field, cell, steps, bounds, j):
    """Moves one count of ``field`` for a mover leaving ``cell`` by offset ``j`` (interior)."""
    for i in range(bounds[j, 0], bounds[j, 1]):  # unsigned indices: no wrap-around code
        field[np.uint64(cell + steps[np.uint64(i)])] -= 1
    for i in range(bounds[j, 1], bounds[j, 2]):
        field[np.uint64(cell + steps[np.uint64(i)])] += 1

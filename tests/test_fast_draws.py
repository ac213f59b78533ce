"""The fast engine's random draws: exact uniformity of the move probes and of the block order.

The fast engine picks a moving agent's empty cell with batches of 16-bit probes (Lemire's
multiply-shift with rejection, ``fast_rules.probe_threshold``) selected without branches, and
shuffles each block with exact 32-bit draws from a SplitMix64 counter stream
(``fast_rng.shuffle_counter``). Exactness of the probe mapping is checked by enumerating all
2¹⁶ inputs; the pick and the shuffle are checked statistically (fixed seeds, chi-square against
the uniform law, p > 1e-4) — a pick that favoured the first offsets or the edge path, or a
shuffle with the classic off-by-one (j drawn in [0, i) instead of [0, i]), fails.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest
from scipy import stats

from uprising.engine.codes import EMPTY, QUIET
from uprising.engine.fast.rng import COUNTER, shuffle_counter
from uprising.engine.fast.rules import SMALL_VIEW, pick_empty, probe_threshold
from uprising.engine.neighbourhood import offsets


@pytest.mark.parametrize("n", [1, 3, 4, 8, 112, 148, 224, 1000, SMALL_VIEW])
def test_kept_probes_are_exactly_uniform(n):
    """Every 16-bit input: the kept ones map to each of the n sites equally often."""
    h = np.arange(1 << 16, dtype=np.uint64)
    prod = h * np.uint64(n)
    kept = (prod & np.uint64(0xFFFF)) >= np.uint64(probe_threshold(n))
    hits = np.bincount((prod[kept] >> np.uint64(16)).astype(np.int64), minlength=n)
    assert hits.min() == hits.max() == (1 << 16) // n


@numba.njit
def _picks(state, code, cell, offs, flat, reach, threshold, width, height, torus, draws):
    scratch = np.empty(offs.shape[0], dtype=np.int64)
    out = np.empty((draws, 2), dtype=np.int64)
    for i in range(draws):
        out[i] = pick_empty(state, code, cell, offs, flat, reach, threshold, width, height,
                            torus, scratch)
    return out


def _world(width: int, height: int, fill: float, seed: int):
    rng = np.random.default_rng(seed)
    code = np.where(rng.random(width * height) < fill, QUIET, EMPTY).astype(np.int8)
    offs = offsets("von_neumann", 7, False)
    offs = np.ascontiguousarray(offs[(offs != 0).any(axis=1)]).astype(np.int64)
    return code, offs, offs[:, 1] * width + offs[:, 0]


@pytest.mark.parametrize(("x", "y", "fill"), [(20, 20, 0.77), (20, 20, 0.93), (2, 3, 0.77)])
def test_pick_is_uniform_over_the_empty_cells_in_view(x, y, fill):
    """40×40 torus, Mesa's radius-7 diamond; an interior cell at Mesa's density (batches of
    probes), at 93 % (about one pick in six falls through to the enumeration) and a cell near the
    corner (edge path, wrapped offsets). 40,000 picks per case, seed 5: only empty cells in view,
    each about equally often."""
    width = height = 40
    code, offs, flat = _world(width, height, fill, seed=11)
    cell = y * width + x
    view = {((x + dx) % width) + ((y + dy) % height) * width for dx, dy in offs}
    empty = sorted(c for c in view if code[c] == EMPTY)
    assert len(empty) >= 2
    state = np.zeros(COUNTER + 1, dtype=np.uint64)
    state[COUNTER] = 5
    out = _picks(state, code, cell, offs, flat, 7, probe_threshold(len(offs)), width, height,
                 True, 40_000)
    picks, rows = out[:, 0], out[:, 1]
    assert set(picks.tolist()) <= set(empty)
    wrapped = (x + offs[rows, 0]) % width + ((y + offs[rows, 1]) % height) * width
    np.testing.assert_array_equal(picks, wrapped)  # j names the offset of the cell picked
    counts = [int((picks == c).sum()) for c in empty]
    assert stats.chisquare(counts).pvalue > 1e-4


def test_pick_reports_a_full_view():
    width = height = 40
    code, offs, flat = _world(width, height, 1.0, seed=1)
    state = np.zeros(COUNTER + 1, dtype=np.uint64)
    out = _picks(state, code, 20 * width + 20, offs, flat, 7, probe_threshold(len(offs)),
                 width, height, True, 10)
    assert (out == -1).all()


def test_block_shuffle_is_uniform():
    """60,000 shuffles of 5 items (seed 3): every item lands in every place equally often
    (chi-square over the 25 cells), and every shuffle is a permutation."""
    state = np.zeros(COUNTER + 1, dtype=np.uint64)
    state[COUNTER] = 3
    where = np.zeros((5, 5), dtype=np.int64)
    for _ in range(60_000):
        a = np.arange(5)
        shuffle_counter(state, a)
        assert sorted(a.tolist()) == [0, 1, 2, 3, 4]
        where[a, np.arange(5)] += 1
    assert stats.chisquare(where.ravel()).pvalue > 1e-4

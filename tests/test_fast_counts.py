"""The fast engine's window counts equal brute-force enumeration, for every shape and method."""

from __future__ import annotations

import numpy as np
import pytest

from uprising.engine.codes import ACTIVE, COP
from uprising.engine.fast.counts import DIAMOND, MOORE, ROWS, classify, window_counts
from uprising.engine.lattice import spans_from_offsets
from uprising.engine.neighbourhood import cells_in_view, offsets

CASES = [
    ("euclidean", 1.0, DIAMOND),  # radius 1: the 4 von Neumann neighbours
    ("euclidean", 1.7, MOORE),  # the paper's 1.7 is the 8 Moore neighbours
    ("euclidean", 3.0, ROWS),
    ("euclidean", 7.0, ROWS),
    ("von_neumann", 1.0, DIAMOND),
    ("von_neumann", 2.0, DIAMOND),
    ("von_neumann", 5.0, DIAMOND),
    ("von_neumann", 7.0, DIAMOND),
    ("moore", 1.0, MOORE),
    ("moore", 3.0, MOORE),
    ("moore", 6.0, MOORE),
    ("cross", 1.0, DIAMOND),  # radius 1: the cross is the 4-neighbour diamond
    ("cross", 4.0, ROWS),
    ("cross", 7.0, ROWS),
]
LATTICES = [(15, 15, True), (19, 16, True), (23, 17, False), (8, 29, False)]


def brute(code: np.ndarray, w: int, h: int, torus: bool, offs: np.ndarray):
    """Returns (cops, actives) per cell by enumerating each cell's view plus the centre."""
    low = code & 7
    cops = np.zeros(w * h, dtype=np.int64)
    acts = np.zeros(w * h, dtype=np.int64)
    for y in range(h):
        for x in range(w):
            seen = [*cells_in_view(x, y, offs, w, h, torus), (x, y)]
            vals = [low[sy * w + sx] for sx, sy in seen]
            cops[y * w + x] = sum(v == COP for v in vals)
            acts[y * w + x] = sum(v == ACTIVE for v in vals)
    return cops, acts


@pytest.mark.parametrize(("shape", "radius", "method"), CASES)
def test_counts_match_enumeration(shape, radius, method):
    offs = offsets(shape, radius)
    spans = spans_from_offsets(offs)
    assert classify(spans)[0] == method
    rng = np.random.default_rng(7)
    checked = 0
    for w, h, torus in LATTICES:
        if torus and 2 * int(radius) + 1 > min(w, h):
            continue
        # Random codes 0..4 with random flag bits on top: counting must read the low 3 bits only.
        code = (rng.integers(0, 5, w * h) | (rng.integers(0, 8, w * h) << 3)).astype(np.int8)
        want_c, want_a = brute(code, w, h, torus, offs)
        for m in {method, ROWS}:
            for band in (1, 4, 16):
                got_c, got_a = window_counts(code, w, h, torus, spans, method=m, band=band)
                np.testing.assert_array_equal(got_c, want_c, err_msg=f"{w}x{h} {torus} m={m}")
                np.testing.assert_array_equal(got_a, want_a, err_msg=f"{w}x{h} {torus} m={m}")
        checked += 1
    assert checked >= 2  # at least one torus and one bounded lattice per case


def test_wrong_method_refused():
    spans = spans_from_offsets(offsets("euclidean", 5.0))
    with pytest.raises(ValueError, match="does not fit"):
        window_counts(np.zeros(100, dtype=np.int8), 10, 10, False, spans, method=DIAMOND)


def test_counts_extreme_densities():
    """All cops / all actives: the count is the window size (clipped at bounded edges)."""
    offs = offsets("von_neumann", 3.0)
    spans = spans_from_offsets(offs)
    w, h = 12, 9
    for value, which in ((COP, 0), (ACTIVE, 1)):
        code = np.full(w * h, value, dtype=np.int8)
        got = window_counts(code, w, h, True, spans)[which]
        assert (got == len(offs) + 1).all()
        got = window_counts(code, w, h, False, spans)[which]
        assert got[4 * w + 6] == len(offs) + 1  # interior cell sees its whole diamond
        assert got[0] == 1 + 3 + 3 + 3  # corner: centre, 3 right, 3 down, 3 in the quadrant


@pytest.mark.parametrize("width", [1, 3, 7, 160, 641, 2000, 3000, 4093, 10_007, 46_341])
def test_split_is_exact_divmod(width):
    """fields.split (multiply by the rounded reciprocal) equals divmod for cells up to 10⁹,
    including every row's first and last cell, where an inexact floor would show."""
    from uprising.engine.fast.fields import split

    rng = np.random.default_rng(width)
    rows = np.concatenate([np.arange(200), rng.integers(0, 10**9 // width, 2000)])
    cells = np.concatenate([rows * width, rows * width + width - 1, rng.integers(0, 10**9, 2000)])
    got = np.array([split.py_func(int(c), width) for c in cells])
    want = np.stack(np.divmod(cells, width)[::-1], axis=1)
    assert (got == want).all()

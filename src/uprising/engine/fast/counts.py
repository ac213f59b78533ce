"""Neighbourhood counts for every cell at O(1) or O(r) cost, one band of rows at a time.

A band of output rows [y0, y1) is copied, with a halo of r rows and r columns on each side
(wrapped on a torus, zero off a bounded edge), into a packed int64 grid where a cop is worth
2³² and an active citizen 1; one pass then counts both kinds at once. Three methods:

* ``MOORE`` (square, and the Euclidean radius < 2 that equals it): a summed-area table
  built on the fly: vertical window sums slid down the band, then a row prefix; 4 reads
  per cell, independent of r.
* ``DIAMOND`` (von Neumann |dx| + |dy| ≤ r): the diamond is a square in the rotated
  coordinates (x + y, x − y); its rotated summed-area table is kept as two running sums along
  the two diagonals. Sliding the diamond one cell right adds its right edge and drops its left
  edge, each two diagonal segments, so 8 reads per cell, independent of r.
* ``ROWS`` (any row-convex shape: Euclidean disc, cross): row prefix sums, two reads per row of
  the shape (2·(2r + 1) reads per cell).

Counts include the centre cell; callers subtract the centre's own contribution, as
``uprising.engine.lattice.count_view`` does. Only the low three bits of a cell code are read,
so the fast scheduler's flag bits do not disturb counting.
"""

from __future__ import annotations

import numba
import numpy as np

from uprising.engine.codes import ACTIVE, COP

ROWS = 0
MOORE = 1
DIAMOND = 2
METHOD_NAMES = ("rows", "moore", "diamond")

SHIFT = 32
LOW = (1 << 32) - 1


def classify(spans: np.ndarray) -> tuple[int, int]:
    """Returns (method, halo radius) for a neighbourhood given as spans (dy, dx_lo, dx_hi).

    ``spans`` covers the centre (``spans_from_offsets`` adds it). A full square of rows
    −r..r is ``MOORE``; rows of half-width r − |dy| are ``DIAMOND``; anything else ``ROWS``.
    """
    sp = np.asarray(spans, dtype=np.int64)
    r = int(np.abs(sp).max()) if sp.size else 0
    dys = sp[:, 0].tolist()
    if dys == list(range(-r, r + 1)):
        if all(lo == -r and hi == r for _, lo, hi in sp.tolist()):
            return MOORE, r
        if all(lo == -(r - abs(dy)) and hi == r - abs(dy) for dy, lo, hi in sp.tolist()):
            return DIAMOND, r
    return ROWS, r


@numba.njit(inline="always")
def _packed(v: int) -> np.int64:
    v &= 7
    return (np.int64(v == COP) << np.int64(SHIFT)) | np.int64(v == ACTIVE)


@numba.njit(cache=True)
def fill_band(code, width, height, torus, y0, rows, r, vp):
    """Fills ``vp`` (rows + 2r, width + 2r) with packed values of rows y0 − r … y0 + rows + r."""
    wp = width + 2 * r
    for i in range(rows + 2 * r):
        y = y0 - r + i
        if y < 0 or y >= height:
            if not torus:
                for j in range(wp):
                    vp[i, j] = 0
                continue
            y = y + height if y < 0 else y - height
        base = y * width
        for x in range(width):
            vp[i, r + x] = _packed(code[base + x])
        for j in range(r):
            if torus:
                vp[i, j] = vp[i, width + j]  # x = j − r wraps to width + j − r
                vp[i, r + width + j] = vp[i, r + j]
            else:
                vp[i, j] = 0
                vp[i, r + width + j] = 0


@numba.njit(cache=True)
def _rows_method(vp, rows, width, r, spans, out, pre):
    wp = width + 2 * r
    for i in range(rows + 2 * r):
        pre[i, 0] = 0
        acc = np.int64(0)
        for j in range(wp):
            acc += vp[i, j]
            pre[i, j + 1] = acc
    for yy in range(rows):
        o = yy * width
        for x in range(width):
            out[o + x] = 0
        for s in range(spans.shape[0]):
            row = yy + r + spans[s, 0]
            lo = r + spans[s, 1]
            hi = r + spans[s, 2] + 1
            for x in range(width):
                out[o + x] += pre[row, x + hi] - pre[row, x + lo]


@numba.njit(cache=True)
def _moore_method(vp, rows, width, r, out, col, pre):
    wp = width + 2 * r
    for j in range(wp):
        col[j] = 0
    for i in range(2 * r + 1):
        for j in range(wp):
            col[j] += vp[i, j]
    for yy in range(rows):
        if yy > 0:
            for j in range(wp):
                col[j] += vp[yy + 2 * r, j] - vp[yy - 1, j]
        pre[0] = 0
        acc = np.int64(0)
        for j in range(wp):
            acc += col[j]
            pre[j + 1] = acc
        o = yy * width
        for x in range(width):
            out[o + x] = pre[x + 2 * r + 1] - pre[x]


@numba.njit(cache=True)
def _diamond_method(vp, rows, width, r, out, d1, d2):
    wp = width + 2 * r
    nr = rows + 2 * r
    # d1[i + 1, j]: running sum along the main diagonal (down-right) ending at padded (i, j);
    # d2[i + 1, j]: running sum along the anti-diagonal (down-left) ending at (i, j).
    for j in range(wp):
        d1[0, j] = 0
        d2[0, j] = 0
    for i in range(nr):
        d1[i + 1, 0] = vp[i, 0]
        for j in range(1, wp):
            d1[i + 1, j] = vp[i, j] + d1[i, j - 1]
        for j in range(wp - 1):
            d2[i + 1, j] = vp[i, j] + d2[i, j + 1]
        d2[i + 1, wp - 1] = vp[i, wp - 1]
    for yy in range(rows):
        py = yy + r
        px = r
        c = np.int64(0)
        for dy in range(-r, r + 1):
            h = r - abs(dy)
            for j in range(px - h, px + h + 1):
                c += vp[py + dy, j]
        o = yy * width
        out[o] = c
        # Row offsets into d1/d2 are +1 (row 0 is the zero row before the band).
        top = py - r  # d-row index of padded row py − r − 1
        mid = py + 1  # padded row py
        bot = py + r + 1  # padded row py + r
        for x in range(1, width):
            px = x + r
            right = d1[mid, px + r] - d1[top, px - 1] + d2[bot, px] - d2[mid, px + r]
            left = d2[mid, px - 1 - r] - d2[top, px] + d1[bot, px - 1] - d1[mid, px - 1 - r]
            c += right - left
            out[o + x] = c


@numba.njit(cache=True)
def workspace_size(rows, width, r):
    """Returns the int64 workspace ``count_band`` needs for bands of up to ``rows`` rows."""
    nr = rows + 2 * r
    wp = width + 2 * r
    return nr * wp + max(2 * (nr + 1) * wp, nr * (wp + 1), 2 * wp + 1)


@numba.njit(cache=True)
def count_band(code, width, height, torus, y0, y1, method, r, spans, out, work):
    """Writes packed (cops << 32 | actives) window counts of rows [y0, y1) into ``out``.

    ``out`` has (y1 − y0)·width entries, row-major; counts include the centre cell.
    ``work`` is scratch of at least ``workspace_size(y1 − y0, width, r)`` int64 entries, reused
    between bands so that no band allocates memory.
    """
    rows = y1 - y0
    nr = rows + 2 * r
    wp = width + 2 * r
    vp = work[: nr * wp].reshape((nr, wp))
    rest = work[nr * wp :]
    fill_band(code, width, height, torus, y0, rows, r, vp)
    if method == MOORE:
        _moore_method(vp, rows, width, r, out, rest[:wp], rest[wp : 2 * wp + 1])
    elif method == DIAMOND:
        size = (nr + 1) * wp
        d1 = rest[:size].reshape((nr + 1, wp))
        d2 = rest[size : 2 * size].reshape((nr + 1, wp))
        _diamond_method(vp, rows, width, r, out, d1, d2)
    else:
        pre = rest[: nr * (wp + 1)].reshape((nr, wp + 1))
        _rows_method(vp, rows, width, r, spans, out, pre)


@numba.njit(cache=True)
def _all_counts(code, width, height, torus, method, r, spans, band):
    cells = width * height
    packed = np.empty(cells, dtype=np.int64)
    work = np.empty(workspace_size(band, width, r), dtype=np.int64)
    y0 = 0
    while y0 < height:
        y1 = min(height, y0 + band)
        count_band(code, width, height, torus, y0, y1, method, r, spans, packed[y0 * width :],
                   work)
        y0 = y1
    cops = np.empty(cells, dtype=np.int64)
    actives = np.empty(cells, dtype=np.int64)
    for c in range(cells):
        cops[c] = packed[c] >> SHIFT
        actives[c] = packed[c] & LOW
    return cops, actives


def window_counts(
    code: np.ndarray,
    width: int,
    height: int,
    torus: bool,
    spans: np.ndarray,
    method: int | None = None,
    band: int = 16,
) -> tuple[np.ndarray, np.ndarray]:
    """Returns (cops, actives) int64 per cell over the window ``spans``, centre included.

    Args:
        code: flat cell codes (row-major).
        width, height, torus: the lattice.
        spans: (dy, dx_lo, dx_hi) rows of the window, as ``spans_from_offsets`` gives them.
        method: ``ROWS``, ``MOORE`` or ``DIAMOND``; default: what ``classify`` picks. ``ROWS``
            works for every shape.
        band: rows per band (any value gives the same counts).
    """
    auto, r = classify(spans)
    m = auto if method is None else int(method)
    if m != ROWS and m != auto:
        raise ValueError(f"method {METHOD_NAMES[m]} does not fit these spans")
    sp = np.ascontiguousarray(spans, dtype=np.int64)
    return _all_counts(code, width, height, torus, m, r, sp, max(1, int(band)))

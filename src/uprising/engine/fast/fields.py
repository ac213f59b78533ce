"""Window-count fields: cops and actives in view of every cell, kept up to date in O(view).

The fast scheduler reads a citizen's cop count C and active count A from two per-cell arrays
instead of scanning its view: ``cops[c]`` and ``actives[c]`` count the COP and ACTIVE cells in
the citizen view around ``c``, the centre excluded (as ``lattice.count_view``). They are built
from the lattice at the start of every kernel call with the O(1)-per-cell window tables of
``fast.counts`` (summed-area tables for Moore, rotated tables for von Neumann, row prefixes
otherwise), in parallel over bands of rows, and then updated whenever a cell changes between
"cop", "active" and anything else: every view is symmetric, so the cells that see ``z`` are the
view around ``z``, and one change adds ±1 to them.
"""

from __future__ import annotations

import numba
import numpy as np

from uprising.engine.codes import ACTIVE, COP
from uprising.engine.fast.counts import LOW, SHIFT, count_band, workspace_size

BAND = 32  # rows per band when building the fields (any value gives the same fields)


def field_dtype(view_cells: int) -> type:
    """Returns the narrowest unsigned type holding counts of a view of ``view_cells`` cells."""
    return np.uint8 if view_cells <= 255 else np.uint16


def band_edges(height: int, band: int = BAND) -> np.ndarray:
    """Returns band boundaries [0, band, 2·band, …, height] for building the fields."""
    return np.array([*range(0, height, max(1, band)), height], dtype=np.int64)


def build_workspace(height: int, width: int, r: int, threads: int, band: int = BAND) -> np.ndarray:
    """Returns per-thread int64 scratch for ``build_fields`` (one row per Numba thread)."""
    rows = min(band, height)
    return np.empty((threads, rows * width + workspace_size(rows, width, r)), dtype=np.int64)


@numba.njit(cache=True, parallel=True)
def build_fields(code, width, height, torus, method, r, spans, bands, work, cops, actives):
    """Fills ``cops`` and ``actives`` from the lattice ``code`` (centre excluded)."""
    for b in numba.prange(bands.shape[0] - 1):
        y0 = bands[b]
        y1 = bands[b + 1]
        mine = work[numba.get_thread_id()]
        n = (y1 - y0) * width
        cnt = mine[:n]
        count_band(code, width, height, torus, y0, y1, method, r, spans, cnt, mine[n:])
        base = y0 * width
        for i in range(n):
            v = code[base + i]
            packed = cnt[i]
            cops[base + i] = (packed >> SHIFT) - (v == COP)
            actives[base + i] = (packed & LOW) - (v == ACTIVE)


@numba.njit(cache=True, _nrt=False)
def _add_run(field, start, stop, delta):
    for c in range(start, stop):
        field[c] += delta


@numba.njit(inline="always")
def split(cell, width):
    """Returns (x, y) of ``cell`` without a 64-bit integer division (slow on many CPUs).

    (cell + ½)/width is never within 1/(2·width) of an integer. Multiplying by the rounded
    reciprocal instead of dividing (a few cycles instead of a division's ~15) errs by at most
    about cell·2⁻⁵²/width, far less than that margin below 10¹⁵ cells, so the floor is exact.
    """
    y = int((cell + 0.5) * (1.0 / width))
    return cell - y * width, y


@numba.njit(inline="always")
def _add_span(field, y, lo, hi, width, height, torus, delta):
    """Adds ``delta`` on row ``y``, columns ``lo..hi`` (unwrapped; wrapped or clipped here)."""
    if lo > hi:
        return
    if y < 0 or y >= height:
        if not torus:
            return
        y = y + height if y < 0 else y - height
    base = y * width
    if torus:
        if lo < 0:
            _add_run(field, base + lo + width, base + min(hi + 1, 0) + width, delta)
            lo = 0
        if hi >= width:
            _add_run(field, base + max(lo, width) - width, base + hi - width + 1, delta)
            hi = width - 1
    else:
        lo = max(lo, 0)
        hi = min(hi, width - 1)
    if lo <= hi:
        _add_run(field, base + lo, base + hi + 1, delta)


@numba.njit(cache=True, _nrt=False)
def add_window(field, cell, spans, width, height, torus, delta):
    """Adds ``delta`` to ``field`` on every cell of the view around ``cell`` except ``cell``."""
    x, y = split(cell, width)
    for row in range(spans.shape[0]):
        _add_span(field, y + spans[row, 0], x + spans[row, 1], x + spans[row, 2], width, height,
                  torus, delta)
    field[cell] -= delta


@numba.njit(cache=True, _nrt=False)
def move_window(field, old, new, spans, width, height, torus):
    """Moves one count from the view around ``old`` to the view around ``new``: −1 on the first,
    +1 on the second, touching only the cells where they differ (``add_window`` twice, in
    effect). Needs a lattice at least twice the view's width on a torus (else two
    ``add_window`` calls)."""
    r = spans[spans.shape[0] - 1, 0]
    x0, y0 = split(old, width)
    x1, y1 = split(new, width)
    dx = x1 - x0
    dy = y1 - y0
    if torus:
        if width < 4 * r + 2 or height < 4 * r + 2:
            add_window(field, old, spans, width, height, torus, -1)
            add_window(field, new, spans, width, height, torus, 1)
            return
        if 2 * dx > width:
            dx -= width
        elif 2 * dx < -width:
            dx += width
        if 2 * dy > height:
            dy -= height
        elif 2 * dy < -height:
            dy += height
    top = spans[0, 0]
    rows = spans.shape[0]
    for yy in range(min(0, dy) + top, max(0, dy) + top + rows):
        i0 = yy - top  # row index in the old view, rows 0..rows-1
        i1 = yy - dy - top
        a0, b0 = x0 + 1, x0  # empty intervals
        a1, b1 = x0 + 1, x0
        if 0 <= i0 < rows:
            a0, b0 = x0 + spans[i0, 1], x0 + spans[i0, 2]
        if 0 <= i1 < rows:
            a1, b1 = x0 + dx + spans[i1, 1], x0 + dx + spans[i1, 2]
        y = y0 + yy
        if a0 > b0 or a1 > b1 or b0 < a1 or b1 < a0:  # no overlap on this row
            _add_span(field, y, a0, b0, width, height, torus, -1)
            _add_span(field, y, a1, b1, width, height, torus, 1)
        else:
            _add_span(field, y, a0, min(b0, a1 - 1), width, height, torus, -1)
            _add_span(field, y, max(a0, b1 + 1), b0, width, height, torus, -1)
            _add_span(field, y, a1, min(b1, a0 - 1), width, height, torus, 1)
            _add_span(field, y, max(a1, b0 + 1), b1, width, height, torus, 1)
    field[old] += 1  # the views exclude their own centre
    field[new] -= 1


@numba.njit(inline="always")
def recode(code, cops, actives, cell, value, spans, width, height, torus):
    """Sets ``code[cell] = value`` and updates the fields if the cell's class changed."""
    uc = np.uint64(cell)  # unsigned index: no negative-index wrap-around code
    old = code[uc]
    if old == value:
        return
    code[uc] = value
    if old == ACTIVE:
        add_window(actives, cell, spans, width, height, torus, -1)
    elif old == COP:
        add_window(cops, cell, spans, width, height, torus, -1)
    if value == ACTIVE:
        add_window(actives, cell, spans, width, height, torus, 1)
    elif value == COP:
        add_window(cops, cell, spans, width, height, torus, 1)

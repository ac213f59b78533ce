"""Numba helpers over the capacity-1 lattice: codes, spans, counting and empty-cell search.

The lattice is a flat ``int8`` array ``code`` (row-major, ``cell = y·width + x``) plus a flat
``int32`` array ``occupant`` holding the agent id on each cell (−1 when empty).
Neighbourhoods are given twice: as row spans ``(dy, dx_lo, dx_hi)`` for fast counting, and as
an offset list ``(dx, dy)`` for uniform random choice of a site.
"""

from __future__ import annotations

import numba
import numpy as np

from uprising.engine.codes import ACTIVE, COP, EMPTY
from uprising.engine.rng import below


def spans_from_offsets(offs: np.ndarray) -> np.ndarray:
    """Returns int32 (rows, 3) spans (dy, dx_lo, dx_hi) covering ``offs`` plus the centre.

    Every supported shape is row-convex, so each dy row of the offset list is one contiguous run
    once the centre cell (0, 0) is added; callers subtract the centre's own contribution.
    """
    rows: dict[int, list[int]] = {}
    for dx, dy in offs:
        rows.setdefault(int(dy), []).append(int(dx))
    rows.setdefault(0, []).append(0)
    out = []
    for dy in sorted(rows):
        xs = sorted(set(rows[dy]))
        if xs != list(range(xs[0], xs[-1] + 1)):
            raise ValueError("neighbourhood is not row-convex")
        out.append((dy, xs[0], xs[-1]))
    return np.asarray(out, dtype=np.int32)


@numba.njit(inline="always")
def _count_row(code: np.ndarray, base: int, lo: int, hi: int) -> tuple[int, int]:
    cops = 0
    actives = 0
    for c in range(base + lo, base + hi + 1):
        v = code[c]
        cops += v == COP
        actives += v == ACTIVE
    return cops, actives


@numba.njit(inline="always")
def wrap(v: int, size: int, torus: bool) -> int:
    """Returns the coordinate ``v`` (at most one ``size`` off the lattice) wrapped on a torus,
    or −1 when it is off a bounded lattice."""
    if v < 0 or v >= size:
        if not torus:
            return -1
        v = v + size if v < 0 else v - size
    return v


@numba.njit(inline="always")
def count_view(
    code: np.ndarray, cell: int, spans: np.ndarray, width: int, height: int, torus: bool
) -> tuple[int, int]:
    """Returns (cops, actives) on the cells of ``spans`` around ``cell``, centre cell excluded."""
    x = cell % width
    y = cell // width
    cops = 0
    actives = 0
    for r in range(spans.shape[0]):
        ny = wrap(y + spans[r, 0], height, torus)
        if ny < 0:
            continue
        base = ny * width
        lo = x + spans[r, 1]
        hi = x + spans[r, 2]
        if torus:
            if lo < 0:
                a, b = _count_row(code, base, lo + width, width - 1)
                cops += a
                actives += b
                lo = 0
            if hi >= width:
                a, b = _count_row(code, base, 0, hi - width)
                cops += a
                actives += b
                hi = width - 1
        else:
            lo = max(lo, 0)
            hi = min(hi, width - 1)
        a, b = _count_row(code, base, lo, hi)
        cops += a
        actives += b
    own = code[cell]
    cops -= own == COP
    actives -= own == ACTIVE
    return cops, actives


@numba.njit(inline="always")
def site(x: int, y: int, dx: int, dy: int, width: int, height: int, torus: bool) -> int:
    """Returns the cell at (x + dx, y + dy), wrapped on a torus, or −1 off a bounded edge."""
    nx = x + dx
    ny = y + dy
    if torus:
        if nx < 0:
            nx += width
        elif nx >= width:
            nx -= width
        if ny < 0:
            ny += height
        elif ny >= height:
            ny -= height
    elif nx < 0 or nx >= width or ny < 0 or ny >= height:
        return -1
    return ny * width + nx


@numba.njit(inline="always")
def neighbour(cell: int, dx: int, dy: int, width: int, height: int, torus: bool) -> int:
    """Returns the cell at offset (dx, dy) from ``cell``, or −1 off a non-torus edge."""
    return site(cell % width, cell // width, dx, dy, width, height, torus)


@numba.njit(inline="always")
def random_empty_in_view(
    rng: np.ndarray,
    code: np.ndarray,
    cell: int,
    offs: np.ndarray,
    width: int,
    height: int,
    torus: bool,
    scratch: np.ndarray,
) -> int:
    """Returns a uniformly chosen empty cell among ``offs`` around ``cell``, or −1 if none.

    Rejection sampling for up to 8 draws, then enumeration; both stages are uniform over the
    empty sites, so the mixture is exactly uniform.
    """
    n = offs.shape[0]
    if n == 0:
        return -1
    for _ in range(8):
        j = below(rng, n)
        c = neighbour(cell, offs[j, 0], offs[j, 1], width, height, torus)
        if c >= 0 and c != cell and code[c] == EMPTY:
            return c
    m = 0
    for j in range(n):
        c = neighbour(cell, offs[j, 0], offs[j, 1], width, height, torus)
        if c >= 0 and c != cell and code[c] == EMPTY:
            scratch[m] = c
            m += 1
    if m == 0:
        return -1
    return scratch[below(rng, m)]


@numba.njit(cache=True)
def random_empty_anywhere(rng: np.ndarray, code: np.ndarray) -> int:
    """Returns a uniformly chosen empty cell of the whole lattice, or −1 if it is full."""
    n = code.shape[0]
    for _ in range(64):
        c = below(rng, n)
        if code[c] == EMPTY:
            return c
    m = 0
    for c in range(n):
        m += code[c] == EMPTY
    if m == 0:
        return -1
    pick = below(rng, m)
    for c in range(n):
        if code[c] == EMPTY:
            if pick == 0:
                return c
            pick -= 1
    return -1

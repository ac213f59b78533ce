"""Move stencils: shifting one count by a stencil equals taking it from the old view and adding
it to the new one, for every view shape, radius and move offset."""

from __future__ import annotations

import numba
import numpy as np
import pytest

from uprising.engine.fast.fields import add_window
from uprising.engine.fast.stencils import apply_stencil, move_stencils
from uprising.engine.lattice import spans_from_offsets
from uprising.engine.neighbourhood import offsets

VIEWS = [("von_neumann", 7.0), ("moore", 3.0), ("euclidean", 1.7), ("euclidean", 4.5),
         ("cross", 5.0)]


@numba.njit
def _apply(field, cell, steps, bounds, j):
    apply_stencil(field, cell, steps, bounds, j)


@pytest.mark.parametrize(("shape", "radius"), VIEWS)
@pytest.mark.parametrize("mover_radius", [None, 2.0])
def test_stencil_equals_two_window_updates(shape, radius, mover_radius):
    """Every move offset j, from the middle of a 41×37 lattice; the mover's view is the
    citizen view, or a smaller von Neumann one (cops with another vision)."""
    view = offsets(shape, radius)
    moves = view if mover_radius is None else offsets("von_neumann", mover_radius)
    width, height = 41, 37
    spans = np.ascontiguousarray(spans_from_offsets(view), dtype=np.int64)
    steps, bounds = move_stencils(view, moves, width)
    assert bounds.shape == (len(moves), 3)
    old = (height // 2) * width + width // 2
    base = np.random.default_rng(5).integers(20, 200, width * height).astype(np.uint8)
    for j, (dx, dy) in enumerate(moves):
        new = old + int(dy) * width + int(dx)
        want = base.copy()
        add_window(want, old, spans, width, height, True, -1)
        add_window(want, new, spans, width, height, True, 1)
        got = base.copy()
        _apply(got, old, steps, bounds, j)
        np.testing.assert_array_equal(got, want, err_msg=f"offset {(dx, dy)}")


def test_too_big_tables_are_not_built(monkeypatch):
    from uprising.engine.fast import stencils

    monkeypatch.setattr(stencils, "STENCIL_LIMIT", 100)
    view = offsets("moore", 3.0)
    steps, bounds = move_stencils(view, view, 50)
    assert bounds.shape == (0, 3) and steps.size == 0

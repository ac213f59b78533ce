"""Neighbourhood sizes and counting with torus wrap (epstein_spec.md §1.4 and §6.1 item 6).

Site sets are defined here from the spec's formulas (Euclidean dx² + dy² ≤ v², von Neumann
|dx| + |dy| ≤ ⌊v⌋, Moore max(|dx|, |dy|) ≤ ⌊v⌋, cross: one of dx, dy zero and the other
within ⌊v⌋) and compared with ``neighbourhood.offsets`` and with the kernel's
``lattice.count_view`` (row spans) by brute-force enumeration over random worlds.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from uprising import Model
from uprising.engine.codes import (
    ACTIVE,
    COP,
    EMPTY,
    JAILED,
    QUIET,
    S_ACTIVE,
)
from uprising.engine.lattice import count_view
from uprising.engine.neighbourhood import SHAPES, offsets
from uprising.engine.state import kernel_config
from uprising.scenario import load_scenario
from uprising.testing import handmade_world


def spec_sites(shape: str, radius: float, include_center: bool) -> set[tuple[int, int]]:
    """The (dx, dy) offsets a vision radius covers under each shape (spec §1.4)."""
    r = math.floor(radius)
    out = set()
    for dy in range(-r - 1, r + 2):
        for dx in range(-r - 1, r + 2):
            if (dx, dy) == (0, 0):
                if include_center:
                    out.add((0, 0))
                continue
            if shape == "euclidean":
                ok = dx * dx + dy * dy <= radius * radius
            elif shape == "von_neumann":
                ok = abs(dx) + abs(dy) <= r
            elif shape == "moore":
                ok = max(abs(dx), abs(dy)) <= r
            else:
                ok = (dx == 0 or dy == 0) and max(abs(dx), abs(dy)) <= r
            if ok:
                out.add((dx, dy))
    return out


# spec §6.1 item 6 and §1.4 (sites excluding the own cell)
SPEC_SIZES = [
    ("euclidean", 7, 148),
    ("euclidean", 1.7, 8),
    ("euclidean", 1, 4),
    ("von_neumann", 7, 112),
    ("moore", 7, 224),
    ("cross", 7, 28),
    ("von_neumann", 1, 4),
    ("moore", 1, 8),
    ("cross", 1, 4),
    ("von_neumann", 1.7, 4),
    ("moore", 1.7, 8),
    ("cross", 1.7, 4),
]


@pytest.mark.parametrize(("shape", "radius", "size"), SPEC_SIZES)
@pytest.mark.parametrize("include_center", [False, True])
def test_offsets_sizes(shape, radius, size, include_center):
    offs = offsets(shape, radius, include_center)
    got = {(int(dx), int(dy)) for dx, dy in offs}
    assert len(got) == len(offs), "duplicate offsets"
    assert len(got) == size + include_center
    assert got == spec_sites(shape, radius, include_center)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("radius", [0.5, 1, 1.5, 1.7, 2, 2.5, 3, 4.2, 7, 7.9])
def test_offsets_match_spec_definition(shape, radius):
    for include_center in (False, True):
        got = {(int(dx), int(dy)) for dx, dy in offsets(shape, radius, include_center)}
        assert got == spec_sites(shape, radius, include_center)


def test_euclidean_radius_7_with_own_cell_is_netlogo_149():
    assert len(offsets("euclidean", 7, include_center=True)) == 149


def _scenario(shape: str, radius: float, include_center: bool, width: int, height: int,
              torus: bool):
    return load_scenario("epstein2002-run2", [
        f"world.width={width}", f"world.height={height}", f"world.torus={str(torus).lower()}",
        f"neighbourhood.shape={shape}",
        f"neighbourhood.include_center={str(include_center).lower()}",
        f"population.vision={radius}", f"police.vision={radius}",
        # seeing the own cell means counting oneself again (schema rule)
        f"rules.self_count={'twice_if_active' if include_center else 'once'}",
    ])


def brute_counts(code: np.ndarray, cell: int, sites: set[tuple[int, int]], width: int,
                 height: int, torus: bool) -> tuple[int, int]:
    """(cops, actives) on the sites seen from ``cell``, own cell excluded, by enumeration."""
    x0, y0 = cell % width, cell // width
    seen = set()
    for dx, dy in sites:
        if (dx, dy) == (0, 0):
            continue
        x, y = x0 + dx, y0 + dy
        if torus:
            x, y = x % width, y % height
        elif not (0 <= x < width and 0 <= y < height):
            continue
        seen.add(y * width + x)
    assert cell not in seen  # vision never wraps onto the own cell (validated world size)
    cops = sum(int(code[c] == COP) for c in seen)
    actives = sum(int(code[c] == ACTIVE) for c in seen)
    return cops, actives


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("radius", [1, 1.7, 2.5, 7])
@pytest.mark.parametrize("torus", [True, False])
def test_count_view_matches_brute_force(shape, radius, torus):
    """Random worlds of 15×17 cells (non-square, so x/y mix-ups show; radius 7 spans a whole
    15-cell row), every cell a random code; the kernel's counts equal enumeration at every
    cell, with the own cell in or out of the vision shape."""
    width, height = 15, 17
    rng = np.random.default_rng(12345)
    for include_center in (False, True):
        sc = _scenario(shape, radius, include_center, width, height, torus)
        cfg = kernel_config(sc)
        sites = spec_sites(shape, radius, include_center)
        for _ in range(3):
            code = rng.choice(np.array([EMPTY, QUIET, ACTIVE, JAILED, COP], dtype=np.int8),
                              size=width * height, p=[0.25, 0.2, 0.25, 0.1, 0.2])
            for cell in range(width * height):
                want = brute_counts(code, cell, sites, width, height, torus)
                for spans in (cfg.cit_spans, cfg.cop_spans):
                    got = count_view(code, cell, spans, width, height, torus)
                    assert tuple(int(v) for v in got) == want, (cell, include_center)


def test_corner_agent_sees_across_the_torus_edges():
    """40×40 torus, Euclidean v = 7: from (0, 0) the cells (39, 39), (0, 33), (34, 0) and
    (35, 36) are within 7 (wrapping); (32, 0) and (0, 32) are 8 away; without wrap none of
    these is seen."""
    w = h = 40
    code = np.full(w * h, EMPTY, dtype=np.int8)

    def put(x, y, v):
        code[y * w + x] = v

    put(0, 0, ACTIVE)  # the agent itself: never counted
    put(39, 39, COP)  # d² = 2
    put(0, 33, ACTIVE)  # d = 7
    put(34, 0, ACTIVE)  # d = 6
    put(35, 36, COP)  # d² = 25 + 16 = 41 ≤ 49
    put(32, 0, COP)  # d = 8: out
    put(0, 32, ACTIVE)  # d = 8: out
    put(5, 5, COP)  # d² = 50: out
    for torus, want in ((True, (2, 2)), (False, (0, 0))):
        sc = _scenario("euclidean", 7, False, w, h, torus)
        spans = kernel_config(sc).cit_spans
        assert tuple(int(v) for v in count_view(code, 0, spans, w, h, torus)) == want


def test_kernel_agent_at_corner_reacts_to_cop_across_the_edge():
    """Through the real kernel: a lone citizen at (0, 0) with a cop at (39, 39) (seen only
    through the wrap) has C = 1, A = 1, so with R = 1, G = 0.5 it stays quiet (0.5 − 0.8997
    < 0.1); with the cop at (20, 20) (not seen) it turns active."""
    for cop_xy, want_active in (((39, 39), False), ((20, 20), True)):
        m = Model("epstein2002-run2", rng=0, overrides=[
            "rules.movement=false", "rules.cops_move_when_movement_off=false",
            "police.vision=1"])
        handmade_world(m, [{"x": 0, "y": 0, "g": 0.5, "r": 1.0, "t": 0.1}], [cop_xy])
        m.step()
        assert bool(m.state.state[0] == S_ACTIVE) is want_active

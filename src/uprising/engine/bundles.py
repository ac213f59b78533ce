"""Named bundles of the arrays a kernel reads and writes, so that kernels take a few arguments.

Every bundle is a ``typing.NamedTuple`` of NumPy arrays (Numba accepts named tuples as
arguments and reads their fields as the arrays themselves, in place): a kernel is called as
``run_ticks(n_ticks, rng, world, agents, views, sw, k)`` (plus ``mechanisms, ..., mech`` for
``reference.run_ticks_mech``). ``uprising.engine.state`` builds Model I's bundles from a
``WorldState`` and a ``KernelConfig``; Model II's front end builds ``InterGroupAgents``.
A bundle is cheap to build; build it again for each call, as callers may replace arrays.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class World(NamedTuple):
    """The lattice: one entry per cell, row-major (``cell = y·width + x``)."""

    code: np.ndarray  # int8: a cell code (codes.EMPTY, QUIET, ACTIVE, JAILED, COP, TARGET)
    occupant: np.ndarray  # int32: agent id or −1


class Agents(NamedTuple):
    """Model I's per-agent arrays that Epstein's rules read and write."""

    kind: np.ndarray  # int8: codes.K_*
    state: np.ndarray  # int8: codes.S_*
    pos: np.ndarray  # int32: cell or −1 (off the lattice)
    term: np.ndarray  # int32: remaining jail ticks, −1 = forever
    fresh: np.ndarray  # bool: arrested during the current tick (fast engine: activation stamps)
    arrest_cell: np.ndarray  # int32: cell of the last arrest
    grievance: np.ndarray  # float: G
    risk: np.ndarray  # float: effective R
    threshold: np.ndarray  # float: T


class Mechanisms(NamedTuple):
    """Per-agent and per-target arrays of the article's micro mechanisms (reference engine)."""

    group: np.ndarray  # int8: group index
    flags: np.ndarray  # int8: codes.F_* bits
    loyalty: np.ndarray  # float64: ℓ of cops
    defect_threshold: np.ndarray  # float64: θ of cops
    target_index: np.ndarray  # int32 per cell: index into damage, −1
    damage: np.ndarray  # float64 per target building
    guarded: np.ndarray  # int8 per target building: ≠ 0 takes no damage (may be shorter: unguarded)


class Views(NamedTuple):
    """Citizens' and cops' neighbourhoods: offsets (dx, dy) without the centre, and row spans
    (dy, dx_lo, dx_hi) covering the offsets plus the centre (``lattice.spans_from_offsets``)."""

    cit_offs: np.ndarray
    cit_spans: np.ndarray
    cop_offs: np.ndarray
    cop_spans: np.ndarray


class InterGroupAgents(NamedTuple):
    """Model II's per-agent arrays (cop slots first, then citizen slots) and its free-slot stack."""

    state: np.ndarray  # int8: codes.S_*
    group: np.ndarray  # int8: codes.BLUE / GREEN
    pos: np.ndarray  # int32
    term: np.ndarray  # int32
    fresh: np.ndarray  # bool
    arrest_cell: np.ndarray  # int32
    hardship: np.ndarray  # float64
    risk: np.ndarray  # float64
    age: np.ndarray  # ticks lived
    death_age: np.ndarray
    newborn: np.ndarray  # bool: born this tick
    free_stack: np.ndarray  # int64: slots free for a newborn
    free_top: np.ndarray  # int64[1]: stack height

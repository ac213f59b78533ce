"""Memory: the fast engine's compact state layout and the up-front estimate for any world.

The reference layout keeps every per-agent attribute in float64 (73 bytes per agent, plus an
8-byte shuffle order in the kernel), about 65 bytes per cell at the paper's densities. With
``engine: fast`` the state is compacted right after it is built (``compact_state``):

* the float attributes the plain model reads (H, G, R as drawn, effective R) become float32;
* with one population group the threshold T is the same for every citizen at every tick (the
  only writer, ``Parameters.refresh_citizens``, writes the group's T), so it is kept once, in
  a writable zero-stride view; with several groups it stays a float32 array;
* the mechanism-only arrays (cop loyalty, defection threshold) and the single-group
  ``group``/``flags`` arrays become zero-stride read-only views, as the fast engine refuses
  the micro mechanisms (``Scenario`` validation);
* agents are relabelled in lattice order (citizens, then cops), so the kernel's per-agent
  reads start out as streams rather than random gathers. Labels are arbitrary (attributes are
  i.i.d.), so this changes no statistics.

That is 31 bytes per agent (35 with several groups) and 5 per cell (code, occupant); the
kernel adds 2 per cell, the cop and active window counts (uint8; uint16 for views of more than
255 cells), and uses the ``fresh`` flags as its activation stamps. 29.9 bytes per cell at
density 0.7 + 0.04. ``estimate_bytes`` returns what a scenario will need, and ``Scenario``
validation refuses a world whose estimate exceeds ``MEMORY_FRACTION`` of RAM.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

MEMORY_FRACTION = 0.8  # refuse worlds whose estimate exceeds this share of physical memory

# Bytes per agent and per cell in each layout (see the module docstring; checked by tests).
AGENT_BYTES = {"reference": 73 + 8, "fast": 31}  # fast: + 4 with several groups
CELL_BYTES = {"reference": 5, "fast": 7}  # fast: code, occupant, two uint8 window counts
# Transient while building (int64 permutation per cell; float64 draws before compaction).
BUILD_CELL_BYTES = 8
BUILD_AGENT_BYTES = 48


@dataclass(frozen=True)
class MemoryEstimate:
    """Bytes a run needs: steady state and the peak while the world is built."""

    cells: int
    agents: int
    steady: int
    peak: int

    @property
    def bytes_per_cell(self) -> float:
        """Returns steady-state bytes per lattice cell."""
        return self.steady / max(self.cells, 1)


def estimate_bytes(
    engine: str, width: int, height: int, density: float, cop_density: float
) -> MemoryEstimate:
    """Returns the memory estimate of a world (``cop_density``: the largest it will reach)."""
    cells = int(width) * int(height)
    cops = round(cop_density * cells)
    agents = round(density * cells) + cops
    steady = cells * CELL_BYTES[engine] + agents * AGENT_BYTES[engine]
    peak = steady + cells * BUILD_CELL_BYTES + agents * BUILD_AGENT_BYTES
    return MemoryEstimate(cells=cells, agents=agents, steady=steady, peak=peak)


def physical_memory() -> int:
    """Returns this machine's physical memory in bytes (0 if unknown)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 0


def check_fits(engine: str, width: int, height: int, density: float, cop_density: float) -> None:
    """Raises ValueError, stating the estimate, if the world cannot fit in memory."""
    est = estimate_bytes(engine, width, height, density, cop_density)
    ram = physical_memory()
    if ram and est.peak > MEMORY_FRACTION * ram:
        gib = 2.0**30
        hint = " or engine: fast (≈ 32 bytes per cell)" if engine == "reference" else ""
        raise ValueError(
            f"world {width}×{height} = {est.cells:,} cells with {est.agents:,} agents needs "
            f"about {est.peak / gib:.1f} GiB while it is built and {est.steady / gib:.1f} GiB "
            f"to run (engine {engine}: {est.bytes_per_cell:.0f} bytes per cell), more than "
            f"{MEMORY_FRACTION:.0%} of this machine's {ram / gib:.1f} GiB; use a smaller "
            f"world{hint}"
        )


def shared_scalar(value, dtype, n: int) -> np.ndarray:
    """Returns a writable length-``n`` array whose elements all share one memory cell.

    Writing a vector of equal values into it (as ``refresh_citizens`` does for a one-group
    threshold) stores that value; the kernels read it like any array.
    """
    cell = np.full(1, value, dtype=dtype)
    return np.lib.stride_tricks.as_strided(cell, shape=(n,), strides=(0,), writeable=True)


def _view(value, dtype, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=dtype), (n,))


def compact_state(ws) -> None:
    """Converts a freshly built ``WorldState`` to the fast engine's compact layout, in place."""
    n = ws.kind.shape[0]
    n_cit = ws.n_citizens
    big = np.int64(1) << np.int64(40)
    key = np.where(ws.pos >= 0, ws.pos.astype(np.int64), big + np.arange(n))
    order = np.concatenate([np.argsort(key[:n_cit], kind="stable"),
                            n_cit + np.argsort(key[n_cit:], kind="stable")])
    for name in ("kind", "state", "pos", "term", "fresh", "arrest_cell"):
        setattr(ws, name, np.ascontiguousarray(getattr(ws, name)[order]))
    for name in ("hardship", "grievance", "risk_aversion", "risk", "threshold"):
        setattr(ws, name, getattr(ws, name)[order].astype(np.float32))
    n_cit_groups = np.unique(ws.group[:n_cit]).size if n_cit else 0
    if n_cit_groups <= 1 and n_cit and (ws.threshold[:n_cit] == ws.threshold[0]).all():
        ws.threshold = shared_scalar(ws.threshold[0], np.float32, n)
    on = ws.pos >= 0
    ws.occupant[ws.pos[on]] = np.flatnonzero(on).astype(ws.occupant.dtype)
    for name, dtype in (("group", np.int8), ("flags", np.int8)):
        arr = getattr(ws, name)
        if arr.size and (arr == arr[0]).all():
            setattr(ws, name, _view(arr[0], dtype, n))
        else:
            setattr(ws, name, np.ascontiguousarray(arr[order]))
    ws.loyalty = _view(1.0, np.float64, n)
    ws.defect_threshold = _view(np.inf, np.float64, n)


def state_bytes(ws) -> int:
    """Returns the bytes held by a WorldState's arrays (views of a scalar count as 0)."""
    total = 0
    for value in vars(ws).values():
        if isinstance(value, np.ndarray) and value.strides != (0,):
            total += value.nbytes
    return total

"""Hand-made worlds for rule tests: a real Model whose lattice is cleared and re-populated."""

from __future__ import annotations

import dataclasses

import numpy as np

from uprising import Model
from uprising.engine.codes import (
    ACTIVE,
    COP,
    EMPTY,
    QUIET,
    S_ACTIVE,
    S_DEAD,
    S_OFF,
    S_QUIET,
)


def handmade(overrides: list[str], citizens: list[tuple[int, int, bool]],
             cops: list[tuple[int, int]], size: int = 15) -> Model:
    """Returns a Model on a ``size``² torus holding exactly the given agents.

    ``citizens`` are (x, y, active) and ``cops`` (x, y). Every other agent slot is taken off
    the lattice (citizens marked dead, cops off duty), so the kernel skips them.
    """
    base = [
        f"world.width={size}", f"world.height={size}", "population.density=0.5",
        "police.density=0.1", "population.vision=3", "police.vision=3", "rules.movement=false",
        "rules.cops_move_when_movement_off=false", "ticks=50",
    ]
    m = Model("epstein2002-run2", rng=0, overrides=base + overrides)
    st = m.state
    st.code[:] = np.where(st.code == 5, st.code, EMPTY)
    st.occupant[:] = -1
    st.pos[:] = -1
    n_cit = st.n_citizens
    st.state[:n_cit] = S_DEAD
    st.state[n_cit:] = S_OFF
    assert len(citizens) <= n_cit and len(cops) <= len(st.kind) - n_cit
    for i, (x, y, active) in enumerate(citizens):
        cell = y * size + x
        st.pos[i] = cell
        st.occupant[cell] = i
        st.state[i] = S_ACTIVE if active else S_QUIET
        st.code[cell] = ACTIVE if active else QUIET
    for j, (x, y) in enumerate(cops):
        a = n_cit + j
        cell = y * size + x
        st.pos[a] = cell
        st.occupant[cell] = a
        st.state[a] = S_QUIET
        st.code[cell] = COP
    return m


def replace_world(model: Model, **arrays: object) -> None:
    """Installs hand-made arrays in ``model.state``; every other per-agent array of the
    state is replaced by zeros of the new agent count (same dtype), so the hand-made world
    stays consistent whatever extra per-agent fields the engine carries."""
    st = model.state
    old_n, new_n, cells = len(st.kind), len(arrays["kind"]), len(st.code)
    names = {f.name for f in dataclasses.fields(st)}
    if "risk_aversion" in names and "risk_aversion" not in arrays:
        arrays["risk_aversion"] = np.asarray(arrays["risk"]).copy()
    for name in names - set(arrays):
        v = getattr(st, name)
        if isinstance(v, np.ndarray) and v.ndim == 1 and len(v) == old_n and old_n != cells:
            arrays[name] = np.zeros(new_n, dtype=v.dtype)
    model.state = dataclasses.replace(st, **arrays)

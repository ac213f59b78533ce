"""Hand-made worlds: a real model whose world is replaced by agents placed by hand."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from uprising.engine.codes import (
    ACTIVE,
    COP,
    EMPTY,
    JAILED,
    QUIET,
    S_ACTIVE,
    S_JAILED,
    S_OFF,
    S_QUIET,
    TARGET,
)

if TYPE_CHECKING:
    from uprising.simulation import Model

#: A citizen: ``(x, y)``, ``(x, y, active)`` or a mapping with ``x``, ``y`` and optionally
#: ``active``, ``jailed`` (a prisoner for life that keeps its cell), ``g`` (grievance, also
#: taken as hardship), ``r`` (risk aversion, also the effective risk) and ``t`` (threshold).
CitizenSpec = tuple[int, int] | tuple[int, int, bool] | Mapping[str, Any]

_CITIZEN_KEYS = {"x", "y", "active", "jailed", "g", "r", "t"}


def _citizen(spec: CitizenSpec) -> dict[str, Any]:
    if isinstance(spec, Mapping):
        unknown = set(spec) - _CITIZEN_KEYS
        if unknown:
            raise ValueError(f"citizen {dict(spec)}: unknown keys {sorted(unknown)}")
        return dict(spec)
    x, y, *rest = spec
    return {"x": x, "y": y, "active": bool(rest[0]) if rest else False}


def _slots(wanted: int, available: np.ndarray, kind: str) -> np.ndarray:
    if wanted and not len(available):
        raise ValueError(f"the model has no {kind} slots to take the attributes from")
    return available[np.arange(wanted) % max(len(available), 1)]


def handmade_world(
    model: Model,
    citizens: Sequence[CitizenSpec],
    cops: Sequence[tuple[int, int]] = (),
    *,
    off_duty_cops: int = 0,
) -> Model:
    """Replaces the world of ``model`` by exactly the given agents, in place; returns ``model``.

    Agents are numbered citizens first, then the cops on duty at the given cells, then
    ``off_duty_cops`` cops off the lattice. Citizen i keeps the attributes the model drew
    for its citizen i (hardship, risk aversion, group, flags, ...), cop j those of its cop j
    (cycling when the hand-made world has more agents than the model); a citizen's ``g``,
    ``r``, ``t`` override them. Everybody starts quiet (or as given), unjailed, with no
    arrest record; target buildings keep their cells. Every per-agent array of the state,
    whatever the engine carries, is cut to the new agent count.

    Args:
        model: a freshly built ``uprising.Model``; its world is replaced.
        citizens: the citizens, see ``CitizenSpec``; ``x``, ``y`` are lattice coordinates.
        cops: ``(x, y)`` of each cop on duty.
        off_duty_cops: extra cop slots off the lattice (for a test to deploy later).

    Raises:
        ValueError: two agents on one cell (or a target's), an unknown citizen key, or cops
            wanted from a model without cop slots.
    """
    st = model.state
    width = model.scenario.world.width
    cells = len(st.code)
    n_old = len(st.kind)
    cits = [_citizen(c) for c in citizens]
    n_cit = len(cits)
    n = n_cit + len(cops) + off_duty_cops
    source = np.concatenate([
        _slots(n_cit, np.arange(st.n_citizens), "citizen"),
        _slots(n - n_cit, np.arange(st.n_citizens, n_old), "cop"),
    ]).astype(np.int64)
    arrays: dict[str, Any] = {"n_citizens": n_cit}
    for f in dataclasses.fields(st):
        value = getattr(st, f.name)
        if isinstance(value, np.ndarray) and value.shape == (n_old,) and n_old != cells:
            arrays[f.name] = value[source].copy()
    code = np.where(st.code == TARGET, TARGET, EMPTY).astype(st.code.dtype)
    occupant = np.full(cells, -1, dtype=st.occupant.dtype)
    state = arrays["state"]
    pos = arrays["pos"]
    state[:] = S_QUIET
    state[n - off_duty_cops:] = S_OFF
    pos[:] = -1
    arrays["term"][:] = 0
    arrays["fresh"][:] = False
    arrays["arrest_cell"][:] = -1

    def place(agent: int, x: int, y: int, cell_code: int) -> None:
        cell = y * width + x
        if occupant[cell] >= 0 or code[cell] == TARGET:
            raise ValueError(f"agent {agent}: cell ({x}, {y}) is taken")
        occupant[cell] = agent
        pos[agent] = cell
        code[cell] = cell_code

    for i, c in enumerate(cits):
        if c.get("jailed", False):
            state[i], cell_code, arrays["term"][i] = S_JAILED, JAILED, -1
        elif c.get("active", False):
            state[i], cell_code = S_ACTIVE, ACTIVE
        else:
            cell_code = QUIET
        place(i, c["x"], c["y"], cell_code)
        for key, names in (("g", ("hardship", "grievance")), ("r", ("risk_aversion", "risk")),
                           ("t", ("threshold",))):
            if key in c:
                for name in names:
                    arrays[name][i] = c[key]
    for j, (x, y) in enumerate(cops):
        place(n_cit + j, x, y, COP)
    model.state = dataclasses.replace(st, code=code, occupant=occupant, **arrays)
    return model

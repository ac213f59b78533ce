"""The lattice invariants of a model's world, for tests of either engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from uprising.engine.codes import (
    ACTIVE,
    COP,
    EMPTY,
    JAILED,
    K_COP,
    QUIET,
    S_ACTIVE,
    S_DEAD,
    S_JAILED,
    S_OFF,
    S_QUIET,
    TARGET,
)

if TYPE_CHECKING:
    from uprising.simulation import Model


def assert_lattice_consistent(model: Model, *, counts: bool = False) -> None:
    """Asserts that ``model.state`` is a consistent world.

    Checked: at most one agent per cell; ``occupant`` and ``pos`` are inverse maps; every cell
    without an agent is EMPTY (or TARGET, a target building); an agent's cell code follows its
    kind and state (cop on duty → COP; citizen or defector: quiet → QUIET, active → ACTIVE,
    jailed → JAILED); only off-duty cops, dead citizens and prisoners (unless
    ``rules.jailed = stay_and_block``, where they keep their cell) are off the lattice.

    Args:
        model: a ``uprising.Model`` (reference or fast engine).
        counts: also check that the last recorded row's quiet, active and jailed counts are
            those of the citizens' states (true after a tick, not after a hand-made world).

    Raises:
        AssertionError: naming the first invariant that does not hold.
    """
    st = model.state
    on = np.flatnonzero(st.pos >= 0)
    assert len(np.unique(st.pos[on])) == len(on), "two agents share a cell"
    np.testing.assert_array_equal(st.occupant[st.pos[on]], on, err_msg="occupant[pos] != agent")
    occupied = np.flatnonzero(st.occupant >= 0)
    assert len(occupied) == len(on), "an occupant is not on the lattice"
    np.testing.assert_array_equal(st.pos[st.occupant[occupied]], occupied,
                                  err_msg="pos[occupant] != cell")
    free = st.occupant < 0
    assert np.isin(st.code[free], (EMPTY, TARGET)).all(), "a cell without agent is not empty"
    cop = st.kind == K_COP
    want = np.full(len(st.kind), -1)
    want[cop & (st.state != S_OFF)] = COP
    want[~cop & (st.state == S_QUIET)] = QUIET
    want[~cop & (st.state == S_ACTIVE)] = ACTIVE
    want[~cop & (st.state == S_JAILED)] = JAILED
    np.testing.assert_array_equal(st.code[st.pos[on]], want[on],
                                  err_msg="cell code does not match the agent's kind and state")
    blocks = model.scenario.rules.jailed == "stay_and_block"
    allowed_off = (cop & (st.state == S_OFF)) | (~cop & (st.state == S_DEAD)) | (
        ~cop & (st.state == S_JAILED) & (not blocks))
    off = st.pos < 0
    assert not (off & ~allowed_off).any(), "an agent that should be on the lattice is off it"
    if blocks:
        assert not (~cop & (st.state == S_JAILED) & off).any(), "a prisoner left its cell"
    if counts:
        row = model.last_row()
        cit = st.state[: st.n_citizens]
        for name, code in (("quiet", S_QUIET), ("active", S_ACTIVE), ("jailed", S_JAILED)):
            assert row[name] == (cit == code).sum(), f"last row's {name} count is not the state's"

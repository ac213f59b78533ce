"""The public test helpers of ``uprising.testing`` catch what they promise to catch."""

from __future__ import annotations

import numpy as np
import pytest

from uprising import Model
from uprising.engine.codes import ACTIVE, QUIET, S_ACTIVE, S_JAILED, S_OFF, S_QUIET
from uprising.testing import assert_lattice_consistent, flaky, handmade_world, process_id

SMALL = ["world.width=15", "world.height=15", "rules.movement=false",
         "rules.cops_move_when_movement_off=false"]


def test_handmade_world_holds_exactly_the_given_agents() -> None:
    m = Model("epstein2002-run2", rng=0, overrides=SMALL)
    h0 = float(m.state.hardship[1])
    handmade_world(m, [(1, 2), (3, 4, True), {"x": 5, "y": 6, "g": 0.3, "r": 0.2, "t": 0.05,
                                              "jailed": True}], [(7, 7)], off_duty_cops=1)
    st = m.state
    assert st.n_citizens == 3 and len(st.kind) == 5
    assert st.pos.tolist() == [2 * 15 + 1, 4 * 15 + 3, 6 * 15 + 5, 7 * 15 + 7, -1]
    assert st.state.tolist() == [S_QUIET, S_ACTIVE, S_JAILED, S_QUIET, S_OFF]
    assert st.hardship[1] == h0  # the model's own draw for citizen 1
    assert (st.grievance[2], st.risk[2], st.threshold[2], st.term[2]) == (0.3, 0.2, 0.05, -1)
    assert (st.occupant >= 0).sum() == 4


def test_handmade_world_refuses_two_agents_on_one_cell() -> None:
    m = Model("epstein2002-run2", rng=0, overrides=SMALL)
    with pytest.raises(ValueError, match="taken"):
        handmade_world(m, [(1, 1)], [(1, 1)])
    with pytest.raises(ValueError, match="unknown keys"):
        handmade_world(m, [{"x": 1, "y": 1, "grievance": 0.5}])


@pytest.mark.parametrize("engine", ["reference", "fast"])
def test_lattice_assertion_holds_on_runs_and_catches_a_broken_world(engine: str) -> None:
    m = Model("epstein2002-run2", rng=1, overrides=[f"engine={engine}", "world.width=20",
                                                    "world.height=20"])
    m.run(5)
    assert_lattice_consistent(m, counts=True)
    st = m.state
    n = st.n_citizens
    quiet = np.flatnonzero((st.state[:n] == S_QUIET) & (st.pos[:n] >= 0))
    cell = int(st.pos[quiet[0]])
    st.code[cell] = ACTIVE
    with pytest.raises(AssertionError, match="cell code"):
        assert_lattice_consistent(m)
    st.code[cell] = QUIET
    assert_lattice_consistent(m)
    st.occupant[cell] = -1
    with pytest.raises(AssertionError, match="occupant"):
        assert_lattice_consistent(m)


def test_experiment_test_models() -> None:
    assert flaky({"x": 2.0}, None) == {"y": 2.0}
    with pytest.raises(ValueError, match="negative"):
        flaky({"x": -1.0}, None)
    assert process_id({}, None)["pid"] > 0

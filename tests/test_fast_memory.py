"""Memory: the fast engine's compact layout, the estimate, and refusal of worlds too big."""

from __future__ import annotations

import numpy as np
import pytest

import uprising
from uprising import Model
from uprising.engine.codes import (
    K_CITIZEN,
    K_COP,
    S_ACTIVE,
)
from uprising.engine.fast.memory import estimate_bytes, physical_memory, state_bytes
from uprising.testing import assert_lattice_consistent


def _measured(engine: str, size: int) -> tuple[float, float]:
    """Returns (measured, estimated) steady-state bytes per cell of Run 2 at size×size."""
    m = Model("epstein2002-run2", rng=1, overrides=[f"engine={engine}", f"world.width={size}",
                                                    f"world.height={size}"])
    cells = size * size
    st = m.state
    cop_slots = len(st.kind) - st.n_citizens
    # Kernel scratch: fast = two uint8 window counts per cell (the activation stamps live in
    # ``fresh``); reference = the int64 shuffle order per agent.
    del cop_slots
    scratch = 2 * cells if engine == "fast" else 8 * len(st.kind)
    est = estimate_bytes(engine, size, size, 0.7, 0.04)
    return (state_bytes(st) + scratch) / cells, est.bytes_per_cell


def test_fast_layout_is_at_most_32_bytes_per_cell():
    measured, estimated = _measured("fast", 300)
    assert measured <= 32.0
    assert abs(measured - estimated) / estimated < 0.02


def test_reference_estimate_matches_its_layout():
    measured, estimated = _measured("reference", 120)
    assert abs(measured - estimated) / estimated < 0.02


def test_compaction_keeps_the_world_and_orders_agents_by_cell():
    a = Model("epstein2002-run2", rng=5, overrides=["world.width=60", "world.height=60"])
    b = Model("epstein2002-run2", rng=5, overrides=["engine=fast", "world.width=60",
                                                    "world.height=60"])
    np.testing.assert_array_equal(a.state.code, b.state.code)
    st = b.state
    n = st.n_citizens
    assert (np.diff(st.pos[:n]) > 0).all()  # citizens in lattice order
    assert_lattice_consistent(b)
    assert st.grievance.dtype == np.float32 and st.risk.dtype == np.float32
    assert st.threshold.strides == (0,)  # one group: one shared T
    # Same citizens (attribute multiset) on the same cells, only relabelled.
    cell_g_a = np.zeros(3600)
    cell_g_b = np.zeros(3600)
    cell_g_a[a.state.pos[:n]] = a.state.grievance[:n]
    cell_g_b[st.pos[:n]] = st.grievance[:n]
    np.testing.assert_allclose(cell_g_a, cell_g_b, rtol=1e-6)
    assert (st.kind[:n] == K_CITIZEN).all() and (st.kind[n:] == K_COP).all()


@pytest.mark.parametrize("engine", ["reference", "fast"])
def test_world_too_big_is_refused_with_the_estimate(engine):
    size = 100_000  # 10¹⁰ cells: hundreds of GiB in either layout
    est = estimate_bytes(engine, size, size, 0.7, 0.04)
    assert est.peak > physical_memory() > 0
    sc = uprising.load_scenario("epstein2002-run2", [f"engine={engine}", f"world.width={size}",
                                                     f"world.height={size}"])
    with pytest.raises(uprising.ScenarioError) as err:  # refused where the model is built
        uprising.Model(sc)
    msg = str(err.value)
    assert "GiB" in msg and "bytes per cell" in msg and f"engine {engine}" in msg


def test_a_ten_million_cell_fast_world_is_accepted():
    sc = uprising.load_scenario("epstein2002-run2", ["engine=fast", "world.width=10000",
                                                     "world.height=1000"])
    est = estimate_bytes("fast", 10_000, 1_000, 0.7, 0.04)
    assert sc.world.width * sc.world.height == 10**7
    assert est.bytes_per_cell <= 32.0


def test_shared_threshold_follows_timeline_events():
    """One group: T is stored once; a threshold event reaches every citizen through it."""
    m = Model("epstein2002-run2", rng=2, overrides=["engine=fast"])
    m.set_parameter("population.threshold", 0.3)
    m.run(1)
    st = m.state
    assert st.threshold.strides == (0,)
    assert float(st.threshold[0]) == pytest.approx(0.3)
    assert (st.threshold[:10] == st.threshold[0]).all()
    n = st.n_citizens
    active = st.state[:n] == S_ACTIVE
    # With T = 0.3 nobody with G ≤ 0.3 is active.
    assert not (active & (st.grievance[:n] <= 0.3)).any()


def test_several_groups_keep_a_threshold_per_citizen():
    m = Model("mechanisms-tour", rng=1, overrides=["engine=fast", "crowd.in_group_only=false",
                                                   "mobilisers.share=0", "reluctance.enabled=false",
                                                   "defection.enabled=false",
                                                   "violence.enabled=false",
                                                   "government.mode='off'",
                                                   "demands.enabled=false"])
    assert m.state.threshold.strides != (0,)

"""Timeline events of Runs 3–5 (epstein_spec.md §1.7, §6.3 items 21–22).

The series' ``legitimacy`` column is the value in force during each tick; ``cops`` is the
number of cops on duty at the end of each tick.

* Run 3 (salami): L = 0.9 up to t = 77, then down 0.01 per tick to 0.2 at t = 147.
* Run 4 (one jump): L = 0.9 up to t = 76, 0.7 from t = 77.
* Run 5 (cop reduction): cop density 0.074 → 0 linearly over t = 50–550, i.e. round(1600 ×
  0.074 × (550 − t)/500) cops, from 118 to 0.
"""

from __future__ import annotations

import numpy as np
import pytest

from uprising import Model
from uprising.engine.codes import (
    COP,
    K_COP,
    S_OFF,
)


def salami(t: int) -> float:
    if t <= 77:
        return 0.9
    if t >= 147:
        return 0.2
    return 0.9 - 0.01 * (t - 77)


def test_run3_salami_legitimacy_series():
    m = Model("epstein2002-run3", rng=0)
    n = m.state.n_citizens
    hardship = m.state.hardship[:n].copy()
    for stop in (76, 77, 78, 100, 146, 147, 300):
        m.run(stop - m.tick)
        # grievances follow the legitimacy in force (G = H(1 − L), spec §1.1)
        np.testing.assert_allclose(m.state.grievance[:n], hardship * (1 - salami(stop)),
                                   rtol=0, atol=1e-12)
    df = m.get_model_vars_dataframe()
    assert df["tick"].tolist() == list(range(301))
    want = np.array([salami(t) for t in range(301)])
    np.testing.assert_allclose(df["legitimacy"].to_numpy(), want, rtol=0, atol=1e-9)
    steps = np.diff(df["legitimacy"].to_numpy())
    np.testing.assert_allclose(steps[77:147], -0.01, atol=1e-9)  # ticks 78..147
    assert (steps[:77] == 0).all() and (steps[147:] == 0).all()
    # at L = 0.9 nobody can be active (spec §1.3), so no actives up to t = 77
    assert df.loc[df["tick"] <= 77, "active"].max() == 0


def test_run4_jump_at_77():
    m = Model("epstein2002-run4", rng=0)
    n = m.state.n_citizens
    hardship = m.state.hardship[:n].copy()
    m.run(76)
    np.testing.assert_allclose(m.state.grievance[:n], hardship * (1 - 0.9), atol=1e-12)
    m.run(1)
    np.testing.assert_allclose(m.state.grievance[:n], hardship * (1 - 0.7), atol=1e-12)
    m.run()
    df = m.get_model_vars_dataframe()
    leg = df.set_index("tick")["legitimacy"]
    assert (leg.loc[:76] == 0.9).all()
    assert (leg.loc[77:] == 0.7).all()
    assert df.loc[df["tick"] <= 76, "active"].max() == 0
    # f(0.7, P ≈ 0.99) ≈ 0.067 of citizens are bold enough even under heavy policing
    assert df.loc[df["tick"] >= 77, "active"].max() > 0


def expected_cops(t: int) -> int:
    if t < 50:
        return 118
    if t >= 550:
        return 0
    return round(1600 * 0.074 * (550 - t) / 500)


def test_run5_cop_count_falls_linearly():
    m = Model("epstein2002-run5", rng=0)
    for stop in (49, 50, 177, 300, 549, 550, 600):
        m.run(stop - m.tick)
        st = m.state
        on_duty = int(((st.kind == K_COP) & (st.state != S_OFF)).sum())
        assert on_duty == expected_cops(stop)
        assert int((st.code == COP).sum()) == on_duty
        off = (st.kind == K_COP) & (st.state == S_OFF)
        assert (st.pos[off] == -1).all()
    df = m.get_model_vars_dataframe()
    cops = df["cops"].to_numpy()
    np.testing.assert_array_equal(cops, [expected_cops(t) for t in range(601)])
    assert cops[0] == 118 and cops[550] == 0
    assert (np.diff(cops) <= 0).all()
    # linear: least-squares slope over 50..550 is −118.4/500 per tick
    t = np.arange(50, 551)
    slope = np.polyfit(t, cops[50:551], 1)[0]
    assert slope == pytest.approx(-118.4 / 500, rel=0.01)


def test_set_event_and_ramp_from_a_mapping():
    """Events are data: a scenario mapping with a cop-density step and a threshold ramp."""
    sc = {
        "base": None,
        "world": {"width": 20, "height": 20},
        "population": {"vision": 3, "legitimacy": 0.8},
        "police": {"density": 0.05, "vision": 3},
        "timeline": [
            {"kind": "set", "path": "police.density", "at": 10, "value": 0.1},
            {"kind": "ramp", "path": "population.threshold", "start": 5, "end": 15,
             "start_value": 0.1, "end_value": 0.2},
        ],
        "ticks": 20,
    }
    sc.pop("base")
    m = Model(sc, rng=1)
    n = m.state.n_citizens
    for stop in range(1, 21):
        m.run(1)
        want_t = 0.1 if stop <= 5 else (0.2 if stop >= 15 else 0.1 + 0.01 * (stop - 5))
        np.testing.assert_allclose(m.state.threshold[:n], want_t, atol=1e-12)
    cops = m.get_model_vars_dataframe().set_index("tick")["cops"]
    assert (cops.loc[:9] == 20).all() and (cops.loc[10:] == 40).all()

"""Regression tests of three bugs of issue 15, each failing before its fix.

(a) a fall in police density took defectors off the lattice as if they were on duty;
(b) news with ``target: hardship`` overwrote the sites' hardship shocks and concessions;
(c) the fast engine silently ignored a curfew (it has no movement probability).
"""

from __future__ import annotations

import numpy as np
import pytest

from uprising import Model
from uprising.engine.codes import ACTIVE, COP, K_COP, K_DEFECTOR, S_ACTIVE, S_OFF
from uprising.scenario import ScenarioError, load_scenario
from uprising.simulation.sites import MultiSiteModel
from uprising.testing import handmade_world


def _defector_world() -> Model:
    m = Model("epstein2002-run2", rng=0, overrides=[
        "world.width=15", "world.height=15", "population.density=0.5", "police.density=0.1",
        "population.vision=3", "police.vision=3", "rules.movement=false",
        "rules.cops_move_when_movement_off=false", "ticks=50", "defection.enabled=true",
        "defection.threshold={dist: constant, value: 0.99}", "population.legitimacy=0.99"])
    m = handmade_world(m, [(1, 1, False)], cops=[(7, 7), (10, 10)])
    st = m.state
    defector = st.n_citizens  # the first cop slot changed sides: an always-active citizen
    st.kind[defector] = K_DEFECTOR
    st.state[defector] = S_ACTIVE
    st.code[st.pos[defector]] = ACTIVE
    return m


def test_a_density_cut_never_removes_a_defector() -> None:
    # One cop on duty and one defector; the density falls to 0. Only the cop leaves duty; the
    # defector keeps its cell and state (on main both were taken off: the defector counted
    # as a cop on duty).
    m = _defector_world()
    st = m.state
    defector, cop = st.n_citizens, st.n_citizens + 1
    cell = int(st.pos[defector])
    m.set_parameter("police.density", 0.0)
    assert st.state[cop] == S_OFF and st.kind[cop] == K_COP
    assert st.kind[defector] == K_DEFECTOR and st.state[defector] == S_ACTIVE
    assert st.pos[defector] == cell and st.code[cell] == ACTIVE
    assert int((st.code == COP).sum()) == 0


def test_a_defectors_survive_the_end_of_a_crackdown() -> None:
    # Cops defect (irreversibly) in a restive world; a crackdown doubles the police at t = 20
    # and ends at t = 60, sending police home. Every tick, citizens = quiet + active + jailed −
    # defectors, and the defectors never fall (on main, the density cut sent protesting
    # ex-cops off the lattice, so both failed).
    m = Model("epstein2002-run2", rng=0, overrides=[
        "ticks=100", "population.legitimacy=0.7", "defection.enabled=true",
        "defection.threshold={dist: uniform, low: 0.1, high: 0.6}",
        "government={mode: script, crackdown: {police_factor: 2, duration: 40}, "
        "script: [{at: 20, action: crackdown}]}"])
    m.run()
    ts = m.get_model_vars_dataframe()
    assert ts["defected"].iloc[59] > 0
    people = ts["quiet"] + ts["active"] + ts["jailed"] - ts["defected"]
    assert bool((people == m.state.n_citizens).all())
    assert bool((ts["defected"].diff().iloc[1:] >= 0).all())


def _news_sites(timeline: list[dict]) -> MultiSiteModel:
    sc = load_scenario({
        "world": {"width": 20, "height": 20}, "population": {"vision": 4, "legitimacy": 0.7},
        "police": {"vision": 4, "density": 0.04}, "rules": {"arrest_ratio": "floor"},
        "ticks": 20, "timeline": timeline,
        "sites": [{"name": "a"}, {"name": "b"}],
        "news": {"gain": 2.0, "target": "hardship", "delay": 0},
    })
    return MultiSiteModel(sc, rng=1)


@pytest.mark.parametrize("event", [
    {"kind": "scale", "at": 5, "path": "population.hardship_scale", "factor": 1.3},
    {"kind": "concession", "at": 5, "legitimacy_gain": 0.0, "hardship_factor": 0.5},
])
def test_b_news_multiplies_hardship_and_keeps_shocks_and_concessions(event: dict) -> None:
    m = _news_sites([event])
    m.run(12)
    expected = event.get("factor", event.get("hardship_factor"))
    for i, site in enumerate(m.models):
        assert site.params["groups.all.hardship_scale"] == pytest.approx(expected)
        n = site.state.n_citizens
        news = 1.0 + 2.0 * float(m.news_at(12)[i])
        g = np.minimum(site.state.hardship[:n] * expected * news, 1.0) * (1 - 0.7)
        np.testing.assert_allclose(site.state.grievance[:n], g)


@pytest.mark.parametrize(("extra", "named"), [
    ({"curfew": {"move_probability": 0.3}}, "curfew.move_probability"),
    ({"government": {"mode": "script", "emergency": {"move_probability": 0.3},
                     "script": [{"at": 5, "action": "emergency"}]}}, "government.emergency"),
    ({"timeline": [{"kind": "set", "at": 5, "path": "rules.move_probability", "value": 0.3}]},
     "rules.move_probability"),
])
def test_c_fast_engine_refuses_a_curfew_naming_it(extra: dict, named: str) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario({"engine": "fast", "ticks": 20, **extra})
    assert named in str(err.value) and "engine" in str(err.value)

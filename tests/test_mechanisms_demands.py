"""Two-dimensional demands (issue 15, docs/ODD.md §8.1 E11): exact formulas and validation.

G = ((1 − ω_g)·min(1, H·h_g) + ω_g·A)·(1 − L_g); a concession of credibility c adds c·ΔL,
multiplies hardship by 1 − c·(1 − f) and moves ω by χ·(1 − c)·(1 − ω); each tick
ω += min(1, μ·m_g + κ·r)·(1 − ω) − λ·(ω − ω₀).
"""

from __future__ import annotations

import numpy as np
import pytest

from uprising import Model
from uprising.scenario import ScenarioError, load_scenario

DEMANDS = ["demands.enabled=true", "ticks=20"]


def test_grievance_mixes_economic_and_political_parts() -> None:
    m = Model("epstein2002-run2", rng=4, overrides=[*DEMANDS, "demands.political_weight=0.3"])
    n = m.state.n_citizens
    h, a = m.state.hardship[:n], m.state.alienation[:n]
    assert a.std() > 0.2 and abs(np.corrcoef(h, a)[0, 1]) < 0.1  # independent draws
    np.testing.assert_allclose(m.state.grievance[:n], (0.7 * h + 0.3 * a) * (1 - 0.82))


def test_demands_off_leave_the_draws_and_grievance_of_epstein() -> None:
    on = Model("epstein2002-run2", rng=4, overrides=DEMANDS)  # ω₀ = 0: G = H·(1 − L)
    off = Model("epstein2002-run2", rng=4, overrides=["ticks=20"])
    np.testing.assert_array_equal(on.state.hardship, off.state.hardship)
    np.testing.assert_allclose(on.state.grievance, off.state.grievance)
    assert len(off.state.alienation) == 0


@pytest.mark.parametrize("c", [0.0, 0.4, 1.0])
def test_concession_credibility_scales_what_is_believed(c: float) -> None:
    m = Model("epstein2002-run2", rng=4, overrides=[
        *DEMANDS, "demands.political_weight=0.2", "demands.concession_shift=0.5"])
    m.concede(legitimacy_gain=0.1, hardship_factor=0.6, credibility=c)
    assert m.params["groups.all.legitimacy"] == pytest.approx(0.82 + c * 0.1)
    assert m.params["groups.all.hardship_scale"] == pytest.approx(1 - c * 0.4)
    assert m.parameters.weight[0] == pytest.approx(0.2 + 0.5 * (1 - c) * 0.8)


def test_weight_update_formula() -> None:
    m = Model("epstein2002-run2", rng=4, overrides=[
        *DEMANDS, "demands.political_weight=0.1", "demands.mobiliser_shift=10",
        "demands.repression_shift=2", "demands.relaxation=0.05"])
    m.parameters.weight[:] = 0.5
    m.parameters.update_demands(np.array([0.01]), 0.02)
    push = 10 * 0.01 + 2 * 0.02
    assert m.parameters.weight[0] == pytest.approx(0.5 + push * 0.5 - 0.05 * 0.4)


def test_mobilisers_move_demands_to_politics_in_a_run() -> None:
    m = Model("epstein2002-run2", rng=1, overrides=[
        *DEMANDS, "mobilisers.share=0.003", "demands.mobiliser_shift=10", "ticks=60"])
    m.run()
    w = m.get_model_vars_dataframe()["political_weight"]
    assert w.iloc[0] == 0.0 and w.iloc[-1] > 0.01 and bool((w.diff().iloc[1:] >= 0).all())


@pytest.mark.parametrize(("field", "value"), [
    ("demands.concession_shift", 1.5), ("demands.political_weight", -0.1),
    ("demands.mobiliser_shift", -1), ("demands.relaxation", 2),
])
def test_bad_demands_name_the_field(field: str, value: float) -> None:
    section, key = field.split(".")
    with pytest.raises(ScenarioError) as err:
        load_scenario({section: {"enabled": True, key: value}})
    assert key in str(err.value)


def test_bad_credibility_names_the_field() -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario({"timeline": [{"kind": "concession", "at": 5, "credibility": 1.2}]})
    assert "credibility" in str(err.value)
    with pytest.raises(ScenarioError) as err:
        load_scenario({"government": {"mode": "rule", "concede": {"credibility": -0.1}}})
    assert "credibility" in str(err.value)

"""A group's legitimacy as an offset from the population's, kept through shocks (the alienated
minority of the 2022 case: ``national.groups.legitimacy_offset``, ``russian_offset``)."""

from __future__ import annotations

import numpy as np
import pytest

from frame_worlds import small_nation
from uprising import Model
from uprising.casestudy.parameters import apply_values
from uprising.scenario import ScenarioError, load_scenario
from uprising.simulation.factory import make_model

TWO_GROUPS = ("groups=[{name: a, share: 0.5, legitimacy_offset: -0.1}, "
              "{name: b, share: 0.5}]")


def test_offset_sets_the_group_legitimacy_and_follows_every_change_of_the_population() -> None:
    m = Model("epstein2002-run2", rng=0, overrides=[TWO_GROUPS, "population.legitimacy=0.8"])
    p = m.parameters
    assert p.values["groups.a.legitimacy"] == pytest.approx(0.7)
    assert p.values["groups.b.legitimacy"] == 0.8
    changed = p.set("population.legitimacy", 0.5)
    assert p.values["groups.a.legitimacy"] == pytest.approx(0.4)
    assert p.values["groups.b.legitimacy"] == 0.5
    assert set(changed) == {"population.legitimacy", "groups.a.legitimacy",
                            "groups.b.legitimacy"}
    p.set("population.legitimacy", 0.05)  # clipped at 0, not negative
    assert p.values["groups.a.legitimacy"] == 0.0


def test_offset_reaches_grievance() -> None:
    m = Model("epstein2002-run2", rng=3, overrides=[TWO_GROUPS, "population.legitimacy=0.8"])
    n = m.state.n_citizens
    g, h = m.state.group[:n], m.state.hardship[:n]
    assert np.allclose(m.state.grievance[:n][g == 0], h[g == 0] * 0.3)
    assert np.allclose(m.state.grievance[:n][g == 1], h[g == 1] * 0.2)


def test_a_zero_offset_changes_no_bit() -> None:
    plain = Model("epstein2002-run2", rng=5, overrides=[
        "groups=[{name: a, share: 0.5}, {name: b, share: 0.5}]", "ticks=30"])
    zero = Model("epstein2002-run2", rng=5, overrides=[
        "groups=[{name: a, share: 0.5, legitimacy_offset: 0.0}, {name: b, share: 0.5}]",
        "ticks=30"])
    plain.run()
    zero.run()
    assert plain.get_model_vars_dataframe().equals(zero.get_model_vars_dataframe())


@pytest.mark.parametrize("group", [
    "{name: a, share: 1.0, legitimacy: 0.5, legitimacy_offset: 0.1}",
    "{name: a, share: 1.0, legitimacy_offset: 1.5}",
])
def test_bad_offsets_are_refused_naming_the_field(group: str) -> None:
    with pytest.raises(ScenarioError, match="legitimacy"):
        load_scenario("epstein2002-run2", [f"groups=[{group}]"])


def test_national_offset_is_kept_through_the_regional_price_shock() -> None:
    data = small_nation(groups={"enabled": True, "legitimacy_offset": {"russian": -0.05}})
    m = make_model(load_scenario(data), rng=1)
    mangystau = m.models[0]
    groups = {g.name: g for g in mangystau.scenario.groups}
    assert groups["russian"].legitimacy_offset == -0.05 and groups["kazakh"].legitimacy is None
    values = mangystau.parameters.values
    assert values["groups.russian.legitimacy"] == pytest.approx(0.89 - 0.05)
    m.run()  # the trigger sets Mangystau's L to 0.5 at the start
    values = mangystau.parameters.values
    assert values["population.legitimacy"] == 0.5
    assert values["groups.kazakh.legitimacy"] == 0.5
    assert values["groups.russian.legitimacy"] == pytest.approx(0.45)


def test_national_offset_and_legitimacy_of_one_group_are_refused() -> None:
    data = small_nation(groups={"enabled": True, "legitimacy": {"russian": 0.9},
                                "legitimacy_offset": {"russian": -0.05}})
    with pytest.raises(ScenarioError, match=r"legitimacy_offset\.russian"):
        load_scenario(data)


def test_the_free_parameter_switches_the_groups_on() -> None:
    out = apply_values({"national": {}}, {"russian_offset": -0.02})
    assert out["national"]["groups"] == {"enabled": True,
                                         "legitimacy_offset": {"russian": -0.02}}
    with pytest.raises(ValueError, match="russian_offset"):
        apply_values({"national": {}}, {"russian_offset": 2.0})

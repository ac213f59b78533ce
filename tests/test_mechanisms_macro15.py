"""Endogenous elite cohesion and the government's observation model (issue 15, item 5)."""

from __future__ import annotations

import pytest

from uprising.actors.common import PoliceLevers, Reported
from uprising.actors.elite import EliteActor
from uprising.actors.government import GovernmentActor
from uprising.scenario.actors import Elite, Government
from uprising.testing import ScriptedModel


def test_cohesion_erodes_with_unrest_above_tolerance() -> None:
    # Shares 0.05 (tolerated), then 0.25 for two ticks: c = 1 − 2·0.2 = 0.6 → 0.2.
    elite = EliteActor(Elite(enabled=True, erosion=2.0, tolerance=0.05))
    m = ScriptedModel([0, 50, 250, 250, 0], [elite], n_citizens=1000)
    m.run(4)
    assert elite.cohesion == pytest.approx(0.2)
    assert [e["action"] for e in m.events] == ["erode", "erode"]
    assert m.params["police.loyalty_scale"] == pytest.approx(0.2)


def test_cohesion_is_exogenous_without_erosion() -> None:
    elite = EliteActor(Elite(enabled=True))
    m = ScriptedModel([0, 900, 900, 900], [elite], n_citizens=1000)
    m.run(3)
    assert elite.cohesion == 1.0 and m.events == []


def test_reported_counts_lag_and_bias() -> None:
    r = Reported(lag=2, bias=0.5)
    assert [r.observe(v) for v in (0.1, 0.2, 0.3, 0.4)] == pytest.approx([0.05, 0.05, 0.05, 0.1])


def test_government_acts_on_reported_not_true_unrest() -> None:
    # True share 0.2 from tick 1 on. Truthful, the government sees it before tick 2. Reported
    # with lag 3 and bias 0.5, it sees 0.5·0.2 = 0.1 ≥ θ = 0.1 only before tick 5.
    def first_crackdown(lag: int, bias: float) -> int:
        cfg = Government(mode="rule", crackdown={"threshold": 0.1},
                         reporting={"lag": lag, "bias": bias})
        gov = GovernmentActor(cfg, PoliceLevers(1.0))
        m = ScriptedModel([0] + [200] * 10, [gov], n_citizens=1000)
        m.run(10)
        return next(e["tick"] for e in m.events if e["action"] == "crackdown")

    assert first_crackdown(0, 1.0) == 2
    assert first_crackdown(3, 0.5) == 5


def test_legitimacy_coupling_spills_a_shock_over_to_the_other_group() -> None:
    from uprising import Model

    groups = ("groups=[{name: a, share: 0.5, legitimacy: 0.8}, "
              "{name: b, share: 0.5, legitimacy: 0.8}]")
    shock = "timeline=[{kind: set, at: 2, path: population.legitimacy, value: 0.6, group: a}]"

    def legit_b(gamma: float) -> float:
        m = Model("epstein2002-run2", rng=0, overrides=[
            groups, shock, f"crowd.legitimacy_coupling={gamma}", "ticks=3"])
        m.run()
        return m.params["groups.b.legitimacy"]

    assert legit_b(0.0) == pytest.approx(0.8)
    # Before t = 2 the shock (a: 0.6), then coupling: L̄ = 0.7 (equal halves), b → 0.75,
    # a → 0.65; before t = 3 again: L̄ = 0.7, b → 0.725.
    assert legit_b(0.5) == pytest.approx(0.725)

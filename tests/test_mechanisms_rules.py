"""Exact rule tests of the article's micro mechanisms on hand-made worlds (issue 4)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from uprising import Model
from uprising.engine.codes import (
    F_MOBILISER,
    K_COP,
    K_DEFECTOR,
    S_ACTIVE,
    S_QUIET,
)
from uprising.engine.mechanisms import float_ratio, local_active_share, reluctance_skip_probability
from uprising.engine.rules import arrest_ratio
from uprising.simulation.parameters import WeaknessSignal
from uprising.testing import CitizenSpec, handmade_world

GROUPS_AB = "groups=[{name: a, share: 0.5}, {name: b, share: 0.5}]"


def handmade(overrides: list[str], citizens: list[CitizenSpec], cops: list[tuple[int, int]],
             off_duty_cops: int = 0) -> Model:
    """Returns a 15×15 Run 2 model (vision 3, nobody moves) holding exactly the given agents."""
    m = Model("epstein2002-run2", rng=0, overrides=[
        "world.width=15", "world.height=15", "population.density=0.5", "police.density=0.1",
        "population.vision=3", "police.vision=3", "rules.movement=false",
        "rules.cops_move_when_movement_off=false", "ticks=50", *overrides])
    return handmade_world(m, citizens, cops, off_duty_cops=off_duty_cops)


def _set_citizen(m: Model, i: int, g: float, r: float, group: int = 0) -> None:
    m.state.hardship[i] = g  # L is set to 0 by the callers, so G = H
    m.state.risk_aversion[i] = r
    m.state.group[i] = group
    m.parameters.refresh_citizens(m.state, 0)


def test_group_counts_follow_shares_and_legitimacy_is_per_group() -> None:
    m = Model("epstein2002-run2", rng=3, overrides=[
        "groups=[{name: a, share: 0.3, legitimacy: 0.9}, {name: b, share: 0.7, legitimacy: 0.5}]"
    ])
    n = m.state.n_citizens
    g = m.state.group[:n]
    assert np.bincount(g).tolist() == [336, 784]  # 0.3 and 0.7 of 1120
    h = m.state.hardship[:n]
    assert np.allclose(m.state.grievance[:n][g == 0], h[g == 0] * 0.1)
    assert np.allclose(m.state.grievance[:n][g == 1], h[g == 1] * 0.5)


def test_float_ratio_rules_agree_with_integer_rules_on_integer_crowds() -> None:
    for c in range(6):
        for a in range(1, 6):
            for rule in range(4):
                assert float_ratio(c, float(a), rule) == arrest_ratio(c, a, rule)


@pytest.mark.parametrize(("weight", "expect_active"), [(0.0, False), (1.0, True)])
def test_in_group_counting_weights_out_group_actives(weight: float, expect_active: bool) -> None:
    # Citizen 0 (group a) sees one cop and three always-active citizens of group b. Counting
    # only its own group (w = 0) it is alone: A = 1, floor(C/A) = 1, P = 0.8997, and
    # G − R·P = 0.5 − 0.45 < T. Counting everyone (w = 1): A = 4, floor(1/4) = 0, P = 0: active.
    m = handmade(
        [GROUPS_AB, "crowd.in_group_only=true", f"crowd.out_group_weight={weight}",
         "population.legitimacy=0"],
        citizens=[(7, 7, False), (6, 7, True), (7, 6, True), (6, 6, True)],
        cops=[(8, 7)],
    )
    _set_citizen(m, 0, g=0.5, r=0.5, group=0)
    for i in (1, 2, 3):
        _set_citizen(m, i, g=1.0, r=0.0, group=1)
    m.step()
    assert bool(m.state.state[0] == S_ACTIVE) is expect_active


def test_mobilisers_stay_active_and_lower_neighbours_threshold() -> None:
    # No cops, so P = 0 and a citizen is active iff G > T_eff. Citizen 0 has G = 0.08 < T = 0.1,
    # but one mobiliser in view lowers T by 0.05 to 0.05 < 0.08. The mobiliser has G = 0.
    def run(with_mobiliser: bool) -> tuple[int, int]:
        m = handmade(
            ["mobilisers.share=0.01", "mobilisers.threshold_drop=0.05",
             "population.legitimacy=0"],
            citizens=[(7, 7, False), (8, 8, with_mobiliser)], cops=[],
        )
        m.state.flags[:] = 0
        if with_mobiliser:  # a mobiliser is active from the start (it always is while free)
            m.state.flags[1] = F_MOBILISER
        _set_citizen(m, 0, g=0.08, r=0.5)
        _set_citizen(m, 1, g=0.0, r=0.5)
        m.step()
        return int(m.state.state[0]), int(m.state.state[1])

    assert run(False) == (S_QUIET, S_QUIET)
    assert run(True) == (S_ACTIVE, S_ACTIVE)


def test_reluctance_probability_formula() -> None:
    assert reluctance_skip_probability(5, 0, 1.0, 2.0) == 0.0  # fully loyal never skips
    assert reluctance_skip_probability(2, 0, 0.0, 2.0) == pytest.approx(0.5)  # r = r½
    assert reluctance_skip_probability(6, 2, 0.5, 2.0) == pytest.approx(0.5 * 2 / 4)
    assert reluctance_skip_probability(0, 3, 0.0, 2.0) == 0.0


@pytest.mark.parametrize(("loyalty", "arrests_expected"), [(1.0, True), (0.0, False)])
def test_disloyal_cop_skips_arrests(loyalty: float, arrests_expected: bool) -> None:
    # half_ratio 1e-6 makes r/(r + r½) ≈ 1, so the skip probability is ≈ 1 − ℓ.
    m = handmade(
        ["reluctance.enabled=true", "reluctance.half_ratio=1e-6", "population.legitimacy=0",
         f"police.loyalty={{dist: constant, value: {loyalty}}}"],
        citizens=[(6, 7, True), (8, 7, True), (7, 6, True)], cops=[(7, 7)],
    )
    for i in range(3):
        _set_citizen(m, i, g=1.0, r=0.0)
    m.state.loyalty[m.state.n_citizens] = loyalty
    m.run(10)
    ts = m.get_model_vars_dataframe()
    assert bool(ts["arrests"].sum() > 0) is arrests_expected
    assert bool(ts["reluctant"].sum() > 0) is not arrests_expected


def test_cop_defects_when_local_share_exceeds_threshold() -> None:
    m = handmade(
        ["defection.enabled=true", "defection.join_crowd=true", "population.legitimacy=0",
         "defection.threshold={dist: constant, value: 0.5}"],
        citizens=[(6, 7, True), (8, 7, True), (7, 6, False)], cops=[(7, 7)],
    )
    for i in range(3):
        _set_citizen(m, i, g=1.0 if i < 2 else 0.0, r=0.0)
    cop = m.state.n_citizens
    m.step()
    assert m.state.kind[cop] == K_DEFECTOR  # share 2/3 > 0.5
    assert m.state.state[cop] == S_ACTIVE  # joined the crowd
    row = m.last_row()
    assert row["defected"] == 1 and row["cops"] == 0


def test_cop_stays_loyal_below_threshold() -> None:
    m = handmade(
        ["defection.enabled=true", "population.legitimacy=0",
         "defection.threshold={dist: constant, value: 0.9}"],
        citizens=[(6, 7, True), (8, 7, False), (7, 6, False)], cops=[(7, 7)],
    )
    for i in range(3):
        _set_citizen(m, i, g=1.0 if i == 0 else 0.0, r=0.0)
    m.step()
    assert m.state.kind[m.state.n_citizens] == K_COP
    assert local_active_share(1, 2) == pytest.approx(1 / 3)


def test_violent_crowd_damages_adjacent_target_and_lethal_arrest_kills() -> None:
    # Four always-active citizens around a target at (7, 7): each sees ≥ 3 other actives, so
    # with crowd_threshold 4 (self included) all turn violent and damage the target. A cop
    # with protester casualty rate 1 kills the violent citizen it arrests.
    m = handmade(
        ["violence.enabled=true", "violence.crowd_threshold=4", "violence.damage_per_tick=0.25",
         "violence.target_cells=[[7, 7]]", "violence.force_level=lethal",
         "violence.casualty_rates={restrained: {protester: 0, police: 0}, normal: {protester: 0,"
         " police: 0}, lethal: {protester: 1.0, police: 0}}", "population.legitimacy=0"],
        citizens=[(6, 7, True), (8, 7, True), (7, 6, True), (7, 8, True)], cops=[], off_duty_cops=1,
    )
    for i in range(4):
        _set_citizen(m, i, g=1.0, r=0.0)
    m.step()
    row = m.last_row()
    assert row["violent"] == 4
    assert m.state.damage[0] == pytest.approx(1.0)  # 4 × 0.25
    assert row["targets_destroyed"] == 1
    cop = m.state.n_citizens
    m.state.pos[cop] = 9 * 15 + 9
    m.state.occupant[9 * 15 + 9] = cop
    m.state.code[9 * 15 + 9] = 4
    m.state.state[cop] = S_QUIET
    m.step()
    row = m.last_row()
    assert row["killed"] == 1 and row["jailed"] == 0 and row["arrests"] == 0


def test_curfew_zero_move_probability_freezes_citizens() -> None:
    m = Model("epstein2002-run2", rng=1, overrides=[
        "police.density=0", "curfew.move_probability=0", "ticks=20"])
    before = m.state.pos[: m.state.n_citizens].copy()
    m.run()
    assert np.array_equal(before, m.state.pos[: m.state.n_citizens])
    free = Model("epstein2002-run2", rng=1, overrides=["police.density=0", "ticks=20"])
    free.run()
    assert not np.array_equal(before, free.state.pos[: free.state.n_citizens])


def test_blackout_event_shrinks_vision_for_its_period() -> None:
    m = Model("epstein2002-run2", rng=1, overrides=[
        "ticks=20",
        "timeline=[{kind: set, at: 5, path: population.vision, value: 1.5},"
        " {kind: set, at: 10, path: population.vision, value: 7}]",
    ])
    m.run(4)
    assert len(m.config.cit_offs) == 148
    m.run(2)
    assert len(m.config.cit_offs) == 8
    m.run(10)
    assert len(m.config.cit_offs) == 148


def test_scale_event_on_one_group_changes_only_that_group() -> None:
    m = Model("epstein2002-run2", rng=1, overrides=[
        "ticks=10", GROUPS_AB,
        "timeline=[{kind: scale, at: 3, path: population.legitimacy, factor: 0.5, group: b}]",
    ])
    m.run()
    ts = m.get_model_vars_dataframe()
    assert ts["legitimacy_a"].tolist() == [0.82] * 11
    assert ts["legitimacy_b"].tolist() == [0.82] * 3 + [0.41] * 8


def test_ramp_on_hardship_scale_raises_grievance() -> None:
    m = Model("epstein2002-run2", rng=1, overrides=[
        "ticks=10",
        "timeline=[{kind: ramp, start: 2, end: 6, path: population.hardship_scale, "
        "start_value: 1.0, end_value: 2.0}]",
    ])
    n = m.state.n_citizens
    h = m.state.hardship[:n].copy()
    m.run()
    assert np.allclose(m.state.grievance[:n], np.minimum(2 * h, 1) * (1 - 0.82))


def test_concession_gain_and_weakness_signal() -> None:
    sig = WeaknessSignal(groups=[0], strength=0.6, at=10, decay=5.0)
    assert sig.factor(9) == 1.0
    assert sig.factor(10) == pytest.approx(0.4)
    assert sig.factor(15) == pytest.approx(1 - 0.6 * math.exp(-1))
    m = Model("epstein2002-run2", rng=1, overrides=[
        "ticks=30", GROUPS_AB,
        "timeline=[{kind: concession, at: 5, groups: [a], legitimacy_gain: 0.1, "
        "hardship_factor: 0.5, weakness_signal: 0.6, decay_ticks: 5}]",
    ])
    n = m.state.n_citizens
    g = m.state.group[:n]
    r = m.state.risk_aversion[:n].copy()
    m.run(5)  # tick 5 is simulated with the concession in force
    assert m.params["groups.a.legitimacy"] == pytest.approx(0.92)
    assert m.params["groups.b.legitimacy"] == pytest.approx(0.82)
    assert np.allclose(m.state.risk[:n][g == 0], r[g == 0] * 0.4)
    assert np.allclose(m.state.risk[:n][g == 1], r[g == 1])
    h = m.state.hardship[:n]
    assert np.allclose(m.state.grievance[:n][g == 0], h[g == 0] * 0.5 * (1 - 0.92))

"""Consequences of violence for the macro actors (issue 15, items 4 and 5): a seized target
sets off the government's ``on_seized`` response, and targets the external power guards take no
damage (docs/ODD.md §8.1)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from frame_worlds import small_nation
from uprising import Model
from uprising.scenario import ScenarioError, load_scenario
from uprising.simulation.factory import make_model
from uprising.testing import ScriptedModel, handmade_world

# Two targets, (3, 3) = index 0 and (11, 11) = index 1; no cops on the lattice.
BASE = [
    "world.width=15", "world.height=15", "population.density=0.5", "police.density=0",
    "population.vision=3", "police.vision=3", "rules.movement=false",
    "rules.cops_move_when_movement_off=false", "ticks=50", "population.legitimacy=0",
    "violence.enabled=true", "violence.crowd_threshold=1",
    "violence.target_cells=[[3, 3], [11, 11]]",
]
HELP = ["government.mode=rule", "government.request_help={threshold: 1.0}",
        "external_power.enabled=true", "external_power.trigger=request",
        "external_power.request_factor=0", "external_power.delay_ticks=0",
        "external_power.reinforcement=static_posts"]


def _rioters(overrides: list[str]) -> Model:
    # An angry, fearless active next to each target (crowd threshold 1: both turn violent and
    # damage their target every tick); one content citizen far away keeps the share below 1.
    m = Model("epstein2002-run2", rng=0, overrides=BASE + overrides)
    m = handmade_world(m, [
        {"x": 4, "y": 3, "active": True, "g": 1.0, "r": 0.0},
        {"x": 10, "y": 11, "active": True, "g": 1.0, "r": 0.0},
        {"x": 0, "y": 14, "g": 0.0, "r": 0.0},
    ])
    m.parameters.refresh_citizens(m.state, 0)
    return m


def _gov(m: Model, action: str) -> list[dict]:
    return [e for e in m.events if e["actor"] == "government" and e["action"] == action]


def test_a_seized_target_sets_off_a_request_for_help_once_at_the_next_tick() -> None:
    m = _rioters(["violence.damage_per_tick=1.0", *HELP,
                  "government.on_seized={action: request_help, after: 1}"])
    m.step()
    assert m.last_row()["targets_destroyed"] == 2 and not _gov(m, "request_help")
    m.step()
    [ev] = _gov(m, "request_help")
    assert ev["tick"] == 2 and ev["reason"] == "seized" and ev["seized"] == 2
    [decide] = [e for e in m.events if e["actor"] == "external_power"
                and e["action"] == "decide"]
    assert decide["tick"] == 2 and decide["reason"] == "request"
    m.run(5)
    assert len(_gov(m, "request_help")) == 1


def test_on_seized_waits_for_after_targets() -> None:
    # 0.5 damage per tick: both targets are destroyed in tick 2, so after = 2 fires at tick 3.
    m = _rioters(["violence.damage_per_tick=0.5", *HELP,
                  "government.on_seized={action: request_help, after: 2}"])
    m.run(5)
    assert [e["tick"] for e in _gov(m, "request_help")] == [3]


def test_without_on_seized_nothing_fires() -> None:
    m = _rioters(["violence.damage_per_tick=1.0", *HELP])
    m.run(5)
    assert m.last_row()["targets_destroyed"] == 2
    assert not _gov(m, "request_help")
    assert not [e for e in m.events if e["actor"] == "external_power"]


def test_on_seized_on_the_scripted_model() -> None:
    sm = ScriptedModel.from_scenario(
        [0] * 6, {"government": {"mode": "rule", "crackdown": {"threshold": 1.0},
                                 "on_seized": {"action": "crackdown", "after": 1}},
                  "violence": {"enabled": True, "targets": 3}})
    sm.destroyed = [0, 0, 0, 1, 2, 3]
    sm.run(5)
    assert sm.actions("government") == [(4, "crackdown")]
    assert sm.events[0]["reason"] == "seized"


GUARD = ["government.mode=script", "government.request_help={threshold: 1.0}",
         "government.script=[{at: 1, action: request_help}]",
         "external_power.enabled=true", "external_power.trigger=request",
         "external_power.request_factor=0", "external_power.delay_ticks=0",
         "external_power.reinforcement=static_posts", "violence.damage_per_tick=0.2"]


@pytest.mark.parametrize(("guard", "expected"), [
    ("external_power.guard_targets=[0]", [0.0, 1.0]),
    ("external_power.guard_targets=all", [0.0, 0.0]),
    ("external_power.stay_ticks=1000", [1.0, 1.0]),  # no guard_targets: nothing guarded
])
def test_guarded_targets_take_no_damage(guard: str, expected: list[float]) -> None:
    m = _rioters([*GUARD, guard])
    m.run(8)
    assert m.state.damage.tolist() == pytest.approx(expected)


def test_guards_leave_when_the_power_withdraws() -> None:
    m = _rioters([*GUARD, "external_power.guard_targets=[0]", "external_power.stay_ticks=2"])
    m.run(2)
    assert m.state.damage[0] == 0.0 and m.state.damage[1] == pytest.approx(0.4)
    m.run(2)  # withdrawn at tick 3: target 0 is damaged in ticks 3 and 4
    assert m.state.damage.tolist() == pytest.approx([0.4, 0.8])


def test_guarding_keeps_the_series_of_an_unguarded_run() -> None:
    # Guarding changes damage only: same seed, same draws, same counts.
    common = ["ticks=30", "population.legitimacy=0.5", "violence.enabled=true",
              "violence.targets=5", "violence.crowd_threshold=3", *GUARD[:-1]]
    plain = Model("epstein2002-run2", rng=3, overrides=common).run()
    guarded = Model("epstein2002-run2", rng=3,
                    overrides=[*common, "external_power.guard_targets=all"]).run()
    assert guarded.state.damage.sum() == 0.0 < plain.state.damage.sum()
    a, b = plain.get_model_vars_dataframe(), guarded.get_model_vars_dataframe()
    assert a["active"].tolist() == b["active"].tolist()


@pytest.mark.parametrize(("override", "field"), [
    ("external_power.guard_targets=[2]", "external_power.guard_targets[0]"),
    ("external_power.guard_targets=[0, 0]", "external_power.guard_targets"),
    ("government.on_seized={action: request_help, after: 3}", "government.on_seized.after"),
    ("government.on_seized={action: crackdown}", "on_seized.action"),
])
def test_bad_settings_name_the_field(override: str, field: str) -> None:
    with pytest.raises((ScenarioError, ValueError), match=re.escape(field)):
        load_scenario("epstein2002-run2", overrides=[
            "violence.enabled=true", "violence.target_cells=[[3, 3], [11, 11]]",
            "external_power.enabled=true", "government.mode=rule",
            "government.request_help={threshold: 0.5}", override])


def test_the_fast_engine_refuses_guards() -> None:
    with pytest.raises((ScenarioError, ValueError), match="guard_targets"):
        load_scenario("epstein2002-run2", overrides=[
            "engine=fast", "external_power.enabled=true", "external_power.guard_targets=all"])


def _nation(guard: bool, sites: list[str]) -> dict:
    sc = small_nation(contingent={"enabled": True, "at": "2022-01-02T12:00",
                                  "regions": ["mangystau"], "sites": sites, "guard": guard})
    sc["violence"] = {"enabled": True, "targets": 6, "crowd_threshold": 1,
                      "damage_per_tick": 0.05}
    sc["population"]["legitimacy"] = 0.5
    return sc


def test_a_national_contingent_guards_its_regions_first_targets() -> None:
    m = make_model(load_scenario(_nation(True, ["airport", "akimat"])), rng=3)
    plain = make_model(load_scenario(_nation(False, ["airport", "akimat"])), rng=3).run()
    arrival = m.clock.tick_of(datetime.fromisoformat("2022-01-02T12:00"))
    i = m.names.index("mangystau")
    m.run(arrival - 1)
    before = m.models[i].state.damage.copy()
    (ev,) = [e for e in m.run().events if e["actor"] == "contingent"]
    assert ev["tick"] == arrival > m.burn_in and ev["guarded"] == {"mangystau": 2}
    assert m.models[i].state.guarded.tolist() == [1, 1, 0, 0, 0, 0]
    assert "guarded" not in next(e for e in plain.events if e["actor"] == "contingent")
    # same seed, same draws: only the guarded targets' damage after arrival differs
    assert m.get_model_vars_dataframe()["active"].tolist() == \
        plain.get_model_vars_dataframe()["active"].tolist()
    guarded, free = m.models[i].state.damage, plain.models[i].state.damage
    assert guarded[:2].tolist() == before[:2].tolist()
    assert guarded[:2].sum() < free[:2].sum() and guarded[2:].tolist() == free[2:].tolist()
    for j in range(len(m.models)):
        if j != i:
            assert m.models[j].state.damage.tolist() == plain.models[j].state.damage.tolist()


def test_national_guard_needs_targets_for_its_sites() -> None:
    sc = _nation(True, ["a", "b", "c", "d", "e", "f", "g"])
    with pytest.raises((ScenarioError, ValueError), match=re.escape("national.contingent.guard")):
        load_scenario(sc)

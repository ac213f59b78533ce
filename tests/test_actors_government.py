"""Government actor: rule unit tests on a scripted model, plus one seeded effect test."""

from __future__ import annotations

import numpy as np
import pytest

from uprising.actors import build_actors
from uprising.api import make_model
from uprising.scenario import ScenarioError, load_scenario
from uprising.testing import ScriptedModel


def sets(model: ScriptedModel, path: str) -> list[tuple[int, float]]:
    return [(t, v) for t, p, v in model.sets if p == path]


def test_crackdown_fires_once_at_the_first_tick_the_share_reaches_the_threshold(scripted):
    # share recorded at tick t is actives[t]/1000; the actor acts before tick t + 1
    m = scripted([0, 10, 40, 50, 80, 90, 90], government={
        "mode": "rule", "crackdown": {"threshold": 0.05, "police_factor": 1.5}})
    m.run(6)
    assert m.actions("government") == [(4, "crackdown")]
    assert sets(m, "police.density") == [(4, pytest.approx(0.06))]
    assert m.events[0]["observed_share"] == pytest.approx(0.05)
    assert m.events[0]["reason"] == "rule"


def test_window_averages_the_observed_share(scripted):
    # window 3: means after ticks 0..5 are 0, 0, 0.02, 0.04, 0.06 -> fires before tick 5
    m = scripted([0, 0, 60, 60, 60, 60], government={
        "mode": "rule", "window": 3, "crackdown": {"threshold": 0.05}})
    m.run(5)
    assert m.actions() == [(5, "crackdown")]


def test_repeatable_response_respects_max_times_and_cooldown(scripted):
    m = scripted([500] * 20, government={
        "mode": "rule",
        "crackdown": {"threshold": 0.1, "police_factor": 1.5, "max_times": 3, "cooldown": 5}})
    m.run(19)
    assert m.actions() == [(1, "crackdown"), (6, "crackdown"), (11, "crackdown")]
    values = [v for _, v in sets(m, "police.density")]
    assert values == pytest.approx([0.06, 0.09, 0.135])


def test_timed_crackdown_is_restored_after_its_duration(scripted):
    m = scripted([500] * 12, government={
        "mode": "rule",
        "crackdown": {"threshold": 0.1, "police_factor": 2.0, "max_term": "inf",
                      "force_level": "lethal", "duration": 4, "max_times": 2}})
    m.run(11)
    assert m.actions() == [(1, "crackdown"), (5, "crackdown_ended"), (5, "crackdown"),
                           (9, "crackdown_ended")]
    assert sets(m, "violence.force_level")[:2] == [(1, 2.0), (5, 1.0)]
    assert sets(m, "jail.max_term")[:2] == [(1, np.inf), (5, 30.0)]
    assert [v for _, v in sets(m, "police.density")][:3] == pytest.approx([0.08, 0.04, 0.08])


def test_emergency_and_information_cut_set_and_restore_their_parameters(scripted):
    m = scripted([0, 100, 100, 100, 100, 100, 100, 100], government={
        "mode": "rule",
        "emergency": {"threshold": 0.05, "move_probability": 0.25, "duration": 3},
        "cut_information": {"threshold": 0.08, "vision_factor": 0.5, "news_factor": 0.1,
                            "duration": 2}})
    gov = m.actors[0]
    m.run(2)
    assert gov.information_factor == 0.1
    m.run(5)
    assert m.actions() == [(2, "emergency"), (2, "cut_information"),
                           (4, "cut_information_ended"), (5, "emergency_ended")]
    assert sets(m, "rules.move_probability") == [(2, 0.25), (5, 1.0)]
    assert sets(m, "population.vision") == [(2, 3.5), (4, 7.0)]
    assert gov.information_factor == 1.0


def test_concession_calls_model_concede_with_its_settings(scripted):
    m = scripted([0, 30, 30], government={
        "mode": "rule",
        "concede": {"threshold": 0.02, "legitimacy_gain": 0.1, "hardship_factor": 0.9,
                    "weakness_signal": 0.4, "decay_ticks": 7}})
    m.run(2)
    assert m.concessions == [{"tick": 2, "groups": (), "legitimacy_gain": 0.1,
                              "hardship_factor": 0.9, "weakness_signal": 0.4, "decay_ticks": 7,
                                  "credibility": 1.0}]
    assert m.actions() == [(2, "concede")]


def test_script_mode_acts_at_the_listed_ticks_whatever_the_share(scripted):
    m = scripted([0] * 10, government={
        "mode": "script", "crackdown": {"police_factor": 2.0}, "emergency": {},
        "script": [{"at": 3, "action": "emergency"}, {"at": 7, "action": "crackdown"}]})
    m.run(9)
    assert m.actions() == [(3, "emergency"), (7, "crackdown")]
    assert all(e["reason"] == "script" for e in m.events)


@pytest.mark.parametrize(
    ("resolve", "elite", "first"),
    [
        (1.0, None, 2),  # threshold 0.05: share 0.05 after tick 1
        (0.5, None, 4),  # threshold 0.10
        (1.0, {"enabled": True, "cohesion": 0.5, "loyalty_sensitivity": 0.0}, 4),
        (0.0, None, None),  # no resolve: never cracks down
    ],
)
def test_resolve_and_elite_cohesion_raise_the_crackdown_threshold(scripted, resolve, elite, first):
    actives = [0, 50, 80, 100, 200, 300, 400]
    sections = {"government": {"mode": "rule", "resolve": resolve,
                               "crackdown": {"threshold": 0.05}}}
    if elite:
        sections["elite"] = elite
    m = scripted(actives, **sections)
    m.run(6)
    got = [t for t, a in m.actions("government") if a == "crackdown"]
    assert got == ([] if first is None else [first])


def test_request_for_help_signals_the_external_power_the_same_tick(scripted):
    m = scripted([0, 0, 20, 20, 20, 20, 20, 20, 20, 20], government={
        "mode": "rule", "request_help": {"threshold": 0.02}},
        external_power={"enabled": True, "trigger": "request", "delay_ticks": 4})
    m.run(9)
    assert m.actions() == [(3, "request_help"), (3, "decide"), (7, "arrive")]
    ext = [e for e in m.events if e["actor"] == "external_power"]
    assert ext[0]["reason"] == "request"


def test_request_without_external_power_is_logged_and_harmless(scripted):
    m = scripted([0, 50, 50], government={"mode": "rule", "request_help": {"threshold": 0.01}})
    m.run(2)
    assert m.events == [{"tick": 2, "actor": "government", "action": "request_help",
                         "external_power": False, "reason": "rule",
                         "observed_share": 0.05}]


def test_crackdown_in_a_real_model_adds_cops_and_is_saved_with_the_results(actors_scenario):
    sc = load_scenario({**actors_scenario, "ticks": 30, "government": {
        "mode": "script", "crackdown": {"police_factor": 2.0},
        "script": [{"at": 10, "action": "crackdown"}]}})
    model = make_model(sc, rng=5)
    model.run()
    df = model.get_model_vars_dataframe().set_index("tick")
    assert df.loc[9, "cops"] == 16  # round(0.04 * 400)
    assert df.loc[10, "cops"] == 32  # round(0.08 * 400)
    events = model.result().metadata["events"]
    assert [(e["tick"], e["action"]) for e in events] == [(10, "crackdown")]


def test_effect_rule_crackdown_lowers_later_activity(mean_active_after):
    """Epstein (2002) Run 2 logic: more cops deter rebellion. Seeds 0-11 (12 replicates each),
    20x20 world, 200 ticks, mean actives over ticks 50-200. Pilot (20 seeds): 8.2 without vs
    2.7 with a crackdown doubling police density. Pass: every paired seed lower and the mean
    at most 60 % of the baseline. Fails if the crackdown is off or lowers police density."""
    seeds = range(12)
    off = mean_active_after({}, seeds)
    crack = mean_active_after(
        {"government": {"mode": "rule", "crackdown": {"threshold": 0.03, "police_factor": 2.0}}},
        seeds,
    )
    assert (crack < off).all()
    assert crack.mean() < 0.6 * off.mean()


def test_rule_waits_for_start_tick(scripted):
    m = scripted([300] * 12, government={
        "mode": "rule", "start_tick": 8, "crackdown": {"threshold": 0.1}})
    m.run(11)
    assert m.actions() == [(8, "crackdown")]


def test_measure_violent_watches_the_violent_count(actors_scenario):
    sc = load_scenario({**actors_scenario, "violence": {"enabled": True}, "government": {
        "mode": "rule", "measure": "violent", "crackdown": {"threshold": 0.02}}})
    m = ScriptedModel([500] * 6, build_actors(sc), n_citizens=1000,
                      violent=[0, 5, 10, 19, 20, 30])
    m.run(5)
    assert m.actions() == [(5, "crackdown")]  # violent share 0.02 after tick 4
    with pytest.raises(ScenarioError, match=r"government\.measure = violent needs violence"):
        load_scenario({**actors_scenario, "government": {"mode": "rule", "measure": "violent",
                                               "crackdown": {}}})

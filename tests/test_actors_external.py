"""External power: stakes → threshold, trigger, delay, reinforcement; one seeded effect test."""

from __future__ import annotations

import itertools

import pytest

from uprising.api import make_model
from uprising.scenario import load_scenario
from uprising.scenario.actors import ExternalPower, intervention_threshold, stakes_index
from uprising.scenario.errors import ScenarioWarning

#: The seed article's figures: ~7,000 km border, Baikonur + Sary Shagan, 18.4 % ethnic Russians.
ARTICLE = {"border_km": 7000, "strategic_sites": 2, "diaspora_share": 0.184}


def test_stakes_index_of_the_article_figures():
    ep = ExternalPower(enabled=True, **ARTICLE)
    border, sites, diaspora = 7000 / 7644, 1.0, 0.184 / 0.25
    assert stakes_index(ep) == pytest.approx((border + sites + diaspora) / 3)
    assert intervention_threshold(ep) == pytest.approx(0.5 * (1 - (border + sites + diaspora) / 3))
    assert intervention_threshold(ExternalPower()) == 0.5  # no stakes: θ = θ_max
    full = ExternalPower(border_km=9000, strategic_sites=5, diaspora_share=0.5)
    assert stakes_index(full) == 1.0 and intervention_threshold(full) == 0.0


def test_threshold_falls_monotonically_with_every_stake():
    borders, sites, shares = [0, 2000, 5000, 7000, 7644, 9000], [0, 1, 2, 3], [0, 0.1, 0.184, 0.3]
    weights = {"border": 0.5, "sites": 0.3, "diaspora": 0.2}
    grid = {}
    for b, s, d in itertools.product(borders, sites, shares):
        ep = ExternalPower(border_km=b, strategic_sites=s, diaspora_share=d, weights=weights)
        assert 0.0 <= stakes_index(ep) <= 1.0
        grid[b, s, d] = intervention_threshold(ep)
    for (b, s, d), theta in grid.items():
        for nb in borders[borders.index(b) + 1:]:
            assert grid[nb, s, d] <= theta
            if nb <= 7644:
                assert grid[nb, s, d] < theta  # strictly below saturation
        for ns in sites[sites.index(s) + 1:]:
            assert grid[b, ns, d] <= theta
        for nd in shares[shares.index(d) + 1:]:
            assert grid[b, s, nd] < theta


def test_instability_above_theta_triggers_and_reinforcements_arrive_after_the_delay(scripted):
    # θ = 0.5·(1 − S) = 0.058 for the article figures; shares 0.05 then 0.06
    m = scripted([0, 50, 50, 60, 60] + [60] * 20,
                 external_power={"enabled": True, **ARTICLE, "delay_ticks": 6,
                                 "police_share": 0.02, "stay_ticks": 5})
    m.run(20)
    assert m.actions() == [(4, "decide"), (10, "arrive"), (15, "withdraw")]
    assert m.events[0]["reason"] == "instability"
    assert m.events[0]["arrival_tick"] == 10
    assert m.events[0]["theta"] == pytest.approx(intervention_threshold(
        ExternalPower(**ARTICLE)))
    assert [(t, v) for t, p, v in m.sets if p == "police.density"] == [
        (10, pytest.approx(0.06)), (15, pytest.approx(0.04))]


def test_no_stakes_no_intervention_at_the_same_unrest(scripted):
    m = scripted([0] + [100] * 20, external_power={"enabled": True, "delay_ticks": 0})
    m.run(20)  # share 0.1 < θ_max = 0.5
    assert m.actions() == []


def test_request_only_trigger_ignores_instability_and_respects_the_request_factor(scripted):
    # trigger = request, θ = 0.5 (no stakes), request honoured once share ≥ 0.2·0.5 = 0.1
    m = scripted([0, 600, 600, 50, 50, 120, 120, 120, 120, 120],
                 government={"mode": "script", "request_help": {},
                             "script": [{"at": 4, "action": "request_help"}]},
                 external_power={"enabled": True, "trigger": "request", "request_factor": 0.2,
                                 "delay_ticks": 2})
    m.run(9)
    assert m.actions() == [(4, "request_help"), (6, "decide"), (8, "arrive")]


def test_static_posts_free_local_police_and_compose_with_a_crackdown(scripted):
    m = scripted([0] + [300] * 10,
                 government={"mode": "rule", "crackdown": {"threshold": 0.2,
                                                           "police_factor": 2.0, "duration": 5}},
                 external_power={"enabled": True, "border_km": 7644, "strategic_sites": 2,
                                 "diaspora_share": 0.25, "reinforcement": "static_posts",
                                 "freed_share": 0.5, "delay_ticks": 2})
    m.run(10)
    # share 0 before tick 1, 0.3 from tick 2 on; θ = 0 (full stakes): decides at tick 2,
    # arrives at 4; crackdown in force 2..6, ended before tick 7
    assert m.actions() == [(2, "crackdown"), (2, "decide"), (4, "arrive"),
                           (7, "crackdown_ended")]
    assert [v for t, p, v in m.sets if p == "police.density"] == pytest.approx(
        [0.08, 0.12, 0.06])  # 0.04·2, 0.04·2·1.5, 0.04·1.5: the end of the crackdown keeps
    # the freed police


def test_intervention_in_a_real_model_is_logged_in_the_results(actors_scenario):
    sc = load_scenario({**actors_scenario, "ticks": 40, "external_power": {
        "enabled": True, **ARTICLE, "delay_ticks": 5, "police_share": 0.04}})
    model = make_model(sc, rng=1)
    model.run()
    events = model.result().metadata["events"]
    assert [e["action"] for e in events] == ["decide", "arrive"]
    decided, arrived = events[0]["tick"], events[1]["tick"]
    assert arrived == decided + 5
    cops = model.get_model_vars_dataframe().set_index("tick")["cops"]
    assert cops[arrived - 1] == 16 and cops[arrived] == 32


def test_effect_intervention_with_reinforcements_lowers_later_activity(mean_active_after):
    """Article/CSTO: the intervention restored order within days (kazakhstan_2022.md §2f).
    Seeds 0-11 (12 replicates per arm), 20x20, 200 ticks, mean actives over ticks 50-200,
    article stakes, delay 10 ticks, +0.04 police density. Pilot (20 seeds): 8.2 without vs
    2.7 with. Pass: every paired seed lower and the mean at most 60 % of the baseline. Fails
    if the power never intervenes or its reinforcements remove police."""
    seeds = range(12)
    off = mean_active_after({}, seeds)
    ext = mean_active_after({"external_power": {
        "enabled": True, **ARTICLE, "delay_ticks": 10, "police_share": 0.04}}, seeds)
    assert (ext < off).all()
    assert ext.mean() < 0.6 * off.mean()


def test_instability_trigger_waits_for_start_tick_but_a_request_does_not(scripted):
    m = scripted([300] * 12, external_power={"enabled": True, **ARTICLE, "start_tick": 6,
                                             "delay_ticks": 1})
    m.run(11)
    assert m.actions() == [(6, "decide"), (7, "arrive")]
    with pytest.warns(ScenarioWarning, match="request decides first"):  # stakes inert here
        m = scripted([300] * 12,
                     government={"mode": "script", "request_help": {},
                                 "script": [{"at": 3, "action": "request_help"}]},
                     external_power={"enabled": True, **ARTICLE, "start_tick": 6,
                                     "delay_ticks": 1})
    m.run(11)
    assert m.actions() == [(3, "request_help"), (3, "decide"), (4, "arrive")]

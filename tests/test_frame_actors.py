"""National actors: emergencies (scripted by date, or by rule) and the external contingent."""

from __future__ import annotations

from datetime import datetime

from frame_worlds import small_nation
from uprising.scenario import load_scenario
from uprising.simulation.factory import make_model


def _cops(m, name: str) -> int:
    return int(m.models[m.names.index(name)].last_row()["cops"])


def test_scripted_emergency_at_its_date_multiplies_police_there_only() -> None:
    when = "2022-01-02T10:00"
    m = make_model(load_scenario(small_nation(
        emergencies=[{"at": when, "regions": ["atyrau"], "police_factor": 2.0}])), rng=1)
    tick = m.clock.tick_of(datetime.fromisoformat(when))
    m.run(tick - 1)
    before = {n: _cops(m, n) for n in m.names}
    m.step()
    assert [e["tick"] for e in m.events if e["action"] == "emergency"] == [tick]
    assert _cops(m, "atyrau") == round(2 * before["atyrau"])
    assert {n: _cops(m, n) for n in ("mangystau", "aktobe")} == {
        n: before[n] for n in ("mangystau", "aktobe")}


def test_rule_emergency_fires_once_per_region_when_its_share_is_reached() -> None:
    m = make_model(load_scenario(small_nation(
        emergency_rule={"enabled": True, "share": 0.05, "police_factor": 1.5})), rng=2).run()
    fired = [e for e in m.events if e["action"] == "emergency"]
    assert fired and all(e["why"] == "rule" and e["share"] >= 0.05 for e in fired)
    assert len({e["region"] for e in fired}) == len(fired)
    assert "mangystau" in {e["region"] for e in fired}  # the triggered region
    assert all(e["tick"] > m.burn_in + 1 for e in fired)  # never during the burn-in


def test_contingent_scripted_frees_the_stated_police_in_named_regions() -> None:
    when = "2022-01-03T00:00"
    m = make_model(load_scenario(small_nation(contingent={
        "enabled": True, "at": when, "regions": ["aktobe"], "sites": ["airport"],
        "frees_police": 5000})), rng=3)
    tick = m.clock.tick_of(datetime.fromisoformat(when))
    m.run(tick - 1)
    before = _cops(m, "aktobe")
    m.step()
    assert _cops(m, "aktobe") == before + 5  # 5000 real police at 1000 people per agent
    (ev,) = [e for e in m.events if e["actor"] == "contingent"]
    assert ev["tick"] == tick and ev["sites"] == ["airport"]
    # the foreign troops are not agents: the only new police are the freed local ones
    assert all(m.models[i].state.n_citizens == m.citizens[i] for i in range(3))
    assert int((m.models[2].state.kind == 1).sum()) == len(m.models[2]._cop_ids())


def test_contingent_by_rule_arrives_when_the_national_share_is_reached() -> None:
    m = make_model(load_scenario(small_nation(contingent={
        "enabled": True, "national_share": 0.0, "regions": ["mangystau"],
        "frees_police": 1000})), rng=3).run()
    (ev,) = [e for e in m.events if e["actor"] == "contingent"]
    assert ev["tick"] == m.burn_in + 2


def test_rule_thresholds_in_real_people_and_population_shares() -> None:
    # 3000 people = 3 agents at 1000 people per agent; population share 0.4 % of ~0.7 M = ~3000
    for rule in ({"people": 3000}, {"population_share": 0.004}):
        m = make_model(load_scenario(small_nation(
            emergency_rule={"enabled": True, "police_factor": 1.5, **rule})), rng=2).run()
        fired = [e for e in m.events if e["action"] == "emergency"]
        assert fired
        for e in fired:
            i = m.names.index(e["region"])
            need = rule.get("people", 0.0) or rule.get("population_share", 0) * m.populations[i]
            assert e["people"] >= need
    m = make_model(load_scenario(small_nation(contingent={
        "enabled": True, "national_people": 5000, "regions": ["atyrau"]})), rng=3).run()
    (ev,) = [e for e in m.events if e["actor"] == "contingent"]
    tick = ev["tick"]
    assert sum(r[tick - 2]["active"] for r in m._rows) * 1000 < 5000 <= sum(
        r[tick - 1]["active"] for r in m._rows) * 1000


def test_scripted_emergency_may_restrict_movement() -> None:
    when = "2022-01-02T10:00"
    m = make_model(load_scenario(small_nation(emergencies=[
        {"at": when, "regions": ["aktobe"], "police_factor": 1.0, "move_probability": 0.3}])),
        rng=1)
    m.run(m.clock.tick_of(datetime.fromisoformat(when)))
    assert [x.params["rules.move_probability"] for x in m.models] == [1.0, 1.0, 0.3]


def test_a_disabled_contingent_stays_paired_until_it_would_have_arrived() -> None:
    # counterfactuals and ablations disable the contingent: its police head-room is allocated
    # either way, so both runs draw the same random numbers until its arrival
    when = "2022-01-03T00:00"
    runs = {}
    for enabled in (True, False):
        m = make_model(load_scenario(small_nation(contingent={
            "enabled": enabled, "at": when, "regions": ["aktobe"], "frees_police": 5000})),
            rng=3)
        m.run()
        runs[enabled] = m
    tick = runs[True].clock.tick_of(datetime.fromisoformat(when))
    rows = {k: [[r[t]["active"] for r in m._rows] for t in range(len(m._rows[0]))]
            for k, m in runs.items()}
    assert rows[True][: tick - 1] == rows[False][: tick - 1]
    assert _cops(runs[True], "aktobe") == _cops(runs[False], "aktobe") + 5
    assert not [e for e in runs[False].events if e["actor"] == "contingent"]

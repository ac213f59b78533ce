"""Detention as a process: distinct detainees vs detention events; capacity never exceeded."""

from __future__ import annotations

import numpy as np

from frame_worlds import small_nation
from uprising import Model
from uprising.engine.codes import S_JAILED
from uprising.scenario import load_scenario
from uprising.simulation.detention import DetentionTracker, release_excess
from uprising.simulation.factory import make_model
from uprising.simulation.national import NATIONAL
from uprising.testing import assert_lattice_consistent, handmade_world

SMALL = {"world": {"width": 9, "height": 9},
         "population": {"density": 0.1, "legitimacy": 0.0, "vision": 2},
         "police": {"density": 0.05, "k": 50.0, "vision": 2}, "rules": {"movement": False},
         "jail": {"max_term": 1}, "ticks": 40}


def test_agent_detained_twice_counts_once_as_distinct_and_twice_as_events() -> None:
    m = Model(SMALL, rng=5)
    # one always-active citizen next to a cop that arrests with P = 1 − exp(−50) ≈ 1;
    # a 1-tick term releases it near the arrest, where it is arrested again
    handmade_world(m, [{"x": 4, "y": 4, "g": 1.0, "r": 0.0, "t": 0.0}], [(4, 5)])
    tracker = DetentionTracker(m.state.n_citizens)
    events = 0
    distinct = []
    for _ in range(12):
        m.step()
        events += int(m.last_row()["arrests"])
        distinct.append(tracker.update(m.state.state, m.state.arrest_cell))
        assert_lattice_consistent(m)
    assert events >= 2  # detained at least twice ...
    assert distinct[-1] == 1  # ... one distinct person
    assert all(d <= m.state.n_citizens and d <= max(events, 1) for d in distinct)


def test_capacity_release_keeps_jail_within_capacity_and_the_lattice_consistent() -> None:
    m = Model(SMALL | {"jail": {"max_term": 20}}, rng=2)
    citizens = [{"x": x, "y": 2, "g": 1.0, "r": 0.0, "t": 0.0} for x in range(0, 9, 2)]
    handmade_world(m, citizens, [(x, 3) for x in range(1, 9, 2)])
    rng = np.random.default_rng(0)
    for _ in range(15):
        m.step()
        release_excess(m.state, 2, rng)
        n = m.state.n_citizens
        assert int((m.state.state[:n] == S_JAILED).sum()) <= 2
        assert_lattice_consistent(m)


def test_national_run_distinct_bounded_and_capacity_respected() -> None:
    data = small_nation(detention={"capacity_per_100k": 300, "term_days": 1})
    data["population"] = {"legitimacy": 0.5, "vision": 3}
    m = make_model(load_scenario(data), rng=4).run()
    ts = m.get_model_vars_dataframe()
    for i, name in enumerate(m.names):
        own = ts[ts["region"] == name]
        assert (own["jailed"] <= m.capacity[i]).all()
        events = own.loc[own["tick"] > 0, "arrests"].sum()  # detention events since the start
        assert own["distinct_detainees"].iloc[-1] <= min(m.citizens[i], events)
        assert own["distinct_detainees"].is_monotonic_increasing
    assert ts[ts["region"] == NATIONAL]["capacity_releases"].sum() > 0
    assert m.models[0].scenario.jail.max_term == 8  # 1 day of 3 h ticks


def test_preemptive_detention_takes_quiet_bystanders_near_the_rally_before_it() -> None:
    when = "2022-01-02T12:00"
    data = small_nation(detention={"preemptive": [
        {"at": when, "region": "aktobe", "radius": 2, "probability": 1.0}]})
    m = make_model(load_scenario(data), rng=6)
    tick = m.clock.tick_of(__import__("datetime").datetime.fromisoformat(when))
    m.run(tick - 1)
    st = m.models[2].state
    from uprising.simulation.detention import bystanders

    near = bystanders(st, m.models[2].scenario.world.width, 2)
    m.step()
    (ev,) = [e for e in m.events if e["action"] == "preemptive_detention"]
    assert ev["tick"] == tick and ev["detained"] == len(near) > 0
    row = m._rows[2][-1]
    assert row["outside_detentions"] == len(near)
    assert row["distinct_detainees"] >= len(near)  # bystanders count as distinct detainees
    ts = m.get_model_vars_dataframe()
    own = ts[(ts["region"] == "aktobe") & (ts["tick"] == tick - m.burn_in)]
    assert int(own["detention_events_agents"].iloc[0]) == row["arrests"] + len(near)


def _falling_nation() -> dict:
    """Three days; Mangystau's protest (its legitimacy 0.5) ends on day 2 (legitimacy 1)."""
    data = small_nation(detention={"capacity_per_100k": 1000, "term_days": 1,
                                   "sweep": {"enabled": True, "after_peak_drop": 0.5,
                                             "per_tick": 0.5, "days": 1}})
    data["national"]["regions"][0]["triggers"].append({"at": "2022-01-03T00:00", "value": 1.0})
    data["clock"]["days"] = 3
    return data


def test_post_peak_sweep_detains_former_participants_within_capacity() -> None:
    m = make_model(load_scenario(_falling_nation()), rng=4).run()
    sweeps = [e for e in m.events if e["action"] == "sweep"]
    assert len(sweeps) == 1
    ts = m.get_model_vars_dataframe()
    assert ts[ts["region"] == NATIONAL]["outside_detentions"].sum() > 0
    for i, name in enumerate(m.names):
        assert (ts[ts["region"] == name]["jailed"] <= m.capacity[i]).all()


def test_sweep_starts_only_when_a_whole_day_peak_falls_below_the_drop() -> None:
    # daily peaks decide: the day the sweep starts is the first whose peak is below
    # after_peak_drop × the highest earlier day's peak, never a dip within a day
    m = make_model(load_scenario(_falling_nation()), rng=4).run()
    (ev,) = [e for e in m.events if e["action"] == "sweep"]
    ts = m.get_model_vars_dataframe()
    nat = ts[ts["region"] == NATIONAL].set_index("tick")["active"]
    day = round(24 / m.clock.hours_per_tick)
    start = ev["tick"] - m.burn_in - 1  # ticks simulated before the sweep's first tick
    assert start > 0 and start % day == 0
    peaks = [nat.loc[k * day + 1:(k + 1) * day].max() for k in range(start // day)]
    assert peaks[-1] < 0.5 * max(peaks[:-1])  # the day that started it
    assert all(peaks[j] >= 0.5 * max(peaks[:j]) for j in range(1, len(peaks) - 1))
    assert ev["peak"] == max(peaks[:-1]) and ev["day_peak"] == peaks[-1]

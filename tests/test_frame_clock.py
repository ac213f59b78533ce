"""Clock: dated events resolve to the right tick for several tick lengths; bad dates refused."""

from __future__ import annotations

from datetime import datetime

import pytest

from uprising.scenario import ScenarioError, load_scenario
from uprising.scenario.clock import Clock


def _scenario(hours: float, burn_in: int = 5, at: str = "2022-01-05T16:30") -> dict:
    return {
        "clock": {"start": "2022-01-02T00:00", "timezone": "Asia/Almaty",
                  "hours_per_tick": hours, "burn_in_ticks": burn_in, "days": 6},
        "timeline": [{"kind": "set", "at": at, "path": "population.legitimacy", "value": 0.5}],
    }


@pytest.mark.parametrize(("hours", "expected"), [(1, 89), (3, 30), (0.5, 178), (24, 4)])
def test_event_dated_local_fires_at_the_tick_containing_it(hours: float, expected: int) -> None:
    # 2022-01-05 16:30 is 88.5 h after the start: tick ⌊88.5 / h⌋ + 1 after the 5 burn-in ticks
    sc = load_scenario(_scenario(hours))
    assert sc.timeline[0].at == 5 + expected
    clock = sc.clock
    when = datetime(2022, 1, 5, 16, 30)
    k = sc.timeline[0].at
    assert clock.datetime_of(k - 1) <= when < clock.datetime_of(k)
    assert sc.ticks == 5 + round(6 * 24 / hours)


def test_ticks_stay_ticks_and_presets_have_no_clock() -> None:
    sc = load_scenario(_scenario(3, at=7))  # an int is a tick
    assert sc.timeline[0].at == 7
    assert load_scenario("epstein2002-run2").clock is None


@pytest.mark.parametrize(("data", "words"), [
    (_scenario(3, at="2022-01-09T00:00"), "timeline[0].at: 2022-01-09T00:00:00 is after the run"),
    (_scenario(3, at="2021-12-31T23:00"), "timeline[0].at: 2021-12-31T23:00:00 is before"),
    ({"timeline": [{"kind": "set", "at": "2022-01-03", "path": "population.legitimacy",
                    "value": 0.5}]}, "needs a `clock` section"),
    ({"clock": {"start": "2022-01-02T00:00", "timezone": "Mars/Olympus"}}, "unknown time zone"),
    ({"clock": {"start": "2022-01-02T00:00", "hours_per_tick": 7, "days": 1}},
     "not a whole number"),
])
def test_bad_dates_refused_naming_the_field(data: dict, words: str) -> None:
    with pytest.raises(ScenarioError, match=words.replace("[", r"\[").replace("]", r"\]")
                       .replace("(", r"\(").replace(")", r"\)").replace("`", ".")):
        load_scenario(data)


def test_clock_round_trip() -> None:
    c = Clock(start=datetime(2022, 1, 2), hours_per_tick=2, burn_in_ticks=3)
    for k in range(4, 40):
        assert c.tick_of(c.datetime_of(k - 1)) == k


def test_one_lattice_run_with_a_clock_has_datetimes_and_drops_the_burn_in() -> None:
    import pandas as pd

    from uprising import Model

    m = Model({"world": {"width": 20, "height": 20}, "population": {"vision": 3},
               "police": {"vision": 3},
               "clock": {"start": "2022-01-02T00:00", "timezone": "Asia/Almaty",
                         "hours_per_tick": 3, "burn_in_ticks": 10, "days": 1}}, rng=1).run()
    ts = m.result().timeseries
    assert ts["tick"].tolist() == list(range(9))
    assert ts["datetime"].iloc[0] == pd.Timestamp("2022-01-02T00:00", tz="Asia/Almaty")
    full = m.get_model_vars_dataframe()
    assert (ts["active"].to_numpy() == full["active"].to_numpy()[10:]).all()


@pytest.mark.parametrize("burn_in", [12, 0])
def test_one_lattice_burn_in_has_no_violence_damage_or_actors(burn_in: int) -> None:
    """Ticks 1 … b settle: no violent agent, no damage, no macro actor; from b + 1 on they
    act (the same world without burn-in has violence and a crackdown at once)."""
    from uprising import Model

    m = Model("epstein2002-run2", rng=3, overrides=[
        "world.width=30", "world.height=30", "population.legitimacy=0.6", "ticks=40",
        "violence={enabled: true, crowd_threshold: 3, targets: 4, damage_per_tick: 0.05}",
        "government={mode: rule, crackdown: {threshold: 0.05, police_factor: 1.2}}",
        "clock={start: '2022-01-02T00:00', timezone: Asia/Almaty, hours_per_tick: 3, "
        f"burn_in_ticks: {burn_in}}}"])
    m.run(12)
    settled = m.get_model_vars_dataframe()["violent"].iloc[1:13]
    if burn_in:
        assert (settled == 0).all() and (m.state.damage == 0).all() and m.events == []
    else:
        assert settled.max() > 0 and m.state.damage.max() > 0
    m.run()
    assert m.get_model_vars_dataframe()["violent"].iloc[burn_in + 1:].max() > 0
    assert m.state.damage.max() > 0
    assert m.events[0]["action"] == "crackdown" and m.events[0]["tick"] > burn_in

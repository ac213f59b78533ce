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

"""NationalModel: real units, daily table, burn-in, blackouts (exact), network, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from frame_worlds import START, small_nation
from uprising.scenario import ScenarioError, load_scenario
from uprising.scenario.national import National, regions_of
from uprising.simulation.calendar import daily_table
from uprising.simulation.factory import make_model
from uprising.simulation.national import NATIONAL, NationalModel
from uprising.simulation.network import Diffusion


def _run(data: dict, seed: int = 1) -> NationalModel:
    m = make_model(load_scenario(data), rng=seed)
    assert isinstance(m, NationalModel)
    return m.run()


def test_outputs_start_at_the_clock_with_datetimes_and_real_units() -> None:
    m = _run(small_nation())
    ts = m.get_model_vars_dataframe()
    nat = ts[ts["region"] == NATIONAL]
    assert nat["tick"].tolist() == list(range(0, 17))  # 2 days of 3 h ticks, burn-in dropped
    first = nat["datetime"].iloc[0]
    assert first == pd.Timestamp(START).tz_localize("Asia/Almaty")
    assert nat["datetime"].iloc[-1] == pd.Timestamp("2022-01-04T00:00", tz="Asia/Almaty")
    for name in ("participants", "detainees_held", "detention_events", "distinct_detainees"):
        assert (ts[f"{name}_people"] == ts[f"{name}_agents"] * 1000).all()
    regions = ts[ts["region"] != NATIONAL].groupby("tick")["active"].sum()
    assert (regions.to_numpy() == nat["active"].to_numpy()).all()


def test_daily_aggregates_equal_the_sum_of_their_ticks() -> None:
    m = _run(small_nation())
    ts = m.get_model_vars_dataframe()
    day = daily_table(ts, m.clock)
    pd.testing.assert_frame_equal(day, m.daily())  # one call
    assert sorted({str(d) for d in day["date"]}) == ["2022-01-02", "2022-01-03"]
    assert (day["ticks"] == 8).all()
    for (region, date), row in day.set_index(["region", "date"]).iterrows():
        own = ts[(ts["region"] == region) & (ts["tick"] > 0)]
        on_day = own[(own["datetime"] - pd.Timedelta(hours=3)).dt.date == date]
        assert row["detention_events_people"] == on_day["detention_events_people"].sum()
        assert row["peak_participants_agents"] == on_day["participants_agents"].max()


def test_burn_in_has_no_violence_damage_or_casualties() -> None:
    data = small_nation()
    data["population"] = {"legitimacy": 0.2, "vision": 3}  # a strong opening transient
    data["violence"] = {"enabled": True, "targets": 3, "crowd_threshold": 2,
                        "damage_per_tick": 0.5}
    m = make_model(load_scenario(data), rng=3)
    m.run(m.burn_in)
    assert max(r[-1]["active"] for r in m._rows) > 0  # the transient happened ...
    for rows, model in zip(m._rows, m.models, strict=True):
        assert all(r.get("violent", 0) == 0 and r.get("killed", 0) == 0
                   and r.get("police_casualties", 0) == 0 for r in rows)
        assert (model.state.damage == 0).all()  # ... without damage
    m.run()
    assert m.get_model_vars_dataframe()["tick"].min() == 0


def test_news_flows_in_the_burn_in_only_when_asked() -> None:
    def burn_in_news(during: bool) -> list[float]:
        data = small_nation(network={"gain": 3.0, "target": "hardship",
                                     "during_burn_in": during, "base_delay_hours": 0.0,
                                     "media_delay_hours": 0.0})
        data["population"] = {"legitimacy": 0.2, "vision": 3}  # a strong opening transient
        m = make_model(load_scenario(data), rng=3)
        seen = []
        while m.tick < m.burn_in:
            m.step()
            seen.append(float(m._last_news.max()) if hasattr(m, "_last_news") else 0.0)
        assert m.history[1:m.burn_in + 1].any() == during  # activity recorded for the news
        return seen

    assert burn_in_news(False) == [0.0] * 4  # the network starts with the clock
    assert max(burn_in_news(True)) > 0  # the network was there before the period began


def test_blackout_changes_only_the_news_exactly() -> None:
    blackout = [{"start": "2022-01-02T06:00", "end": "2022-01-03T00:00", "media": 0.0,
                 "network": 0.0}]
    # with no news coupling, a blackout changes nothing at all (movement, police sight, ...)
    quiet = {"gain": 0.0, "target": "hardship"}
    a = _run(small_nation(network=quiet)).get_model_vars_dataframe()
    b = _run(small_nation(network=quiet, blackouts=blackout)).get_model_vars_dataframe()
    assert (b.loc[b["news"].notna() & (b["tick"].between(3, 7)), "news"] == 0).all()
    pd.testing.assert_frame_equal(a.drop(columns="news"), b.drop(columns="news"))
    # with news, the news is exactly zero while the blackout lasts and nothing else differs
    m = make_model(load_scenario(small_nation(blackouts=blackout)), rng=1)
    ref = make_model(load_scenario(small_nation()), rng=1)
    inside = range(m.clock.tick_of(pd.Timestamp("2022-01-02T06:00").to_pydatetime()),
                   m.clock.tick_of(pd.Timestamp("2022-01-03T00:00").to_pydatetime()))
    while m.tick < m.scenario.ticks:
        m.step()
        ref.step()
        if m.tick in inside:
            assert (m._last_news == 0).all()
        for x, y in zip(m.models, ref.models, strict=True):
            assert x.params["rules.move_probability"] == y.params["rules.move_probability"]
            assert x.params["population.vision"] == y.params["population.vision"]
            assert x.params["police.density"] == y.params["police.density"]


def test_partial_restoration_scales_each_term_exactly() -> None:
    sc = load_scenario(small_nation(blackouts=[
        {"start": "2022-01-02T06:00", "end": "2022-01-02T12:00", "media": 0.0, "network": 0.3},
        {"start": "2022-01-02T12:00", "end": "2022-01-03T00:00", "media": 0.5, "network": 1.0,
         "regions": ["atyrau"]}]))
    m = make_model(sc, rng=1)
    t1 = m.clock.tick_of(pd.Timestamp("2022-01-02T07:00").to_pydatetime())
    t2 = m.clock.tick_of(pd.Timestamp("2022-01-02T13:00").to_pydatetime())
    assert [f.tolist() for f in m.information(t1)] == [[0.3] * 3, [0.0] * 3]
    assert [f.tolist() for f in m.information(t2)] == [[1.0] * 3, [1.0, 0.5, 1.0]]
    net = m.net
    rng = np.random.default_rng(0)
    hist = rng.random((40, 3))
    full = net.news(hist, 30, np.ones(3), np.ones(3))
    none_ = net.news(hist, 30, np.zeros(3), np.zeros(3))
    media_only = net.news(hist, 30, np.zeros(3), np.ones(3))
    assert (none_ == 0).all()
    half = net.news(hist, 30, np.full(3, 0.3), np.full(3, 0.5))
    np.testing.assert_allclose(half, 0.3 * (full - media_only) + 0.5 * media_only, rtol=1e-12)


def test_news_memory_fades_what_a_cut_channel_last_showed() -> None:
    nat = National(only_listed=True, regions=[{"name": n} for n in ("mangystau", "atyrau")])
    data = [d for d, _ in regions_of(nat)]
    net = nat.network.model_copy(update={"memory_hours": 6.0, "media_weight": 0.25})
    with_memory = Diffusion(data, net, hours_per_tick=3.0)
    without = Diffusion(data, nat.network.model_copy(update={"media_weight": 0.25}), 3.0)
    hist = np.random.default_rng(3).random((40, 2))
    ones, zeros, half = np.ones(2), np.zeros(2), np.full(2, 0.5)
    # open channels: the same news as without memory, tick after tick
    for t in range(10, 14):
        np.testing.assert_array_equal(with_memory.news(hist, t, ones, ones),
                                      without.news(hist, t, ones, ones))
    known = with_memory.known.copy()
    fade = 0.5 ** (3.0 / 6.0)
    # both channels cut: the last knowledge, halved every 6 hours (two ticks)
    cut = with_memory.news(hist, 14, zeros, zeros)
    np.testing.assert_allclose(cut, fade * (0.75 * known[0] + 0.25 * known[1]), rtol=1e-12)
    assert (without.news(hist, 14, zeros, zeros) == 0).all()
    with_memory.news(hist, 15, zeros, zeros)
    np.testing.assert_allclose(with_memory.known, known * fade ** 2, rtol=1e-12)
    # half cut: half the current signal plus half the faded knowledge
    before = with_memory.known.copy()
    got = with_memory.news(hist, 16, half, half)
    signal = without.news(hist, 16, ones, zeros) / 0.75, without.news(hist, 16, zeros, ones) / 0.25
    expect = [0.5 * signal[c] + 0.5 * fade * before[c] for c in (0, 1)]
    np.testing.assert_allclose(got, 0.75 * expect[0] + 0.25 * expect[1], rtol=1e-12)


def test_news_memory_changes_a_run_only_through_a_blackout() -> None:
    net = {"gain": 3.0, "target": "hardship"}
    remembered = {**net, "memory_hours": 12.0}
    pd.testing.assert_frame_equal(
        _run(small_nation(network=net)).get_model_vars_dataframe(),
        _run(small_nation(network=remembered)).get_model_vars_dataframe())
    blackout = [{"start": "2022-01-02T06:00", "end": "2022-01-03T00:00", "media": 0.0,
                 "network": 0.0}]
    cut = _run(small_nation(network=net, blackouts=blackout)).get_model_vars_dataframe()
    kept = _run(small_nation(network=remembered, blackouts=blackout)).get_model_vars_dataframe()
    inside = cut["news"].notna() & cut["datetime"].between(
        pd.Timestamp("2022-01-02T09:00", tz="Asia/Almaty"),
        pd.Timestamp("2022-01-03T00:00", tz="Asia/Almaty"))
    assert (cut.loc[inside, "news"] == 0).all()
    assert (kept.loc[inside, "news"] > 0).any()


def test_news_memory_is_refused_out_of_range() -> None:
    with pytest.raises(ScenarioError, match="memory_hours"):
        load_scenario(small_nation(network={"memory_hours": -1.0}))


def test_network_weights_and_delays() -> None:
    nat = National(only_listed=True, regions=[{"name": n} for n in
                                              ("mangystau", "atyrau", "almaty", "astana")])
    data = [d for d, _ in regions_of(nat)]
    net = Diffusion(data, nat.network, hours_per_tick=1.0)
    assert np.allclose(net.weights.sum(axis=1), 1.0)
    assert (np.diag(net.weights) == 0).all()
    d = net.dist[0]
    assert 300 < d[1] < 450 and d[2] > 1500  # Aktau–Atyrau ≈ 380 km; Aktau–Almaty > 1500 km
    assert net.delays[0, 1] < net.delays[0, 2]
    off = Diffusion(data, nat.network.model_copy(update={"enabled": False}), 1.0)
    assert (off.news(np.ones((10, 4)), 5, np.ones(4), np.ones(4)) == 0).all()


@pytest.mark.parametrize(("national", "words"), [
    ({"network": {"links": [{"a": "mangystau", "b": "atlantis"}]}},
     "national.network.links[0]: unknown region 'atlantis'"),
    ({"regions": [{"name": "mangystau", "population": -5}]}, "population"),
    ({"regions": [{"name": "atlantis"}]}, "national.regions[0].name: unknown region"),
    ({"scale": {"people_per_agent": 1e6}}, "national.scale.people_per_agent = 1e+06 gives"),
    ({"scale": {"people_per_agent": 0.01}}, "raise people_per_agent"),
    ({"regions": [{"name": "mangystau", "triggers": [{"at": "2022-02-01T00:00", "value": 0.5}]}]},
     "triggers[0].at: 2022-02-01T00:00:00 is after the run's end"),
    ({"curfews": [{"start": START, "end": "2022-01-03T00:00", "from_hour": 25}]},
     "from_hour"),
    ({"blackouts": [{"start": "2022-01-03T00:00", "end": START}]}, "end is before start"),
])
def test_bad_national_input_refused_naming_the_field(national: dict, words: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(small_nation(**national))
    assert words in str(info.value)


def test_fast_engine_refuses_what_it_cannot_run() -> None:
    for over, words in ((["curfew.move_probability=0.5"], "curfew"),
                        (["government.mode=rule", "government.emergency={}"],
                         "government's emergency")):
        with pytest.raises(ScenarioError, match=words):
            load_scenario("epstein2002-run2", ["engine=fast", *over])
    with pytest.raises(ScenarioError, match="national scenario"):
        load_scenario({**small_nation(), "engine": "fast"})


def test_group_mix_from_the_data_file() -> None:
    m = make_model(load_scenario(small_nation(groups={"enabled": True,
                                                      "legitimacy": {"russian": 0.95}})), rng=1)
    groups = {g.name: g for g in m.models[0].scenario.groups}  # Mangystau: 91.5 % / 4.8 % / 3.7 %
    assert groups["kazakh"].share == pytest.approx(0.915)
    assert groups["russian"].share == pytest.approx(0.048) and groups["russian"].legitimacy == 0.95
    m.run()
    ts = m.get_model_vars_dataframe()
    assert {"active_kazakh", "active_russian", "active_other"} <= set(ts.columns)
    nat = ts[ts["region"] == NATIONAL]
    assert (nat[["active_kazakh", "active_russian", "active_other"]].sum(axis=1)
            == nat["active"]).all()


def test_a_plain_model_refuses_a_national_scenario() -> None:
    from uprising import Model

    with pytest.raises(ValueError, match="national scenario"):
        Model(small_nation())

"""The Kazakhstan case study: free parameters, observables, acceptance checks, fit scores."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from uprising.casestudy.acceptance import acceptance_2022
from uprising.casestudy.cases import case_spec
from uprising.casestudy.fit import ablation_table, crps
from uprising.casestudy.observables import observe, outcomes, regions_with_protest, statistics
from uprising.casestudy.parameters import apply_values, region_effects
from uprising.casestudy.simulate import (
    build,
    observed_statistics,
    run_case_series,
    run_daily,
)
from uprising.scenario.loader import raw_scenario


def test_apply_values_sets_legitimacy_west_and_shock():
    data = apply_values(raw_scenario("kazakhstan-2022"),
                        {"legitimacy": 0.95, "west_gap": 0.03, "shock": 0.1})
    regions = {r["name"]: r for r in data["national"]["regions"]}
    assert data["population"]["legitimacy"] == 0.95
    assert regions["atyrau"]["legitimacy"] == pytest.approx(0.92)
    trigger = regions["mangystau"]["triggers"][0]
    assert trigger["path"] == "population.legitimacy"
    assert trigger["value"] == pytest.approx(0.82)  # 0.92 − 0.1


def test_apply_values_keeps_a_listed_country_listed():
    data = apply_values(raw_scenario("kazakhstan-2019"),
                        {"legitimacy": 0.95, "west_gap": 0.03, "police_on_duty": 0.2})
    names = [r["name"] for r in data["national"]["regions"]]
    assert names == ["almaty", "astana", "shymkent"]
    assert all(r["police_per_100k"] == pytest.approx(393 * 0.2)
               for r in data["national"]["regions"])


def test_news_delay_sets_the_network_and_media_delays():
    data = apply_values(raw_scenario("kazakhstan-2022"), {"news_delay": 12.0})
    net = data["national"]["network"]
    assert (net["base_delay_hours"], net["media_delay_hours"]) == (12.0, 12.0)
    assert net["speed_kmh"] == raw_scenario("kazakhstan-2022")["national"]["network"]["speed_kmh"]


def test_population_exponent_sets_the_senders_weights_and_is_frozen_into_2019():
    from uprising.casestudy.prediction import FROZEN
    from uprising.simulation.network import Diffusion
    data = apply_values(raw_scenario("kazakhstan-2022"), {"population_exponent": 2.0})
    assert data["national"]["network"]["population_exponent"] == 2.0
    assert "population_exponent" in FROZEN
    flat = build("kazakhstan-2022", {"population_exponent": 0.0})
    steep = build("kazakhstan-2022", {"population_exponent": 2.0})
    big = flat.names.index("almaty")
    # with α = 0 every sender weighs by distance alone; with α = 2 the largest city weighs more
    assert steep.net.weights[:, big].sum() > flat.net.weights[:, big].sum()
    assert isinstance(steep.net, Diffusion)


def test_tolerance_scales_police_loyalty_until_the_first_emergency():
    data = apply_values(raw_scenario("kazakhstan-2022"), {"tolerance": 0.05})
    first, back = data["timeline"][-2:]
    assert (first["at"], first["path"], first["factor"]) == (
        data["clock"]["start"], "police.loyalty_scale", 0.05)
    assert back["at"] == data["national"]["emergencies"][0]["at"]
    assert back["factor"] == pytest.approx(20.0)
    with pytest.raises(ValueError, match="tolerance must be in"):
        apply_values(raw_scenario("kazakhstan-2022"), {"tolerance": 0.001})
    # fewer arrests before the emergency at the same seed
    base = {"legitimacy": 0.94, "police_on_duty": 0.02, "mobilisable_share": 0.003,
            "network_gain": 16.0}
    plain = run_daily("kazakhstan-2022", base, None, 4)
    tolerant = run_daily("kazakhstan-2022", {**base, "tolerance": 0.01}, None, 4)
    day = plain["date"].min()
    nat = plain["region"] == "national"
    assert (tolerant.loc[nat & (tolerant["date"] == day), "detentions"].sum()
            < plain.loc[nat & (plain["date"] == day), "detentions"].sum())


def test_unknown_free_parameter_is_named():
    with pytest.raises(ValueError, match=r"unknown free parameter.*nonsense"):
        apply_values(raw_scenario("kazakhstan-2022"), {"nonsense": 1.0})


def test_region_spread_draws_one_offset_per_region_from_the_seed():
    data = apply_values(raw_scenario("kazakhstan-2022"), {"legitimacy": 0.9, "shock": 0.1})
    a = region_effects(data, 0.02, np.random.default_rng(1))
    b = region_effects(data, 0.02, np.random.default_rng(1))
    c = region_effects(data, 0.02, np.random.default_rng(2))
    assert a == b and a != c
    regions = {r["name"]: r for r in a["national"]["regions"]}
    assert len(regions) == 17
    listed = {r["name"]: r for r in data["national"]["regions"]}
    shifts = {n: r["legitimacy"] - listed.get(n, {}).get("legitimacy", 0.9)
              for n, r in regions.items()}
    assert len({round(v, 12) for v in shifts.values()}) == 17  # each region its own offset
    # The Mangystau shock moves with Mangystau's own legitimacy.
    shock = [t for t in regions["mangystau"]["triggers"] if t["path"] == "population.legitimacy"]
    assert shock[0]["value"] == pytest.approx(regions["mangystau"]["legitimacy"] - 0.1)
    assert region_effects(data, 0.0, np.random.default_rng(1))["national"]["regions"][0][
        "legitimacy"] == pytest.approx(data["national"]["regions"][0]["legitimacy"])
    with pytest.raises(ValueError, match="region_spread must be a finite number >= 0"):
        region_effects(data, -0.1, np.random.default_rng(1))
    with pytest.raises(ValueError, match="region_spread needs the run's seed"):
        apply_values(data, {"region_spread": 0.02})


def test_region_spread_zero_is_the_model_without_it():
    values = {"legitimacy": 0.95, "network_gain": 8.0}
    plain = run_daily("kazakhstan-2022", values, {}, 3)
    zero = run_daily("kazakhstan-2022", {**values, "region_spread": 0.0}, {}, 3)
    pd.testing.assert_frame_equal(plain, zero)
    again = run_daily("kazakhstan-2022", {**values, "region_spread": 0.05}, {}, 3)
    assert not again.equals(plain)
    pd.testing.assert_frame_equal(
        again, run_daily("kazakhstan-2022", {**values, "region_spread": 0.05}, {}, 3))


def _daily(participants: dict[str, list[float]], violent: list[float] | None = None
           ) -> pd.DataFrame:
    start = date(2022, 1, 2)
    rows = []
    n = len(next(iter(participants.values())))
    for region, values in participants.items():
        for d, v in enumerate(values):
            rows.append({"region": region, "date": start + timedelta(days=d), "participants": v,
                         "violent": 0.0, "detentions": 100.0 * d, "deaths": float(d),
                         "buildings_damaged": 0.0, "police": 100.0, "defected": 0.0})
    nat = pd.DataFrame(rows).groupby("date", as_index=False).sum(numeric_only=True)
    nat["region"] = "national"
    nat["police"] = 100.0
    if violent is not None:
        nat["violent"] = violent
    assert len(nat) == n
    return pd.concat([pd.DataFrame(rows), nat], ignore_index=True)


def test_regions_statistics_and_first_region():
    daily = _daily({"mangystau": [700, 6000, 9000], "almaty": [0, 500, 5000],
                    "atyrau": [100, 300, 0]}, violent=[0, 10, 50])
    counts = regions_with_protest(daily, 200)
    assert list(counts) == [1, 3, 2]
    spec = case_spec("kazakhstan-2022").statistics
    s = statistics(daily, spec)
    assert s["regions_0102"] == 1 and s["regions_0104"] == 2
    assert s["mangystau_first"] == 1.0
    assert s["peak_violence_day"] == 2.0
    assert s["participants_mangystau_0102"] == pytest.approx(np.log10(701))
    assert np.isnan(s["detentions_0107"])  # the table ends on 4 January


def test_outcomes_days_to_order_is_censored():
    calm = _daily({"mangystau": [1000, 50, 0, 0]})
    assert outcomes(calm)["days_to_order"] == 2.0
    never = _daily({"mangystau": [1000, 900, 800, 700]})
    out = outcomes(never)
    assert out["days_to_order"] == 5.0  # length + 1: never restored
    assert out["regime_collapse"] == 1.0


def test_crps_of_a_point_ensemble_is_the_absolute_error():
    assert crps(np.array([3.0, 3.0]), 1.0) == pytest.approx(2.0)
    assert np.isnan(crps(np.array([np.nan]), 1.0))


def test_ablation_table_says_when_nothing_changes():
    rng = np.random.default_rng(0)
    base = pd.DataFrame({"variant": "baseline", "pair": range(50),
                         "s": rng.normal(0, 1, 50)})
    same = base.assign(variant="same")
    worse = base.assign(variant="worse", s=base["s"] + 3)
    table = ablation_table(pd.concat([base, same, worse]), {"s": 0.0}, ["same", "worse"],
                           n_boot=200)
    verdict = dict(zip(table["ablation"], table["verdict"], strict=True))
    assert verdict["same"].startswith("no measurable change")
    assert verdict["worse"] == "fit worse without it"


def test_observed_statistics_come_from_the_record():
    obs = observed_statistics("kazakhstan-2022")
    assert obs["regions_0103"] == 8.0 and obs["regions_0104"] == 11.0
    assert obs["detentions_0111"] == pytest.approx(np.log10(9901))


def test_a_real_run_gives_every_acceptance_row():
    values = {"legitimacy": 0.93, "west_gap": 0.02, "shock": 0.15, "network_gain": 3.0,
              "mobilisable_share": 0.012, "police_on_duty": 0.14, "threshold": 0.1,
              "sweep_rate": 0.01}
    series = run_case_series("kazakhstan-2022", values, {}, np.random.SeedSequence(1))
    assert set(series["day"]) == set(range(14))
    rows = acceptance_2022(series.assign(run=0))
    ids = [r["id"] for r in rows]
    assert ids[:3] == ["AT1a", "AT1b", "AT1c"] and "AT5b" in ids
    assert all(isinstance(r["met"], bool) for r in rows)


def test_detention_reporting_scales_only_the_observed_detentions() -> None:
    # the observation model's reporting share: same run (same seed), detentions × ρ, nothing else
    values = {"legitimacy": 0.95, "police_on_duty": 0.02, "mobilisable_share": 0.003}
    full = run_daily("kazakhstan-2022", values, None, 3)
    part = run_daily("kazakhstan-2022", {**values, "detention_reporting": 0.25}, None, 3)
    assert full["detentions"].max() > 0
    np.testing.assert_allclose(part["detentions"], 0.25 * full["detentions"])
    other = [c for c in full.columns if c != "detentions"]
    pd.testing.assert_frame_equal(part[other], full[other])


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.5])
def test_detention_reporting_outside_its_range_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="detention_reporting"):
        observe(pd.DataFrame({"detentions": [1.0]}), bad)


def test_a_detention_lag_of_a_day_reads_the_previous_days_count() -> None:
    # the reporting delay: the same run, each day's detentions read δ hours before its end
    values = {"legitimacy": 0.95, "police_on_duty": 0.02, "mobilisable_share": 0.003}
    now = run_daily("kazakhstan-2022", values, None, 3)
    day = run_daily("kazakhstan-2022", {**values, "detention_lag": 24.0}, None, 3)
    half = run_daily("kazakhstan-2022", {**values, "detention_lag": 12.0}, None, 3)
    pd.testing.assert_frame_equal(run_daily("kazakhstan-2022", {**values, "detention_lag": 0.0},
                                            None, 3), now)
    for region in ("national", "mangystau"):
        a, b, c = (f[f["region"] == region]["detentions"].to_numpy() for f in (now, day, half))
        assert a[-1] > a[0]
        np.testing.assert_array_equal(b[1:], a[:-1])
        assert (a[:-1] <= b[1:]).all() and (c[1:] >= b[1:]).all() and (c <= a).all()
    other = [c for c in now.columns if c != "detentions"]
    pd.testing.assert_frame_equal(day[other], now[other])


@pytest.mark.parametrize("bad", [-1.0, 73.0, float("nan")])
def test_a_detention_lag_outside_its_range_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="detention_lag"):
        run_daily("kazakhstan-2022", {"detention_lag": bad}, None, 3)


def test_a_fixed_shock_stays_relative_to_the_fitted_legitimacy() -> None:
    data = raw_scenario("kazakhstan-2022")
    mangystau = next(r for r in data["national"]["regions"] if r["name"] == "mangystau")
    preset_shock = mangystau["legitimacy"] - mangystau["triggers"][0]["value"]
    out = apply_values(data, {"legitimacy": 0.97})
    m = next(r for r in out["national"]["regions"] if r["name"] == "mangystau")
    assert m["legitimacy"] - m["triggers"][0]["value"] == pytest.approx(preset_shock)
    with pytest.raises(ValueError, match="observation model"):
        apply_values(data, {"detention_reporting": 0.5})
    with pytest.raises(ValueError, match="observation model"):
        apply_values(data, {"detention_lag": 12.0})

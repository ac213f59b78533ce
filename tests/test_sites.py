"""Several sites: construction, seeds, the news rule, cuts, output, and the coupling effect."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from uprising.api import make_model, run_scenario
from uprising.results import RunResult
from uprising.scenario import ScenarioError, load_scenario
from uprising.scenario.sites import site_scenario
from uprising.simulation.seeds import site_seed
from uprising.simulation.sites import MultiSiteModel

SMALL = {
    "world": {"width": 20, "height": 20},
    "population": {"vision": 4, "legitimacy": 0.82},
    "police": {"vision": 4, "density": 0.04},
    "rules": {"arrest_ratio": "floor"},
    "ticks": 60,
}
TWO = [{"name": "almaty", "overrides": {"population.legitimacy": 0.7}}, {"name": "astana"}]
THREE = [*TWO, {"name": "shymkent", "overrides": {"police.density": 0.03}}]


def scenario(**extra: object):
    return load_scenario({**SMALL, **extra})


def test_site_scenario_applies_overrides_to_the_base():
    sc = scenario(sites=TWO)
    almaty = site_scenario(sc, sc.sites[0])
    assert almaty.population.legitimacy == 0.7
    assert almaty.name == "custom/almaty"
    assert site_scenario(sc, sc.sites[1]).population.legitimacy == 0.82
    assert almaty.sites == () and almaty.world.width == 20


def test_make_model_dispatches_and_seeds_each_site_from_the_run():
    sc = scenario(sites=THREE)
    model = make_model(sc, rng=7, replicate=2)
    assert isinstance(model, MultiSiteModel)
    run = np.random.SeedSequence(7, spawn_key=(2,))
    for i, m in enumerate(model.models):
        assert m.seed_sequence.spawn_key == site_seed(run, i).spawn_key == (2, 1000 + i)
        assert m.seed_sequence.entropy == 7


def test_same_seed_same_bits_and_identical_sites_differ():
    sites = [{"name": "a"}, {"name": "b"}]
    one = run_scenario(scenario(sites=sites, news={"gain": 1.0}), seed=3).timeseries
    two = run_scenario(scenario(sites=sites, news={"gain": 1.0}), seed=3).timeseries
    pd.testing.assert_frame_equal(one, two)
    a = one.loc[one["site"] == "a", "active"].to_numpy()
    b = one.loc[one["site"] == "b", "active"].to_numpy()
    assert not np.array_equal(a, b)  # same settings, different streams


def test_totals_are_the_sums_of_the_sites():
    model = MultiSiteModel(scenario(sites=THREE), rng=1)
    model.run(40)
    ts = model.get_model_vars_dataframe()
    sites = ts[ts["site"] != "total"]
    total = ts[ts["site"] == "total"].set_index("tick")
    for col in ["quiet", "active", "jailed", "cops", "arrests", "releases"]:
        pd.testing.assert_series_equal(sites.groupby("tick")[col].sum(), total[col],
                                       check_names=False)
    n = np.array([m.state.n_citizens for m in model.models], dtype=float)
    legit = sites.pivot(index="tick", columns="site", values="legitimacy")[model.names]
    np.testing.assert_allclose(total["legitimacy"], legit.to_numpy() @ n / n.sum())
    assert len(ts) == 4 * 41


@pytest.mark.parametrize("delay", [0, 3])
def test_news_follows_the_rule_with_its_delay(delay):
    """news_s(t) = mean over the other sites of active_r(t−1−d)/citizens_r."""
    model = MultiSiteModel(scenario(sites=THREE, news={"gain": 0.5, "target": "threshold",
                                                       "delay": delay}), rng=2)
    model.run(50)
    ts = model.get_model_vars_dataframe()
    n = {name: m.state.n_citizens for name, m in zip(model.names, model.models, strict=True)}
    share = {s: ts.loc[ts["site"] == s, "active"].to_numpy() / n[s] for s in model.names}
    for s in model.names:
        news = ts.loc[ts["site"] == s, "news"].to_numpy()
        others = np.mean([share[r] for r in model.names if r != s], axis=0)
        expected = np.zeros(51)
        expected[1 + delay:] = others[: 51 - 1 - delay]
        np.testing.assert_allclose(news, expected)


def test_threshold_target_lowers_the_threshold_by_the_news():
    model = MultiSiteModel(scenario(sites=TWO, news={"gain": 2.0, "target": "threshold"}), rng=4)
    model.run(20)
    news = model.news_at(21)
    model.step()
    for i, m in enumerate(model.models):
        assert m.params["population.threshold"] == pytest.approx(0.1 * max(0.0, 1 - 2 * news[i]))


def test_cuts_silence_the_news_of_the_named_sites():
    cut = {"start": 10, "end": 20, "sites": ["almaty"], "factor": 0.0}
    model = MultiSiteModel(scenario(sites=TWO, news={"gain": 1.0, "target": "threshold",
                                                     "delay": 2, "cuts": [cut]}), rng=5)
    model.run(40)
    ts = model.get_model_vars_dataframe()
    almaty = ts.loc[ts["site"] == "almaty"].set_index("tick")["news"]
    astana = ts.loc[ts["site"] == "astana"].set_index("tick")["news"]
    assert (almaty.loc[10:20] == 0).all()  # receives nothing while cut
    assert (astana.loc[13:23] == 0).all()  # hears nothing sent at ticks 10..20 (delay 2)
    assert astana.loc[24:].gt(0).any() and almaty.loc[21:].gt(0).any()


def test_a_full_cut_is_bit_identical_to_no_coupling():
    cut = {"start": 1, "end": 60, "factor": 0.0}
    coupled_cut = run_scenario(scenario(sites=TWO, news={"gain": 3.0, "target": "threshold",
                                                         "cuts": [cut]}), seed=9).timeseries
    uncoupled = run_scenario(scenario(sites=TWO), seed=9).timeseries
    cols = ["site", "tick", "active", "jailed", "arrests"]
    pd.testing.assert_frame_equal(coupled_cut[cols], uncoupled[cols])


def test_government_information_cut_damps_the_sites_news():
    sites = [{"name": "a", "overrides": {
        "government.mode": "script", "government.cut_information.news_factor": 0.0,
        "government.cut_information.vision_factor": 1.0,
        "government.script": [{"at": 5, "action": "cut_information"}]}}, {"name": "b"}]
    model = MultiSiteModel(scenario(sites=sites, news={"gain": 1.0, "target": "threshold"}),
                           rng=1)
    model.run(15)
    ts = model.get_model_vars_dataframe()
    # news for tick 5 is computed before a's government acts at tick 5: damped from tick 6,
    # both what a receives and what it sends (its broadcast after tick 5 is damped)
    assert ts.loc[(ts["site"] == "a") & (ts["tick"] == 5), "news"].item() > 0
    assert (ts.loc[(ts["site"] == "a") & (ts["tick"] >= 6), "news"] == 0).all()
    assert (ts.loc[(ts["site"] == "b") & (ts["tick"] >= 6), "news"] == 0).all()
    assert [(e["site"], e["tick"], e["action"]) for e in model.events] == [
        ("a", 5, "cut_information")]


def test_result_has_per_site_and_total_summaries_and_round_trips(tmp_path):
    res = run_scenario(scenario(sites=TWO, news={"gain": 1.0}), seed=2)
    assert set(res.timeseries["site"]) == {"almaty", "astana", "total"}
    assert res.summary["ticks"] == 60
    assert "almaty.mean_active" in res.summary and "astana.peak_active" in res.summary
    total = res.timeseries.loc[res.timeseries["site"] == "total", "active"].iloc[1:].mean()
    assert res.summary["mean_active"] == pytest.approx(total)
    assert [s["name"] for s in res.metadata["sites"]] == ["almaty", "astana"]
    back = RunResult.load(res.save(tmp_path / "r"))
    pd.testing.assert_frame_equal(back.timeseries, res.timeseries)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"sites": [{"name": "a"}, {"name": "a"}]}, "sites: duplicate names"),
        ({"sites": [{"name": "total"}]}, "sites.0.name"),
        ({"sites": [{"name": "a", "overrides": {"population.legitimacy": 1.5}}]},
         "sites[0].overrides"),
        ({"sites": [{"name": "a", "overrides": {"population.nonsense": 1}}]},
         "sites[0].overrides"),
        ({"sites": [{"name": "a", "overrides": {"news.gain": 1}}]}, "sites[0].overrides"),
        ({"sites": TWO, "news": {"cuts": [{"start": 1, "end": 5, "sites": ["oslo"]}]}},
         "news.cuts[0].sites: unknown site 'oslo'"),
        ({"sites": TWO, "news": {"cuts": [{"start": 50, "end": 70}]}}, "news.cuts[0].end"),
        ({"sites": TWO, "news": {"cuts": [{"start": 9, "end": 5}]}}, "news.cuts.0"),
        ({"sites": TWO, "news": {"delay": -1}}, "news.delay"),
        ({"sites": TWO, "news": {"gain": -0.5}}, "news.gain"),
        ({"sites": TWO, "news": {"cuts": [{"start": 1, "end": 5, "factor": 1.2}]}},
         "news.cuts.0.factor"),
        ({"news": {"gain": 1.0}}, "news.gain > 0 needs at least two sites"),
    ],
)
def test_bad_site_and_news_settings_name_the_field(extra, field):
    with pytest.raises(ScenarioError) as err:
        scenario(**extra)
    assert field in str(err.value)


@functools.cache
def _site_activity(news_items: tuple, seeds: range) -> tuple[np.ndarray, np.ndarray]:
    """Returns per seed (mean actives at site b over ticks 50-200, corr(a, b) of actives)."""
    sites = [{"name": "a", "overrides": {"population.legitimacy": 0.7}},
             {"name": "b", "overrides": {"population.legitimacy": 0.85}}]
    means, corrs = [], []
    for seed in seeds:
        sc = load_scenario({**SMALL, "ticks": 200, "sites": sites, "news": dict(news_items)})
        ts = run_scenario(sc, seed=seed).timeseries
        late = ts[ts["tick"] >= 50]
        a = late.loc[late["site"] == "a", "active"].to_numpy()
        b = late.loc[late["site"] == "b", "active"].to_numpy()
        means.append(b.mean())
        corrs.append(np.corrcoef(a, b)[0, 1])
    return np.array(means), np.array(corrs)


@pytest.mark.parametrize("target", ["threshold", pytest.param("hardship", marks=pytest.mark.slow)])
def test_effect_news_of_unrest_elsewhere_raises_and_synchronises_activity(target):
    """Unrest spread city to city (article); news impact raises burst size (Lemos et al. 2015)
    and long-range coupling synchronises sites (Fonoberova et al. 2019). Site a (L = 0.7) is
    restive, site b (L = 0.85) calmer; news with gain 2, delay 1 lowers b's threshold or raises
    its hardship. Seeds 0-11 (12 replicates per arm, same seeds both arms), 20x20 per site,
    200 ticks, ticks 50-200. Pilot: mean actives at b 5.3 uncoupled vs 8.2 (threshold) and
    7.5 (hardship); corr(a, b) 0.02 vs 0.28 and 0.18. Pass: one-sided Mann-Whitney p < 0.01
    and mean at least 1.2x for b's activity; mean correlation higher by at least 0.08. Fails
    if the coupling is off or its sign flipped."""
    seeds = range(12)
    base_mean, base_corr = _site_activity((), seeds)
    news = (("gain", 2.0), ("target", target), ("delay", 1))
    mean, corr = _site_activity(news, seeds)
    assert stats.mannwhitneyu(mean, base_mean, alternative="greater").pvalue < 0.01
    assert mean.mean() > 1.2 * base_mean.mean()
    assert np.nanmean(corr) > np.nanmean(base_corr) + 0.08


def test_group_columns_total_weights_legitimacy_by_group_size():
    groups = [{"name": "kaz", "share": 0.7, "legitimacy": 0.8},
              {"name": "rus", "share": 0.3, "legitimacy": 0.6}]
    sites = [{"name": "a"}, {"name": "b", "overrides": {"population.density": 0.5}}]
    model = MultiSiteModel(scenario(groups=groups, sites=sites), rng=3)
    model.run(10)
    ts = model.get_model_vars_dataframe()
    total = ts[ts["site"] == "total"].set_index("tick")
    parts = ts[ts["site"] != "total"]
    for g in ("kaz", "rus"):
        size = parts[[f"quiet_{g}", f"active_{g}", f"jailed_{g}"]].sum(axis=1)
        expected = (parts[f"legitimacy_{g}"] * size).groupby(parts["tick"]).sum() / size.groupby(
            parts["tick"]).sum()
        np.testing.assert_allclose(total[f"legitimacy_{g}"], expected)
        pd.testing.assert_series_equal(parts.groupby("tick")[f"active_{g}"].sum(),
                                       total[f"active_{g}"], check_names=False)
    agents = model.get_agent_vars_dataframe()
    assert set(agents["site"]) == {"a", "b"}

"""Model II (inter-group violence): exact rules, invariants and validation."""

from __future__ import annotations

import numpy as np
import pytest

import uprising
from uprising.api import make_model, run_scenario
from uprising.simulation.intergroup import InterGroupModel

NO_KILL_SEEDS = range(5)


@pytest.mark.parametrize("seed", NO_KILL_SEEDS)
def test_run6_has_zero_kills_and_zero_actives(seed: int) -> None:
    # L = 0.9 gives G = H(1 − L) ≤ 0.1 = T and rule A is strict: nobody may ever go active.
    r = run_scenario("epstein2002-run6", seed=seed)
    ts = r.timeseries
    assert r.summary["kills"] == 0
    assert (ts["kills"] == 0).all()
    assert (ts["active"] == 0).all()
    assert r.summary["victor"] == "none"
    assert len(ts) == 501  # no early stop: both groups live
    assert r.summary["births"] > 0 and r.summary["deaths"] > 0


def test_make_model_dispatches_and_api_matches_core() -> None:
    sc = uprising.load_scenario("epstein2002-run7")
    m = make_model(sc, rng=4)
    assert isinstance(m, InterGroupModel)
    m.step()
    assert m.tick == 1
    m.run(5)
    df = m.get_model_vars_dataframe()
    assert list(df["tick"]) == list(range(7))
    for col in ("blue", "green", "blue_active", "green_active", "kills", "cops", "legitimacy"):
        assert col in df.columns
    res = m.result()
    assert {"kills", "extinction_tick", "victor"} <= set(res.summary)
    agents = m.get_agent_vars_dataframe()
    assert set(agents["group"]) == {"blue", "green"}


def test_same_seed_same_bits_and_seeds_differ() -> None:
    a = run_scenario("epstein2002-run7", seed=11).timeseries
    b = run_scenario("epstein2002-run7", seed=11).timeseries
    c = run_scenario("epstein2002-run7", seed=12).timeseries
    assert a.equals(b)
    assert not (len(a) == len(c) and a.equals(c))


def test_a_single_group_never_kills() -> None:
    # Everyone Blue at L = 0.8: about half the citizens go active, but there is nobody to kill.
    r = run_scenario(
        "epstein2002-run7",
        seed=1,
        overrides=[
            "intergroup.group_share=1.0", "ticks=100", "intergroup.stop_at_extinction=false"
        ],
    )
    assert r.timeseries["active"].max() > 100
    assert r.summary["kills"] == 0


def test_killing_only_crosses_the_group_line() -> None:
    m = InterGroupModel("epstein2002-run7", rng=2, overrides=["intergroup.clone_probability=0"])
    before = m.get_model_vars_dataframe().iloc[0]
    m.run(3)
    ts = m.get_model_vars_dataframe()
    # without births, each group shrinks only by kills of it and natural deaths
    lost = (before["blue"] - ts["blue"].iloc[-1]) + (before["green"] - ts["green"].iloc[-1])
    assert lost == ts["kills"].sum() + ts["deaths"].sum()
    assert ts["kills"].sum() > 0


def test_clones_inherit_group_and_hardship() -> None:
    # No killing (L = 0.9), heavy cloning: every living citizen's hardship must be one of the
    # initial hardships of its own group.
    m = InterGroupModel(
        "epstein2002-run6", rng=3, overrides=["intergroup.clone_probability=0.5", "ticks=60"]
    )
    first = m.get_agent_vars_dataframe()
    first = first[first["kind"] == "citizen"]
    m.run()
    assert m.result().summary["births"] > 500
    now = m.get_agent_vars_dataframe()
    now = now[now["kind"] == "citizen"]
    for g in ("blue", "green"):
        initial = set(first.loc[first["group"] == g, "hardship"])
        assert set(now.loc[now["group"] == g, "hardship"]) <= initial


def test_death_age_is_uniform_on_1_to_max_age() -> None:
    # Newborn start, no cloning, no killing: alive after t ticks = #(death age > t), and
    # death ages are uniform on 1..10, so everybody is dead at t = 10 and nobody at t = 0.
    m = InterGroupModel(
        "epstein2002-run6",
        rng=5,
        overrides=["intergroup.clone_probability=0", "intergroup.max_age=10", "ticks=20",
                   "intergroup.stop_at_extinction=false"],
    )
    m.run()
    ts = m.get_model_vars_dataframe()
    alive = (ts["blue"] + ts["green"]).to_numpy()
    n0 = alive[0]
    assert n0 == 1120
    assert alive[10] == 0 and alive[9] > 0
    for t in range(1, 10):
        expected = n0 * (10 - t) / 10
        sd = np.sqrt(n0 * (t / 10) * (1 - t / 10))
        assert abs(alive[t] - expected) < 4 * sd, (t, alive[t], expected)


def test_stop_at_extinction_ends_the_run_there() -> None:
    r = run_scenario("epstein2002-run7", seed=0)
    ts = r.timeseries
    ext = r.summary["extinction_tick"]
    assert ts["tick"].iloc[-1] == ext
    last = ts.iloc[-1]
    assert (last["blue"] == 0) != (last["green"] == 0)
    assert r.summary["victor"] == ("blue" if last["green"] == 0 else "green")
    assert ((ts["blue"].iloc[:-1] > 0) & (ts["green"].iloc[:-1] > 0)).all()


def test_peacekeepers_arrive_at_the_deployment_tick() -> None:
    r = run_scenario("epstein2002-peacekeepers", seed=1)
    ts = r.timeseries.set_index("tick")
    assert (ts.loc[:49, "cops"] == 0).all()
    assert (ts.loc[50:, "cops"] == 64).all()
    assert (ts.loc[:49, "arrests"] == 0).all()
    assert ts.loc[50:, "arrests"].sum() > 0


def test_peacekeepers_arrest_both_groups() -> None:
    m = InterGroupModel(
        "epstein2002-run8", rng=2, overrides=["intergroup.stop_at_extinction=false"]
    )
    jailed_groups: set[str] = set()
    for _ in range(30):
        m.step()
        a = m.get_agent_vars_dataframe()
        jailed_groups |= set(a.loc[a["state"] == "jailed", "group"])
        # jailed citizens are off the lattice
        assert (a.loc[a["state"] == "jailed", "x"] == -1).all()
    assert jailed_groups == {"blue", "green"}


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ("intergroup.clone_probability=1.5", "intergroup.clone_probability"),
        ("intergroup.max_age=0", "intergroup.max_age"),
        ("rules.jailed=stay_and_block", "rules.jailed"),
        ("jail.countdown=own_step", "jail.countdown"),
        ("intergroup.initial_age=old", "intergroup.initial_age"),
    ],
)
def test_bad_input_names_the_field(override: str, field: str) -> None:
    with pytest.raises(uprising.ScenarioError, match=field.replace(".", r"\.")):
        uprising.load_scenario("epstein2002-run7", [override])


def test_intergroup_section_needs_intergroup_model() -> None:
    with pytest.raises(uprising.ScenarioError, match="intergroup"):
        uprising.load_scenario("epstein2002-run2", ["intergroup.max_age=5"])


def test_step_by_step_equals_one_run() -> None:
    # The activation order is rebuilt from the live agents each tick, so chunking is invisible.
    a = InterGroupModel("epstein2002-peacekeepers", rng=7)
    b = InterGroupModel("epstein2002-peacekeepers", rng=7)
    a.run(80)
    for _ in range(80):
        b.step()
    assert a.get_model_vars_dataframe().equals(b.get_model_vars_dataframe())

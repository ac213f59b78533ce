"""`uprising compare`: variants, paired ensembles, bootstrap effects, outputs (on a fake case)."""

from __future__ import annotations

import copy
import sys
import types

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from uprising import cli
from uprising.counterfactual import ensemble
from uprising.counterfactual.compare import compare
from uprising.counterfactual.effects import bootstrap_interval, effects_table
from uprising.counterfactual.figure import forest_plot
from uprising.counterfactual.output import write_outputs
from uprising.counterfactual.variants import (
    CompareError,
    Variant,
    parse_variant,
    parse_variants_data,
    select_variants,
    shipped_variants,
)
from uprising.scenario.loader import raw_scenario, validate
from uprising.scenario.paths import set_path
from uprising.testing.case import fake_run_case

runner = CliRunner()
MORE, SAME = Variant("more", {"fake.boost": 0.5}), Variant("same", {"unused": 1})


def small(variants=(MORE, SAME), **kw):
    """Returns a small comparison of the fake case at a fixed point (30 paired runs)."""
    args = {"values": {"gain": 1.0}, "seeds": 30, "run_case": fake_run_case, "n_boot": 500}
    return compare("fake", list(variants), **{**args, **kw})


def test_parse_variant_reads_yaml_values_and_keeps_commas_in_lists():
    name, over = parse_variant("mix=a.b=0.5,c.d=false,e=[1, 2],f={x: 1, y: 2}")
    assert name == "mix"
    assert over == {"a.b": 0.5, "c.d": False, "e": [1, 2], "f": {"x": 1, "y": 2}}
    assert parse_variant("no-blackout") == ("no-blackout", None)


@pytest.mark.parametrize("text, words", [
    ("baseline=a=1", "reserved"), ("bad name=a=1", "variant name"), ("x=", "no PATH=VALUE"),
    ("x=novalue", "path.to.field=value"),
])
def test_bad_variant_specs_are_refused_with_a_clear_message(text, words):
    with pytest.raises(CompareError if words != "path.to.field=value" else ValueError,
                       match=words):
        parse_variant(text)


def test_variants_file_errors_name_the_field():
    with pytest.raises(CompareError, match=r"variants\[0\]\.overrides"):
        parse_variants_data({"variants": [{"name": "a", "overrides": {}}]}, "f.yaml")
    with pytest.raises(CompareError, match=r"variants\[0\]\.colour: unknown field"):
        parse_variants_data({"variants": [{"name": "a", "colour": 1, "overrides": {"x": 1}}]},
                            "f.yaml")


def test_shipped_variants_are_valid_overrides_of_the_case():
    shipped = shipped_variants("kazakhstan-2022")
    assert {v.name for v in shipped} >= {"no-blackout", "no-intervention"}
    for variant in shipped:
        assert variant.description
        data = copy.deepcopy(raw_scenario("kazakhstan-2022"))
        for path, value in variant.overrides.items():
            set_path(data, path, value)
        validate(data, variant.name)


def test_select_variants_shipped_custom_all_and_errors():
    names = [v.name for v in select_variants("kazakhstan-2022", ["no-blackout", "x=a=1"])]
    assert names == ["no-blackout", "x"]
    every = select_variants("kazakhstan-2022", [], all_shipped=True)
    assert len(every) == len(shipped_variants("kazakhstan-2022"))
    with pytest.raises(CompareError, match="no shipped variant"):
        select_variants("kazakhstan-2022", ["nope"])
    with pytest.raises(CompareError, match="given twice"):
        select_variants("fake", ["x=a=1", "x=b=2"])
    with pytest.raises(CompareError, match="no variant"):
        select_variants("fake", [])


def test_paired_runs_share_seeds_so_a_null_variant_has_exactly_zero_effect():
    result = small()
    same = result.effects[result.effects["variant"] == "same"]
    assert (same["effect"] == 0).all() and (same["low"] == 0).all() and (same["high"] == 0).all()
    runs = result.runs
    assert list(dict.fromkeys(runs["variant"])) == ["baseline", "more", "same"]
    assert (runs.groupby("variant").size() == 30).all()


def test_a_known_effect_is_found_with_an_interval_excluding_zero():
    eff = small().effects.set_index(["variant", "outcome"])
    peak = eff.loc[("more", "peak_participants")]
    assert peak["statistic"] == "median difference"
    assert peak["low"] > 0 and peak["low"] <= peak["effect"] <= peak["high"]
    collapse = eff.loc[("more", "regime_collapse")]
    assert collapse["statistic"] == "difference of proportions"
    assert collapse["effect"] == pytest.approx(collapse["value"] - collapse["baseline"])
    assert "extra" in eff.index.get_level_values("outcome")  # keys beyond the contract kept


def test_missing_values_are_left_out_pairwise():
    eff = small().effects.set_index(["variant", "outcome"])
    assert eff.loc[("more", "days_to_order"), "n_pairs"] < 30  # collapses have no end date


def test_bootstrap_is_reproducible_bit_for_bit_and_depends_on_the_seed():
    diffs = np.random.default_rng(1).normal(size=40)
    a = bootstrap_interval(diffs, "median", np.random.SeedSequence(5), 500)
    b = bootstrap_interval(diffs, "median", np.random.SeedSequence(5), 500)
    c = bootstrap_interval(diffs, "median", np.random.SeedSequence(6), 500)
    assert a == b and a != c
    runs = small().runs
    pd.testing.assert_frame_equal(effects_table(runs, 3, 500), effects_table(runs, 3, 500))


def test_serial_and_process_pool_give_identical_runs_and_effects():
    serial, pooled = small(seeds=6), small(seeds=6, workers=2)
    pd.testing.assert_frame_equal(serial.runs, pooled.runs, check_exact=True)
    pd.testing.assert_frame_equal(serial.effects, pooled.effects, check_exact=True)


def test_posterior_draws_are_paired_across_variants(monkeypatch):
    posterior = pd.DataFrame({"gain": np.linspace(0.5, 2.0, 10), "label": list("abcdefghij")})
    module = types.ModuleType("uprising.calibration.posterior")
    module.load_posterior = lambda case, directory: posterior
    monkeypatch.setitem(sys.modules, "uprising.calibration.posterior", module)
    result = compare("fake", [SAME], draws=4, seeds=2, run_case=fake_run_case, n_boot=200)
    assert result.metadata["draws"] == 4 and len(result.runs) == 2 * 4 * 2
    base, same = (result.runs[result.runs["variant"] == v].reset_index(drop=True)
                  for v in ("baseline", "same"))
    assert base["peak_participants"].equals(same["peak_participants"])


def test_no_posterior_says_how_to_get_one(monkeypatch):
    module = types.ModuleType("uprising.calibration.posterior")

    def missing(case, directory):
        raise FileNotFoundError(f"{directory}/{case}.posterior.parquet")

    module.load_posterior = missing
    monkeypatch.setitem(sys.modules, "uprising.calibration.posterior", module)
    with pytest.raises(CompareError, match="--values"):
        compare("fake", [SAME], run_case=fake_run_case)


def test_forest_plot_has_one_panel_per_outcome_and_outputs_are_written(tmp_path):
    result = small()
    fig = forest_plot(result.effects)
    assert sum(ax.get_visible() for ax in fig.axes) == result.effects["outcome"].nunique()
    written = write_outputs(tmp_path, result.runs, result.effects, result.metadata)
    assert {p.name for p in written} == {"effects.csv", "effects.parquet", "runs.parquet",
                                         "effects.png", "compare.json"}
    back = pd.read_csv(tmp_path / "effects.csv")
    assert list(back.columns) == list(result.effects.columns)
    assert (tmp_path / "effects.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tmp_path.glob(".*.tmp"))


def test_cli_compare_writes_the_table_and_files(tmp_path, monkeypatch):
    monkeypatch.setattr(ensemble, "default_run_case", lambda: fake_run_case)
    out = tmp_path / "cmp"
    result = runner.invoke(cli.app, ["compare", "fake", "--variant", "more=fake.boost=0.5",
                                     "--values", "gain=1", "--seeds", "5", "--bootstrap",
                                     "200", "--out", str(out), "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "deaths" in result.output and (out / "effects.parquet").is_file()


@pytest.mark.parametrize("args, words", [
    (["--variant", "baseline=a=1"], "reserved"),
    (["--variant", "x=a=1", "--values", "gain=abc"], "--values gain"),
    (["--variant", "x=a=1", "--values", "gain=inf"], "finite"),
    (["--all"], "no variants shipped"),
    (["--variant", "x=a=1", "--draws", "0"], "--draws"),
])
def test_cli_bad_input_exits_2_naming_the_option(tmp_path, monkeypatch, args, words):
    monkeypatch.setattr(ensemble, "default_run_case", lambda: fake_run_case)
    result = runner.invoke(cli.app, ["compare", "fake", *args, "--out", str(tmp_path), "-q"])
    assert result.exit_code == 2, result.output
    assert words in result.output and "Traceback" not in result.output


def _broken_case(case, values, overrides, seed):
    if overrides:
        raise RuntimeError("simulator bug")
    return fake_run_case(case, values, overrides, seed)


def test_a_failing_run_says_which_run_it_was():
    with pytest.raises(RuntimeError, match="simulator bug") as info:
        compare("fake", [MORE], values={}, seeds=2, run_case=_broken_case)
    assert any("more, draw 0, seed" in n for n in info.value.__notes__)


def test_too_many_runs_are_refused_before_running():
    many = [Variant(f"v{i}", {"fake.boost": 0.1}) for i in range(20)]
    draws = pd.DataFrame({"gain": np.ones(ensemble.MAX_DRAWS)})
    with pytest.raises(CompareError, match="at most"):
        ensemble.run_ensemble("fake", many, draws, seeds=1, run_case=_broken_case)

"""The first hour of a new user (issue 19): CLI help and errors, outputs, sensitivity, API."""

from __future__ import annotations

import math
import subprocess
import sys

import click
import numpy as np
import pandas as pd
import pytest
import typer
import yaml
from typer.testing import CliRunner

from uprising import Model, api, cli, load_scenario
from uprising.reproduction.stats import p_str, range_str
from uprising.results import RunResult, dated_events
from uprising.terminal import fmt, label

PRESET = "epstein2002-run2"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(cli.app, list(args), catch_exceptions=False)


# -- build 3: the command line ----------------------------------------------------------------
def _commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")


def test_every_command_and_option_has_help():
    root = typer.main.get_command(cli.app)
    missing = []
    for name, command in _commands(root):
        if not (command.help or command.short_help):
            missing.append(f"command {name}")
        for param in command.params:
            if isinstance(param, click.Option) and not param.help:
                missing.append(f"{name} {param.opts[0]}")
            if isinstance(param, click.Argument) and not getattr(param, "help", None):
                missing.append(f"{name} argument {param.name}")
    assert missing == []


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0 and result.output.startswith("uprising ")


@pytest.mark.parametrize(("args", "hint"), [
    (["run", "epstein2002-rn2", "--ticks", "1"], "did you mean epstein2002-run2"),
    (["run", PRESET, "--set", "police.densty=0.1", "--ticks", "1"], "did you mean police.density"),
    (["show", PRESET, "--set", "polic.density=0.1"], "did you mean police"),
    (["rnu", PRESET], "Did you mean 'run'"),
])
def test_did_you_mean(args, hint):
    result = invoke(*args)
    assert result.exit_code == 2 and hint in result.output, result.output


def test_run_refuses_a_non_empty_folder_unless_overwrite(tmp_path):
    out = tmp_path / "o"
    assert invoke("run", PRESET, "--ticks", "5", "--out", str(out), "--no-plot").exit_code == 0
    again = invoke("run", PRESET, "--ticks", "5", "--out", str(out), "--no-plot")
    assert again.exit_code == 2 and "--overwrite" in again.output
    forced = invoke("run", PRESET, "--ticks", "7", "--out", str(out), "--no-plot", "--overwrite")
    assert forced.exit_code == 0
    assert RunResult.load(out).timeseries["tick"].max() == 7


def test_ctrl_c_removes_the_new_folder_and_says_so(tmp_path, monkeypatch):
    def interrupted(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "simulate_runs", interrupted)
    out = tmp_path / "new"
    result = invoke("run", PRESET, "--ticks", "5", "--out", str(out))
    assert result.exit_code == 130
    assert "interrupted" in result.output and "removed" in result.output
    assert not out.exists()


@pytest.mark.parametrize("command", [["show", PRESET], ["scenarios"]])
def test_broken_pipe_is_silent(command):
    reader = f"{sys.executable} -c 'import sys; sys.stdin.readline()'"
    writer = " ".join([sys.executable, "-m", "uprising", *command])
    done = subprocess.run(f"{writer} | {reader}", shell=True, capture_output=True, text=True,
                          timeout=120)
    assert "Broken pipe" not in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_status_ids_into_a_closed_pipe_is_silent(tmp_path):
    from test_experiments_support import small_experiment
    from uprising.experiments.runner import run_experiment

    run_experiment(small_experiment(), tmp_path / "sw")
    reader = f"{sys.executable} -c 'import sys; sys.stdin.readline()'"
    writer = f"{sys.executable} -m uprising status {tmp_path / 'sw'} --ids"
    done = subprocess.run(f"{writer} | {reader}", shell=True, capture_output=True, text=True,
                          timeout=120)
    assert "error" not in done.stderr and "Broken pipe" not in done.stderr, done.stderr


def test_plot_of_a_non_result_folder_names_the_missing_files(tmp_path):
    result = invoke("plot", str(tmp_path))
    assert result.exit_code == 2
    assert "no timeseries.parquet or run.json" in result.output and "?" not in result.output


def test_missing_extra_is_named(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(sys.modules, "duckdb", None)
    with pytest.raises(SystemExit) as stop:
        cli.main(["query", str(tmp_path), "select 1"])
    assert stop.value.code == 2
    assert 'pip install "uprising[experiments]"' in capsys.readouterr().err


# -- build 4: outputs ---------------------------------------------------------------------------
def test_replicates_labelled_with_seed_and_spawn_key_from_0(tmp_path):
    out = tmp_path / "r"
    result = invoke("run", PRESET, "--ticks", "20", "-r", "2", "--seed", "5", "--out", str(out),
                    "--set", "police.density=0.05")
    assert result.exit_code == 0, result.output
    assert "seed 5, key (0,)" in result.output and "seed 5, key (1,)" in result.output
    assert "replicate 2" not in result.output
    meta = RunResult.load(out).metadata
    assert meta["overrides"] == ["police.density=0.05"]
    from uprising.plotting import figure_title, split_runs

    res = RunResult.load(out)
    title = figure_title(res, split_runs(res))
    assert "40×40" in title and "police.density=0.05" in title


def test_dated_events_listed_in_the_terminal_and_plot(tmp_path):
    out = tmp_path / "ev"
    result = invoke("run", PRESET, "--ticks", "30", "--out", str(out),
                    "--set", 'timeline=[{"kind": "scale", "at": 10, '
                    '"path": "population.legitimacy", "factor": 0.9}]')
    assert result.exit_code == 0, result.output
    assert "tick     10  population.legitimacy ×0.9" in result.output
    assert dated_events(RunResult.load(out).metadata) == [(10, "population.legitimacy ×0.9")]
    assert (out / "timeseries.png").stat().st_size > 5000


def test_site_rows_are_labelled_and_formatted_like_the_total():
    assert label("almaty.share_ticks_under_10") == "almaty: share of ticks with < 10 active"
    assert fmt(0.8, "almaty.share_ticks_under_10") == "80%"
    assert fmt(0.46, "share_ticks_under_10") == "46%"
    assert fmt(12.0, "almaty.n_outbursts") == "12"


def test_cops_are_on_or_off_duty():
    agents = Model(PRESET, rng=1).get_agent_vars_dataframe()
    assert set(agents.loc[agents.kind == "cop", "state"]) <= {"on_duty", "off_duty"}
    assert "quiet" in set(agents.loc[agents.kind == "citizen", "state"])


def test_report_ranges_and_p_values():
    assert range_str([65.0, 65.2]) == "65" and range_str([61, 68]) == "61–68"
    assert p_str(0.0) == "p < 0.001" and p_str(0.031) == "p = 0.031"


# -- build 5: sensitivity ---------------------------------------------------------------------
def _ishigami(tmp_path, n: int):
    exp = tmp_path / "ishigami.yaml"
    exp.write_text(yaml.safe_dump({
        "name": "ishigami", "model": "uprising.experiments.testfunctions:ishigami",
        "sampler": {"method": "sobol", "n": n, "seed": 1,
                    "bounds": {k: [-math.pi, math.pi] for k in ("x1", "x2", "x3")}},
    }))
    return exp


def test_sensitivity_is_seeded_named_by_metric_and_warns_on_small_samples(tmp_path):
    exp = _ishigami(tmp_path, 8)
    out = tmp_path / "o"
    first = runner.invoke(cli.app, ["sensitivity", str(exp), "--out", str(out), "-q"])
    assert first.exit_code == 0, first.output
    assert "warning: sobol with N = 8" in first.output
    csv = (out / "sensitivity.csv").read_bytes()
    again = runner.invoke(cli.app, ["sensitivity", str(out), "-q"])
    assert again.exit_code == 0 and (out / "sensitivity.csv").read_bytes() == csv
    assert "replaced the earlier" in again.output
    one = runner.invoke(cli.app, ["sensitivity", str(out), "-q", "--metric", "y"])
    assert one.exit_code == 0, one.output
    assert (out / "sensitivity-y.csv").is_file() and (out / "sensitivity-y.png").is_file()
    assert (out / "sensitivity.csv").read_bytes() == csv


# -- build 6: the Python API ------------------------------------------------------------------
def test_api_errors_name_the_argument():
    model = Model(PRESET, rng=1)
    with pytest.raises(ValueError, match="ticks"):
        model.run(-3)
    with pytest.raises(ValueError, match="rng"):
        Model(PRESET, rng=-1)
    with pytest.raises(ValueError, match="replicates"):
        api.run_replicates(PRESET, 0)
    with pytest.raises(TypeError, match="overrides"):
        api.run_scenario(PRESET, ticks=1, overrides=[0.05])


def test_overrides_accept_a_string_everywhere():
    assert load_scenario(PRESET, "police.density=0.05").police.density == 0.05
    one = api.run_scenario(PRESET, ticks=5, overrides="police.density=0.05")
    listed = api.run_scenario(PRESET, ticks=5, overrides=["police.density=0.05"])
    pd.testing.assert_frame_equal(one.timeseries, listed.timeseries)
    runs = api.run_replicates(PRESET, 2, ticks=5, overrides="police.density=0.05")
    assert sorted(runs.timeseries["replicate"].unique()) == [0, 1]


# -- build 7: reporters -----------------------------------------------------------------------
def test_reporters_add_columns_and_agent_records_without_changing_bits():
    plain = Model(PRESET, rng=3).run(60).get_model_vars_dataframe()
    model = Model(PRESET, rng=3)
    model.add_reporters({"g": lambda m: float(m.state.grievance.mean())}, every=7,
                        agents_every=25)
    model.run(60)
    df = model.get_model_vars_dataframe()
    pd.testing.assert_frame_equal(df[plain.columns], plain)
    assert df["g"].notna().sum() == len(range(0, 61, 7))
    records = model.get_agent_records()
    assert list(records.columns) == ["tick", "agent", "kind", "state", "x", "y", "group"]
    assert sorted(records["tick"].unique()) == [0, 25, 50]
    assert "g" in model.result().timeseries.columns
    with pytest.raises(ValueError, match="every"):
        model.add_reporters({"h": len}, every=0)
    assert np.isfinite(df["g"].dropna()).all()

"""The experiment commands end to end through the CLI (own Typer app built with register())."""

from __future__ import annotations

import math

import pytest
import typer
import yaml
from typer.testing import CliRunner

from test_experiments_support import SMALL_WORLD, flaky_experiment
from uprising.experiments.cli import register


@pytest.fixture(scope="module")
def app():
    application = typer.Typer()
    register(application)
    return application


@pytest.fixture(scope="module")
def swept(app, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    exp = folder / "grid.yaml"
    exp.write_text(yaml.safe_dump({
        "name": "grid", "set": SMALL_WORLD, "ticks": 40, "repetitions": 2,
        "enumerated": {"population.legitimacy": [0.6, 0.8]},
        "stepped": {"police.density": {"start": 0.02, "stop": 0.04, "step": 0.02}},
        "measure_every": 10,
    }))
    out = folder / "out"
    result = CliRunner().invoke(app, ["sweep", str(exp), "--out", str(out), "-q",
                                      "--shard", "0/2"])
    assert result.exit_code == 0, result.output
    assert "4 runs done" in result.output and "4 missing" in result.output
    return exp, out


def test_status_lists_missing_then_resume_completes(app, swept):
    exp, out = swept
    runner = CliRunner()
    status = runner.invoke(app, ["status", str(out)])
    assert status.exit_code == 0
    assert "done           4  0, 2, 4, 6" in status.output
    assert "missing        4  1, 3, 5, 7" in status.output
    again = runner.invoke(app, ["sweep", str(exp), "--out", str(out), "-q"])
    assert again.exit_code == 0 and "4 runs done" in again.output
    assert "4 skipped" in again.output and "8 done, 0 failed, 0 missing" in again.output
    status = runner.invoke(app, ["status", str(out)])
    assert "done           8  0-7" in status.output
    merged = runner.invoke(app, ["merge", str(out)])
    assert merged.exit_code == 0 and "holding 8 runs" in merged.output


def test_query_phase_export(app, swept, tmp_path):
    _, out = swept
    runner = CliRunner()
    q = runner.invoke(app, ["query", str(out), "select count(*) as n from timeseries", "--csv"])
    assert q.exit_code == 0 and q.output.split() == ["n", "40"]
    ph = runner.invoke(app, ["phase", str(out), "--x", "population.legitimacy",
                             "--y", "police.density", "--metric", "n_outbursts",
                             "--out", str(tmp_path / "p.png")])
    assert ph.exit_code == 0, ph.output
    assert (tmp_path / "p.png").stat().st_size > 5000
    ex = runner.invoke(app, ["export", str(out), "--format", "behaviorspace",
                             "--out", str(tmp_path / "t.csv")])
    assert ex.exit_code == 0
    lines = (tmp_path / "t.csv").read_text().splitlines()
    assert len(lines) == 7 + 8 * 5  # preamble + header, 8 runs × ticks 0,10,20,30,40


def test_sensitivity_command_runs_the_experiment(app, tmp_path):
    exp = tmp_path / "ishigami.yaml"
    exp.write_text(yaml.safe_dump({
        "name": "ishigami", "model": "uprising.experiments.testfunctions:ishigami",
        "sampler": {"method": "sobol", "n": 256, "seed": 1,
                    "bounds": {k: [-math.pi, math.pi] for k in ("x1", "x2", "x3")}},
    }))
    result = CliRunner().invoke(app, ["sensitivity", str(exp), "--out", str(tmp_path / "o"),
                                      "-q"])
    assert result.exit_code == 0, result.output
    assert "S1_conf" in result.output and (tmp_path / "o" / "sensitivity.png").is_file()
    assert (tmp_path / "o" / "sensitivity.csv").read_text().startswith("metric,parameter,S1")


@pytest.mark.parametrize(
    "args",
    [
        ["sweep", "missing.yaml", "--out", "{tmp}/x"],
        ["status", "no-such-dir"],
        ["query", "no-such-dir", "select 1"],
    ],
)
def test_user_errors_exit_2_without_traceback(app, args, tmp_path):
    result = CliRunner().invoke(app, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2
    assert "error:" in result.output and "Traceback" not in result.output


def test_bad_experiment_and_bad_sql_exit_2(app, swept, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("repetitions: 0\nstepped: {police.density: {start: 0.1, stop: 0.0, step: 1}}\n")
    runner = CliRunner()
    result = runner.invoke(app, ["sweep", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "repetitions: out of range" in result.output
    assert "stop (0) must be ≥ start (0.1)" in result.output
    result = runner.invoke(app, ["sweep", str(swept[0]), "--out", str(tmp_path / "o2"),
                                 "--shard", "3/2"])
    assert result.exit_code == 2 and "0 ≤ i < N" in result.output
    result = runner.invoke(app, ["query", str(swept[1]), "select nope from runs"])
    assert result.exit_code == 2 and "query failed" in result.output


def test_export_of_a_store_without_finished_runs_exits_2(app, tmp_path):
    from uprising.experiments.runner import run_experiment

    run_experiment(flaky_experiment(enumerated={"x": [-1, -2]}, repetitions=1), tmp_path)
    result = CliRunner().invoke(app, ["export", str(tmp_path), "--format", "behaviorspace"])
    assert result.exit_code == 2 and "no finished runs" in result.output
    status = CliRunner().invoke(app, ["status", str(tmp_path)])
    assert "failed         2  0-1" in status.output and "x = -1.0 is negative" in status.output

"""Command-line interface: run/scenarios/show/plot, plugin hook, exit code 2 on bad input."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest
import typer
from typer.testing import CliRunner

from uprising import RunResult, ScenarioError, api, cli, preset_names

PRESET = "epstein2002-run2"
TICKS = "50"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
COUNT_COLUMNS = ["tick", "quiet", "active", "jailed", "cops", "arrests", "releases", "legitimacy"]

runner = CliRunner()


def invoke(*args: str):
    """Returns the CliRunner result of ``uprising ARGS`` (exceptions are not swallowed)."""
    return runner.invoke(cli.app, list(args), catch_exceptions=False)


def run_out(tmp_path: Path, *extra: str, name: str = "out") -> tuple[object, Path]:
    out = tmp_path / name
    return invoke("run", PRESET, "--ticks", TICKS, "--out", str(out), *extra), out


def console_script() -> list[str]:
    """Returns the argv prefix of the installed console script (or ``python -m uprising``)."""
    exe = shutil.which("uprising") or str(Path(sys.executable).with_name("uprising"))
    return [exe] if Path(exe).exists() else [sys.executable, "-m", "uprising"]


# -- run ------------------------------------------------------------------------------------
def test_run_writes_tables_sidecar_and_png(tmp_path):
    result, out = run_out(tmp_path)
    assert result.exit_code == 0, result.output
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert list(ts.columns[: len(COUNT_COLUMNS)]) == COUNT_COLUMNS
    assert ts["tick"].tolist() == list(range(int(TICKS) + 1))
    assert "replicate" not in ts.columns  # a single run has no replicate column
    summary = pd.read_parquet(out / "summary.parquet")
    assert len(summary) == 1 and "mean_active" in summary.columns
    assert (out / "run.json").stat().st_size > 0
    png = (out / "timeseries.png").read_bytes()
    assert png.startswith(PNG_MAGIC) and len(png) > 10_000
    assert f"{summary['mean_active'].iloc[0]:.1f}" in result.stdout
    assert "mean active (citizens)" in result.stdout and "timeseries.parquet" in result.stdout


def test_run_matches_api_run_scenario(tmp_path):
    """The CLI's chunked, progress-reporting run gives the same bits as api.run_scenario."""
    result, out = run_out(tmp_path, "--seed", "7", "--no-plot")
    assert result.exit_code == 0, result.output
    expected = api.run_scenario(PRESET, seed=7, ticks=int(TICKS)).timeseries
    pdt.assert_frame_equal(pd.read_parquet(out / "timeseries.parquet"), expected)
    assert not (out / "timeseries.png").exists()


def test_run_replicates_have_seed_and_replicate_columns(tmp_path):
    result, out = run_out(tmp_path, "--replicates", "2", "--seed", "3", "--no-plot")
    assert result.exit_code == 0, result.output
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert {"seed", "replicate"} <= set(ts.columns)
    assert sorted(ts["replicate"].unique()) == [0, 1]
    assert set(ts["seed"].unique()) == {3}
    assert (ts.groupby("replicate").size() == int(TICKS) + 1).all()
    for r in (0, 1):  # replicate r is api.run_scenario(seed=3, replicate=r)
        got = ts[ts["replicate"] == r][COUNT_COLUMNS].reset_index(drop=True)
        want = api.run_scenario(PRESET, seed=3, replicate=r, ticks=int(TICKS)).timeseries
        pdt.assert_frame_equal(got, want[COUNT_COLUMNS])
    a = ts[ts["replicate"] == 0]["active"].to_numpy()
    b = ts[ts["replicate"] == 1]["active"].to_numpy()
    assert (a != b).any()
    assert len(pd.read_parquet(out / "summary.parquet")) == 2
    assert "mean" in result.stdout


def test_same_seed_identical_parquet_different_seed_differs(tmp_path):
    first, out1 = run_out(tmp_path, "--seed", "11", "--no-plot", name="a")
    second, out2 = run_out(tmp_path, "--seed", "11", "--no-plot", name="b")
    third, out3 = run_out(tmp_path, "--seed", "12", "--no-plot", name="c")
    assert first.exit_code == second.exit_code == third.exit_code == 0
    for table in ("timeseries.parquet", "summary.parquet"):
        pdt.assert_frame_equal(pd.read_parquet(out1 / table), pd.read_parquet(out2 / table))
    a = pd.read_parquet(out1 / "timeseries.parquet")
    c = pd.read_parquet(out3 / "timeseries.parquet")
    assert not a.equals(c)


def test_run_default_output_folder_is_results_slash_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("run", PRESET, "--ticks", "5", "--no-plot")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "results" / PRESET / "timeseries.parquet").is_file()


def _render(table) -> str:
    import io

    from rich.console import Console

    con = Console(width=160, record=True, file=io.StringIO())
    con.print(table)
    return con.export_text()


def test_summary_table_per_replicate_then_mean_sd_min_max():
    runs = [{"seed": 9, "replicate": r, "mean_active": 10.0 * (r + 1), "victor": "none",
             "kills": r} for r in range(8)]
    result = RunResult(pd.DataFrame(), {"mean_active": 45.0, "kills": 3.5}, {}, runs)
    text = _render(cli.summary_table(result, "t"))
    assert "mean active (citizens)" in text and "kills" in text and "victor" in text
    row = next(line for line in text.splitlines() if "mean active" in line).split()
    assert row[-4:] == ["45.0", "24.5", "10.0", "80.0"]  # mean, sd (sample), min, max
    few = RunResult(pd.DataFrame(), {"mean_active": 15.0, "kills": 0.5}, {}, runs[:2])
    text = _render(cli.summary_table(few, "t"))
    assert "replicate 1" in text and "seed 9, key (1,)" in text
    row = next(line for line in text.splitlines() if "mean active" in line).split()
    assert row[-3:] == ["10.0", "20.0", "15.0"]


# -- scenarios, show, plot ------------------------------------------------------------------
def test_scenarios_lists_every_preset():
    result = invoke("scenarios")
    assert result.exit_code == 0
    names = preset_names()
    assert len(names) >= 7
    for name in names:
        assert name in result.stdout


def test_show_prints_resolved_yaml_with_override():
    import yaml

    result = invoke("show", PRESET, "--set", "police.density=0.0512", "-s", "world.width=60")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert data["police"]["density"] == 0.0512
    assert data["world"]["width"] == 60
    assert data["name"] == PRESET


def test_plot_command_writes_png(tmp_path):
    result, out = run_out(tmp_path, "--replicates", "2", "--no-plot")
    assert result.exit_code == 0
    target = tmp_path / "figs" / "plot.png"
    shown = invoke("plot", str(out), "--out", str(target))
    assert shown.exit_code == 0, shown.output
    assert target.read_bytes().startswith(PNG_MAGIC)
    default = invoke("plot", str(out), "--extra", "arrests")
    assert default.exit_code == 0
    assert (out / "timeseries.png").read_bytes().startswith(PNG_MAGIC)


# -- errors: exit code 2, one message, no traceback -----------------------------------------
@pytest.fixture
def bad_yaml(tmp_path) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text("world: {width: 40\npolice: [", encoding="utf-8")
    return path


ERROR_CASES = {
    "unknown field": (["show", PRESET, "--set", "police.densty=0.1"], ["police.densty", "unknown"]),
    "wrong type": (["show", PRESET, "--set", "world.width=wide"], ["world.width", "integer"]),
    "out of range": (["show", PRESET, "--set", "police.density=1.5"], ["police.density", "1"]),
    "run out of range": (["run", PRESET, "--set", "police.density=-0.1"], ["police.density"]),
    "ticks out of range": (["run", PRESET, "--ticks", "0"], ["ticks", "1"]),
    "bad --set syntax": (["show", PRESET, "--set", "police.density"], ["police.density", "="]),
    "unknown preset": (["run", "no-such-preset"], ["no-such-preset", PRESET]),
    "missing file": (["show", "nowhere/missing.yaml"], ["missing.yaml", "not found"]),
    "missing result dir": (["plot", "nowhere/results"], ["nowhere/results", "not found"]),
    "bad --extra column": (["plot", "DIR", "--extra", "nosuch"], ["nosuch", "no such column"]),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_invalid_input_exits_2_with_one_clear_message(case, tmp_path):
    args, needles = ERROR_CASES[case]
    if "DIR" in args:  # needs a real result folder
        done, out = run_out(tmp_path, "--no-plot")
        assert done.exit_code == 0
        args = [str(out) if a == "DIR" else a for a in args]
    result = invoke(*args)
    assert result.exit_code == 2, (case, result.output)
    assert result.stderr.startswith("error: ")
    for needle in needles:
        assert needle in result.stderr, (case, result.stderr)
    assert "Traceback" not in result.output


def test_malformed_yaml_exits_2(bad_yaml):
    result = invoke("run", str(bad_yaml), "--ticks", "5")
    assert result.exit_code == 2
    assert "malformed YAML" in result.stderr and "broken.yaml" in result.stderr
    assert "Traceback" not in result.output


def test_scenario_file_with_bad_value_names_field_and_range(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("base: epstein2002-run2\npolice: {density: 3}\n", encoding="utf-8")
    result = invoke("run", str(path), "--ticks", "5")
    assert result.exit_code == 2
    assert "police.density" in result.stderr and "≤ 1" in result.stderr


def test_unwritable_output_exits_2_before_running(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = invoke("run", PRESET, "--ticks", "5", "--out", str(blocker / "sub"))
    assert result.exit_code == 2
    assert "cannot write to output folder" in result.stderr and "a-file" in result.stderr
    assert "Running" not in result.stderr  # failed before simulating


def test_plot_of_folder_without_results_exits_2(tmp_path):
    result = invoke("plot", str(tmp_path))
    assert result.exit_code == 2
    assert "not a result folder" in result.stderr


def test_typer_usage_errors_exit_2():
    assert invoke("run", PRESET, "--replicates", "0").exit_code == 2
    assert invoke("run", PRESET, "--seed", "abc").exit_code == 2
    assert invoke("no-such-command").exit_code == 2


# -- main() and the plugin hook --------------------------------------------------------------
def test_main_turns_escaped_validation_errors_into_exit_2(monkeypatch, capsys):
    fake = typer.Typer()

    @fake.command()
    def boom(kind: str) -> None:
        if kind == "scenario":
            raise ScenarioError("police.density: out of range (greater than equal 0)")
        raise ValueError("bad value for population.vision")

    @fake.command()
    def other() -> None:  # a second command keeps "boom" a subcommand
        pass

    monkeypatch.setattr(cli, "app", fake)
    for kind, needle in (("scenario", "police.density"), ("value", "population.vision")):
        with pytest.raises(SystemExit) as exc:
            cli.main(["boom", kind])
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert needle in err and "Traceback" not in err


@pytest.fixture
def plugin_package(tmp_path, monkeypatch) -> str:
    pkg = tmp_path / "fakeplugins"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "good.py").write_text(
        "def register(app):\n"
        "    @app.command('hello')\n"
        "    def hello() -> None:\n"
        "        print('hello from plugin')\n",
        encoding="utf-8",
    )
    (pkg / "broken.py").write_text("import a_module_that_is_not_installed_xyz\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "fakeplugins"
    for name in [m for m in sys.modules if m.startswith("fakeplugins")]:
        del sys.modules[name]


def test_plugins_register_and_absent_modules_are_skipped(plugin_package):
    target = typer.Typer()

    @target.command()
    def base() -> None:
        pass

    names = (f"{plugin_package}.good", f"{plugin_package}.absent", "no_such_package_xyz.cli")
    assert cli.register_plugins(target, names) == [f"{plugin_package}.good"]
    result = runner.invoke(target, ["hello"])
    assert result.exit_code == 0 and "hello from plugin" in result.stdout


def test_plugin_with_broken_import_surfaces(plugin_package):
    with pytest.raises(ModuleNotFoundError) as exc:
        cli.register_plugins(typer.Typer(), (f"{plugin_package}.broken",))
    assert exc.value.name == "a_module_that_is_not_installed_xyz"


# -- the installed console script, as a real process ------------------------------------------
def _script(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.run(
        [*console_script(), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_console_script_run_and_error(tmp_path):
    done = _script("run", PRESET, "--ticks", TICKS, "--replicates", "2", "--out", "o", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    ts = pd.read_parquet(tmp_path / "o" / "timeseries.parquet")
    assert {"seed", "replicate", *COUNT_COLUMNS} <= set(ts.columns)
    assert (tmp_path / "o" / "timeseries.png").read_bytes().startswith(PNG_MAGIC)
    assert "mean" in done.stdout
    bad = _script("run", PRESET, "--set", "police.density=2", cwd=tmp_path)
    assert bad.returncode == 2
    assert "police.density" in bad.stderr and "Traceback" not in bad.stderr


def test_python_dash_m_uprising(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "uprising", "show", PRESET, "--set", "jail.max_term=17"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "max_term: 17" in done.stdout


def test_plot_to_unwritable_file_exits_2(tmp_path):
    result, out = run_out(tmp_path, "--no-plot")
    assert result.exit_code == 0
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    shown = invoke("plot", str(out), "--out", str(blocker / "plot.png"))
    assert shown.exit_code == 2
    assert shown.stderr.startswith("error: cannot write") and "Traceback" not in shown.output

"""Command-line interface: ``uprising run | scenarios | show | plot`` (Typer + Rich).

Invalid input of any kind prints one message to stderr and exits with code 2, no traceback.

Other packages add commands through ``register(app)`` in the modules named in ``PLUGIN_MODULES``;
they can reuse ``user_errors()`` / ``fail()`` for the same error behaviour and ``console`` /
``err_console`` for output, from ``uprising.terminal``.
"""

from __future__ import annotations

import importlib
import math
import re
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from uprising.observer import SUMMARY_KEYS
from uprising.results import SIDECAR_FILE, SUMMARY_FILE, TIMESERIES_FILE, RunResult
from uprising.scenario import Scenario, ScenarioError, preset_names
from uprising.simulation.memory import check_scenario_fits
from uprising.terminal import (
    EXIT_USAGE,
    console,
    err_console,
    error_message,
    fail,
    prepare_output,
    print_error,
    resolve,
    user_errors,
)

PLOT_FILE = "timeseries.png"
PLUGIN_MODULES = (
    "uprising.experiments.cli",
    "uprising.reproduction.cli",
    "uprising.dashboard.cli",
    "uprising.geo.cli",
)

app = typer.Typer(
    name="uprising",
    help="Fast, validated agent-based simulator of civil unrest (Epstein 2002 and extensions).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set", "-s", metavar="PATH=VALUE",
        help="Override a scenario field, e.g. --set police.density=0.05 (repeatable).",
    ),
]
ScenarioArg = Annotated[str, typer.Argument(help="Preset name (see `uprising scenarios`) or YAML.")]

# Model I summary statistics shown by `run` (key, label); other summary keys that are not
# Model I's (Model II, mechanisms) are shown after them under their own names.
SUMMARY_ROWS = (
    ("mean_active", "mean active (citizens)"),
    ("peak_active", "peak active (citizens)"),
    ("mean_jailed", "mean jailed (citizens)"),
    ("share_ticks_under_10", "share of ticks with < 10 active"),
    ("n_outbursts", "outbursts"),
    ("mean_outburst_duration", "mean outburst length (ticks)"),
    ("mean_wait", "mean wait between outbursts (ticks)"),
    ("total_arrests", "arrests"),
)
MODEL_I_KEYS = frozenset(SUMMARY_KEYS) | {"seed", "replicate"}
MAX_REPLICATE_COLUMNS = 6


# -- error handling ------------------------------------------------------------------------
# -- run -----------------------------------------------------------------------------------
def _safe_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("._") or "run"


def _fmt(value: Any, key: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if key.startswith("share_"):
        return f"{value:.0%}"
    if isinstance(value, int):
        return str(value)
    return f"{value:.1f}"


def _stats(values: list[Any], key: str) -> list[str]:
    nums = [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    nums = [v for v in nums if not math.isnan(v)]
    if not nums:
        return ["–"] * 3
    sd = statistics.stdev(nums) if len(nums) > 1 else math.nan
    return [_fmt(sd, key), _fmt(min(nums), key), _fmt(max(nums), key)]


def summary_table(result: RunResult, title: str) -> Table:
    """Returns a Rich table with one row per statistic: per-replicate values and their mean.

    With more than ``MAX_REPLICATE_COLUMNS`` runs it shows mean, sd, min and max instead (every
    run's values are in summary.parquet). Outbursts use the scenario's observer thresholds.
    """
    runs = result.runs or [
        {"seed": result.metadata.get("seed"), "replicate": result.metadata.get("replicate", 0),
         **result.summary}
    ]
    keys = {k for run in runs for k in run}
    rows = [(k, label) for k, label in SUMMARY_ROWS if k in keys]
    rows += [(k, k.replace("_", " ")) for k in sorted(keys - MODEL_I_KEYS)]
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("statistic")
    several, wide = len(runs) > 1, len(runs) <= MAX_REPLICATE_COLUMNS
    if wide:
        for run in runs:
            table.add_column(f"rep. {run['replicate']}\nseed {run['seed']}", justify="right")
    if several:
        table.add_column("mean", justify="right", style="bold")
    if several and not wide:
        for name in ("sd", "min", "max"):
            table.add_column(name, justify="right")
    for key, label in rows:
        cells = [_fmt(run.get(key), key) for run in runs] if wide else []
        if several:
            cells.append(_fmt(result.summary.get(key), key))
        if several and not wide:
            cells += _stats([run.get(key) for run in runs], key)
        table.add_row(label, *cells)
    return table


def simulate_runs(scenario: Scenario, replicates: int) -> RunResult:
    """Returns the (combined, if several) result of ``replicates`` runs, with a progress bar.

    Replicate r is seeded like ``api.run_scenario(scenario, seed=scenario.seed, replicate=r)``
    and, like it, runs in one ``Model.run`` call (whose chunks drive the progress bar), so both
    give the same bits.
    """
    from uprising.api import make_model
    from uprising.results import combine

    ticks = scenario.ticks
    results = []
    columns = (
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("ticks"), TimeElapsedColumn(), TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console) as progress:
        task = progress.add_task(scenario.name, total=ticks * replicates)

        def advance(n: int) -> None:
            progress.advance(task, n)

        for r in range(replicates):
            progress.update(task, description=f"{scenario.name} replicate {r + 1}/{replicates}")
            model = make_model(scenario, rng=scenario.seed, replicate=r)
            model.run(progress=advance)
            results.append(model.result())
    return results[0] if replicates == 1 else combine(results)


@app.command()
def run(
    scenario: ScenarioArg,
    set_: SetOption = None,
    ticks: Annotated[int | None, typer.Option(help="Ticks to run (default: scenario's).")] = None,
    seed: Annotated[int | None, typer.Option(help="Root seed (default: scenario's).")] = None,
    replicates: Annotated[
        int, typer.Option("--replicates", "-r", min=1, help="Independent runs (seed, r).")
    ] = 1,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output folder (default results/NAME).")
    ] = None,
    no_plot: Annotated[bool, typer.Option("--no-plot", help="Do not write the PNG.")] = False,
) -> None:
    """Run a scenario; write Parquet tables, run.json and a PNG; print a summary table."""
    overrides = list(set_ or [])
    if ticks is not None:
        overrides.append(f"ticks={ticks}")
    if seed is not None:
        overrides.append(f"seed={seed}")
    sc = resolve(scenario, overrides)
    with user_errors():
        check_scenario_fits(sc)
    out = out if out is not None else Path(sc.output.directory) / _safe_name(sc.name)
    prepare_output(out)
    err_console.print(
        f"Running [bold]{sc.name}[/]: {sc.ticks} ticks × {replicates} replicate(s), "
        f"seed {sc.seed} → {out}", highlight=False,
    )
    if sc.engine == "fast":
        from uprising.engine.fast.scheduler import kernels_cached

        if not kernels_cached():
            err_console.print("First run of the fast engine here: compiling its kernels (about "
                              "a minute, once; cached afterwards).", highlight=False)
    result = simulate_runs(sc, replicates)
    written = [out / TIMESERIES_FILE, out / SUMMARY_FILE, out / SIDECAR_FILE]
    try:
        result.save(out)
        if not no_plot and sc.output.plot:
            from uprising.plotting import plot_timeseries

            written.append(plot_timeseries(result, out / PLOT_FILE))
    except OSError as exc:
        fail(f"cannot write results to {out}: {exc.strerror or exc}")
    title = f"{sc.name}: {sc.ticks} ticks, seed {sc.seed}"
    console.print(summary_table(result, title))
    wall = result.metadata.get("wall_time", 0.0)
    console.print(f"simulated in {wall:.2f} s; wrote:", highlight=False)
    for path in written:
        console.print(f"  {path}", highlight=False, markup=False, soft_wrap=True)


# -- scenarios, show, plot -----------------------------------------------------------------
@app.command()
def scenarios() -> None:
    """List the preset scenarios shipped with uprising."""
    table = Table(title="Preset scenarios", title_justify="left")
    table.add_column("name", no_wrap=True, style="bold")
    table.add_column("ticks", justify="right")
    table.add_column("description")
    for name in preset_names():
        sc = resolve(name)
        table.add_row(name, str(sc.ticks), " ".join(sc.description.split()))
    console.print(table)


@app.command()
def show(scenario: ScenarioArg, set_: SetOption = None) -> None:
    """Print the fully resolved scenario as YAML."""
    from uprising.scenario import scenario_to_yaml

    typer.echo(scenario_to_yaml(resolve(scenario, set_)), nl=False)


@app.command()
def plot(
    result_dir: Annotated[Path, typer.Argument(help="Folder written by `uprising run`.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help=f"PNG to write (default DIR/{PLOT_FILE}).")
    ] = None,
    extra: Annotated[
        list[str] | None,
        typer.Option("--extra", "-e", help="Another count column to draw with the actives."),
    ] = None,
) -> None:
    """Plot a saved run's time series (outbursts shaded) to a PNG."""
    from uprising.plotting import plot_timeseries

    if not result_dir.is_dir():
        fail(f"result folder not found: {result_dir}")
    try:
        result = RunResult.load(result_dir)
    except FileNotFoundError as exc:
        missing = Path(exc.filename or "?").name
        fail(f"{result_dir} is not a result folder (no {missing}); create one with `uprising run`")
    except (OSError, ValueError) as exc:
        fail(f"cannot read the results in {result_dir}: {exc}")
    target = out if out is not None else result_dir / PLOT_FILE
    columns = list(result.timeseries.columns)
    unknown = [c for c in extra or [] if c not in columns]
    if unknown:
        fail(f"--extra {', '.join(unknown)}: no such column (columns: {', '.join(columns)})")
    try:
        with user_errors():
            plot_timeseries(result, target, extra_columns=extra)
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror or exc}")
    console.print(f"wrote {target}", highlight=False, markup=False, soft_wrap=True)


# -- plugins and entry point ---------------------------------------------------------------
def _absent(exc: ModuleNotFoundError, module: str) -> bool:
    """Returns whether ``exc`` says ``module`` itself (or its parent package) does not exist."""
    missing = exc.name or ""
    return bool(missing) and (module == missing or module.startswith(missing + "."))


def register_plugins(target: typer.Typer, modules: Sequence[str] = PLUGIN_MODULES) -> list[str]:
    """Returns the plugin modules whose ``register(target)`` was called.

    A module that does not exist is skipped; any other import error propagates.
    """
    loaded = []
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if _absent(exc, name):
                continue
            raise
        module.register(target)
        loaded.append(name)
    return loaded


register_plugins(app)


def main(argv: Sequence[str] | None = None) -> None:
    """Runs the CLI; invalid scenarios or values that escape a command exit with code 2."""
    try:
        app(args=None if argv is None else list(argv), prog_name="uprising")
    except (ScenarioError, ValueError) as exc:
        print_error(error_message(exc))
        sys.exit(EXIT_USAGE)

"""Command-line interface: ``uprising run | scenarios | show | plot`` (Typer + Rich).

Invalid input of any kind prints one message to stderr and exits with code 2, no traceback.

Other packages add commands through ``register(app)`` in the modules named in ``PLUGIN_MODULES``;
they can reuse ``user_errors()`` / ``fail()`` for the same error behaviour and ``console`` /
``err_console`` for output, from ``uprising.terminal``.
"""

from __future__ import annotations

import importlib
import re
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

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
    print_events,
    resolve,
    scenario_warnings,
    summary_table,
    user_errors,
)

__all__ = ["app", "main", "register_plugins", "simulate_runs", "summary_table"]

PLOT_FILE = "timeseries.png"
PLUGIN_MODULES = (
    "uprising.experiments.cli",
    "uprising.reproduction.cli",
    "uprising.dashboard.cli",
    "uprising.geo.cli",
    "uprising.casestudy.cli",
    "uprising.calibration.cli",
    "uprising.counterfactual.cli",
    "uprising.report.cli",
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


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"uprising {version('uprising')}")
        except PackageNotFoundError:
            typer.echo("uprising (version unknown: not installed)")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Fast, validated agent-based simulator of civil unrest (Epstein 2002 and extensions)."""
    ctx.with_resource(scenario_warnings())


ScenarioArg = Annotated[str, typer.Argument(help="Preset name (see `uprising scenarios`) or YAML.")]



def _safe_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("._") or "run"


def simulate_runs(scenario: Scenario, replicates: int) -> RunResult:
    """Returns the (combined, if several) result of ``replicates`` runs, with a progress bar.

    Replicate r (numbered from 0, as everywhere) is seeded like
    ``api.run_scenario(scenario, seed=scenario.seed, replicate=r)`` and, like it, runs in one
    ``Model.run`` call (whose chunks drive the progress bar), so both give the same bits.
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
            label = f"replicate {r} of 0–{replicates - 1}" if replicates > 1 else "replicate 0"
            progress.update(task, description=f"{scenario.name} {label}")
            model = make_model(scenario, rng=scenario.seed, replicate=r)
            model.run(progress=advance)
            results.append(model.result())
    return results[0] if replicates == 1 else combine(results)


def compile_kernels(scenario: Scenario) -> float:
    """Returns the seconds spent compiling (or loading) the scenario's kernels, behind a
    spinner of its own, so that "simulated in" counts simulation only."""
    from uprising.api import kernels_compiled, warm_up

    state = kernels_compiled(scenario)
    if state is True:
        return 0.0
    what = ("compiling kernels (once; cached afterwards)" if state is False
            else "loading compiled kernels")
    with err_console.status(f"{what}…", spinner="dots"):
        seconds = warm_up(scenario)
    if seconds > 0:
        err_console.print(f"{what}: {seconds:.1f} s", highlight=False)
    return seconds


def _is_empty(folder: Path) -> bool:
    return not folder.exists() or (folder.is_dir() and not any(folder.iterdir()))


def _interrupted(out: Path, created: bool) -> None:
    """Reports a Ctrl-C and removes the output folder when this run created it."""
    if created:
        shutil.rmtree(out, ignore_errors=True)
        where = f"removed the unfinished output folder {out}"
    else:
        where = f"{out} left as it was (nothing written)"
    err_console.print(f"interrupted: no result kept; {where}", highlight=False, markup=False)
    raise typer.Exit(130)


@app.command()
def run(
    scenario: ScenarioArg,
    set_: SetOption = None,
    ticks: Annotated[int | None, typer.Option(help="Ticks to run (default: scenario's).")] = None,
    seed: Annotated[int | None, typer.Option(help="Root seed (default: scenario's).")] = None,
    replicates: Annotated[
        int, typer.Option("--replicates", "-r", min=1,
                          help="Independent runs, numbered 0…N−1; replicate r is seeded with "
                          "SeedSequence(seed, spawn_key=(r,)).")
    ] = 1,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output folder (default results/NAME); "
                                  "must be empty or new unless --overwrite.")
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace the results in a non-empty --out.")
    ] = False,
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
    if out.exists() and not out.is_dir():
        fail(f"--out {out} is a file, not a folder")
    created = not out.exists()
    if not _is_empty(out) and not overwrite:
        fail(f"output folder {out} is not empty: pass --overwrite to replace its results, or "
             "choose another --out")
    prepare_output(out)
    err_console.print(
        f"Running [bold]{sc.name}[/] ({sc.world.width}×{sc.world.height}): {sc.ticks} ticks × "
        f"{replicates} replicate(s), seed {sc.seed} → {out}", highlight=False,
    )
    try:
        compiled = compile_kernels(sc)
        result = simulate_runs(sc, replicates)
    except KeyboardInterrupt:
        _interrupted(out, created)
    result.metadata["overrides"] = list(set_ or [])
    result.metadata["compile_time"] = compiled
    written = [out / TIMESERIES_FILE, out / SUMMARY_FILE, out / SIDECAR_FILE]
    try:
        result.save(out)
        if not no_plot and sc.output.plot:
            from uprising.plotting import plot_timeseries

            written.append(plot_timeseries(result, out / PLOT_FILE))
    except OSError as exc:
        fail(f"cannot write results to {out}: {exc.strerror or exc}")
    size = f"{sc.world.width}×{sc.world.height}"
    extra = f"; {', '.join(set_)}" if set_ else ""
    title = f"{sc.name} ({size}{extra}): {sc.ticks} ticks, seed {sc.seed}"
    console.print(summary_table(result, title))
    print_events(result)
    wall = result.metadata.get("wall_time", 0.0)
    console.print(f"simulated in {wall:.2f} s (kernel compilation excluded); wrote:",
                  highlight=False)
    for path in written:
        console.print(f"  {path}", highlight=False, markup=False, soft_wrap=True)


@app.command()
def warmup(
    engine: Annotated[list[str] | None, typer.Option(
        "--engine", help="engine to compile: reference or fast (repeatable; default both)")
    ] = None,
) -> None:
    """Compile the simulation kernels now (once per install), so the first run is quick."""
    from uprising.api import warm_up

    for name in engine or ["reference", "fast"]:
        sc = resolve("epstein2002-run2", [f"engine={name}"])
        started = time.perf_counter()
        with err_console.status(f"compiling the {name} engine's kernels…", spinner="dots"):
            warm_up(sc)
        console.print(f"{name}: ready in {time.perf_counter() - started:.1f} s", highlight=False)


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
    missing = [n for n in (TIMESERIES_FILE, SIDECAR_FILE) if not (result_dir / n).is_file()]
    if missing:
        fail(f"{result_dir} is not a result folder (no {' or '.join(missing)}); create one "
             "with `uprising run`")
    try:
        result = RunResult.load(result_dir)
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


#: Optional dependencies → the extra that installs them (pyproject.toml).
EXTRAS = {
    "dask": "experiments", "distributed": "experiments", "duckdb": "experiments",
    "SALib": "experiments", "scipy": "experiments",
    "starlette": "dashboard", "uvicorn": "dashboard", "websockets": "dashboard",
    "imageio_ffmpeg": "dashboard", "PIL": "dashboard",
}


def missing_extra(exc: ModuleNotFoundError) -> str | None:
    """Returns the message naming the extra to install for a missing optional dependency."""
    top = (exc.name or "").split(".")[0]
    extra = EXTRAS.get(top)
    if extra is None:
        return None
    return (f"this command needs {top}, which comes with the {extra} extra: "
            f'pip install "uprising[{extra}]"')


def main(argv: Sequence[str] | None = None) -> None:
    """Runs the CLI; invalid scenarios or values that escape a command exit with code 2; a
    missing optional dependency names the extra to install."""
    try:
        app(args=None if argv is None else list(argv), prog_name="uprising")
    except (ScenarioError, ValueError) as exc:
        print_error(error_message(exc))
        sys.exit(EXIT_USAGE)
    except ModuleNotFoundError as exc:
        message = missing_extra(exc)
        if message is None:
            raise
        print_error(message)
        sys.exit(EXIT_USAGE)

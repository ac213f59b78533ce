"""CLI commands of the experiment layer: sweep, merge, status, query, sensitivity, phase, export.

The main ``uprising`` app calls ``register(app)``; ``python -m uprising.experiments`` runs these
commands on their own.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from uprising.experiments.spec import ExperimentError
from uprising.scenario.loader import ScenarioError

F = TypeVar("F", bound=Callable[..., Any])


def _guard(fn: F) -> F:
    """Returns ``fn`` wrapped so user errors print one line and exit 2 (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (ExperimentError, ScenarioError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except BrokenPipeError:  # `uprising status DIR --ids | head`: the reader left
            raise
        except OSError as exc:  # unreadable input, unwritable output folder, full disk
            where = f"{exc.filename}: " if exc.filename else ""
            typer.echo(f"error: {where}{exc.strerror or exc}", err=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            typer.echo("interrupted: finished runs are saved; re-run to resume", err=True)
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def _ranges(ids: list[int], limit: int = 40) -> str:
    """Returns ids compressed to ranges, e.g. ``0-4, 7, 9-12``."""
    from uprising.experiments.store import ranges

    return ranges(ids, limit)


DaskOpt = Annotated[
    str | None,
    typer.Option("--dask", help="'local' (LocalCluster on 127.0.0.1, no dashboard) or a "
                 "scheduler address tcp://host:port (or scheduler JSON file)"),
]
DashboardOpt = Annotated[
    bool,
    typer.Option("--dask-dashboard", help="with --dask local: serve the Dask dashboard on a "
                 "free 127.0.0.1 port (printed)"),
]
DaskTimeoutOpt = Annotated[
    float,
    typer.Option("--dask-timeout", min=0.1, help="seconds to wait for a --dask scheduler "
                 "(or its scheduler file)"),
]
WorkersOpt = Annotated[int, typer.Option("--workers", "-w", min=1, help="worker processes")]


def _sweep(experiment: Path, out: Path | None, dask: str | None, workers: int, shard: str,
           batch_size: int | None, retry_failed: bool, quiet: bool,
           dashboard: bool = False, dask_timeout: float = 10.0) -> Path:
    from uprising.experiments.executors import open_executor
    from uprising.experiments.runner import parse_shard, run_experiment
    from uprising.experiments.spec import load_experiment

    exp, folder = load_experiment(experiment)
    target = out or Path("results") / exp.name
    shard_pair = parse_shard(shard)
    kind = "processes" if workers > 1 else "serial"
    label = f"dask {dask}" if dask else kind
    with open_executor(kind, workers, dask, dashboard=dashboard,
                       timeout=dask_timeout) as executor:
        link = getattr(executor, "dashboard_link", None)
        if link:
            typer.echo(f"Dask dashboard: {link}", err=True)
        if dask and dask != "local":
            workers = max(workers, len(executor.client.scheduler_info().get("workers", {})))
        report = run_experiment(
            exp, target, executor=executor, workers=workers, shard=shard_pair,
            batch_size=batch_size, retry_failed=retry_failed, progress=not quiet,
            folder=folder, label=label,
        )
    for note in report.notes:
        typer.echo(f"repaired: {note}", err=True)
    counts = report.status.counts
    rate = report.done / report.wall_time if report.wall_time > 0 else 0.0
    typer.echo(
        f"{report.done} runs done, {report.failed} failed, {report.skipped} skipped "
        f"(finished before) in {report.wall_time:.1f} s ({rate:.2f} runs/s) → {target}\n"
        f"experiment: {counts['done']} done, {counts['failed']} failed, "
        f"{counts['missing']} missing"
    )
    return target


def _dry_run(experiment: Path) -> None:
    from uprising.experiments.design import build_design
    from uprising.experiments.spec import load_experiment

    exp, folder = load_experiment(experiment)
    try:
        design = build_design(exp, folder)
    except ExperimentError as exc:
        raise ExperimentError(f"{experiment}: {exc}") from None
    typer.echo(f"{exp.name}: valid; {design.n_points} points × {exp.repetitions} repetitions "
               f"= {design.n_runs} runs")


def register(app: typer.Typer) -> None:
    """Adds sweep, merge, status, query, sensitivity, phase and export to ``app``."""

    @app.command("sweep")
    @_guard
    def sweep(
        experiment: Annotated[Path, typer.Argument(help="experiment YAML file")],
        out: Annotated[Path | None, typer.Option("--out", "-o", help="result folder "
                                                 "(default results/<name>)")] = None,
        dask: DaskOpt = None,
        workers: WorkersOpt = 1,
        shard: Annotated[str, typer.Option("--shard", help="run slice i of N (job arrays): "
                                           "run ids with id % N == i")] = "0/1",
        batch_size: Annotated[int | None, typer.Option(
            "--batch-size", min=1, help="runs per task sent to a worker and per stored "
            "Parquet part (default: chosen from the number of runs and workers)")] = None,
        retry_failed: Annotated[bool, typer.Option(
            "--retry-failed", help="also run again the runs that failed before (default: "
            "only missing runs are run)")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar")] = False,
        dask_dashboard: DashboardOpt = False,
        dask_timeout: DaskTimeoutOpt = 10.0,
        dry_run: Annotated[bool, typer.Option(
            "--dry-run", help="validate the experiment and every point, print the design's "
            "size, run nothing")] = False,
    ) -> None:
        """Run (or resume) a sweep; results stream to Parquet parts in the --out folder.

        A resumed sweep first verifies every stored part (checksums): damaged, missing or
        duplicate parts are moved to quarantine/ and their runs are run again.
        """
        if dry_run:
            _dry_run(experiment)
            return
        _sweep(experiment, out, dask, workers, shard, batch_size, retry_failed, quiet,
               dask_dashboard, dask_timeout)

    @app.command("merge")
    @_guard
    def merge(
        directory: Annotated[Path, typer.Argument(help="sweep folder")],
        drop_damaged: Annotated[bool, typer.Option(
            "--drop-damaged", help="move damaged, missing or duplicate parts to quarantine/ "
            "and merge the rest (their runs then count as missing)")] = False,
    ) -> None:
        """Compact a sweep's Parquet parts (all shards) into one set of files.

        Every part is verified first (checksums); a bad part stops the merge (exit 2) unless
        --drop-damaged.
        """
        from uprising.experiments.store import Store

        result = Store(directory).merge(drop_damaged=drop_damaged)
        for note in result["dropped"]:
            typer.echo(f"dropped: {note}", err=True)
        typer.echo(f"merged {result['parts']} parts holding {result['runs']} runs in {directory}")

    @app.command("status")
    @_guard
    def status(
        directory: Annotated[Path, typer.Argument(help="sweep folder")],
        ids: Annotated[bool, typer.Option("--ids", help="print every id, one per line")] = False,
    ) -> None:
        """Show done / failed / missing run ids of a sweep."""
        from uprising.experiments.store import Store

        store = Store(directory)
        manifest = store.manifest()
        check = store.check(deep=True)
        st = store.status(range(manifest["n_runs"]), check)
        if ids:
            for name in ("done", "failed", "missing"):
                for rid in getattr(st, name):
                    typer.echo(f"{name} {rid}")
            return
        typer.echo(f"{manifest['experiment']['name']}: {manifest['n_runs']} runs "
                   f"({manifest['n_points']} points × {manifest['repetitions']} repetitions)")
        for name in ("done", "failed", "missing"):
            typer.echo(f"  {name:8s}{len(getattr(st, name)):8d}  {_ranges(getattr(st, name))}")
        if st.failed:
            fails = store.failures()
            for row in fails.head(5).itertuples():
                typer.echo(f"  run {row.run_id}: {row.error}: {row.message}")
        for problem in check.problems:
            typer.echo(f"  {problem}")
        if check.unrecorded:
            typer.echo(f"  {len(check.unrecorded)} part(s) without a checksum record (a store "
                       "written before checksums, or a kill right after a batch): checked for "
                       "readability only; the next sweep or merge records them")
        if check.problems:
            typer.echo("  re-run the sweep to repair: bad parts are moved to quarantine/ and "
                       "their runs run again")
        for session in store.killed_sessions():
            typer.echo(f"  session {session['id']}: recorded as running, but its process "
                       f"(pid {session.get('pid')}) is gone: killed")

    @app.command("query")
    @_guard
    def query_cmd(
        directory: Annotated[Path, typer.Argument(help="sweep folder")],
        sql: Annotated[str, typer.Argument(help="SQL over views runs, timeseries, failures")],
        csv: Annotated[bool, typer.Option("--csv", help="print CSV")] = False,
        unsafe_full_access: Annotated[bool, typer.Option(
            "--unsafe-full-access", help="let the SQL read and write any file and run any "
            "statement (COPY, ATTACH, read_csv('/path')…); default: SELECT over the store only")
        ] = False,
    ) -> None:
        """Run SQL (DuckDB) on a sweep: views runs, timeseries and failures.

        Sandboxed: one SELECT (or EXPLAIN) statement, no file access beyond the store's
        verified parts, no writes; --unsafe-full-access lifts it.
        """
        import pandas as pd

        from uprising.experiments.query import query

        frame = query(directory, sql, full_access=unsafe_full_access,
                      warn=lambda text: typer.echo(f"warning: {text}", err=True))
        if csv:
            frame.to_csv(sys.stdout, index=False)
        else:
            with pd.option_context("display.max_rows", 200, "display.width", 160):
                typer.echo(frame.to_string(index=False))

    @app.command("sensitivity")
    @_guard
    def sensitivity(
        source: Annotated[Path, typer.Argument(help="sweep folder, or experiment YAML to run")],
        out: Annotated[Path | None, typer.Option("--out", "-o", help="sweep folder when "
                                                 "running an experiment")] = None,
        metric: Annotated[list[str] | None, typer.Option(
            "--metric", "-m", help="output to analyse (repeatable; default: every numeric "
            "output); names the files: sensitivity-<metric>.csv/.png")] = None,
        reduce: Annotated[str | None, typer.Option("--reduce", help="mean or median")] = None,
        plot: Annotated[Path | None, typer.Option("--plot", help="PNG (default "
                                                  "DIR/sensitivity[-<metric>].png)")] = None,
        dask: DaskOpt = None,
        workers: WorkersOpt = 1,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar")] = False,
        dask_dashboard: DashboardOpt = False,
        dask_timeout: DaskTimeoutOpt = 10.0,
    ) -> None:
        """Sobol or Morris indices with confidence intervals per output, plus a plot."""
        from uprising.atomic import write_atomic
        from uprising.experiments.sensitivity import analyse, plot_sensitivity

        if reduce not in (None, "mean", "median"):
            raise ExperimentError(f"--reduce must be mean or median, got {reduce!r}")
        directory = source
        if source.is_file():
            directory = _sweep(source, out, dask, workers, "0/1", None, False, quiet,
                               dask_dashboard, dask_timeout)
        result = analyse(directory, metrics=metric or None, reduce=reduce)
        table = result.indices
        stem = "sensitivity"
        if metric:
            stem += "-" + "_".join(re.sub(r"[^A-Za-z0-9]+", "_", m).strip("_") for m in metric)
        csv_path = Path(directory) / f"{stem}.csv"
        png_path = plot or Path(directory) / f"{stem}.png"
        replaced = [p for p in (csv_path, png_path) if p.exists()]
        write_atomic(csv_path, lambda p: table.to_csv(p, index=False))
        png = plot_sensitivity(result, png_path)
        typer.echo(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
        for name, why in result.skipped.items():
            typer.echo(f"skipped {name}: {why}")
        for note in result.warnings:
            typer.echo(f"warning: {note}", err=True)
        typer.echo(f"bootstrap seed {result.seed} (from the experiment's seeds: same sweep, "
                   "same intervals)")
        for path in replaced:
            typer.echo(f"replaced the earlier {path}", err=True)
        typer.echo(f"indices → {csv_path}; plot → {png}")

    @app.command("phase")
    @_guard
    def phase(
        directory: Annotated[Path, typer.Argument(help="sweep folder")],
        x: Annotated[str, typer.Option("--x", help="swept parameter on the x axis")],
        y: Annotated[str, typer.Option("--y", help="swept parameter on the y axis")],
        metric: Annotated[str, typer.Option("--metric", help="output column or SQL "
                                            "expression over runs")] = "mean_active",
        reduce: Annotated[str, typer.Option(
            "--reduce", help="statistic over replicates: mean or median")] = "mean",
        out: Annotated[Path | None, typer.Option(
            "--out", "-o", help="PNG to write (default DIR/phase-<metric>.png)")] = None,
        title: Annotated[str, typer.Option(
            "--title", help="plot title (default: the metric and the reduction)")] = "",
    ) -> None:
        """Heatmap of a metric (reduced over replicates) over two swept parameters."""
        from uprising.experiments.phase import phase_table, plot_phase

        table = phase_table(directory, x, y, metric, reduce)
        slug = re.sub(r"[^A-Za-z0-9]+", "_", metric).strip("_")
        png = plot_phase(table, out or Path(directory) / f"phase-{slug}.png", x, y, metric,
                         title)
        typer.echo(table.to_string(float_format=lambda v: f"{v:.3g}"))
        typer.echo(f"plot → {png}")

    @app.command("export")
    @_guard
    def export(
        directory: Annotated[Path, typer.Argument(help="sweep folder")],
        fmt: Annotated[str, typer.Option("--format", help="behaviorspace or csv")] = "csv",
        out: Annotated[Path | None, typer.Option(
            "--out", "-o", help="file to write (default DIR/runs.csv, or DIR/table.csv for "
            "behaviorspace)")] = None,
    ) -> None:
        """Export runs as CSV, or as a NetLogo BehaviorSpace table."""
        from uprising.atomic import write_atomic
        from uprising.experiments.export import behaviorspace_table
        from uprising.experiments.store import Store

        if fmt == "behaviorspace":
            path = behaviorspace_table(directory, out or Path(directory) / "table.csv")
        elif fmt == "csv":
            runs = Store(directory).runs()
            path = write_atomic(out or Path(directory) / "runs.csv",
                                lambda p: runs.to_csv(p, index=False))
        else:
            raise ExperimentError(f"--format must be behaviorspace or csv, got {fmt!r}")
        typer.echo(f"wrote {path}")


def main() -> None:
    """Runs the experiment commands as a standalone app."""
    app = typer.Typer(add_completion=False, no_args_is_help=True,
                      help="uprising experiments: sweeps, stores and analysis")
    register(app)
    app()

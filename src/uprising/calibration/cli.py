"""Command ``uprising calibrate CASE`` (registered by ``uprising.cli``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from uprising.calibration.pipeline import Outcome, Plan
    from uprising.calibration.spec import CalibrationSpec


def fmt(value: float) -> str:
    """Returns a number with 4 significant digits ("–" for NaN)."""
    return "–" if value != value else f"{value:.4g}"


def _minutes(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def _print_plan(spec: CalibrationSpec, plan: Plan, out: Path, workers: int) -> None:
    from uprising.terminal import console

    b, t = spec.budget, spec.training
    console.print(
        f"calibrate {spec.case}: {len(spec.names)} parameters ({', '.join(spec.names)}), "
        f"{len(spec.statistics)} statistics\n"
        f"  table: {plan.points} points × {b.replicates} replicates"
        f"{f' × {b.rounds} rounds (round 2 inside round 1’s box)' if b.rounds > 1 else ''}"
        f" = {plan.runs} runs "
        f"({plan.runs_done} already in {out / 'table'}), {b.recovery_datasets} points held "
        f"out for recovery\n"
        f"  NPE: {t.ensemble} × {t.estimator}, ≤ {t.max_epochs} epochs; "
        f"{b.posterior_samples} posterior draws, {b.predictive_draws} predictive runs"
        f"{f', {len(spec.structural)} structural alternatives' if spec.structural else ''}\n"
        f"  estimate: one run took {plan.seconds_per_run:.2f} s here → simulations "
        f"~{_minutes(plan.simulation_seconds)} on {workers} worker(s), training "
        f"~{_minutes(plan.training_seconds)}; total ~{_minutes(plan.total_seconds)}",
        highlight=False, markup=False, soft_wrap=True)


def _print_outcome(result: Outcome) -> None:
    from rich.table import Table

    from uprising.terminal import console

    t = result.table
    console.print(f"table: {len(t.x)} usable runs, {t.nan_rows} dropped (NaN statistic), "
                  f"{t.failed} failed; trained on {result.posterior.n_train} "
                  f"({', '.join(f'{lg.epochs} epochs' for lg in result.posterior.logs)})",
                  highlight=False, markup=False)
    runs = len(t.x) + t.nan_rows
    if runs and t.nan_rows > 0.1 * runs:
        console.print(f"warning: {t.nan_rows} of {runs} runs ({t.nan_rows / runs:.0%}) had a "
                      "NaN statistic and were dropped: the posterior is conditioned on runs "
                      "where every statistic is defined", style="yellow", highlight=False,
                      markup=False)
    if result.recovery is not None:
        rec = result.recovery.table
        tab = Table(title=f"recovery on {int(rec['datasets'].iloc[0])} held-out data sets "
                    f"(intervals jointly 95 %: each {rec['band_level'].iloc[0]:.2%})")
        for col in ("parameter", "coverage 50 % [interval]", "coverage 90 % [interval]",
                    "contraction", "SBC p"):
            tab.add_column(col)
        for r in rec.itertuples():
            tab.add_row(r.parameter,
                        f"{r.coverage_50:.2f} [{r.coverage_50_low:.2f}, "
                        f"{r.coverage_50_high:.2f}] {r.verdict_50}",
                        f"{r.coverage_90:.2f} [{r.coverage_90_low:.2f}, "
                        f"{r.coverage_90_high:.2f}] {r.verdict_90}",
                        f"{r.contraction:.2f}", f"{r.sbc_p:.3f}")
        console.print(tab)
    if result.draws is not None and result.identification is not None:
        tab = Table(title="posterior at the observed data")
        for col in ("parameter", "median", "90 % interval", "contraction", ""):
            tab.add_column(col)
        ident = result.identification.set_index("parameter")
        rec = result.recovery.table.set_index("parameter") if result.recovery else None
        for name in result.spec.names:
            q = result.draws[name].quantile([0.05, 0.5, 0.95])
            notes = [] if ident.loc[name, "identified"] else ["UNIDENTIFIED (posterior ≈ prior)"]
            if rec is not None and "overconfident" in (rec.loc[name, "verdict_50"],
                                                       rec.loc[name, "verdict_90"]):
                notes.append("overconfident in recovery: intervals too narrow")
            tab.add_row(name, fmt(q.iloc[1]), f"{fmt(q.iloc[0])} – {fmt(q.iloc[2])}",
                        f"{ident.loc[name, 'contraction']:.2f}", "; ".join(notes))
        console.print(tab)
    if result.fit is not None:
        tab = Table(title="posterior predictive fit")
        for col in ("statistic", "observed", "median", "90 % band", "in 90 %", "CRPS/sd"):
            tab.add_column(col)
        for r in result.fit.itertuples():
            tab.add_row(r.statistic, fmt(r.observed), fmt(r.median),
                        f"{fmt(r.q05)} – {fmt(r.q95)}", "yes" if r.in_90 else "NO",
                        f"{r.crps_scaled:.3f}")
        console.print(tab)
    if result.structural is not None:
        for r in result.structural.itertuples():
            if r.alternative != "baseline":
                console.print(f"structural {r.alternative} ({r.posterior} posterior): score "
                              f"{r.score:.3f} vs "
                              f"baseline {r.score - r.difference:.3f}, difference 95 % "
                              f"[{r.low:.3f}, {r.high:.3f}]: {r.verdict}", highlight=False,
                              markup=False)
    for path in result.files:
        console.print(f"wrote {path}", highlight=False, markup=False, soft_wrap=True)


def calibrate_cmd(
    case: Annotated[str, typer.Argument(help="Case name (its <case>.calibration.yaml beside "
                                        "the preset) or a calibration YAML file.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder of the reference "
                                             "table and reports (default results/calibrate-"
                                             "CASE); re-running resumes the table.")] = None,
    simulations: Annotated[int | None, typer.Option(
        min=20, help="Override budget.simulations.")] = None,
    workers: Annotated[int | None, typer.Option("--workers", "-w", min=1, max=512,
                                                help="Worker processes (default: one per "
                                                "core).")] = None,
    dask: Annotated[str | None, typer.Option(
        "--dask", help="'local' or a Dask scheduler address tcp://host:port.")] = None,
    recovery_only: Annotated[bool, typer.Option(
        "--recovery-only", help="Stop after parameter recovery (no observed data needed, "
        "no posterior written).")] = False,
    refit_structural: Annotated[bool, typer.Option(
        "--refit-structural", help="Give each structural alternative its own table and "
        "posterior (a full budget each) instead of the baseline's posterior.")] = False,
    seed: Annotated[int | None, typer.Option(min=0, max=2**32 - 1,
                                             help="Override budget.seed.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
) -> None:
    """Fit the free parameters of a case to its observed statistics by neural posterior
    estimation; check recovery (coverage) on held-out simulations first."""
    import os

    from uprising.calibration.pipeline import calibrate, plan, with_simulations
    from uprising.calibration.spec import load_spec, spec_path
    from uprising.experiments.executors import open_executor
    from uprising.experiments.spec import ExperimentError
    from uprising.terminal import err_console, fail, user_errors

    workers = workers or os.cpu_count() or 1
    with user_errors():
        try:
            spec = with_simulations(load_spec(case), simulations, seed)
            target = out or Path("results") / f"calibrate-{spec.case}"
            try:
                the_plan = plan(spec, target, max(workers, 1))
            except (ExperimentError, ImportError, AttributeError) as exc:
                fail(str(exc))
            except Exception as exc:  # the user's simulator: say where it failed
                fail(f"the simulator {spec.simulator} failed at the prior's centre: "
                     f"{type(exc).__name__}: {exc}")
            _print_plan(spec, the_plan, target, workers)
            kind = "processes" if workers > 1 else "serial"
            with open_executor(kind, workers, dask) as executor, _EpochBar(spec, quiet) as bar:
                result = calibrate(spec, target, executor=executor, workers=workers,
                                   label=f"dask {dask}" if dask else kind, progress=not quiet,
                                   recovery_only=recovery_only,
                                   refit_structural=refit_structural,
                                   posterior_dir=spec_path(case).parent,
                                   on_epoch=bar.update, on_stage=bar.stage)
        except ExperimentError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"{exc.filename or ''}: {exc.strerror or exc}")
        except KeyboardInterrupt:
            err_console.print("interrupted: finished runs are saved; re-run the same command "
                              "to resume", highlight=False, markup=False)
            raise typer.Exit(130) from None
    _print_outcome(result)


class _EpochBar:
    """A progress bar over training epochs (all ensemble members), and stage messages."""

    def __init__(self, spec: CalibrationSpec, quiet: bool) -> None:
        self.epochs = spec.training.max_epochs
        self.total = self.epochs * spec.training.ensemble
        self.quiet = quiet
        self._progress = None
        self._task = None

    def __enter__(self) -> _EpochBar:
        return self

    def stage(self, name: str) -> None:
        """Prints a stage name; starts the epoch bar at the training stage."""
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from uprising.terminal import err_console

        self._close()
        if not self.quiet:
            err_console.print(f"— {name}", highlight=False, markup=False)
        if name == "training" and not self.quiet:
            self._progress = Progress(TextColumn("training"), BarColumn(),
                                      TextColumn("{task.fields[info]}"), TimeElapsedColumn(),
                                      console=err_console)
            self._progress.__enter__()
            self._task = self._progress.add_task("epochs", total=self.total, info="")

    def update(self, member: int, epoch: int, loss: float) -> None:
        """Moves the epoch bar (an early-stopped member jumps to its end)."""
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=member * self.epochs + epoch,
                                  info=f"member {member + 1} epoch {epoch} "
                                       f"validation loss {loss:.3f}")

    def _close(self) -> None:
        if self._progress is not None:
            self._progress.__exit__(None, None, None)
            self._progress = None

    def __exit__(self, *exc: object) -> None:
        self._close()


def register(app: typer.Typer) -> None:
    """Adds ``calibrate`` to the ``uprising`` CLI."""
    app.command("calibrate")(calibrate_cmd)

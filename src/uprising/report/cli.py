"""Command ``uprising report CASE`` (registered by ``uprising.cli`` through PLUGIN_MODULES)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from uprising.report.collect import MAX_REPLICATES, PREDICTION

#: Most worker processes: beyond any single machine this command is meant for.
MAX_WORKERS = 512


def report_cmd(
    case: Annotated[str, typer.Argument(help="Case study (e.g. kazakhstan-2022).")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="HTML file to write "
                                             "(default results/report-CASE.html).")] = None,
    replicates: Annotated[int, typer.Option(min=1, max=MAX_REPLICATES, help="Runs over "
                                            "posterior draws (timeline, acceptance).")] = 200,
    pairs: Annotated[int, typer.Option(min=1, max=MAX_REPLICATES, help="Paired draws per "
                                       "variant, ablation and arrest rule.")] = 50,
    workers: Annotated[int | None, typer.Option("--workers", "-w", min=1, max=MAX_WORKERS,
                                                help="Worker processes (default: one per "
                                                "core).")] = None,
    posterior_dir: Annotated[Path | None, typer.Option(help="Folder of CASE.posterior."
                                                       "parquet/.json (default: beside the "
                                                       "case's calibration file).")] = None,
    seed: Annotated[int, typer.Option(min=0, max=2**63 - 1, help="Root seed.")] = 0,
    prediction: Annotated[Path, typer.Option(help="JSON of the 2019 prediction (skipped "
                                             "when absent).")] = PREDICTION,
    acceptance: Annotated[Path | None, typer.Option(help="JSON list of acceptance checks "
                                                    "{id, description, value, target, met}.")
                          ] = None,
    ablations: Annotated[Path | None, typer.Option(help="CSV or Parquet table of "
                                                   "ablations, shown as given.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Write one self-contained HTML report of a case: timeline against observations with
    50/90 % bands, regional spread, evidence, calibration, counterfactual effects of the
    shipped variants, the 2019 prediction, ablations and acceptance checks."""
    import os

    from uprising.report.build import write_report
    from uprising.report.collect import collect, read_acceptance, read_table
    from uprising.terminal import console, fail, prepare_output, user_errors

    started = time.perf_counter()
    workers = workers or os.cpu_count() or 1
    target = out if out is not None else Path("results") / f"report-{case}.html"
    if target.is_dir():
        fail(f"--out {target} is a folder; give the HTML file to write")
    prepare_output(target.parent)
    with user_errors():
        checks = read_acceptance(acceptance) if acceptance is not None else None
        table = read_table(ablations, "--ablations") if ablations is not None else None
        data = collect(case, replicates, seed, workers, progress=not quiet,
                       prediction=prediction, posterior_dir=posterior_dir, pairs=pairs)
    if checks is not None:
        data.acceptance = checks
    if table is not None:
        data.ablations = table
    try:
        write_report(target, data)
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror or exc}")
    if data.acceptance:
        _print_checks(data.acceptance)
    console.print(f"wrote {target} in {time.perf_counter() - started:.1f} s",
                  highlight=False, markup=False, soft_wrap=True)


def _print_checks(checks: list[dict[str, Any]]) -> None:
    """Prints the report's acceptance checks as a table, with how many are met."""
    from rich import box
    from rich.table import Table

    from uprising.report.sections import checks_summary, verdict
    from uprising.terminal import console

    table = Table(title="acceptance checks", title_justify="left", box=box.SIMPLE_HEAD)
    for col in ("id", "check", "value", "target", "met"):
        table.add_column(col, overflow="fold")
    for c in checks:
        table.add_row(str(c.get("id", "")), str(c.get("description", "")),
                      str(c.get("value", "")), str(c.get("target", "")),
                      verdict(c, "yes", "no"))
    console.print(table)
    console.print(checks_summary(checks), highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Adds the command to the ``uprising`` CLI."""
    app.command("report")(report_cmd)

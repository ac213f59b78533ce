"""``uprising reproduce epstein2002 [--seeds N] [--out DIR]``: the one-command reproduction."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from uprising.terminal import console, fail

PAPERS = ("epstein2002",)


def reproduce(
    paper: Annotated[str, typer.Argument(help="Paper to reproduce: epstein2002.")],
    seeds: Annotated[
        int, typer.Option("--seeds", "-n", min=1, max=10_000, help="Seeds per experiment.")
    ] = 20,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for report.md, figures/ and data.")
    ] = Path("reproduction-epstein2002"),
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=0, max=1024,
                          help="Worker processes (0: all cores).")
    ] = 0,
    root: Annotated[int, typer.Option("--root", min=0, help="Root seed of the suite.")] = 2002,
    progress: Annotated[bool, typer.Option(help="Show the progress bar.")] = True,
    report_only: Annotated[
        bool, typer.Option("--report-only",
                           help="Render the report again from the runs saved in --out.")
    ] = False,
) -> None:
    """Reproduce a paper's runs and figures over N seeds; write a report with verdicts.

    Runs every published run and figure experiment of the paper over N seeds and writes a
    Markdown report with one verdict per claim and one PNG per paper figure.
    """
    from uprising.reproduction.report import REPORT_FILE, load_results, write_report
    from uprising.reproduction.runner import run_suite
    from uprising.reproduction.suite import build_tasks

    if paper not in PAPERS:
        fail(f"unknown paper {paper!r}; allowed: {', '.join(PAPERS)}")
    if out.exists() and not out.is_dir():
        fail(f"--out {out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"--out {out}: cannot create the folder: {exc.strerror or exc}")
    if report_only:
        try:
            res = load_results(out)
        except (OSError, ValueError, KeyError) as exc:
            fail(f"--report-only: no saved runs in {out}: {exc}")
    else:
        tasks = build_tasks(seeds, root=root)
        n_workers = workers or os.cpu_count() or 1
        console.print(f"reproduce {paper}: {len(tasks)} runs ({seeds} seeds per experiment) "
                      f"on {n_workers} worker processes", highlight=False)
        res = run_suite(tasks, seeds, root=root, workers=n_workers, show_progress=progress)
    summary = write_report(res, out, argv="uprising " + " ".join(sys.argv[1:]))
    verdicts = summary["verdicts"]
    reproduced = sum(v == "reproduced" for v in verdicts.values())
    variant = sum(v.startswith("reproduced only") for v in verdicts.values())
    console.print(
        f"{len(res.rows)} runs in {res.wall_time:.0f} s; {reproduced} claims reproduced, "
        f"{variant} only under a variant, {len(verdicts) - reproduced - variant} not; "
        f"wrote {out / REPORT_FILE}", highlight=False, soft_wrap=True,
    )
    if res.failures:
        console.print(f"{len(res.failures)} runs failed (listed in the report)", style="red")


def register(app: typer.Typer) -> None:
    """Returns None after adding the ``reproduce`` command to ``app``."""
    app.command("reproduce")(reproduce)

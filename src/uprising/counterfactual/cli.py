"""Command ``uprising compare CASE --variant …`` (registered by ``uprising.cli`` through
PLUGIN_MODULES)."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Annotated

import typer

from uprising.counterfactual.compare import DEFAULT_BOOT, DEFAULT_DRAWS, DEFAULT_SEEDS
from uprising.counterfactual.effects import MAX_BOOT
from uprising.counterfactual.ensemble import MAX_DRAWS, MAX_SEEDS
from uprising.counterfactual.variants import CompareError

#: Most worker processes: beyond any single machine this command is meant for.
MAX_WORKERS = 512
#: Most ``--values`` names (a case has a few dozen parameters at most).
MAX_VALUES = 200


def parse_values(items: list[str]) -> dict[str, float] | None:
    """Returns the ``--values NAME=VALUE`` pairs as a mapping (None when none are given).

    Raises:
        CompareError: not NAME=NUMBER, a repeated name or a non-finite number.
    """
    if not items:
        return None
    if len(items) > MAX_VALUES:
        raise CompareError(f"--values: at most {MAX_VALUES} names")
    out: dict[str, float] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise CompareError(f"--values {item!r}: must look like NAME=NUMBER")
        try:
            value = float(raw)
        except ValueError:
            raise CompareError(f"--values {name}: {raw!r} is not a number") from None
        if not math.isfinite(value):
            raise CompareError(f"--values {name}: must be a finite number (got {raw!r})")
        if name in out:
            raise CompareError(f"--values {name}: given twice")
        out[name] = value
    return out


def compare_cmd(
    case: Annotated[str, typer.Argument(help="Case study (e.g. kazakhstan-2022).")],
    variant: Annotated[list[str] | None, typer.Option(
        "--variant", "-v", help="NAME=PATH=VALUE[,PATH=VALUE…] (scenario overrides, YAML "
        "values), or NAME of a shipped variant; repeatable.")] = None,
    all_shipped: Annotated[bool, typer.Option("--all", help="Every variant shipped for "
                                              "the case.")] = False,
    draws: Annotated[int, typer.Option(min=1, max=MAX_DRAWS, help="Posterior draws.")
                     ] = DEFAULT_DRAWS,
    seeds: Annotated[int, typer.Option(min=1, max=MAX_SEEDS, help="Seeds per draw.")
                     ] = DEFAULT_SEEDS,
    values: Annotated[list[str] | None, typer.Option(
        "--values", help="NAME=VALUE: compare at this fixed point instead of posterior "
        "draws (repeatable; unnamed parameters keep the case's defaults).")] = None,
    posterior_dir: Annotated[Path | None, typer.Option(help="Folder of CASE.posterior."
                                                       "parquet/.json (default: beside the "
                                                       "case's calibration file).")] = None,
    seed: Annotated[int, typer.Option(min=0, max=2**63 - 1, help="Root seed.")] = 0,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, max=MAX_WORKERS,
                                         help="Worker processes.")] = 1,
    bootstrap: Annotated[int, typer.Option(min=100, max=MAX_BOOT, help="Bootstrap "
                                           "resamples.")] = DEFAULT_BOOT,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder (default "
                                             "results/compare-CASE).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Compare variants of a case with the unchanged case: paired runs over posterior draws,
    median effects (differences of proportions for regime collapse) with 95 % bootstrap
    intervals; writes effects.csv/.parquet, runs.parquet, effects.png and compare.json."""
    from uprising.counterfactual import ensemble
    from uprising.counterfactual.compare import compare
    from uprising.counterfactual.output import effects_rich, write_outputs
    from uprising.counterfactual.variants import select_variants
    from uprising.terminal import console, fail, prepare_output, user_errors

    started = time.perf_counter()
    target = out if out is not None else Path("results") / f"compare-{case}"
    with user_errors():
        chosen = select_variants(case, list(variant or []), all_shipped)
        fixed = parse_values(list(values or []))
        run_case = ensemble.default_run_case()
        prepare_output(target)
        result = compare(case, chosen, draws=draws, seeds=seeds, values=fixed, seed=seed,
                         workers=workers, n_boot=bootstrap, run_case=run_case,
                         progress=not quiet, posterior_dir=posterior_dir)
    console.print(effects_rich(result.effects, f"{case}: effects of {len(chosen)} variant(s), "
                               f"{result.metadata['pairs']} paired runs each"))
    try:
        written = write_outputs(target, result.runs, result.effects, result.metadata)
    except OSError as exc:
        fail(f"cannot write to {target}: {exc.strerror or exc}")
    console.print(f"wrote {len(written)} files to {target} in "
                  f"{time.perf_counter() - started:.1f} s", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Adds the command to the ``uprising`` CLI."""
    app.command("compare")(compare_cmd)
    app.command("predict")(predict_cmd)


def predict_cmd(
    case: Annotated[str, typer.Argument(help="Case to predict (e.g. kazakhstan-2019).")],
    source: Annotated[str, typer.Option("--from", help="Case whose posterior is frozen.")] = (
        "kazakhstan-2022"),
    replicates: Annotated[int, typer.Option(min=1, max=MAX_DRAWS, help="Posterior draws "
                                            "(one run each).")] = 200,
    out: Annotated[Path, typer.Option("--out", "-o", help="Prediction JSON.")] = Path(
        "validation/kazakhstan-2019-prediction.json"),
    seed: Annotated[int, typer.Option(min=0, help="Root seed.")] = 0,
    workers: Annotated[int, typer.Option(min=1, max=MAX_WORKERS, help="Processes.")] = 1,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing prediction.")
                     ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Predict a case out of sample at another case's posterior (behavioural parameters frozen)
    and write medians and 50/90 % intervals to a JSON file, to commit before comparing."""
    import sys

    from rich.table import Table

    from uprising.counterfactual.predict import predict, write_prediction
    from uprising.terminal import console, user_errors

    with user_errors():
        t0 = time.perf_counter()
        record = predict(case, source, replicates, seed, workers, progress=not quiet)
        command = "uprising " + " ".join(sys.argv[1:]) if sys.argv[1:] else "uprising predict"
        path = write_prediction(record, out, command, force)
        table = Table(title=f"{case}: prediction at {source}'s posterior ({replicates} draws)")
        for col in ("outcome", "median", "50 %", "90 %", "upper/lower (90 %)"):
            table.add_column(col)
        for name, q in record["outcomes"].items():
            table.add_row(name, f"{q['median']:,.0f}", f"{q['q25']:,.0f}-{q['q75']:,.0f}",
                          f"{q['q05']:,.0f}-{q['q95']:,.0f}",
                          f"{q['ratio_90']:.1f}" + ("" if q["informative"] else " (> 10: "
                                                    "no prediction)"))
        console.print(table)
        for k, v in record["expected_behaviour"].items():
            console.print(f"{k}: {v:.0%}")
        console.print(f"wrote {path} in {time.perf_counter() - t0:.0f} s")

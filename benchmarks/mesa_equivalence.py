"""Statistical equivalence of the ``mesa-example`` preset with Mesa 3.3.1's own example.

Runs Mesa's ``EpsteinCivilViolence`` and ``uprising.Model("mesa-example")`` on identical
parameters, many seeds each, and compares per-run statistics with a two-sample KS test and a
bootstrap confidence interval of the difference of means.

Conventions, matched on both sides (checked against Mesa's ``model.py``/``agents.py``):

* Mesa collects once in ``__init__`` (row 0, the initial state) and once after every
  ``step()``; our ``get_model_vars_dataframe()`` has tick 0 = initial state and one row per
  tick. Row 0 is excluded on both sides, so statistics cover steps 1..N.
* Counts are taken after the whole tick (after every agent acted) on both sides, so an active
  citizen arrested later in the same tick is never counted as active.
* Mesa's ``arrested`` counts every citizen in state ARRESTED, including one given a sentence of
  0 who has not been activated again yet; our ``jailed`` counts state JAILED, which a
  0-term prisoner keeps until its next activation too (``jail.countdown: own_step``). ``jailed``
  here means Mesa's ``arrested``.

The parameters of both sides are in ``mesa_params.py``, the statistics and their comparison in
``equivalence_stats.py`` and the ``--same-world`` check in ``mesa_same_world.py``.

Usage::

    python benchmarks/mesa_equivalence.py                      # 50 Mesa / 200 uprising seeds
    python benchmarks/mesa_equivalence.py --mesa-seeds 30 --steps 100 --regimes app
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

# Sibling modules in benchmarks/ (the script's own folder).
from equivalence_stats import ALL_STATISTICS, BURN_IN, compare, format_table, run_statistics
from mesa_params import REGIMES, mesa_kwargs, uprising_overrides
from mesa_same_world import same_world

RESULTS = Path(__file__).resolve().parent / "results"


def run_mesa(regime: str, seed: int, steps: int, width: int = 40, height: int = 40) -> dict:
    """Returns Mesa's per-step ``active``/``jailed`` series (steps 1..N) and run facts.

    Raises:
        RuntimeError: if Mesa's DataCollector does not hold exactly one initial row plus one
            row per step (the convention this comparison relies on).
    """
    from mesa.examples.advanced.epstein_civil_violence.agents import Citizen, Cop
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

    model = EpsteinCivilViolence(
        seed=seed, max_iters=max(steps, 1000), **mesa_kwargs(regime, width, height)
    )
    started = time.perf_counter()
    for _ in range(steps):
        model.step()
    wall = time.perf_counter() - started
    df = model.datacollector.get_model_vars_dataframe()
    if len(df) != steps + 1:
        raise RuntimeError(f"Mesa collected {len(df)} rows for {steps} steps, expected {steps + 1}")
    return {
        "active": df["active"].to_numpy(dtype=np.int64)[1:],
        "jailed": df["arrested"].to_numpy(dtype=np.int64)[1:],
        "n_citizens": len(model.agents_by_type[Citizen]),
        "n_cops": len(model.agents_by_type[Cop]),
        "wall_s": wall,
    }


def run_uprising(regime: str, seed: int, steps: int, width: int = 40, height: int = 40) -> dict:
    """Returns uprising's per-tick ``active``/``jailed`` series (ticks 1..N) and run facts."""
    import uprising

    model = uprising.Model(
        "mesa-example", rng=seed, overrides=uprising_overrides(regime, width, height)
    )
    started = time.perf_counter()
    model.run(steps)
    wall = time.perf_counter() - started
    df = model.get_model_vars_dataframe()
    if len(df) != steps + 1 or int(df["tick"].iloc[0]) != 0:
        raise RuntimeError(f"uprising returned {len(df)} rows for {steps} ticks")
    return {
        "active": df["active"].to_numpy(dtype=np.int64)[1:],
        "jailed": df["jailed"].to_numpy(dtype=np.int64)[1:],
        "n_citizens": int(model.state.n_citizens),
        "n_cops": int(df["cops"].iloc[0]),
        "wall_s": wall,
    }


DEFAULT_CACHE = Path.home() / ".cache" / "uprising-bench" / "mesa_runs"


def _cache_file(cache: Path, regime: str, seed: int, steps: int) -> Path:
    return cache / f"{regime}_40x40_steps{steps}_seed{seed}.json"


def _mesa_job(args: tuple[str, int, int, str | None]) -> tuple[int, dict, bool]:
    """Returns (seed, run, from_cache); a finished run is stored in the cache folder at once."""
    regime, seed, steps, cache = args
    path = None if cache is None else _cache_file(Path(cache), regime, seed, steps)
    if path is not None and path.exists():
        data = json.loads(path.read_text())
        for key in ("active", "jailed"):
            data[key] = np.asarray(data[key], dtype=np.int64)
        return seed, data, True
    run = run_mesa(regime, seed, steps)
    if path is not None:
        from uprising.atomic import write_json_atomic

        write_json_atomic(
            path,
            {**run, "active": run["active"].tolist(), "jailed": run["jailed"].tolist()},
        )
    return seed, run, False


def collect(
    impl: str,
    regime: str,
    seeds: Sequence[int],
    steps: int,
    workers: int = 1,
    log: Callable[[str], None] = print,
    cache: Path | None = None,
) -> dict[int, dict]:
    """Returns {seed: run} for one implementation and regime.

    Mesa runs use up to ``workers`` processes and are kept in ``cache`` (one JSON file per
    run), so an interrupted comparison resumes where it stopped.
    """
    runs: dict[int, dict] = {}
    if impl == "uprising":
        for seed in seeds:
            runs[seed] = run_uprising(regime, seed, steps)
        log(f"  uprising {regime}: {len(seeds)} runs done")
        return runs
    jobs = [(regime, s, steps, None if cache is None else str(cache)) for s in seeds]
    pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 else None
    results = map(_mesa_job, jobs) if pool is None else pool.map(_mesa_job, jobs)
    for i, (seed, run, cached) in enumerate(results, 1):
        runs[seed] = run
        how = "cached" if cached else f"{run['wall_s'] / steps * 1e3:.0f} ms/step"
        log(
            f"  mesa {regime} seed {seed}: {how}, mean active {run['active'].mean():.2f} "
            f"({i}/{len(jobs)}, load {os.getloadavg()[0]:.2f})"
        )
    if pool is not None:
        pool.shutdown()
    return runs


def git_commit() -> str:
    """Returns the checkout's HEAD commit (with ``+dirty`` if files changed), or ``unknown``."""
    import subprocess

    here = Path(__file__).resolve().parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=here,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "../src"],
            cwd=here,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def _runs_csv(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _series_rows(impl: str, regime: str, runs: dict[int, dict]) -> list[list[Any]]:
    """Returns rows (impl, regime, step, mean active, mean jailed) averaged across seeds."""
    act = np.mean([r["active"] for r in runs.values()], axis=0)
    jail = np.mean([r["jailed"] for r in runs.values()], axis=0)
    return [[impl, regime, t + 1, f"{act[t]:.4f}", f"{jail[t]:.4f}"] for t in range(len(act))]


def _series_csv(rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["impl", "regime", "step", "mean_active", "mean_jailed"])
    writer.writerows(rows)
    return buf.getvalue()


def load_mesa_runs(runs_csv: Path, regime: str, steps: int) -> tuple[list[dict], list[list[Any]]]:
    """Returns Mesa's per-run rows and mean-series rows for ``regime`` from a previous output.

    Raises:
        ValueError: if the previous output used another step count or lacks the regime.
    """
    meta_path = runs_csv.with_name(runs_csv.name.replace("_runs.csv", ".json"))
    meta = json.loads(meta_path.read_text())["meta"]
    if int(meta["steps"]) != steps:
        raise ValueError(f"{runs_csv} has {meta['steps']} steps per run, not {steps}")
    with open(runs_csv, newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["impl"] == "mesa" and r["regime"] == regime]
    if not rows:
        raise ValueError(f"{runs_csv} holds no Mesa runs of regime {regime!r}")
    for r in rows:
        for key in r:
            if key not in ("impl", "regime"):
                numeric = key in ALL_STATISTICS or key == "ms_per_step"
                r[key] = float(r[key]) if numeric else int(r[key])
    series_csv = runs_csv.with_name(runs_csv.name.replace("_runs.csv", "_series.csv"))
    series: list[list[Any]] = []
    if series_csv.exists():
        with open(series_csv, newline="") as fh:
            series = [
                list(r.values())
                for r in csv.DictReader(fh)
                if r["impl"] == "mesa" and r["regime"] == regime
            ]
    return rows, series


def _run_rows(impl: str, regime: str, runs: dict[int, dict], steps: int) -> list[dict[str, Any]]:
    """Returns one output row per run: statistics, population and speed."""
    out = []
    for seed, run in runs.items():
        st = run_statistics(run["active"], run["jailed"])
        late = run_statistics(run["active"][BURN_IN:], run["jailed"][BURN_IN:])
        st.update({f"{k}_late": v for k, v in late.items()})
        out.append(
            {
                "impl": impl,
                "regime": regime,
                "seed": seed,
                **{k: round(v, 6) for k, v in st.items()},
                "n_citizens": run["n_citizens"],
                "n_cops": run["n_cops"],
                "ms_per_step": round(run["wall_s"] / steps * 1e3, 4),
            }
        )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Returns the exit code after running the comparison and writing results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regimes", nargs="+", default=list(REGIMES), choices=list(REGIMES))
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--mesa-seeds", type=int, default=50, help="Mesa seeds 1..N")
    parser.add_argument("--ours-seeds", type=int, default=200, help="uprising seeds 1..N")
    parser.add_argument("--workers", type=int, default=1, help="processes for Mesa runs (≤ 2)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for JSON/CSV output")
    parser.add_argument("--tag", default="mesa_equivalence", help="output file name stem")
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help=f"folder keeping each finished Mesa run (default {DEFAULT_CACHE})",
    )
    parser.add_argument("--no-cache", action="store_true", help="always run Mesa afresh")
    parser.add_argument(
        "--mesa-runs",
        type=Path,
        default=None,
        help="reuse Mesa's per-run statistics from a previous *_runs.csv (same --steps) "
        "instead of running Mesa again",
    )
    parser.add_argument(
        "--same-world",
        type=int,
        nargs=3,
        metavar=("WORLD_SEED", "MESA_TRIALS", "OURS_TRIALS"),
        help="instead: start both engines from Mesa's world WORLD_SEED and compare the first "
        "2 steps over many activation-order seeds (see same_world)",
    )
    args = parser.parse_args(argv)

    from uprising.atomic import write_json_atomic, write_text_atomic

    if args.same_world is not None:
        world_seed, mesa_trials, ours_trials = args.same_world
        regime = args.regimes[0]
        res = same_world(world_seed, regime, mesa_trials, ours_trials)
        print(
            f"{regime} regime, Mesa world seed {world_seed} ({res['citizens']} citizens, "
            f"{res['cops']} cops); {mesa_trials} Mesa / {ours_trials} uprising trials"
        )
        for r in res["rows"]:
            print(
                f"  {r['count']} after step {r['step']}: uprising {r['uprising_mean']:.2f} "
                f"(sd {r['uprising_sd']:.2f}), Mesa {r['mesa_mean']:.2f} (sd {r['mesa_sd']:.2f}), "
                f"diff {r['diff']:+.2f} = {r['diff_in_se']:+.1f} SE"
            )
        write_json_atomic(args.out / f"{args.tag}_same_world_{world_seed}.json", res)
        return 0

    def log(msg: str) -> None:
        print(msg, flush=True)

    started = time.time()
    load_before = os.getloadavg()
    results: dict[str, dict[str, dict[str, float]]] = {}
    rows: list[dict[str, Any]] = []
    series: list[list[Any]] = []
    mesa_rows: dict[str, list[dict[str, Any]]] = {}
    mesa_series: dict[str, list[list[Any]]] = {}
    for regime in args.regimes:  # Mesa first: the slow part, cached run by run
        log(f"regime {regime}: {mesa_kwargs(regime)}")
        if args.mesa_runs is not None:
            mesa_rows[regime], mesa_series[regime] = load_mesa_runs(
                args.mesa_runs, regime, args.steps
            )
            log(f"  mesa {regime}: {len(mesa_rows[regime])} runs reused from {args.mesa_runs}")
            continue
        cache = None if args.no_cache else args.cache
        seeds = range(1, args.mesa_seeds + 1)
        mesa = collect("mesa", regime, seeds, args.steps, min(args.workers, 2), log, cache)
        mesa_rows[regime] = _run_rows("mesa", regime, mesa, args.steps)
        mesa_series[regime] = _series_rows("mesa", regime, mesa)
    for regime in args.regimes:
        ours = collect("uprising", regime, range(1, args.ours_seeds + 1), args.steps, log=log)
        ours_rows = _run_rows("uprising", regime, ours, args.steps)
        series += _series_rows("uprising", regime, ours) + mesa_series[regime]
        rows += ours_rows + mesa_rows[regime]
        results[regime] = compare(ours_rows, mesa_rows[regime], ALL_STATISTICS)
    n_mesa = max(int(r["seed"]) for r in rows if r["impl"] == "mesa")
    table = format_table(results)
    log("")
    log(
        f"steps 1..{args.steps} (step 0 excluded), Mesa seeds 1..{n_mesa}, "
        f"uprising seeds 1..{args.ours_seeds}; *_late = steps {BURN_IN + 1}..{args.steps}; "
        f"diff = uprising − Mesa, 95% percentile bootstrap (10,000 resamples); adj diff = "
        f"the same at equal initial cop and citizen counts (least squares)"
    )
    log(table)
    import mesa
    import scipy

    import uprising

    meta = {
        "steps": args.steps,
        "mesa_seeds": n_mesa,
        "mesa_runs_reused_from": None if args.mesa_runs is None else str(args.mesa_runs),
        "git_commit": git_commit(),
        "uprising_seeds": args.ours_seeds,
        "regimes": {r: mesa_kwargs(r) for r in args.regimes},
        "uprising_overrides": {r: uprising_overrides(r) for r in args.regimes},
        "versions": {
            "mesa": mesa.__version__,
            "uprising": uprising.__version__ if hasattr(uprising, "__version__") else "?",
            "scipy": scipy.__version__,
            "numpy": np.__version__,
            "python": sys.version.split()[0],
        },
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
        "wall_s": time.time() - started,
        "workers": min(args.workers, 2),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    write_json_atomic(args.out / f"{args.tag}.json", {"meta": meta, "results": results})
    write_text_atomic(args.out / f"{args.tag}_runs.csv", _runs_csv(rows))
    write_text_atomic(args.out / f"{args.tag}_series.csv", _series_csv(series))
    write_text_atomic(args.out / f"{args.tag}_table.txt", table + "\n")
    log(f"wrote {args.out}/{args.tag}.json, _runs.csv, _series.csv, _table.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Sweep throughput: runs/s of a Run 2 sweep on 2 local processes vs the same runs in one process.

The sweep is ``epstein2002-run2`` (40×40, v = v* = 7) for ``--ticks`` ticks (default 1000), over
10 legitimacy values (0.70 … 0.88) × ``--runs``/10 replicates (default 1000 runs), summaries only
(``measure_every: 0``), both through the full pipeline (run_experiment → Parquet store).

Method:

* one untimed warm-up run in this process first (Numba compilation / cache load);
* serial: ``run_experiment`` with the in-process SerialExecutor;
* processes: ``run_experiment`` with a ProcessPoolExecutor of ``--workers`` forkserver processes,
  timed from pool creation (worker start-up and their Numba cache loads are included);
* both stores are then compared: the runs must be identical bit for bit (wall times aside);
* printed: runs/s of each, the speed-up ratio, the CPU seconds the runs got (summed per-run
  ``cpu_time_s``) divided by wall time — the cores the sweep actually obtained — and the
  1-minute load average before and after. On a shared machine (load above the core count) the
  ratio tracks the cores obtained, not the workers asked for; CPU s/run shows the per-run cost
  is unchanged.

Usage::

    python benchmarks/bench_sweep.py                    # 1000 runs × 1000 ticks (≈ 10 min)
    python benchmarks/bench_sweep.py --runs 40 --ticks 300   # quick check (≈ 30 s)
    python benchmarks/bench_sweep.py --dask             # also a Dask LocalCluster of 2 workers
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import pandas as pd

from uprising.experiments.executors import open_executor
from uprising.experiments.runner import run_experiment
from uprising.experiments.spec import Experiment, parse_experiment
from uprising.experiments.store import Store


def experiment(runs: int, ticks: int) -> Experiment:
    """Returns the benchmark sweep: 10 legitimacy values × runs/10 replicates."""
    points = min(10, runs)
    return parse_experiment({
        "name": "bench-sweep",
        "scenario": "epstein2002-run2",
        "ticks": ticks,
        "repetitions": max(1, runs // points),
        "seed": 1,
        "enumerated": {"population.legitimacy": [round(0.70 + 0.02 * i, 2)
                                                 for i in range(points)]},
    })


def timed(exp: Experiment, out: Path, kind: str, workers: int, dask: str | None = None
          ) -> tuple[float, int, float]:
    """Returns (wall seconds, runs done, CPU seconds spent inside the runs) of one sweep."""
    started = time.perf_counter()
    with open_executor(kind, workers, dask) as ex:
        report = run_experiment(exp, out, executor=ex, workers=workers, label=kind)
    wall = time.perf_counter() - started
    return wall, report.done, float(Store(out).runs()["cpu_time_s"].sum())


def line(label: str, wall: float, done: int, cpu: float, baseline: float | None) -> str:
    """Returns one result line: runs/s, cores obtained (run CPU s / wall s), ratio."""
    text = (f"{label:15s}: {done} runs in {wall:8.1f} s = {done / wall:7.2f} runs/s, "
            f"run CPU {cpu:8.1f} s → {cpu / wall:4.2f} cores obtained, "
            f"{cpu / done:6.3f} CPU s/run")
    return text if baseline is None else text + f"  → ratio {baseline / wall:.2f}×"


def main() -> None:
    """Runs the benchmark and prints runs/s and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--ticks", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dask", action="store_true", help="also time a Dask LocalCluster")
    args = parser.parse_args()
    exp = experiment(args.runs, args.ticks)
    n_runs = len(exp.enumerated["population.legitimacy"]) * exp.repetitions
    print(f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"sweep: Run 2, {n_runs} runs × {args.ticks} ticks; load before "
          f"{os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        timed(experiment(1, 50), Path(tmp) / "warmup", "serial", 1)
        serial_s, done, cpu = timed(exp, Path(tmp) / "serial", "serial", 1)
        print(line("1 process", serial_s, done, cpu, None))
        proc_s, done, cpu = timed(exp, Path(tmp) / "proc", "processes", args.workers)
        print(line(f"{args.workers} processes", proc_s, done, cpu, serial_s))
        if args.dask:
            dask_s, done, cpu = timed(exp, Path(tmp) / "dask", "serial", args.workers,
                                      dask="local")
            print(line(f"dask local ({args.workers})", dask_s, done, cpu, serial_s))
        timing = ["wall_time_s", "cpu_time_s"]
        a = Store(Path(tmp) / "serial").runs().drop(columns=timing)
        b = Store(Path(tmp) / "proc").runs().drop(columns=timing)
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        print("serial and process results identical bit for bit: yes")
    print(f"load after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

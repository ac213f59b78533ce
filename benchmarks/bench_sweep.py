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
* printed: runs/s of each, the speed-up ratio, CPU time / wall time of this process and the
  1-minute load average before and after (a load above the core count means a shared machine:
  the ratio is then a lower bound of what an idle machine gives).

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
          ) -> tuple[float, int]:
    """Returns (wall seconds, runs done) of one sweep into ``out``."""
    started = time.perf_counter()
    with open_executor(kind, workers, dask) as ex:
        report = run_experiment(exp, out, executor=ex, workers=workers, label=kind)
    return time.perf_counter() - started, report.done


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
        cpu0 = time.process_time()
        serial_s, done = timed(exp, Path(tmp) / "serial", "serial", 1)
        cpu = time.process_time() - cpu0
        print(f"1 process      : {done} runs in {serial_s:8.1f} s = {done / serial_s:7.2f} runs/s "
              f"(cpu/wall {cpu / serial_s:.2f})")
        proc_s, done = timed(exp, Path(tmp) / "proc", "processes", args.workers)
        print(f"{args.workers} processes    : {done} runs in {proc_s:8.1f} s = "
              f"{done / proc_s:7.2f} runs/s  → ratio {serial_s / proc_s:.2f}×")
        if args.dask:
            dask_s, done = timed(exp, Path(tmp) / "dask", "serial", args.workers, dask="local")
            print(f"dask local ({args.workers}) : {done} runs in {dask_s:8.1f} s = "
                  f"{done / dask_s:7.2f} runs/s  → ratio {serial_s / dask_s:.2f}×")
        a = Store(Path(tmp) / "serial").runs().drop(columns="wall_time_s")
        b = Store(Path(tmp) / "proc").runs().drop(columns="wall_time_s")
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        print("serial and process results identical bit for bit: yes")
    print(f"load after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

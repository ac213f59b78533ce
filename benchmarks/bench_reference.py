"""Times the reference engine against Mesa 3.3.1's own Epstein example, in one process.

Both sides run identical parameters (``mesa_equivalence.mesa_kwargs``: Mesa's ``model.py``
defaults and its ``app.py`` regime) at 40×40 and 160×160. uprising runs the ``mesa-example``
preset with every parameter overridden to Mesa's value.

Method:

* uprising: one throw-away run first (Numba compilation / cache load), then per repetition a
  fresh model (seed = repetition), 10 untimed warm-up ticks, and one timed ``Model.run(steps)``
  (counts collected inside the kernel, one row per tick kept by the model).
* Mesa: per repetition a fresh ``EpsteinCivilViolence`` (seed = repetition), one untimed
  warm-up ``step()`` (Mesa builds and caches every cell's radius-7 neighbourhood during the first
  step; that one-off cost is reported separately as ``first_step_ms``), then ``steps`` timed
  ``step()`` calls, DataCollector included, as the example ships.
* Reported: median over repetitions of ms/step, agent-steps/s = (citizens + cops) / (s/step)
  (jailed citizens count: they are activated too), and the ratio Mesa ms/step ÷ uprising ms/step.
  ``cpu/wall`` below 0.9 or a 1-minute load average above the core count means the machine was
  shared during that measurement; both are printed and saved. The ratio is also given on process
  CPU time (``time.process_time``), which other jobs on the machine disturb less than wall time
  (they still share caches and memory bandwidth).

Usage::

    python benchmarks/bench_reference.py            # ≈ 2 min; Mesa 160×160: 2 reps × 3 steps
    python benchmarks/bench_reference.py --quick    # ≈ 40 s; Mesa 160×160: 1 rep × 2 steps
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mesa_equivalence import REGIMES, git_commit, mesa_kwargs, uprising_overrides

RESULTS = Path(__file__).resolve().parent / "results"
SIZES = (40, 160)

# (repetitions, timed steps) per implementation and grid side; --quick uses the second table.
PLAN = {
    ("uprising", 40): (5, 2000),
    ("uprising", 160): (5, 200),
    ("mesa", 40): (3, 30),
    ("mesa", 160): (2, 3),
}
QUICK_PLAN = {
    ("uprising", 40): (3, 500),
    ("uprising", 160): (3, 50),
    ("mesa", 40): (2, 10),
    ("mesa", 160): (1, 2),
}


def machine() -> dict[str, Any]:
    """Returns a description of the machine and the software versions."""
    from machine_info import cpu_model  # benchmarks/ (the script's own folder)

    cpu = cpu_model()
    import mesa
    import numba
    import numpy

    return {
        "cpu": cpu,
        "logical_cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
        "numba": numba.__version__,
        "mesa": mesa.__version__,
        "git_commit": git_commit(),
    }


def _measure(fn) -> tuple[float, float, tuple[float, float, float]]:
    """Returns (wall seconds, cpu/wall, 1-min load average after) of calling ``fn()``."""
    c0 = time.process_time()
    t0 = time.perf_counter()
    fn()
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    return wall, cpu / wall if wall > 0 else float("nan"), os.getloadavg()


def time_uprising(regime: str, size: int, reps: int, steps: int) -> list[dict[str, Any]]:
    """Returns one timing record per repetition of the reference engine."""
    import uprising

    out = []
    for rep in range(1, reps + 1):
        model = uprising.Model(
            "mesa-example", rng=rep, overrides=uprising_overrides(regime, size, size)
        )
        model.run(10)
        wall, cpu_ratio, load = _measure(lambda m=model: m.run(steps))
        df = model.get_model_vars_dataframe()
        agents = int(model.state.n_citizens + df["cops"].iloc[-1])
        out.append(_record("uprising", regime, size, rep, steps, wall, agents, cpu_ratio, load))
    return out


def time_mesa(regime: str, size: int, reps: int, steps: int) -> list[dict[str, Any]]:
    """Returns one timing record per repetition of Mesa's example (first step untimed)."""
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

    out = []
    for rep in range(1, reps + 1):
        model = EpsteinCivilViolence(seed=rep, **mesa_kwargs(regime, size, size))
        first, _, _ = _measure(model.step)

        def run(m=model) -> None:
            for _ in range(steps):
                m.step()

        wall, cpu_ratio, load = _measure(run)
        rec = _record("mesa", regime, size, rep, steps, wall, len(model.agents), cpu_ratio, load)
        rec["first_step_ms"] = round(first * 1e3, 1)
        out.append(rec)
    return out


def _record(
    impl: str,
    regime: str,
    size: int,
    rep: int,
    steps: int,
    wall: float,
    agents: int,
    cpu_ratio: float,
    load: tuple[float, float, float],
) -> dict[str, Any]:
    s_per_step = wall / steps
    return {
        "impl": impl,
        "regime": regime,
        "size": size,
        "rep": rep,
        "steps": steps,
        "agents": agents,
        "ms_per_step": s_per_step * 1e3,
        "agent_steps_per_s": agents / s_per_step,
        "cpu_ms_per_step": s_per_step * cpu_ratio * 1e3,
        "agent_steps_per_cpu_s": agents / (s_per_step * cpu_ratio),
        "cpu_over_wall": round(cpu_ratio, 3),
        "load1": round(load[0], 2),
        "first_step_ms": None,
    }


def summarise(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Returns one row per (regime, size): medians of both sides and the Mesa/uprising ratio."""
    rows = []
    keys = sorted({(r["regime"], r["size"]) for r in records}, key=lambda k: (k[1], k[0]))
    for regime, size in keys:
        row: dict[str, Any] = {"regime": regime, "size": f"{size}x{size}"}
        for impl in ("uprising", "mesa"):
            key = (impl, regime, size)
            sel = [r for r in records if (r["impl"], r["regime"], r["size"]) == key]
            ms = statistics.median(r["ms_per_step"] for r in sel)
            row[f"{impl}_ms_per_step"] = ms
            row[f"{impl}_ms_min"] = min(r["ms_per_step"] for r in sel)
            row[f"{impl}_cpu_ms_per_step"] = statistics.median(r["cpu_ms_per_step"] for r in sel)
            row[f"{impl}_agent_steps_per_cpu_s"] = statistics.median(
                r["agent_steps_per_cpu_s"] for r in sel
            )
            row[f"{impl}_agent_steps_per_s"] = statistics.median(
                r["agent_steps_per_s"] for r in sel
            )
            row[f"{impl}_timed_steps"] = f"{len(sel)}x{sel[0]['steps']}"
            row[f"{impl}_min_cpu_over_wall"] = min(r["cpu_over_wall"] for r in sel)
            row[f"{impl}_max_load1"] = max(r["load1"] for r in sel)
        row["ratio_mesa_over_uprising"] = row["mesa_ms_per_step"] / row["uprising_ms_per_step"]
        row["cpu_ratio_mesa_over_uprising"] = (
            row["mesa_cpu_ms_per_step"] / row["uprising_cpu_ms_per_step"]
        )
        rows.append(row)
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    """Returns the summary as a plain-text table (wall-clock and CPU-time columns)."""
    head = (
        f"{'grid':>7} {'regime':7} | {'uprising ms/step':>16} {'CPU ms':>7} {'agent-steps/s':>13} "
        f"| {'Mesa ms/step':>12} {'CPU ms':>7} {'agent-steps/s':>13} {'timed':>6} "
        f"| {'ratio':>6} {'CPU ratio':>9} | {'cpu/wall':>8} {'load1':>5}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        cpu = min(r["uprising_min_cpu_over_wall"], r["mesa_min_cpu_over_wall"])
        load = max(r["uprising_max_load1"], r["mesa_max_load1"])
        lines.append(
            f"{r['size']:>7} {r['regime']:7} | {r['uprising_ms_per_step']:16.3f} "
            f"{r['uprising_cpu_ms_per_step']:7.3f} {r['uprising_agent_steps_per_s']:13,.0f} "
            f"| {r['mesa_ms_per_step']:12.1f} {r['mesa_cpu_ms_per_step']:7.1f} "
            f"{r['mesa_agent_steps_per_s']:13,.0f} {r['mesa_timed_steps']:>6} "
            f"| {r['ratio_mesa_over_uprising']:5.0f}x {r['cpu_ratio_mesa_over_uprising']:8.0f}x "
            f"| {cpu:8.2f} {load:5.2f}"
        )
    return "\n".join(lines)


def _csv(records: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    return buf.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    """Returns the exit code after timing both implementations and writing the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and steps")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--regimes", nargs="+", default=list(REGIMES), choices=list(REGIMES))
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for JSON/CSV output")
    parser.add_argument("--tag", default=None, help="output file stem (default by mode)")
    args = parser.parse_args(argv)
    plan = QUICK_PLAN if args.quick else PLAN
    tag = args.tag or ("bench_reference_quick" if args.quick else "bench_reference")

    from uprising.atomic import write_json_atomic, write_text_atomic

    info = machine()
    print(f"machine: {info['cpu']}, {info['logical_cpus']} logical CPUs; {info['platform']}")
    print(
        f"python {info['python']}, numpy {info['numpy']}, numba {info['numba']}, "
        f"mesa {info['mesa']}; uprising at {info['git_commit']}"
    )
    load_start = os.getloadavg()
    print(f"load average at start: {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}")

    import uprising

    warm, _, _ = _measure(lambda: uprising.Model("mesa-example", rng=0).run(5))
    print(f"uprising first run (Numba compile or cache load): {warm:.2f} s, excluded")

    records: list[dict[str, Any]] = []
    for size in args.sizes:
        for regime in args.regimes:
            for impl, timer in (("uprising", time_uprising), ("mesa", time_mesa)):
                reps, steps = plan[(impl, size)] if (impl, size) in plan else plan[(impl, 160)]
                recs = timer(regime, size, reps, steps)
                records.extend(recs)
                ms = statistics.median(r["ms_per_step"] for r in recs)
                print(
                    f"  {impl:8} {size}x{size} {regime:7} {reps} reps x {steps} steps: "
                    f"{ms:.3f} ms/step (load {recs[-1]['load1']:.2f}, "
                    f"cpu/wall {min(r['cpu_over_wall'] for r in recs):.2f})",
                    flush=True,
                )
    rows = summarise(records)
    print()
    print(
        "median over repetitions; ratio = Mesa ms/step / uprising ms/step (wall clock); CPU "
        "ratio = the same with process CPU time (less sensitive to other jobs); Mesa timed = "
        "reps x steps after one untimed first step per rep"
    )
    table = format_table(rows)
    print(table)
    load_end = os.getloadavg()
    print(f"load average at end: {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f}")
    args.out.mkdir(parents=True, exist_ok=True)
    write_json_atomic(
        args.out / f"{tag}.json",
        {
            "machine": info,
            "quick": args.quick,
            "plan": {f"{k[0]}_{k[1]}": v for k, v in plan.items()},
            "uprising_first_run_s": warm,
            "loadavg_start": load_start,
            "loadavg_end": load_end,
            "summary": rows,
            "records": records,
        },
    )
    write_text_atomic(args.out / f"{tag}.csv", _csv(records))
    write_text_atomic(args.out / f"{tag}_table.txt", table + "\n")
    print(f"wrote {args.out}/{tag}.json, .csv, _table.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Scaling of the fast engine from 40×40 to 3000×3000, against the reference engine and Mesa.

Every row runs the same model on a square torus: Mesa 3.3.1's Epstein example as shipped
(preset ``mesa-example``: von Neumann radius 7, cops 0.074, L 0.8, J_max 1000), or another
preset with ``--preset``. In one process, per size:

* fast engine with 2 threads (and 1 thread, ``--one-thread``): warm-up ticks, one tick to
  estimate the rate, then one timed call of about ``--seconds`` worth of ticks (at least 3);
* reference engine: the same, with fewer ticks at large sizes (at least 1);
* Mesa (``EpsteinCivilViolence``, same parameters) where a step takes a few seconds at most
  (``--mesa-max``, default 160): one untimed warm-up step, then a few timed steps.

Columns: agents (citizens + cops on duty), ms per tick, agent-steps/s, cell-updates/s
(cells × ticks / s), bytes per cell (the state's arrays plus the kernel's per-cell scratch),
and the fast engine's speed ratio to the reference and to Mesa (per agent-step). CPU time of
the process is recorded too, and the load average before each row, since the machine is shared.

Writes ``benchmarks/results/bench_scaling.{json,md}``.

Usage: python benchmarks/bench_scaling.py [--sizes 40,80,...] [--seconds 2] [--one-thread]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numba
import numpy as np

from machine_info import cpu_model  # benchmarks/ (the script's own folder)
from uprising import Model
from uprising.atomic import write_json_atomic, write_text_atomic
from uprising.engine.fast.memory import state_bytes

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results"
SIZES = (40, 80, 160, 320, 640, 1000, 2000, 3000)


def machine() -> str:
    """Returns a one-line description of this machine."""
    cpu = cpu_model()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{cpu}, {os.cpu_count()} logical CPUs, {mem:.1f} GiB RAM; Python "
            f"{platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}, "
            f"threading layer {numba.threading_layer()}")


def time_uprising(preset: str, size: int, engine: str, seconds: float, min_ticks: int,
                  threads: int) -> dict:
    """Returns timings of one engine at one size (model built and warmed up first)."""
    numba.set_num_threads(threads)
    m = Model(preset, rng=1, overrides=[f"engine={engine}", f"world.width={size}",
                                        f"world.height={size}"])
    m.run(2 if size <= 1000 else 1)  # compile, warm caches
    t_one = time.perf_counter()
    m.run(1)
    per_tick = time.perf_counter() - t_one
    ticks = max(min_ticks, int(seconds / max(per_tick, 1e-6)))
    cpu0, t0 = time.process_time(), time.perf_counter()
    m.run(ticks)  # one kernel call: the window counts are built once, as in a real run
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    st = m.state
    agents = int(st.n_citizens + (st.state[st.n_citizens:] != 3).sum())
    cells = size * size
    scratch = 2 * cells if engine == "fast" else 8 * len(st.kind)  # count fields / shuffle order
    return {"engine": engine, "threads": threads, "size": size, "cells": cells, "agents": agents,
            "ticks": ticks, "wall_s": wall, "cpu_s": cpu, "ms_per_tick": 1e3 * wall / ticks,
            "agent_steps_per_s": agents * ticks / wall, "cell_updates_per_s": cells * ticks / wall,
            "bytes_per_cell": (state_bytes(st) + scratch) / cells}


def time_mesa(size: int, steps: int) -> dict | None:
    """Returns Mesa's timing at one size (Mesa's own defaults), or None without Mesa."""
    try:
        from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence
    except ImportError:
        print("Mesa is not installed: no Mesa column (pip install -e \".[bench]\")", flush=True)
        return None
    m = EpsteinCivilViolence(width=size, height=size, seed=1)
    m.step()  # builds Mesa's neighbourhood caches
    cpu0, t0 = time.process_time(), time.perf_counter()
    for _ in range(steps):
        m.step()
    wall = time.perf_counter() - t0
    agents = len(m.agents)
    return {"engine": "mesa", "threads": 1, "size": size, "cells": size * size,
            "agents": agents, "ticks": steps, "wall_s": wall,
            "cpu_s": time.process_time() - cpu0, "ms_per_tick": 1e3 * wall / steps,
            "agent_steps_per_s": agents * steps / wall,
            "cell_updates_per_s": size * size * steps / wall, "bytes_per_cell": float("nan")}


def markdown(rows: list[dict], meta: dict) -> str:
    """Returns the scaling table as Markdown."""
    by = {(r["engine"], r["threads"], r["size"]): r for r in rows}
    out = [
        f"Machine: {meta['machine']}. Preset `{meta['preset']}`; command "
        f"`{meta['command']}`; started {meta['started']}.",
        "",
        "| grid | agents | fast ms/tick wall / CPU | fast agent-steps/s | fast cell-updates/s "
        "(per CPU-s) | fast B/cell | fast 1T ms/tick | reference ms/tick wall / CPU (ticks) "
        "| reference B/cell | fast ÷ reference (wall / CPU) | Mesa ms/step wall / CPU (steps) "
        "| fast ÷ Mesa per agent (wall / CPU) | load (1 min) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size in meta["sizes"]:
        f2 = by.get(("fast", 2, size))
        if f2 is None:
            continue
        f1 = by.get(("fast", 1, size))
        ref = by.get(("reference", 1, size))
        mesa = by.get(("mesa", 1, size))
        def cpu_ms(r):
            return 1e3 * r["cpu_s"] / r["ticks"]

        def per_agent(r):  # agent-steps per second, wall and CPU
            return r["agents"] * r["ticks"] / r["wall_s"], r["agents"] * r["ticks"] / r["cpu_s"]

        fa, fc = per_agent(f2)
        cells_cpu = f2["cells"] * f2["ticks"] / f2["cpu_s"]
        line = (
            f"| {size}×{size} | {f2['agents']:,} | {f2['ms_per_tick']:.3g} / {cpu_ms(f2):.3g} | "
            f"{fa:.3g} | {f2['cell_updates_per_s']:.3g} ({cells_cpu:.3g}) | "
            f"{f2['bytes_per_cell']:.1f} | "
        )
        line += (f"{f1['ms_per_tick']:.3g}" if f1 else "–") + " | "
        if ref:
            line += (f"{ref['ms_per_tick']:.3g} / {cpu_ms(ref):.3g} ({ref['ticks']}) | "
                     f"{ref['bytes_per_cell']:.1f} | "
                     f"{ref['ms_per_tick'] / f2['ms_per_tick']:.1f}× / "
                     f"{cpu_ms(ref) / cpu_ms(f2):.1f}× | ")
        else:
            line += "– | – | – | "
        if mesa:
            ma, mc = per_agent(mesa)
            line += (f"{mesa['ms_per_tick']:.4g} / {cpu_ms(mesa):.4g} ({mesa['ticks']}) | "
                     f"{fa / ma:,.0f}× / {fc / mc:,.0f}× | ")
        else:
            line += "– | – | "
        out.append(line + f"{f2['load']} |")
    return "\n".join(out) + "\n"


def main() -> None:
    """Runs the scaling benchmark and writes the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="mesa-example")
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)))
    ap.add_argument("--seconds", type=float, default=2.0, help="timed wall time per row")
    ap.add_argument("--mesa-max", type=int, default=160, help="largest grid Mesa runs on")
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument("--one-thread", action="store_true", help="also time the fast engine on 1")
    ap.add_argument("--tag", default="")
    ap.add_argument("--threading-layer", default=None,
                    help="Numba threading layer (default: Numba's choice, usually omp)")
    args = ap.parse_args()
    if args.threading_layer:
        numba.config.THREADING_LAYER = args.threading_layer
    sizes = [int(s) for s in args.sizes.split(",") if s]
    meta = {"preset": args.preset, "sizes": sizes,
            "command": "python benchmarks/bench_scaling.py " + " ".join(
                f"--{k.replace('_', '-')}" + ("" if v is True else f" {v}")
                for k, v in vars(args).items() if v not in (False, None, "")),
            "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    rows = []
    for size in sizes:
        load = round(os.getloadavg()[0], 2)
        row = time_uprising(args.preset, size, "fast", args.seconds, 3, 2)
        rows.append({**row, "load": load})
        print(rows[-1], flush=True)
        if args.one_thread:
            rows.append({**time_uprising(args.preset, size, "fast", args.seconds, 3, 1),
                         "load": round(os.getloadavg()[0], 2)})
            print(rows[-1], flush=True)
        if not args.no_reference:
            secs = args.seconds if size <= 640 else 0.0
            rows.append({**time_uprising(args.preset, size, "reference", secs, 1, 1),
                         "load": round(os.getloadavg()[0], 2)})
            print(rows[-1], flush=True)
        if size <= args.mesa_max:
            steps = max(4, int(20 * (40 / size) ** 2))  # ≥ 4: Mesa's step time varies ±10 %
            res = time_mesa(size, steps)
            if res is not None:
                rows.append({**res, "load": round(os.getloadavg()[0], 2)})
                print(rows[-1], flush=True)
    meta["finished"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    meta["machine"] = machine()  # after the runs: the threading layer is known only then
    OUT.mkdir(parents=True, exist_ok=True)
    write_json_atomic(OUT / f"bench_scaling{args.tag}.json", {"meta": meta, "rows": rows})
    md = markdown(rows, meta)
    write_text_atomic(OUT / f"bench_scaling{args.tag}.md", md)
    print(md)


if __name__ == "__main__":
    main()

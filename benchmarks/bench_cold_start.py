"""Cold and warm start of `uprising run`: the first run after install vs a cached one.

Each measurement runs the CLI in a subprocess; "cold" points ``NUMBA_CACHE_DIR`` at a fresh
empty folder (nothing compiled yet, as after ``pip install``), "warm" reuses that folder
(kernels cached by the cold run). Prints wall time, cpu time (user + sys of the child),
cpu/wall, the compile step and "simulated in" as reported by the CLI, and the 1-minute load
average before each measurement (other processes share the cores; read the times with it).

    python benchmarks/bench_cold_start.py                       # both engines, Run 2 preset
    python benchmarks/bench_cold_start.py --engine fast --size 2000 --ticks 25
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def measure(args: list[str], cache: Path) -> dict[str, float | str]:
    """Returns wall, cpu, cpu/wall, compile and simulated seconds of one CLI run."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "uprising", *args], env=env,
                          capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    text = done.stdout + done.stderr
    compiled = re.search(r"(?:compiling kernels|loading compiled kernels)[^:]*: ([\d.]+) s", text)
    simulated = re.search(r"simulated in ([\d.]+) s", text)
    return {
        "wall": wall, "cpu": cpu, "cpu/wall": cpu / wall, "load": load,
        "compile": float(compiled.group(1)) if compiled else 0.0,
        "simulated": float(simulated.group(1)) if simulated else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", action="append", choices=["reference", "fast"])
    parser.add_argument("--preset", default="epstein2002-run2")
    parser.add_argument("--size", type=int, default=0, help="world side (0: the preset's)")
    parser.add_argument("--ticks", type=int, default=0, help="ticks (0: the preset's)")
    opts = parser.parse_args()
    for engine in opts.engine or ["reference", "fast"]:
        with tempfile.TemporaryDirectory(prefix="uprising-cold-") as tmp:
            cache = Path(tmp) / "numba-cache"
            cache.mkdir()
            args = ["run", opts.preset, "--set", f"engine={engine}", "--no-plot", "--overwrite",
                    "--out", str(Path(tmp) / "out")]
            if opts.size:
                args += ["--set", f"world.width={opts.size}", "--set", f"world.height={opts.size}"]
            if opts.ticks:
                args += ["--ticks", str(opts.ticks)]
            for label in ("cold", "warm"):
                m = measure(args, cache)
                print(f"{engine:9s} {label}: wall {m['wall']:6.1f} s, cpu {m['cpu']:6.1f} s "
                      f"(cpu/wall {m['cpu/wall']:.2f}), compile step {m['compile']:5.1f} s, "
                      f"simulated in {m['simulated']:.2f} s, load {m['load']:.2f}", flush=True)


if __name__ == "__main__":
    main()

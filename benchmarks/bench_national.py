"""Speed of a national run: all 17 regions of ``kazakhstan-demo`` at its default scale, 21 days.

Runs one warm-up replicate (Numba compilation), then ``--replicates`` timed replicates on one
core, and prints seconds per replicate, agent-steps per second (agents on the lattice × ticks,
burn-in included) and the load average before and after (the machine may be shared).

Usage: PYTHONPATH=src python benchmarks/bench_national.py [--replicates N] [--set PATH=VALUE]
"""

from __future__ import annotations

import argparse
import os
import time

from uprising.scenario import load_scenario
from uprising.simulation.factory import make_model


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--replicates", type=int, default=3)
    ap.add_argument("--scenario", default="kazakhstan-demo")
    ap.add_argument("--set", action="append", default=[], dest="overrides")
    args = ap.parse_args()
    sc = load_scenario(args.scenario, args.overrides)
    make_model(sc, rng=0).run()  # compile and warm up
    load_before = os.getloadavg()
    seconds, steps = [], []
    for rep in range(args.replicates):
        m = make_model(sc, rng=1, replicate=rep)
        t = time.perf_counter()
        m.run()
        seconds.append(time.perf_counter() - t)
        agents = sum(int(x.state.n_citizens + len(x._cop_ids())) for x in m.models)
        steps.append(agents * m.tick)
    load_after = os.getloadavg()
    per = sum(seconds) / len(seconds)
    print(f"scenario {sc.name}: {len(m.models)} regions, "
          f"{sc.national.scale.people_per_agent:g} people per agent, "
          f"{sc.clock.hours_per_tick:g} h ticks, {sc.ticks} ticks "
          f"({sc.clock.burn_in_ticks} burn-in), {sum(m.citizens)} citizens")
    print(f"seconds per replicate: {per:.2f} (each: {', '.join(f'{s:.2f}' for s in seconds)})")
    print(f"agent-steps per second: {sum(steps) / sum(seconds):,.0f}")
    print(f"load average (1, 5, 15 min) before: {load_before[0]:.2f} {load_before[1]:.2f} "
          f"{load_before[2]:.2f}; after: {load_after[0]:.2f} {load_after[1]:.2f} "
          f"{load_after[2]:.2f}; cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()

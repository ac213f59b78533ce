"""Speed of the reference engine on Run 2 with every mechanism off, now vs before issue 4.

Checks out the last commit before the article's mechanisms (``--base``, default 5afd1dc) into a
temporary git worktree and times Run 2 there and in this checkout, alternating the two in
separate processes so both see the same machine load. Prints agent-steps/s and the ratio.

Usage: python benchmarks/bench_mechanism_overhead.py [--base REV] [--ticks N] [--rounds K]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TIMER = r"""
import json, sys, time
from uprising import Model
ticks = int(sys.argv[1])
m = Model("epstein2002-run2", rng=1)
m.run(20)  # compile and warm up
best = float("inf")
for _ in range(3):
    t = time.perf_counter()
    m.run(ticks)
    best = min(best, time.perf_counter() - t)
n = int((m.state.kind == 0).sum() + (m.state.state[m.state.n_citizens:] != 3).sum())
print(json.dumps({"agent_steps_per_s": n * ticks / best, "seconds": best}))
"""


def time_tree(src: Path, ticks: int) -> float:
    """Returns agent-steps/s of Run 2 for the package under ``src`` (a fresh process)."""
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run(
        [sys.executable, "-c", TIMER, str(ticks)], env=env, capture_output=True, text=True,
        check=True, cwd=src.parent,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["agent_steps_per_s"]


def main() -> None:
    """Prints the before/after table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--base", default="5afd1dc", help="commit before the mechanisms")
    ap.add_argument("--ticks", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-f", "--detach", str(tree),
                        args.base], check=True, capture_output=True)
        try:
            before, after = [], []
            for _ in range(args.rounds):
                before.append(time_tree(tree / "src", args.ticks))
                after.append(time_tree(ROOT / "src", args.ticks))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                           check=False, capture_output=True)
    b, a = max(before), max(after)
    print(f"load average: {os.getloadavg()}")
    print(f"{'engine':<34}{'agent-steps/s (best of rounds)':>32}")
    print(f"{'before mechanisms (' + args.base + ')':<34}{b:>32,.0f}")
    print(f"{'now, all mechanisms off':<34}{a:>32,.0f}")
    print(f"now / before = {a / b:.2f}  (issue 4 requires ≥ 0.5)")


if __name__ == "__main__":
    main()

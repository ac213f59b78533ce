"""How far defection spreads in mechanisms-tour: the sanction's scope under every arrest rule.

Issue 15 asks that, at the demo's settings, defected cops stay below 10 % of the cop slots in
≥ 90 % of seeds. Statistic: the largest share of cop slots held by former cops (free or
jailed) over the run, per seed (seeds 0–49, the tour story's). Arms: ``defection.sanction_scope``
view (the preset's) and force, each under the four arrest-ratio rules, and the two scopes with
the elite split off (the tour's loyalty drop at t = 230). Writes
validation/results/tour-defection.md. Run: ``PYTHONPATH=src python validation/tour_defection.py``
(about 8 minutes on 2 cores).
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import numpy as np

from uprising import Model
from uprising.atomic import write_text_atomic

ROOT = Path(__file__).resolve().parents[1]
SEEDS = range(50)
RULES = ("floor", "round_half_even", "round_half_up", "literal")
LIMIT = 0.10


def largest_defected_share(job: tuple[int, tuple[str, ...]]) -> float:
    seed, overrides = job
    m = Model("mechanisms-tour", rng=seed, overrides=list(overrides))
    m.run()
    slots = len(m.state.kind) - m.state.n_citizens
    return float(m.get_model_vars_dataframe()["defected"].max()) / slots


def arms() -> dict[str, tuple[str, ...]]:
    out = {}
    for scope in ("view", "force"):
        for rule in RULES:
            out[f"{scope} · {rule}"] = (f"defection.sanction_scope={scope}",
                                       f"rules.arrest_ratio={rule}")
        out[f"{scope} · floor · elite split off"] = (f"defection.sanction_scope={scope}",
                                                    "elite.enabled=false")
    return out


def main() -> None:
    lines = ["# mechanisms-tour: largest defected share of cop slots (50 seeds per arm)", "",
             "Design: validation/tour_defection.py (docstring). The preset runs view · floor.", "",
             "| arm | median | 90th pct | max | below 10 % |", "|---|---|---|---|---|"]
    with multiprocessing.get_context("spawn").Pool(os.cpu_count()) as pool:
        for name, overrides in arms().items():
            shares = np.array(pool.map(largest_defected_share,
                                       [(s, overrides) for s in SEEDS]))
            lines.append(f"| {name} | {np.median(shares):.1%} | "
                         f"{np.quantile(shares, 0.9):.1%} | {shares.max():.1%} | "
                         f"{np.mean(shares < LIMIT):.0%} |")
            print(lines[-1], flush=True)
    out = ROOT / "validation" / "results" / "tour-defection.md"
    write_text_atomic(out, "\n".join(lines) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

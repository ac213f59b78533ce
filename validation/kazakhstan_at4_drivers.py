"""Which posterior draws miss AT4 (participants on 5 January ≥ 4 January)? A diagnostic at the
shipped posterior; nothing refitted.

AT4 is met in about 60 % of runs over posterior draws, while earlier diagnostics met it in
every seed at the posterior median (validation/results/kazakhstan-spread-structure.md), so
the misses come from the posterior's width, not from seeds alone. Here 200 posterior draws
(the parquet's rows sampled with ``random_state=0``), one run each with seeds
``SeedSequence([2026, i])`` for i = 0..199, fixed before any run; per run: the draw's values,
participants on 4 and 5 January, the regions with protest on 3 and 4 January and whether AT4
holds. Per parameter: its median in the runs that meet AT4 and in those that miss it, the AUC
(the chance that a meeting run's value exceeds a missing run's; 0.5 = no relation) with its
two-sided Mann–Whitney p, and AT4's share in the parameter's lower, middle and upper third;
then AT4's share among the runs below, inside and above AT1's range of regions on 3 January.
Also per run: participants on 5 January and the day (1 = 2 January) of the national peak of
participants. Writes validation/results/kazakhstan-at4-drivers.md, or
kazakhstan-at4-drivers-LABEL.md with a label.
Run: ``PYTHONPATH=src:validation python validation/kazakhstan_at4_drivers.py [LABEL]`` (about
1 minute, 2 cores).
"""

from __future__ import annotations

import multiprocessing
import os
import sys

import numpy as np
import pandas as pd
from kazakhstan_diagnostics import CASE, write_result
from kazakhstan_spread_structure import spread_stats
from scipy.stats import mannwhitneyu

from uprising.calibration.posterior import paths
from uprising.casestudy.observables import NATIONAL
from uprising.casestudy.simulate import run_daily

RUNS = 200


def one(job: tuple[dict[str, float], int]) -> dict[str, float]:
    """Returns the draw's values with AT4's inputs of one run (``spread_stats``: regions with
    protest on 3 and 4 January, ``up5`` = AT4 met), national participants on 4 and 5 January
    and the day of their peak."""
    values, seed = job
    daily = run_daily(CASE, values, None, np.random.SeedSequence([2026, seed]))
    national = daily[daily["region"] == NATIONAL]["participants"].to_numpy(float)
    return {**values, **spread_stats(daily), "p4": national[2], "p5": national[3],
            "peak_day": float(np.argmax(national) + 1)}


def driver_rows(runs: pd.DataFrame, names: list[str]) -> list[str]:
    """Returns one table row per parameter (or run measure) in ``names``."""
    met, missed = runs[runs.up5 == 1], runs[runs.up5 == 0]
    lines = []
    for name in names:
        u, p = mannwhitneyu(met[name], missed[name], alternative="two-sided")
        auc = u / (len(met) * len(missed))
        thirds = pd.qcut(runs[name].rank(method="first"), 3, labels=False)
        shares = " / ".join(f"{runs.up5[thirds == k].mean():.0%}" for k in range(3))
        lines.append(f"| {name} | {met[name].median():.4g} | {missed[name].median():.4g} | "
                     f"{auc:.2f} | {p:.2g} | {shares} |")
    return lines


def band_rows(runs: pd.DataFrame) -> list[str]:
    """Returns AT4's share among the runs whose regions with protest on 3 January fall below,
    inside or above AT1's target range [6, 10] (record 8)."""
    groups = [("fewer than 6", runs.r3 < 6), ("6-10 (AT1's range)", runs.r3.between(6, 10)),
              ("more than 10", runs.r3 > 10)]
    lines = ["| regions with protest on 3 January | runs | AT4 met |", "|---|---|---|"]
    for label, mask in groups:
        share = f"{runs.up5[mask].mean():.0%}" if mask.any() else "-"
        lines.append(f"| {label} | {int(mask.sum())} | {share} |")
    return lines


def main() -> None:
    draws = pd.read_parquet(paths(CASE)[0])
    picks = draws.sample(RUNS, random_state=0).to_dict("records")
    jobs = [({k: float(v) for k, v in d.items()}, i) for i, d in enumerate(picks)]
    with multiprocessing.get_context("spawn").Pool(os.cpu_count()) as pool:
        runs = pd.DataFrame(pool.map(one, jobs))
    runs = runs[runs.p4 > 0]
    names = [*draws.columns, "r3", "r4", "p4", "p5", "peak_day"]
    lines = ["# Kazakhstan 2022: which posterior draws miss AT4", "",
             f"Design: validation/kazakhstan_at4_drivers.py (docstring); {RUNS} posterior draws, "
             f"one run each; {len(runs)} runs with protest on 4 January, of which "
             f"{runs.up5.mean():.0%} meet AT4 (participants on 5 January ≥ 4 January). "
             f"Load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}.", "",
             "| parameter or measure | median, AT4 met | median, AT4 missed | AUC | "
             "Mann–Whitney p | AT4 in lower / middle / upper third |",
             "|---|---|---|---|---|---|", *driver_rows(runs, names), "",
             *band_rows(runs)]
    label = f"-{sys.argv[1]}" if len(sys.argv) > 1 else ""
    write_result(f"kazakhstan-at4-drivers{label}.md", lines)


if __name__ == "__main__":
    main()

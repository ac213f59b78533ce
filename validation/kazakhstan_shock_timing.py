"""Does the hour of the Mangystau price shock matter for the spread? A paired diagnostic at the
shipped posterior, nothing refitted.

The preset starts the shock (Mangystau's legitimacy and hardship triggers) at 2 January 00:00,
the clock's start; the record's gatherings began at 11:00 that day (GPO; research note §1). For
100 posterior draws (``posterior_draws(case, 100, 11)``) and one seed each (``run_seed(11, j,
0)``), both fixed before the run, each draw runs with the shock at 00:00 (the preset) and at
11:00 on the same seed. Reported for both arms: regions with protest on 2, 3 and 4 January
(medians with their 95 % order-statistic intervals), Mangystau alone first and AT4 (participants
on 5 January ≥ 4 January; floor rule, the preset's) as shares with Wilson intervals, and the
paired differences (11:00 − 00:00) with 95 % bootstrap intervals (2,000 resamples, seeded).

Run: ``PYTHONPATH=src:validation python validation/kazakhstan_shock_timing.py`` (about 4 min on
2 cores). Writes validation/results/kazakhstan-shock-timing.md.
"""

from __future__ import annotations

import copy
import multiprocessing
from datetime import date

import numpy as np
from kazakhstan_diagnostics import write_result

from uprising.casestudy.cases import PROTEST_PEOPLE, case_spec
from uprising.casestudy.check_intervals import median_interval, share_interval
from uprising.casestudy.observables import first_region, national, regions_with_protest
from uprising.casestudy.simulate import run_daily
from uprising.counterfactual.ensemble import posterior_draws, run_seed
from uprising.scenario.loader import raw_scenario

CASE = "kazakhstan-2022"
DRAWS = 100
SEED = 11
SHOCK = "2022-01-02T00:00"
ARMS = {"shock 2 Jan 00:00 (preset)": None, "shock 2 Jan 11:00 (record)": "2022-01-02T11:00"}


def regions_at(hour: str | None) -> dict[str, object]:
    """Returns the override of ``national.regions`` with Mangystau's shock triggers at
    ``hour`` (None: the preset's own regions, no override)."""
    if hour is None:
        return {}
    regions = copy.deepcopy(raw_scenario(case_spec(CASE).preset)["national"]["regions"])
    for region in regions:
        for trigger in region.get("triggers", []):
            if str(trigger["at"]) == SHOCK:
                trigger["at"] = hour
    return {"national.regions": regions}


def one(job: tuple[dict[str, float], int, str | None]) -> list[float]:
    """Returns one run's regions with protest on 2-4 January, Mangystau alone first (0/1) and
    whether participants on 5 January ≥ 4 January (NaN without protest on 4 January)."""
    values, j, hour = job
    daily = run_daily(CASE, values, regions_at(hour), run_seed(SEED, j, 0))
    per_day = regions_with_protest(daily, PROTEST_PEOPLE)
    counts = [float(per_day.get(date(2022, 1, d), 0.0)) for d in (2, 3, 4)]
    first = float(first_region(daily, PROTEST_PEOPLE) == "mangystau")
    nat = national(daily)["participants"]
    p4, p5 = float(nat[date(2022, 1, 4)]), float(nat[date(2022, 1, 5)])
    at4 = float(p5 >= p4) if p4 > 0 else float("nan")
    return [*counts, first, at4]


def paired(diff: np.ndarray, stat: str, k: int) -> str:
    """Returns a paired difference with its 95 % bootstrap interval as text."""
    diff = diff[~np.isnan(diff)]
    f = np.median if stat == "median" else np.mean
    rng = np.random.default_rng(np.random.SeedSequence([SEED, k]))
    boot = [f(diff[rng.integers(0, len(diff), len(diff))]) for _ in range(2000)]
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return f"{f(diff):+.2f} [{lo:+.2f}, {hi:+.2f}]"


def main() -> None:
    draws = posterior_draws(CASE, DRAWS, SEED).to_dict("records")
    results = {}
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        for label, hour in ARMS.items():
            results[label] = np.array(pool.map(one, [(d, j, hour) for j, d in enumerate(draws)]))
    lines = ["# Kazakhstan 2022: the hour of the Mangystau shock, at the shipped posterior", "",
             "Design: validation/kazakhstan_shock_timing.py (docstring); "
             f"{DRAWS} posterior draws, one seed each, paired between the arms; nothing "
             "refitted. Record: regions with protest 1 / 8 / 11 on 2 / 3 / 4 January, "
             "Mangystau alone first.", "",
             "| arm | regions 2 Jan | regions 3 Jan | regions 4 Jan | Mangystau alone first | "
             "AT4 (5 Jan ≥ 4 Jan) |", "|---|---|---|---|---|---|"]
    for label, r in results.items():
        cells = []
        for col in range(3):
            lo, hi = median_interval(r[:, col])
            cells.append(f"{np.median(r[:, col]):g} ({lo:g}-{hi:g})")
        for col in (3, 4):
            x = r[:, col][~np.isnan(r[:, col])]
            lo, hi = share_interval(int(x.sum()), len(x))
            cells.append(f"{x.mean():.0%} ({lo:.0%}-{hi:.0%}) of {len(x)}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    base, late = results.values()
    diff = late - base
    lines += ["", "Paired differences, 11:00 − 00:00 (median for regions, mean for the shares; "
              "95 % bootstrap intervals):", "",
              f"- regions 2 Jan {paired(diff[:, 0], 'median', 0)}, 3 Jan "
              f"{paired(diff[:, 1], 'median', 1)}, 4 Jan {paired(diff[:, 2], 'median', 2)} "
              f"(means {np.mean(diff[:, 0]):+.2f}, {np.mean(diff[:, 1]):+.2f}, "
              f"{np.mean(diff[:, 2]):+.2f});",
              f"- Mangystau alone first {paired(diff[:, 3], 'mean', 3)};",
              f"- AT4 {paired(diff[:, 4], 'mean', 4)} (pairs with protest on 4 January in both)."]
    write_result("kazakhstan-shock-timing.md", lines)


if __name__ == "__main__":
    main()

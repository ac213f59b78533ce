"""Why does the 2022 spread miss 8 / 11 regions on 3 / 4 January (AT1)? A diagnostic at the
shipped posterior; nothing refitted.

Two questions:

1. Is the spread's variability aleatoric (seeds at fixed parameters) or epistemic (the
   posterior's width)? The posterior median with 30 seeds is set against 30 posterior draws
   (one seed each, the same 30 seeds).
2. Which fixed parts of the network make the count all or nothing? One at a time from the
   posterior median, 30 seeds per setting: the media share μ (`national.network.media_weight`,
   0.3 assumed), the population exponent α of the senders' weights (1 assumed) and the regional
   random effect τ (`region_spread`, fitted).

The arms were first run as scratch runs at the same median (2026-12-07) before this script
recorded them; no arm was added or dropped after that.

Per setting: median and 10–90 % of regions with protest on 3 and 4 January (record 8 and 11),
the share of runs with 15 or more regions on 2 January (record 1), participants on 5 January
≥ 4 January (AT4) and below 10 % of the peak by 9 January (AT5). Writes
validation/results/kazakhstan-spread-structure.md.
Run: ``PYTHONPATH=src python validation/kazakhstan_spread_structure.py`` (about 3 minutes, 2 cores).
"""

from __future__ import annotations

import multiprocessing
import os

import numpy as np
import pandas as pd
from kazakhstan_diagnostics import CASE, SEEDS, write_result

from uprising.calibration.posterior import paths
from uprising.casestudy.cases import PROTEST_PEOPLE
from uprising.casestudy.observables import NATIONAL, regions_with_protest
from uprising.casestudy.simulate import run_daily

ARMS: list[tuple[str, str, list[float]]] = [
    ("media share μ", "national.network.media_weight", [0.0, 0.3, 0.6, 0.9]),
    ("population exponent α", "national.network.population_exponent", [0.0, 1.0, 2.0]),
    ("regional effect τ", "region_spread", [0.0, 0.015, 0.03, 0.05]),
]


def spread_stats(daily: pd.DataFrame) -> dict[str, float]:
    """Returns regions with protest on 2–4 January, AT4's and AT5's indicators of one run."""
    counts = regions_with_protest(daily, PROTEST_PEOPLE)
    dates = sorted(daily["date"].unique())
    nat = daily[daily["region"] == NATIONAL].set_index("date")["participants"]
    return {"r2": float(counts.get(dates[0], 0.0)), "r3": float(counts.get(dates[1], 0.0)),
            "r4": float(counts.get(dates[2], 0.0)), "up5": float(nat.iloc[3] >= nat.iloc[2]),
            "order9": float(nat.iloc[7] < 0.1 * nat.max())}


def one(job: tuple[dict[str, float], dict[str, float], int]) -> dict[str, float]:
    """Returns ``spread_stats`` of one run at ``values`` with dotted ``overrides``."""
    values, overrides, seed = job
    return spread_stats(run_daily(CASE, values, overrides, np.random.SeedSequence([2026, seed])))


def row(label: str, value: str, rows: pd.DataFrame) -> str:
    """Returns one table row."""
    def band(col: str) -> str:
        lo, med, hi = rows[col].quantile([0.1, 0.5, 0.9])
        return f"{med:.0f} [{lo:.0f}–{hi:.0f}]"
    return (f"| {label} | {value} | {band('r3')} | {band('r4')} | {(rows.r2 >= 15).mean():.0%} | "
            f"{rows.up5.mean():.0%} | {rows.order9.mean():.0%} |")


def main() -> None:
    draws = pd.read_parquet(paths(CASE)[0])
    median = {k: float(v) for k, v in draws.median().items()}
    picks = draws.sample(len(SEEDS), random_state=0).to_dict("records")
    fixed = ", ".join(f"{k} {v:.4g}" for k, v in median.items())
    lines = ["# Kazakhstan 2022: where the spread's variability comes from", "",
             "Design: validation/kazakhstan_spread_structure.py (docstring); 30 seeds per "
             f"setting, nothing refitted. Posterior median: {fixed}.", "",
             "| varied | value | regions 3 Jan (8): median [10–90 %] | regions 4 Jan (11) | "
             "≥ 15 regions on 2 Jan (record 1) | 5 Jan ≥ 4 Jan | < 10 % of peak by 9 Jan |",
             "|---|---|---|---|---|---|---|"]
    with multiprocessing.get_context("spawn").Pool(os.cpu_count()) as pool:
        jobs = [(median, {}, s) for s in SEEDS]
        lines.append(row("posterior median", "30 seeds", pd.DataFrame(pool.map(one, jobs))))
        jobs = [({k: float(v) for k, v in d.items()}, {}, s) for d, s in zip(picks, SEEDS,
                                                                              strict=True)]
        lines.append(row("posterior draws", "30 draws", pd.DataFrame(pool.map(one, jobs))))
        for label, key, values in ARMS:
            for value in values:
                vals, over = dict(median), {}
                if "." in key:
                    over[key] = value
                else:
                    vals[key] = value
                rows = pd.DataFrame(pool.map(one, [(vals, over, s) for s in SEEDS]))
                lines.append(row(label, f"{value:g}", rows))
                print(lines[-1], flush=True)
    write_result("kazakhstan-spread-structure.md", lines)


if __name__ == "__main__":
    main()

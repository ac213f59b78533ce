"""How much of AT3's median is the choice of 200 runs? The report's detentions against the same
posterior draws on other seeds and against another 200 draws.

Three arms of 200 runs at the shipped posterior, each fixed before the run: the report's own
(``posterior_draws(case, 200, 0)``, seeds ``run_seed(0, j, 0)``: the runs of
``uprising report kazakhstan-2022``), the same draws on seeds ``SeedSequence([2027, j])``, and
200 other draws (``posterior_draws(case, 200, 1)``, seeds ``run_seed(1, j, 0)``). For each the
median cumulative detentions on 7 and 11 January with their 95 % order-statistic intervals
(``casestudy.check_intervals.median_interval``) and the bootstrap standard error of the median.

Run: ``PYTHONPATH=src:validation python validation/kazakhstan_at3_sampling.py`` (about 10 min on
2 cores). Writes validation/results/kazakhstan-at3-sampling.md.
"""

from __future__ import annotations

import multiprocessing
from datetime import date

import numpy as np
from kazakhstan_diagnostics import write_result

from uprising.casestudy.acceptance import DETENTIONS, DETENTIONS_0111
from uprising.casestudy.check_intervals import median_interval
from uprising.casestudy.observables import national
from uprising.casestudy.simulate import run_daily
from uprising.counterfactual.ensemble import posterior_draws, run_seed

CASE = "kazakhstan-2022"
RUNS = 200
DAYS = (date(2022, 1, 7), date(2022, 1, 11))


def one(job: tuple[dict[str, float], np.random.SeedSequence]) -> list[float]:
    """Returns one run's observed cumulative detentions on ``DAYS``."""
    values, seed = job
    daily = run_daily(CASE, values, None, seed)
    nat = national(daily)["detentions"]
    return [float(nat[d]) for d in DAYS]


def arms() -> dict[str, list[tuple[dict[str, float], np.random.SeedSequence]]]:
    """Returns the three arms' jobs."""
    own = posterior_draws(CASE, RUNS, 0).to_dict("records")
    other = posterior_draws(CASE, RUNS, 1).to_dict("records")
    return {
        "the report's draws and seeds": [(d, run_seed(0, j, 0)) for j, d in enumerate(own)],
        "the report's draws, other seeds": [(d, np.random.SeedSequence([2027, j]))
                                            for j, d in enumerate(own)],
        "other draws and seeds": [(d, run_seed(1, j, 0)) for j, d in enumerate(other)],
    }


def bootstrap_se(x: np.ndarray, seed: int) -> float:
    """Returns the bootstrap standard error of the median (2,000 resamples)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, len(x)]))
    return float(np.std([np.median(x[rng.integers(0, len(x), len(x))]) for _ in range(2000)]))


def main() -> None:
    record = (DETENTIONS[DAYS[0]], DETENTIONS_0111)
    lines = ["# Kazakhstan 2022: how much of AT3's median is the choice of runs", "",
             "Design: validation/kazakhstan_at3_sampling.py (docstring); shipped posterior, "
             f"{RUNS} runs per arm. AT3 asks the median on 7 January to lie in "
             f"{0.75 * record[0]:,.0f}-{1.25 * record[0]:,.0f} (record {record[0]:,.0f} ± 25 %) "
             f"and on 11 January in {record[1][0]:,.0f}-{record[1][1]:,.0f}.", "",
             "| arm | 7 Jan median (95 % CI) | SE | 11 Jan median (95 % CI) | SE |",
             "|---|---|---|---|---|"]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        for k, (label, jobs) in enumerate(arms().items()):
            r = np.array(pool.map(one, jobs))
            cells = []
            for col in range(len(DAYS)):
                lo, hi = median_interval(r[:, col])
                cells += [f"{np.median(r[:, col]):,.0f} ({lo:,.0f}-{hi:,.0f})",
                          f"{bootstrap_se(r[:, col], k):,.0f}"]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
            print(lines[-1], flush=True)
    write_result("kazakhstan-at3-sampling.md", lines)


if __name__ == "__main__":
    main()

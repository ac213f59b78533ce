"""The 95 % intervals of the acceptance checks' medians and shares, and their verdicts."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from uprising.casestudy.acceptance import detentions
from uprising.casestudy.check_intervals import median_interval, settled, share_interval
from uprising.casestudy.observables import NATIONAL
from uprising.report.sections import checks_summary, verdict


def test_median_interval_uses_the_tabled_order_statistics() -> None:
    # n = 200: ranks 86 and 115 (the largest j with 2·P(Bin(200, ½) ≤ j − 1) ≤ 0.05)
    assert median_interval(np.arange(200.0)) == (85.0, 114.0)
    assert median_interval(np.arange(6.0)) == (0.0, 5.0)  # coverage 1 − 2/64
    lo, hi = median_interval(np.arange(5.0))
    assert math.isnan(lo) and math.isnan(hi)  # no interval reaches 95 % with 5 values


def test_median_interval_ignores_order_and_nan() -> None:
    rng = np.random.default_rng(np.random.SeedSequence(11))
    x = rng.lognormal(8.0, 1.0, size=199)
    assert median_interval(np.append(rng.permutation(x), np.nan)) == median_interval(x)


@pytest.mark.parametrize("n", [30, 200])
def test_median_interval_covers_the_true_median_at_least_95_percent(n: int) -> None:
    # lognormal(μ, σ) has median e^μ; 2,000 samples: coverage ≥ 0.95 up to Monte Carlo error
    rng = np.random.default_rng(np.random.SeedSequence([5, n]))
    hits = [lo <= math.e**8 <= hi
            for lo, hi in (median_interval(rng.lognormal(8.0, 1.0, n)) for _ in range(2000))]
    assert np.mean(hits) >= 0.94


@pytest.mark.parametrize(("p", "n"), [(0.7, 200), (0.1, 50)])
def test_share_interval_covers_the_true_share_near_95_percent(p: float, n: int) -> None:
    rng = np.random.default_rng(np.random.SeedSequence([6, n]))
    ks = rng.binomial(n, p, size=4000)
    hits = [lo <= p <= hi for lo, hi in (share_interval(int(k), n) for k in ks)]
    assert 0.93 <= np.mean(hits) <= 0.98


def test_share_interval_edges() -> None:
    lo, hi = share_interval(0, 10)
    assert lo == 0.0 and 0.25 < hi < 0.31
    lo, hi = share_interval(10, 10)
    assert hi == 1.0 and 0.69 < lo < 0.75
    assert all(math.isnan(v) for v in share_interval(0, 0))


def test_settled_inside_outside_and_crossing() -> None:
    assert settled((6.5, 9.0), 6, 10)          # wholly inside
    assert settled((11.0, 12.0), 6, 10)        # wholly above
    assert settled((0.4, 0.6), 0.7, 1.0)       # wholly below a share target
    assert not settled((5.0, 7.0), 6, 10)      # crosses the lower edge
    assert not settled((9.0, 11.0), 6, 10)     # crosses the upper edge
    assert not settled((math.nan, math.nan), 6, 10)


def _national_days(values: np.ndarray, when: date) -> pd.DataFrame:
    return pd.DataFrame({"run": np.arange(len(values)), "region": NATIONAL, "date": when,
                         "detentions": values})


def test_a_detention_check_near_its_edge_is_borderline_and_one_far_off_is_not() -> None:
    rng = np.random.default_rng(np.random.SeedSequence(3))
    days = [date(2022, 1, d) for d in range(7, 12)]
    # 7 Jan centred on the band's upper edge (1.25 × 3,811), 8 Jan far above its band
    centres = {days[0]: 1.25 * 3811, days[1]: 3 * 4404, days[2]: 5800, days[3]: 7939,
               days[4]: 11000}
    series = pd.concat([_national_days(c * rng.lognormal(0, 0.3, 200), d)
                        for d, c in centres.items()])
    rows = {r["id"]: r for r in detentions(series)}
    assert rows["AT3 07 Jan"]["settled"] is False
    assert verdict(rows["AT3 07 Jan"]).endswith(", borderline")
    assert rows["AT3 08 Jan"]["settled"] is True and not rows["AT3 08 Jan"]["met"]
    assert verdict(rows["AT3 08 Jan"]) == "not met"
    assert "95 % CI" in rows["AT3 09 Jan"]["value"]
    summary = checks_summary(list(rows.values()))
    assert summary.startswith(f"{sum(r['met'] for r in rows.values())} of 5 checks met")


def test_rows_without_an_interval_are_never_called_borderline() -> None:
    checks = [{"id": "AT6 x", "met": True}, {"id": "AT5b", "met": False, "settled": None}]
    assert [verdict(c) for c in checks] == ["met", "not met"]
    assert checks_summary(checks) == "1 of 2 checks met"


def test_at4_under_other_rules_can_leave_the_baseline_arm_to_the_series_runs() -> None:
    from uprising.report.extras import concession_by_rule

    runs = pd.DataFrame({"variant": ["baseline"] * 4 + ["arrest-literal"] * 4,
                         "participants_0104": [10.0, 10, 10, 0, 10, 10, 10, 10],
                         "participants_0105": [20.0, 5, 30, 0, 5, 5, 5, 20]})
    rows = concession_by_rule(runs, "floor")
    assert [r["id"] for r in rows] == ["AT4 (floor)", "AT4 (literal)"]
    assert rows[0]["value"].startswith("67% (95 % CI") and rows[0]["value"].endswith("of 3 pairs")
    assert rows[1]["value"].startswith("25%") and rows[1]["settled"] is True
    only = concession_by_rule(runs, "floor", with_baseline=False)
    assert [r["id"] for r in only] == ["AT4 (literal)"]

"""The acceptance checks of the 2022 case (issue 16, AT1-AT5), computed from many runs' daily
tables stacked with a ``run`` column (``simulate.run_case_series`` of each run).

Each check returns a row ``{id, description, value, target, met, settled}``; ``value`` states
the measured numbers (medians, shares of runs, 90 % bands, and the 95 % interval of the measured
median or share over the runs: ``check_intervals``), ``met`` whether the target holds,
``settled`` whether that interval lies wholly on one side of the target's edges (None where no
interval applies).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from uprising.casestudy.cases import PROTEST_PEOPLE
from uprising.casestudy.check_intervals import median_interval, settled, share_interval
from uprising.casestudy.observables import NATIONAL

#: Cumulative detentions on record (MVD; 9 Jan: the operational HQ's 5,800 of 5,135-5,969).
DETENTIONS = {date(2022, 1, 7): 3811.0, date(2022, 1, 8): 4404.0, date(2022, 1, 9): 5800.0,
              date(2022, 1, 10): 7939.0}
DETENTIONS_0111 = (9900.0, 12000.0)


def _row(check: str, description: str, value: str, target: str, met: bool,
         sure: bool | None = None) -> dict[str, Any]:
    return {"id": check, "description": description, "value": value, "target": target,
            "met": bool(met), "settled": sure}


def _median_check(values: pd.Series, fmt: str, low: float, high: float
                  ) -> tuple[float, str, bool]:
    """Returns (median, its text with the 95 % interval and the 90 % band, settled)."""
    med = float(values.median())
    ci = median_interval(values.to_numpy())
    text = (f"{med:{fmt}} (95 % CI {ci[0]:{fmt}}-{ci[1]:{fmt}}; 90 % band "
            f"{values.quantile(0.05):{fmt}}-{values.quantile(0.95):{fmt}})")
    return med, text, settled(ci, low, high)


def _share_check(k: int, n: int, low: float) -> tuple[float, str, bool]:
    """Returns (share k/n, its text with the 95 % interval, settled against ≥ ``low``)."""
    share = k / n if n else float("nan")
    ci = share_interval(k, n)
    return share, f"{share:.0%} (95 % CI {ci[0]:.0%}-{ci[1]:.0%})", settled(ci, low, 1.0)


def _national(series: pd.DataFrame) -> pd.DataFrame:
    return series[series["region"] == NATIONAL]


def _on(nat: pd.DataFrame, when: date, col: str) -> pd.Series:
    return nat[nat["date"] == when].set_index("run")[col]


def spread(series: pd.DataFrame) -> list[dict[str, Any]]:
    """AT1: regions with protest on 3 and 4 January; Mangystau first."""
    nat = _national(series)
    d3 = _on(nat, date(2022, 1, 3), "regions_with_protest")
    d4 = _on(nat, date(2022, 1, 4), "regions_with_protest")
    regional = series[(series["region"] != NATIONAL) & (series["participants"] >= PROTEST_PEOPLE)]
    firsts = []
    for _, runs in regional.groupby("run"):
        day = runs["date"].min()
        names = runs.loc[runs["date"] == day, "region"].unique()
        firsts.append(len(names) == 1 and names[0] == "mangystau")
    first, first_text, first_sure = _share_check(sum(firsts), series["run"].nunique(), 0.7)
    m3, text3, sure3 = _median_check(d3, "g", 6, 10)
    m4, text4, sure4 = _median_check(d4, "g", 9, 13)
    return [
        _row("AT1a", "median regions with protest on 3 Jan (record: 8)", text3, "[6, 10]",
             6 <= m3 <= 10, sure3),
        _row("AT1b", "median regions with protest on 4 Jan (record: 11)", text4, "[9, 13]",
             9 <= m4 <= 13, sure4),
        _row("AT1c", "Mangystau alone first to reach protest", f"{first_text} of runs",
             "≥ 70 %", first >= 0.7, first_sure),
    ]


def peak(series: pd.DataFrame) -> list[dict[str, Any]]:
    """AT2: national violence peaks on 5 January ± 1 day."""
    nat = _national(series)
    days = nat.loc[nat.groupby("run")["violent"].idxmax(), "date"]
    hits = sum(abs((d - date(2022, 1, 5)).days) <= 1 for d in days)
    near, text, sure = _share_check(int(hits), len(days), 0.6)
    near = near if len(days) else 0.0
    calm = float((nat.groupby("run")["violent"].max() <= 0).mean()) if len(nat) else 0.0
    return [_row("AT2", "national violence peaks on 5 Jan ± 1 day",
                 f"{text} of runs ({calm:.0%} of runs without any violence)", "≥ 60 %",
                 near >= 0.6, sure)]


def detentions(series: pd.DataFrame) -> list[dict[str, Any]]:
    """AT3: cumulative detentions 7-10 January within ±25 % of the record, 11 January in
    [9,900, 12,000] (medians, with 90 % bands)."""
    nat = _national(series)
    rows = []
    for when, rec in DETENTIONS.items():
        lo, hi = 0.75 * rec, 1.25 * rec
        med, text, sure = _median_check(_on(nat, when, "detentions"), ",.0f", lo, hi)
        rows.append(_row(f"AT3 {when:%d %b}", f"median cumulative detentions (record {rec:,.0f})",
                         text, f"{lo:,.0f}-{hi:,.0f}", lo <= med <= hi, sure))
    lo, hi = DETENTIONS_0111
    med, text, sure = _median_check(_on(nat, date(2022, 1, 11), "detentions"), ",.0f", lo, hi)
    rows.append(_row("AT3 11 Jan", "median cumulative detentions (record 9,900; ≈12,000 AP)",
                     text, f"{lo:,.0f}-{hi:,.0f}", lo <= med <= hi, sure))
    return rows


def concessions(series: pd.DataFrame, label: str = "") -> list[dict[str, Any]]:
    """AT4: after the 4 January concession, participants on 5 January ≥ 4 January."""
    nat = _national(series)
    d4 = _on(nat, date(2022, 1, 4), "participants")
    d5 = _on(nat, date(2022, 1, 5), "participants")
    both = pd.concat([d4, d5], axis=1, keys=["d4", "d5"]).dropna()
    active = both[both["d4"] > 0]
    share, text, sure = _share_check(int((active["d5"] >= active["d4"]).sum()), len(active), 0.7)
    return [_row(f"AT4{label}", "participants on 5 Jan ≥ 4 Jan, of runs with protest on 4 Jan",
                 f"{text} of {len(active)} runs", "≥ 70 %", share >= 0.7, sure)]


def order(series: pd.DataFrame) -> list[dict[str, Any]]:
    """AT5: national participants below 10 % of the peak by 9 January; defected police below
    2 % of police at all times."""
    nat = _national(series)
    ok, worst = [], []
    for _, runs in nat.groupby("run"):
        p = runs.set_index("date")["participants"]
        top = float(p.max())
        ok.append(top > 0 and float(p.get(date(2022, 1, 9), np.inf)) < 0.1 * top)
        share = runs["defected"] / np.maximum(runs["police"] + runs["defected"], 1)
        worst.append(float(share.max()))
    calm, text, sure = _share_check(sum(ok), len(ok), 0.7)
    calm = calm if ok else 0.0
    loyal = float(np.mean([w < 0.02 for w in worst])) if worst else 0.0
    return [
        _row("AT5a", "national participants < 10 % of the peak by 9 Jan", f"{text} of runs",
             "≥ 70 %", calm >= 0.7, sure),
        _row("AT5b", "defected police < 2 % of police at all times",
             f"{loyal:.0%} of runs (median of the runs' maxima {np.median(worst):.1%})",
             "all runs", loyal == 1.0),
    ]


def acceptance_2022(series: pd.DataFrame) -> list[dict[str, Any]]:
    """Returns AT1-AT5 of the 2022 case for a stacked daily table."""
    return [*spread(series), *peak(series), *detentions(series), *concessions(series),
            *order(series)]

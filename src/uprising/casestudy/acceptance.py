"""The acceptance checks of the 2022 case (issue 16, AT1-AT5), computed from many runs' daily
tables stacked with a ``run`` column (``simulate.run_case_series`` of each run).

Each check returns a row ``{id, description, value, target, met}``; ``value`` states the
measured numbers (medians, shares of runs, 90 % bands), ``met`` whether the target holds.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from uprising.casestudy.cases import PROTEST_PEOPLE
from uprising.casestudy.observables import NATIONAL

#: Cumulative detentions on record (MVD; 9 Jan: the operational HQ's 5,800 of 5,135-5,969).
DETENTIONS = {date(2022, 1, 7): 3811.0, date(2022, 1, 8): 4404.0, date(2022, 1, 9): 5800.0,
              date(2022, 1, 10): 7939.0}
DETENTIONS_0111 = (9900.0, 12000.0)


def _row(check: str, description: str, value: str, target: str, met: bool) -> dict[str, Any]:
    return {"id": check, "description": description, "value": value, "target": target,
            "met": bool(met)}


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
    n_runs = series["run"].nunique()
    first = sum(firsts) / n_runs if n_runs else float("nan")
    m3, m4 = float(d3.median()), float(d4.median())
    return [
        _row("AT1a", "median regions with protest on 3 Jan (record: 8)",
             f"{m3:g} (90 %: {d3.quantile(0.05):g}-{d3.quantile(0.95):g})", "[6, 10]",
             6 <= m3 <= 10),
        _row("AT1b", "median regions with protest on 4 Jan (record: 11)",
             f"{m4:g} (90 %: {d4.quantile(0.05):g}-{d4.quantile(0.95):g})", "[9, 13]",
             9 <= m4 <= 13),
        _row("AT1c", "Mangystau alone first to reach protest", f"{first:.0%} of runs",
             "≥ 70 %", first >= 0.7),
    ]


def peak(series: pd.DataFrame) -> list[dict[str, Any]]:
    """AT2: national violence peaks on 5 January ± 1 day."""
    nat = _national(series)
    days = nat.loc[nat.groupby("run")["violent"].idxmax(), "date"]
    near = np.mean([abs((d - date(2022, 1, 5)).days) <= 1 for d in days]) if len(days) else 0.0
    calm = float((nat.groupby("run")["violent"].max() <= 0).mean()) if len(nat) else 0.0
    return [_row("AT2", "national violence peaks on 5 Jan ± 1 day",
                 f"{near:.0%} of runs ({calm:.0%} of runs without any violence)", "≥ 60 %",
                 near >= 0.6)]


def detentions(series: pd.DataFrame) -> list[dict[str, Any]]:
    """AT3: cumulative detentions 7-10 January within ±25 % of the record, 11 January in
    [9,900, 12,000] (medians, with 90 % bands)."""
    nat = _national(series)
    rows = []
    for when, rec in DETENTIONS.items():
        d = _on(nat, when, "detentions")
        med = float(d.median())
        rows.append(_row(f"AT3 {when:%d %b}", f"median cumulative detentions (record {rec:,.0f})",
                         f"{med:,.0f} (90 %: {d.quantile(0.05):,.0f}-{d.quantile(0.95):,.0f})",
                         f"{0.75 * rec:,.0f}-{1.25 * rec:,.0f}",
                         0.75 * rec <= med <= 1.25 * rec))
    d = _on(nat, date(2022, 1, 11), "detentions")
    med = float(d.median())
    lo, hi = DETENTIONS_0111
    rows.append(_row("AT3 11 Jan", "median cumulative detentions (record 9,900; ≈12,000 AP)",
                     f"{med:,.0f} (90 %: {d.quantile(0.05):,.0f}-{d.quantile(0.95):,.0f})",
                     f"{lo:,.0f}-{hi:,.0f}", lo <= med <= hi))
    return rows


def concessions(series: pd.DataFrame, label: str = "") -> list[dict[str, Any]]:
    """AT4: after the 4 January concession, participants on 5 January ≥ 4 January."""
    nat = _national(series)
    d4 = _on(nat, date(2022, 1, 4), "participants")
    d5 = _on(nat, date(2022, 1, 5), "participants")
    both = pd.concat([d4, d5], axis=1, keys=["d4", "d5"]).dropna()
    active = both[both["d4"] > 0]
    share = float((active["d5"] >= active["d4"]).mean()) if len(active) else float("nan")
    return [_row(f"AT4{label}", "participants on 5 Jan ≥ 4 Jan, of runs with protest on 4 Jan",
                 f"{share:.0%} of {len(active)} runs", "≥ 70 %", share >= 0.7)]


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
    calm = float(np.mean(ok)) if ok else 0.0
    loyal = float(np.mean([w < 0.02 for w in worst])) if worst else 0.0
    return [
        _row("AT5a", "national participants < 10 % of the peak by 9 Jan", f"{calm:.0%} of runs",
             "≥ 70 %", calm >= 0.7),
        _row("AT5b", "defected police < 2 % of police at all times",
             f"{loyal:.0%} of runs (median of the runs' maxima {np.median(worst):.1%})",
             "all runs", loyal == 1.0),
    ]


def acceptance_2022(series: pd.DataFrame) -> list[dict[str, Any]]:
    """Returns AT1-AT5 of the 2022 case for a stacked daily table."""
    return [*spread(series), *peak(series), *detentions(series), *concessions(series),
            *order(series)]

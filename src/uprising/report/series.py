"""Daily tables of many runs → bands (quantiles by day) and the regional spread.

A run's daily table (``run_case_series``) has one row per day and region: columns ``day``
(0 = the case's first day), ``region`` (``national`` for the country's totals),
``participants``, and where the case has them ``detentions`` and ``deaths`` (cumulative) and,
on national rows, ``regions_with_protest``. Many runs are stacked with a ``run`` column.
"""

from __future__ import annotations

import pandas as pd

NATIONAL = "national"
#: Measures of the timeline, in panel order, with their labels.
MEASURES = {
    "participants": "daily national participants",
    "regions_with_protest": "regions with protest",
    "detentions": "cumulative detentions",
    "deaths": "cumulative deaths",
}
QUANTILES = {"q05": 0.05, "q25": 0.25, "median": 0.5, "q75": 0.75, "q95": 0.95}


def check_series(series: pd.DataFrame) -> None:
    """Raises ValueError naming the column if a stacked daily table lacks one it needs."""
    for column in ("run", "day", "region", "participants"):
        if column not in series.columns:
            raise ValueError(f"daily table: no {column!r} column (columns: "
                             f"{', '.join(map(str, series.columns))})")


def national(series: pd.DataFrame) -> pd.DataFrame:
    """Returns the national rows (one per run and day); ``regions_with_protest`` is counted
    from the regional rows (participants > 0) when the table does not carry it."""
    check_series(series)
    nat = series[series["region"] == NATIONAL].copy()
    regional = series[series["region"] != NATIONAL]
    if nat.empty:  # no totals given: sum the regions
        cols = [m for m in MEASURES if m in regional.columns and m != "regions_with_protest"]
        nat = regional.groupby(["run", "day"], as_index=False)[cols].sum()
        nat["region"] = NATIONAL
    if "regions_with_protest" not in nat.columns and not regional.empty:
        counts = (regional[regional["participants"] > 0].groupby(["run", "day"])["region"]
                  .nunique().rename("regions_with_protest"))
        nat = nat.join(counts, on=["run", "day"])
        nat["regions_with_protest"] = nat["regions_with_protest"].fillna(0.0)
    return nat.reset_index(drop=True)


def bands(series: pd.DataFrame) -> pd.DataFrame:
    """Returns the quantiles over runs by day of each national measure present: columns
    measure, day, q05, q25, median, q75, q95 (the 90 % and 50 % bands and the median)."""
    nat = national(series)
    out = []
    for measure in MEASURES:
        if measure not in nat.columns:
            continue
        grouped = nat.groupby("day")[measure]
        frame = pd.DataFrame({name: grouped.quantile(q) for name, q in QUANTILES.items()})
        frame.insert(0, "measure", measure)
        out.append(frame.reset_index())
    cols = ["measure", "day", *QUANTILES]
    return pd.concat(out, ignore_index=True)[cols] if out else pd.DataFrame(columns=cols)


def regional_median(series: pd.DataFrame) -> pd.DataFrame:
    """Returns the median over runs of participants, one row per region (in order of first
    appearance) and one column per day."""
    check_series(series)
    regional = series[series["region"] != NATIONAL]
    if regional.empty:
        return pd.DataFrame()
    order = list(dict.fromkeys(regional["region"]))
    table = regional.pivot_table(index="region", columns="day", values="participants",
                                 aggfunc="median")
    return table.reindex(order)


def observed_days(observed: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """Returns observed points with a ``day`` column: kept if given, else from ``date`` and
    the first date of the series (which then needs a ``date`` column)."""
    if "day" in observed.columns or observed.empty:
        return observed
    if "date" not in observed.columns or "date" not in series.columns:
        raise ValueError("observed values: need a 'day' column, or 'date' with dates in the "
                         "daily table")
    start = pd.to_datetime(series["date"]).min().normalize()
    out = observed.copy()
    out["day"] = (pd.to_datetime(out["date"]).dt.normalize() - start).dt.days
    return out


def headline(series: pd.DataFrame) -> dict[str, str]:
    """Returns per national measure its run-level summary (peak participants and regions,
    final detentions and deaths) as "median (90 %: low–high)" over runs."""
    nat = national(series)
    out = {}
    for measure, how, label in (("participants", "max", "peak national participants"),
                                ("regions_with_protest", "max", "most regions with protest"),
                                ("detentions", "last", "detentions at the end"),
                                ("deaths", "last", "deaths at the end")):
        if measure not in nat.columns:
            continue
        per_run = nat.sort_values("day").groupby("run")[measure].agg(how)
        low, mid, high = per_run.quantile([0.05, 0.5, 0.95])
        out[label] = f"{mid:,.0f} (90 %: {low:,.0f}–{high:,.0f})"
    return out

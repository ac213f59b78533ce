"""Calendar and real units: date-time columns, columns in people, daily tables, summaries.

Column names say their unit: ``*_agents`` are model units (agents), ``*_people`` real people
(agents × people per agent). Flows (per tick: detention events, deaths, injuries, releases) sum
over a day; stocks (participants, detainees held) give the day's peak; cumulative columns give
the day's last value. Buildings are counted as the lattice's target buildings (one target = one
building; no conversion).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from uprising.scenario.clock import Clock

#: (model column, name of the unit-bearing output, kind): kind is stock, flow or cumulative.
REAL = (
    ("active", "participants", "stock"),
    ("jailed", "detainees_held", "stock"),
    ("arrests", "detention_events", "flow"),
    ("distinct_detainees", "distinct_detainees", "cumulative"),
    ("killed", "deaths", "flow"),
    ("police_casualties", "police_injuries", "flow"),
)
BUILDINGS = (("targets_damaged", "buildings_damaged"), ("targets_destroyed", "buildings_destroyed"))


def real_units(ts: pd.DataFrame, clock: Clock, people_per_agent: float) -> pd.DataFrame:
    """Returns ``ts`` (model ticks, burn-in excluded) with ``tick`` counted from the start,
    a local ``datetime`` (end of the tick), and every count in agents and in people."""
    out = ts.copy()
    out["tick"] = out["tick"] - clock.burn_in_ticks
    hours = pd.to_timedelta(out["tick"] * clock.hours_per_tick, unit="h")
    start = pd.Timestamp(clock.start).tz_localize(clock.zone)
    out.insert(1, "datetime", start + hours)
    for col, name, _kind in REAL:
        if col in out.columns:
            out[f"{name}_agents"] = out[col]
            out[f"{name}_people"] = out[col] * people_per_agent
    if "outside_detentions" in out.columns:  # sweeps and pre-emptive detentions
        out["detention_events_agents"] = out["arrests"] + out["outside_detentions"]
        out["detention_events_people"] = out["detention_events_agents"] * people_per_agent
    for col, name in BUILDINGS:
        if col in out.columns:
            out[name] = out[col]
    if "killed" in out.columns:
        out["cumulative_deaths_people"] = _cumsum(out, "deaths_people")
    out["cumulative_detention_events_people"] = _cumsum(out, "detention_events_people")
    return out


def with_datetime(ts: pd.DataFrame, clock: Clock) -> pd.DataFrame:
    """Returns the time series of a one-lattice (or sites) run with a clock: burn-in rows
    dropped, ``tick`` counted from the start and a local ``datetime`` (end of the tick)."""
    out = ts[ts["tick"] >= clock.burn_in_ticks].reset_index(drop=True)
    out["tick"] = out["tick"] - clock.burn_in_ticks
    start = pd.Timestamp(clock.start).tz_localize(clock.zone)
    pos = 1 if out.columns[0] in ("site", "region") else 0
    out.insert(pos + 1, "datetime", start + pd.to_timedelta(out["tick"] * clock.hours_per_tick,
                                                            unit="h"))
    return out


def _cumsum(ts: pd.DataFrame, col: str) -> pd.Series:
    return ts.groupby("region", sort=False)[col].cumsum()


def daily_table(ts: pd.DataFrame, clock: Clock) -> pd.DataFrame:
    """Returns one row per region and local calendar day: flows summed over the day's ticks,
    stocks at their peak, cumulative columns at their last value (tick 0, the start state,
    belongs to no day)."""
    ticks = ts[ts["tick"] > 0].copy()
    begin = ticks["datetime"] - pd.to_timedelta(clock.hours_per_tick, unit="h")
    ticks["date"] = begin.dt.date
    agg: dict[str, Any] = {}
    for _col, name, kind in REAL:
        for unit in ("agents", "people"):
            c = f"{name}_{unit}"
            if c in ticks.columns:
                agg[c] = {"stock": "max", "flow": "sum", "cumulative": "last"}[kind]
    for _col, name in BUILDINGS:
        if name in ticks.columns:
            agg[name] = "sum"
    agg["tick"] = "count"
    day = ticks.groupby(["region", "date"], sort=False).agg(agg).reset_index()
    return day.rename(columns={"tick": "ticks", "participants_agents": "peak_participants_agents",
                               "participants_people": "peak_participants_people"})


def onset_ticks(ts: pd.DataFrame, share: float, citizens: dict[str, int]) -> dict[str, float]:
    """Returns, per region, the first tick (from the start) at which its active share ≥ share
    (NaN if never)."""
    out = {}
    for name, n in citizens.items():
        own = ts[ts["region"] == name]
        hit = own["tick"].to_numpy()[own["active"].to_numpy() >= share * n]
        hit = hit[hit > 0]
        out[name] = float(hit[0]) if len(hit) else float("nan")
    return out


def summarise_national(ts: pd.DataFrame, share: float, citizens: dict[str, int],
                       national: str) -> dict[str, Any]:
    """Returns the summary of a national run: national peaks and totals (people), regions
    reached, and each region's onset tick and peak participants."""
    tot = ts[ts["region"] == national]
    onset = onset_ticks(ts, share, citizens)
    out: dict[str, Any] = {
        "peak_participants_people": float(tot["participants_people"].max()),
        "distinct_detainees_people": float(tot["distinct_detainees_people"].iloc[-1]),
        "detention_events_people": float(tot["detention_events_people"].sum()),
        "regions_reached": int(np.isfinite(list(onset.values())).sum()),
    }
    if "deaths_people" in tot.columns:
        out["deaths_people"] = float(tot["deaths_people"].sum())
    for name in citizens:
        own = ts[ts["region"] == name]
        out[f"{name}.onset_tick"] = onset[name]
        out[f"{name}.peak_participants_people"] = float(own["participants_people"].max())
    return out

"""What a national run is scored on: daily national and regional observables, the summary
statistics the calibration fits, and the outcomes the counterfactuals compare.

Observation model (how the record was produced, applied to the simulation):

* **Regions with protest on a day**: regions whose peak participants that day reach
  ``protest_people`` (the prosecutor's office counted unauthorised gatherings; the smallest it
  and the media reported were of a few hundred people).
* **Participants on a day**: the day's peak of simultaneous participants (actives, in people).
* **Cumulative detentions**: detention events (arrests plus sweeps and pre-emptive detentions),
  cumulated from the start, in people, at the end of the day (the ministry's daily tallies),
  times the reporting share ρ (``detention_reporting``, 1 unless fitted): a model arrest is a
  removal from the street, and ρ is the share of them the ministry counted as detentions.
  With a reporting delay δ (``detention_lag``, hours, 0 unless fitted) the figure given for a
  day is the cumulative count δ hours before its end (linear between ticks): the tallies were
  announced during the day and compiled from the regions, so a day's figure lags its midnight.
* **Deaths**: protesters and bystanders killed plus police killed, cumulated.

Statistics go through log10(1 + x) where counts span orders of magnitude.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

NATIONAL = "national"


def daily_national(ts: pd.DataFrame, hours_per_tick: float) -> pd.DataFrame:
    """Returns one row per local day and region (``national`` included) of a national run's
    time series (``NationalModel.get_model_vars_dataframe()``): ``participants`` (peak),
    ``violent`` (peak, people), ``detentions`` (cumulative at the day's end), ``deaths``
    (cumulative), ``buildings_damaged`` (cumulative), ``police`` (on duty, peak) and
    ``defected`` (peak)."""
    t = ts[ts["tick"] > 0].copy()
    begin = t["datetime"] - pd.to_timedelta(hours_per_tick, unit="h")
    t["date"] = begin.dt.date
    scale = _scale(ts)
    t["violent_people"] = t["violent"] * scale if "violent" in t else 0.0
    killed = t.get("killed", 0) + t.get("bystanders_killed", 0) + t.get("police_killed", 0)
    t["deaths_now"] = killed * scale
    t["deaths"] = t.groupby("region", sort=False)["deaths_now"].cumsum()
    t["damaged"] = t.get("targets_damaged", 0)
    g = t.groupby(["region", "date"], sort=False)
    out = pd.DataFrame({
        "participants": g["participants_people"].max(),
        "violent": g["violent_people"].max(),
        "detentions": g["cumulative_detention_events_people"].last(),
        "deaths": g["deaths"].last(),
        "buildings_damaged": g["damaged"].max(),
        "police": g["cops"].max() if "cops" in t else 0.0,
        "defected": g["defected"].max() if "defected" in t else 0.0,
    }).reset_index()
    return out


def observe(daily: pd.DataFrame, reporting: float = 1.0) -> pd.DataFrame:
    """Returns ``daily`` with its detentions multiplied by the reporting share ``reporting``
    (in (0, 1]; the module docstring's observation model).

    Raises:
        ValueError: ``reporting`` outside (0, 1].
    """
    if not 0.0 < reporting <= 1.0:
        raise ValueError(f"detention_reporting must be in (0, 1], got {reporting}")
    if reporting == 1.0:
        return daily
    out = daily.copy()
    out["detentions"] = out["detentions"] * reporting
    return out


#: Longest reporting delay of the detention tallies the observation model accepts (hours).
MAX_DETENTION_LAG_HOURS = 72.0


def check_lag(lag_hours: float) -> float:
    """Returns ``lag_hours`` if it is a reporting delay the observation model accepts.

    Raises:
        ValueError: ``lag_hours`` outside [0, MAX_DETENTION_LAG_HOURS] (or NaN).
    """
    if not 0.0 <= lag_hours <= MAX_DETENTION_LAG_HOURS:
        raise ValueError(f"detention_lag must be in [0, {MAX_DETENTION_LAG_HOURS:g}] hours, "
                         f"got {lag_hours}")
    return lag_hours


def delay_detentions(daily: pd.DataFrame, ts: pd.DataFrame, lag_hours: float) -> pd.DataFrame:
    """Returns ``daily`` (``daily_national`` of ``ts``) with each day's cumulative detentions
    read ``lag_hours`` before the day's end (linear between ticks, the first tick's value
    before it); ``lag_hours`` 0 returns ``daily`` itself.

    Raises:
        ValueError: ``lag_hours`` outside [0, MAX_DETENTION_LAG_HOURS].
    """
    if check_lag(lag_hours) == 0.0:
        return daily
    t = ts[ts["tick"] > 0]
    hour = np.timedelta64(1, "h")
    stamps = t["datetime"].dt.tz_localize(None) if t["datetime"].dt.tz is not None \
        else t["datetime"]
    hours = ((stamps.to_numpy() - stamps.to_numpy().min()) / hour).astype(float)
    origin = stamps.min()
    out = daily.copy()
    ends = pd.to_datetime(out["date"]) + pd.Timedelta(days=1) - pd.Timedelta(hours=lag_hours)
    at = ((ends - origin) / pd.Timedelta(hours=1)).to_numpy(dtype=float)
    values = out["detentions"].to_numpy(dtype=float).copy()
    series = t["cumulative_detention_events_people"].to_numpy(dtype=float)
    region = t["region"].to_numpy()
    for name in out["region"].unique():
        rows = (out["region"] == name).to_numpy()
        own = region == name
        values[rows] = np.interp(at[rows], hours[own], series[own])
    out["detentions"] = values
    return out


def _scale(ts: pd.DataFrame) -> float:
    a = ts["participants_agents"].to_numpy(dtype=float)
    p = ts["participants_people"].to_numpy(dtype=float)
    nz = a > 0
    return float(p[nz][0] / a[nz][0]) if nz.any() else 1.0


def regions_with_protest(daily: pd.DataFrame, protest_people: float) -> pd.Series:
    """Returns, per date, the number of regions whose peak participants ≥ ``protest_people``."""
    own = daily[daily["region"] != NATIONAL]
    return (own["participants"] >= protest_people).groupby(own["date"]).sum().astype(float)


def first_region(daily: pd.DataFrame, protest_people: float) -> str | None:
    """Returns the region that first reached ``protest_people`` (None if none did, or if
    several did first on the same day: a tie names no region)."""
    own = daily[(daily["region"] != NATIONAL) & (daily["participants"] >= protest_people)]
    if own.empty:
        return None
    first = own["date"].min()
    names = own.loc[own["date"] == first, "region"].unique()
    return str(names[0]) if len(names) == 1 else None


def national(daily: pd.DataFrame) -> pd.DataFrame:
    """Returns the national rows of the daily table, indexed by date."""
    return daily[daily["region"] == NATIONAL].set_index("date")


def log1p10(x: float) -> float:
    """Returns log10(1 + x) (NaN stays NaN)."""
    return math.log10(1.0 + x) if np.isfinite(x) else float("nan")


def statistics(daily: pd.DataFrame, spec: dict[str, Any]) -> dict[str, float]:
    """Returns the named summary statistics of a daily table.

    ``spec`` maps a statistic name to ``{observable, date, region?, transform?}``; observables:
    ``regions_with_protest``, ``participants``, ``cumulative_detentions``, ``cumulative_deaths``,
    ``peak_violence_day`` (days from the first date to the national violence peak) and
    ``first_region_is`` (1 if ``region`` was first, else 0) and ``first_burn_in_quiet`` (1 if
    the run's own first burn-in ended quiet: ``daily.attrs["burn_in_draws"]`` is 1, its
    default). A date the run does not cover gives NaN.
    """
    protest = float(spec.get("_protest_people", 200.0))
    nat = national(daily)
    regions = regions_with_protest(daily, protest)
    out: dict[str, float] = {}
    for name, s in spec.items():
        if name.startswith("_"):
            continue
        obs, region = s["observable"], s.get("region", NATIONAL)
        when = date.fromisoformat(s["date"]) if "date" in s else None
        if obs == "regions_with_protest":
            v = float(regions.get(when, float("nan")))
        elif obs == "peak_violence_day":
            v = float((nat["violent"].idxmax() - nat.index.min()).days) if len(nat) else math.nan
        elif obs == "first_region_is":
            v = float(first_region(daily, protest) == region)
        elif obs == "first_burn_in_quiet":
            v = float(daily.attrs.get("burn_in_draws", 1) == 1)
        else:
            col = {"participants": "participants", "cumulative_detentions": "detentions",
                   "cumulative_deaths": "deaths"}[obs]
            own = daily[(daily["region"] == region) & (daily["date"] == when)]
            v = float(own[col].iloc[0]) if len(own) else float("nan")
        out[name] = log1p10(v) if s.get("transform") == "log10" else v
    return out


def outcomes(daily: pd.DataFrame, order_share: float = 0.1,
             collapse_share: float = 0.5) -> dict[str, float]:
    """Returns the outcomes the counterfactuals compare, for one run.

    * ``peak_participants``: the national daily peak (people);
    * ``days_to_order``: days from the first date until national participants stay below
      ``order_share`` of the peak to the end (censored at the run's length + 1 if never);
    * ``detentions``, ``deaths``: cumulative at the end; ``buildings_damaged``: at the end;
    * ``regime_collapse``: 1 if on the last day participants are still ≥ ``collapse_share`` of
      the peak or at some point at least half the police on duty in the country defected.
    """
    nat = national(daily)
    p = nat["participants"].to_numpy(dtype=float)
    peak = float(p.max()) if len(p) else 0.0
    below = p < order_share * peak
    days = len(p) + 1.0
    for i in range(int(np.argmax(p)), len(p)):
        if below[i:].all():
            days = float(i + 1)
            break
    police = nat["police"].to_numpy(dtype=float)
    defected = nat["defected"].to_numpy(dtype=float)
    mutiny = bool((defected >= 0.5 * np.maximum(police + defected, 1)).any())
    collapse = bool(len(p) and p[-1] >= collapse_share * peak and peak > 0) or mutiny
    return {
        "peak_participants": peak,
        "days_to_order": days,
        "detentions": float(nat["detentions"].iloc[-1]) if len(nat) else 0.0,
        "deaths": float(nat["deaths"].iloc[-1]) if len(nat) else 0.0,
        "buildings_damaged": float(nat["buildings_damaged"].iloc[-1]) if len(nat) else 0.0,
        "regime_collapse": float(collapse),
        "max_defected_share": float((defected / np.maximum(police + defected, 1)).max())
        if len(nat) else 0.0,
    }

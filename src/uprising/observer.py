"""Outburst detection and run summary statistics, from the per-tick time series."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from uprising.scenario.schema import Observer

PAPER_CITIZENS = 1120  # 40 × 40 × 0.7, the population the paper's threshold of 50 refers to

OUTBURST_COLUMNS = ["start", "end", "duration", "peak", "total_activation", "complete"]

#: The keys of ``summarize``'s result, in order: the one list of a run's summary statistics.
SUMMARY_KEYS = (
    "ticks", "mean_active", "peak_active", "mean_jailed", "final_jailed",
    "share_ticks_under_10", "total_arrests", "n_outbursts", "mean_outburst_duration",
    "mean_outburst_peak", "mean_total_activation", "sd_total_activation", "mean_wait", "sd_wait",
)


def thresholds(observer: Observer, n_citizens: int) -> tuple[float, float]:
    """Returns the (start, end) outburst thresholds, scaled to the population if asked."""
    scale = n_citizens / PAPER_CITIZENS if observer.scale_with_population else 1.0
    return observer.outburst_start * scale, observer.outburst_end * scale


def find_outbursts(ticks: np.ndarray, active: np.ndarray, start: float, end: float) -> pd.DataFrame:
    """Returns one row per outburst: it starts at the first tick with actives > ``start`` and
    ends at the first later tick with actives < ``end`` (that tick not included).

    Columns: start, end (first tick after it, or −1 if the run ended first), duration (ticks),
    peak, total_activation (sum of actives over its ticks), complete.
    """
    rows = []
    inside = False
    first = 0
    for i, a in enumerate(active):
        if not inside and a > start:
            inside, first = True, i
        elif inside and a < end:
            seg = active[first:i]
            rows.append((ticks[first], ticks[i], i - first, seg.max(), seg.sum(), True))
            inside = False
    if inside:
        seg = active[first:]
        rows.append((ticks[first], -1, len(seg), seg.max(), seg.sum(), False))
    return pd.DataFrame(rows, columns=OUTBURST_COLUMNS).astype(
        {"start": "int64", "end": "int64", "duration": "int64", "peak": "int64",
         "total_activation": "int64", "complete": "bool"}
    )


def waiting_times(outbursts: pd.DataFrame) -> np.ndarray:
    """Returns the ticks of calm between the end of each outburst and the start of the next.

    Only the last outburst can be incomplete, so every earlier one has an end tick.
    """
    if len(outbursts) < 2:
        return np.zeros(0, dtype=np.int64)
    return outbursts["start"].to_numpy()[1:] - outbursts["end"].to_numpy()[:-1]


def _mean(x: np.ndarray) -> float:
    return float(np.mean(x)) if len(x) else math.nan


def _sd(x: np.ndarray) -> float:
    return float(np.std(x, ddof=1)) if len(x) > 1 else math.nan


def summarize(ts: pd.DataFrame, observer: Observer, n_citizens: int) -> dict[str, Any]:
    """Returns summary statistics of one run's time series (tick 0, the initial state, excluded).

    The keys are exactly ``SUMMARY_KEYS``, in that order.
    """
    run = ts[ts["tick"] >= 1]
    active = run["active"].to_numpy()
    start, end = thresholds(observer, n_citizens)
    bursts = find_outbursts(run["tick"].to_numpy(), active, start, end)
    complete = bursts[bursts["complete"]]
    waits = waiting_times(bursts)
    return {
        "ticks": len(run),
        "mean_active": _mean(active),
        "peak_active": int(active.max()) if len(active) else 0,
        "mean_jailed": _mean(run["jailed"].to_numpy()),
        "final_jailed": int(run["jailed"].iloc[-1]) if len(run) else 0,
        "share_ticks_under_10": _mean(active < 10),
        "total_arrests": int(run["arrests"].sum()),
        "n_outbursts": len(bursts),
        "mean_outburst_duration": _mean(complete["duration"].to_numpy()),
        "mean_outburst_peak": _mean(bursts["peak"].to_numpy()),
        "mean_total_activation": _mean(complete["total_activation"].to_numpy()),
        "sd_total_activation": _sd(complete["total_activation"].to_numpy()),
        "mean_wait": _mean(waits),
        "sd_wait": _sd(waits),
    }

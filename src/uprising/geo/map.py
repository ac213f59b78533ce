"""Maps of a national run: regions at their capitals' coordinates, one panel per day.

Bubble area ∝ the day's peak participants (people); colour = the day's violence: the peak share
of participants who are violent (the ``violent`` column; 0 without the violence mechanism), on the
colour-blind-safe ``cividis`` scale. Small multiples as a PNG, one frame per day as a GIF.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from uprising.scenario.clock import Clock
from uprising.simulation.calendar import daily_table

NATIONAL = "national"
MAX_AREA = 500.0  # points² of the largest bubble of the run


def _nice(x: float) -> float:
    """Returns 1, 2 or 5 × a power of ten, at most ``x``."""
    if x <= 0:
        return 1.0
    p = 10 ** np.floor(np.log10(x))
    return float(max(m * p for m in (1, 2, 5) if m * p <= x))


def legend_people(peak: float) -> list[float]:
    """Returns three round participant counts for the size legend."""
    top = _nice(peak)
    return sorted({_nice(top / 100), _nice(top / 10), top})


def load_run(folder: str | Path) -> tuple[pd.DataFrame, dict[str, Any], Clock]:
    """Returns (time series, run metadata, clock) of a results folder of a national run.

    Raises:
        ValueError: the folder holds no national run.
    """
    folder = Path(folder)
    meta_path, ts_path = folder / "run.json", folder / "timeseries.parquet"
    if not meta_path.is_file() or not ts_path.is_file():
        raise ValueError(f"{folder}: no run.json and timeseries.parquet (run `uprising run` first)")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta = meta.get("runs", [meta])[0] if "regions" not in meta else meta
    if "regions" not in meta:
        raise ValueError(f"{folder}: not a national run (no regions in run.json)")
    clock = Clock.model_validate(meta["scenario"]["clock"])
    ts = pd.read_parquet(ts_path)
    if "replicate" in ts.columns:
        ts = ts[ts["replicate"] == ts["replicate"].min()]
    return ts, meta, clock


def daily_violence(ts: pd.DataFrame, clock: Clock) -> pd.DataFrame:
    """Returns the daily table plus ``violence``: the day's peak violent share of participants."""
    day = daily_table(ts, clock)
    ticks = ts[ts["tick"] > 0].copy()
    ticks["date"] = (ticks["datetime"] - pd.to_timedelta(clock.hours_per_tick, unit="h")).dt.date
    if "violent" in ticks.columns:
        ticks["vshare"] = ticks["violent"] / ticks["active"].where(ticks["active"] > 0, 1)
    else:
        ticks["vshare"] = 0.0
    v = ticks.groupby(["region", "date"], sort=False)["vshare"].max().rename("violence")
    return day.merge(v.reset_index(), on=["region", "date"], how="left")


def _panel(ax: Any, day: pd.DataFrame, regions: list[dict[str, Any]], title: str,
           per_person: float) -> Any:
    lon = [r["lon"] for r in regions]
    lat = [r["lat"] for r in regions]
    rows = day.set_index("region")
    people = np.array([rows.loc[r["name"], "peak_participants_people"]
                       if r["name"] in rows.index else 0.0 for r in regions], dtype=float)
    violence = np.array([rows.loc[r["name"], "violence"] if r["name"] in rows.index else 0.0
                         for r in regions], dtype=float)
    ax.scatter(lon, lat, s=8, c="0.6", marker="+", linewidths=0.6, zorder=1)
    sc = ax.scatter(lon, lat, s=np.maximum(people * per_person, 0.0), c=violence,
                    cmap="cividis", vmin=0.0, vmax=1.0, alpha=0.8, edgecolors="k",
                    linewidths=0.4, zorder=2)
    ax.set_title(title, fontsize=9)
    ax.set_xlim(46, 88)
    ax.set_ylim(39.5, 56.5)
    ax.set_aspect(1.4)
    ax.tick_params(labelsize=6)
    return sc


def _legend(fig: Any, sc: Any, per_person: float, peak: float) -> None:
    sizes = legend_people(peak)
    handles = [fig.axes[0].scatter([], [], s=p * per_person, c="0.7", edgecolors="k",
                                   linewidths=0.4) for p in sizes]
    fig.legend(handles, [f"{p:,.0f} participants" for p in sizes], loc="lower center",
               ncol=len(sizes), fontsize=8, frameon=False, scatterpoints=1,
               columnspacing=3.0)
    bar = fig.colorbar(sc, ax=fig.axes, shrink=0.6, pad=0.02)
    bar.set_label("violence: peak violent share of participants", fontsize=8)


def draw_maps(folder: str | Path, out: str | Path | None = None, days: int | None = None,
              fps: float = 2.0) -> list[Path]:
    """Returns the files written: ``map.png`` (small multiples, one panel per day),
    ``map.gif`` (one frame per day) and ``daily.csv`` (the daily table per region)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    from uprising.atomic import write_atomic

    ts, meta, clock = load_run(folder)
    out = Path(out or folder)
    out.mkdir(parents=True, exist_ok=True)
    regions = meta["regions"]
    daily = daily_violence(ts, clock)
    dates = sorted(d for d in daily["date"].unique())[: days or None]
    local = daily[daily["region"] != NATIONAL]
    peak = float(local["peak_participants_people"].max() or 1.0)
    per_person = MAX_AREA / max(peak, 1.0)
    title = meta["scenario"].get("name", "national run")
    cols = min(7, len(dates))
    rows = -(-len(dates) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.3 * cols, 1.7 * rows + 1.2), squeeze=False,
                             gridspec_kw={"hspace": 0.45, "wspace": 0.25})
    sc = None
    for ax, d in zip(axes.flat, dates, strict=False):
        sc = _panel(ax, local[local["date"] == d], regions, d.strftime("%a %d %b %Y"),
                    per_person / 2)
    for ax in list(axes.flat)[len(dates):]:
        ax.set_visible(False)
    fig.suptitle(f"{title}: participants (bubble area) and violence (colour) per day, "
                 f"local dates ({clock.timezone})", fontsize=10)
    _legend(fig, sc, per_person / 2, peak)
    png = out / "map.png"
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    write_atomic(png, lambda p: p.write_bytes(buf.getvalue()))
    frames = []
    for d in dates:
        f, ax = plt.subplots(figsize=(6.4, 4.2))
        sc = _panel(ax, local[local["date"] == d], regions, f"{title} — {d:%a %d %b %Y}",
                    per_person * 2)
        for r in regions:
            ax.annotate(r["name"].replace("_", " "), (r["lon"], r["lat"]), fontsize=5,
                        xytext=(3, 3), textcoords="offset points")
        _legend(f, sc, per_person * 2, peak)
        b = io.BytesIO()
        f.savefig(b, format="png", dpi=90)
        plt.close(f)
        frames.append(Image.open(io.BytesIO(b.getvalue())).convert("RGB"))
    gif = out / "map.gif"
    write_atomic(gif, lambda p: frames[0].save(p, format="GIF", save_all=True,
                                               append_images=frames[1:],
                                               duration=round(1000.0 / fps), loop=0))
    csv = out / "daily.csv"
    write_atomic(csv, lambda p: daily.to_csv(p, index=False))
    return [png, gif, csv]

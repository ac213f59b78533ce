"""Time-series plots of runs: citizens by state over ticks, with outbursts shaded.

Figures are built on matplotlib's Agg canvas directly (no pyplot, no global backend change), so
plotting works on headless machines and inside other programs. Other commands reuse
``build_figure`` / ``plot_timeseries`` and pass their own count columns via ``extra_columns``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from uprising.atomic import write_atomic
from uprising.observer import PAPER_CITIZENS, find_outbursts, thresholds
from uprising.results import RunResult, dated_events
from uprising.scenario.schema import Observer

MAX_PANELS = 4
"""Up to this many runs get a panel each; more runs are overlaid with an outburst raster."""

COLORS = {
    "active": "tab:red",
    "jailed": "0.3",
    "quiet": "tab:blue",
    "legitimacy": "tab:green",
    "cops": "tab:purple",
}
EXTRA_COLORS = ("tab:orange", "tab:brown", "tab:pink", "tab:olive", "tab:cyan", "tab:gray")
SHADE = {"color": "tab:red", "alpha": 0.13, "linewidth": 0}

ExtraColumns = Sequence[str] | Mapping[str, str] | None


@dataclass(frozen=True)
class RunSeries:
    """One run's slice of a (possibly combined) time series."""

    label: str
    seed: Any
    replicate: int
    frame: pd.DataFrame
    outbursts: pd.DataFrame


def outburst_thresholds(result: RunResult) -> tuple[float, float]:
    """Returns the (start, end) outburst thresholds stored in the run's metadata scenario.

    Falls back to the scenario defaults when the metadata has no scenario.
    """
    meta = result.metadata
    observer = Observer.model_validate((meta.get("scenario") or {}).get("observer") or {})
    n_citizens = int(meta.get("n_citizens") or PAPER_CITIZENS)
    return thresholds(observer, n_citizens)


def split_runs(result: RunResult) -> list[RunSeries]:
    """Returns the runs of ``result`` one by one (and one per site of a multi-site run), each
    with its outbursts (tick 0 excluded)."""
    ts = result.timeseries
    start, end = outburst_thresholds(result)
    if "replicate" in ts.columns:
        keys = ["seed", "replicate"] if "seed" in ts.columns else ["replicate"]
        groups = [(k if isinstance(k, tuple) else (k,), g) for k, g in ts.groupby(keys, sort=False)]
    else:
        meta = result.metadata
        groups = [((meta.get("seed"), meta.get("replicate", 0)), ts)]
    runs = []
    for key, frame in groups:
        seed, rep = (key[0], key[1]) if len(key) == 2 else (None, key[0])
        label = f"replicate {int(rep)}" + (
            "" if seed is None else f" (seed {seed}, spawn key ({int(rep)},))")
        parts = [(label, frame)]
        if "site" in frame.columns:
            parts = [(f"site {site} — {label}", f) for site, f in frame.groupby("site", sort=False)]
        for text, part in parts:
            part = part.sort_values("tick").reset_index(drop=True)
            body = part[part["tick"] >= 1]
            bursts = find_outbursts(body["tick"].to_numpy(), body["active"].to_numpy(), start, end)
            runs.append(RunSeries(text, seed, int(rep), part, bursts))
    return runs


#: Mechanism count columns drawn with the actives by default, when present and not all zero.
MECHANISM_COLUMNS = {"violent": "violent", "defected": "defected cops"}


def default_extra_columns(ts: pd.DataFrame) -> dict[str, str]:
    """Returns the extra columns a plot shows unasked: actives per group, violent, defected."""
    extras = {c: f"active, {c[len('active_'):]}" for c in ts.columns if c.startswith("active_")}
    for col, label in MECHANISM_COLUMNS.items():
        if col in ts.columns and ts[col].to_numpy().any():
            extras[col] = label
    return extras


def _extra_labels(extra_columns: ExtraColumns, columns: pd.Index) -> dict[str, str]:
    if extra_columns is None:
        return {}
    labels = (
        dict(extra_columns)
        if isinstance(extra_columns, Mapping)
        else {c: c.replace("_", " ") for c in extra_columns}
    )
    missing = [c for c in labels if c not in columns]
    if missing:
        raise ValueError(
            f"extra columns not in the time series: {', '.join(missing)} "
            f"(available: {', '.join(map(str, columns))})"
        )
    return labels


def _changes(runs: list[RunSeries], column: str) -> bool:
    return any(column in r.frame and r.frame[column].nunique() > 1 for r in runs)


def _shade_outbursts(ax: Axes, run: RunSeries) -> None:
    last = int(run.frame["tick"].iloc[-1])
    for start, end in zip(run.outbursts["start"], run.outbursts["end"], strict=True):
        ax.axvspan(start, end if end >= 0 else last, **SHADE)


def _threshold_lines(ax: Axes, start: float, end: float) -> list[Line2D]:
    style = {"color": "tab:red", "linewidth": 0.8, "alpha": 0.7}
    if end == start:
        return [ax.axhline(start, linestyle="--", label=f"outburst threshold ({start:g})", **style)]
    return [
        ax.axhline(start, linestyle="--", label=f"outburst start (> {start:g})", **style),
        ax.axhline(end, linestyle=":", label=f"outburst end (< {end:g})", **style),
    ]


def _outside_legend(ax: Axes, handles: list[Any] | None = None) -> None:
    kwargs: dict[str, Any] = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0)}
    if handles is not None:
        kwargs["handles"] = handles
    ax.legend(fontsize="small", frameon=False, **kwargs)


def _active_panel(
    ax: Axes, run: RunSeries, extras: dict[str, str], limits: tuple[float, float], n_bursts: bool
) -> None:
    f = run.frame
    _shade_outbursts(ax, run)
    ax.plot(f["tick"], f["active"], color=COLORS["active"], linewidth=1.0, label="active")
    for i, (col, label) in enumerate(extras.items()):
        color = EXTRA_COLORS[i % len(EXTRA_COLORS)]
        ax.plot(f["tick"], f[col], color=color, linewidth=0.9, linestyle="--", label=label)
    _threshold_lines(ax, *limits)
    handles, _ = ax.get_legend_handles_labels()
    handles.append(Patch(label=f"outburst ({len(run.outbursts)})", **SHADE))
    _outside_legend(ax, handles)
    ax.set_ylabel("citizens")
    ax.set_ylim(bottom=0)
    if n_bursts:
        n = len(run.outbursts)
        text = f"{run.label}: {n} outburst{'' if n == 1 else 's'}"
        ax.set_title(text, fontsize="medium", loc="left")


def _stock_panel(ax: Axes, run: RunSeries) -> None:
    f = run.frame
    ax.plot(f["tick"], f["quiet"], color=COLORS["quiet"], linewidth=1.0, label="quiet")
    ax.plot(f["tick"], f["jailed"], color=COLORS["jailed"], linewidth=1.0, label="jailed")
    ax.set_ylabel("citizens")
    ax.set_ylim(bottom=0)
    _outside_legend(ax)


def _parameter_panel(ax: Axes, runs: list[RunSeries], legit: bool, cops: bool) -> None:
    handles: list[Any] = []
    if legit:
        for r in runs:
            (line,) = ax.plot(
                r.frame["tick"], r.frame["legitimacy"], color=COLORS["legitimacy"], linewidth=1.2
            )
        line.set_label("legitimacy L")
        handles.append(line)
        ax.set_ylabel("legitimacy L (0–1)")
        ax.set_ylim(-0.02, 1.02)
    if cops:
        twin = ax.twinx() if legit else ax
        for r in runs:
            (line,) = twin.plot(r.frame["tick"], r.frame["cops"], color=COLORS["cops"], lw=1.2)
        line.set_label("cops on duty")
        handles.append(line)
        twin.set_ylabel("cops")
        twin.set_ylim(bottom=0)
    ax.legend(handles=handles, fontsize="small", frameon=False, loc="upper left",
              bbox_to_anchor=(1.08 if cops and legit else 1.01, 1.0))


def _raster_panel(ax: Axes, runs: list[RunSeries]) -> None:
    for i, r in enumerate(runs):
        last = int(r.frame["tick"].iloc[-1])
        spans = [
            (s, (e if e >= 0 else last) - s)
            for s, e in zip(r.outbursts["start"], r.outbursts["end"], strict=True)
        ]
        ax.broken_barh(spans, (i - 0.4, 0.8), facecolors=SHADE["color"], alpha=0.6)
    ax.set_yticks(range(len(runs)))
    ax.set_yticklabels([str(r.replicate) for r in runs], fontsize="x-small")
    ax.set_ylim(-0.6, len(runs) - 0.4)
    ax.invert_yaxis()
    ax.set_ylabel("replicate")
    ax.set_title("outbursts per replicate", fontsize="medium", loc="left")


def _overlay(
    fig: Figure, runs: list[RunSeries], extras: dict[str, str], limits: tuple[float, float],
    param_row: bool,
) -> list[Axes]:
    ratios = [2.4, 1.4, max(1.0, 0.12 * len(runs))] + ([1.2] if param_row else [])
    axes = list(fig.subplots(len(ratios), 1, sharex=True, gridspec_kw={"height_ratios": ratios}))
    ax_a, ax_s, ax_r = axes[:3]
    alpha = max(0.15, min(0.6, 3.0 / len(runs)))
    for r in runs:
        f = r.frame
        ax_a.plot(f["tick"], f["active"], color=COLORS["active"], lw=0.6, alpha=alpha)
        for i, col in enumerate(extras):
            color = EXTRA_COLORS[i % len(EXTRA_COLORS)]
            ax_a.plot(f["tick"], f[col], color=color, lw=0.6, ls="--", alpha=alpha)
        ax_s.plot(f["tick"], f["quiet"], color=COLORS["quiet"], lw=0.6, alpha=alpha)
        ax_s.plot(f["tick"], f["jailed"], color=COLORS["jailed"], lw=0.6, alpha=alpha)
    handles: list[Any] = [Line2D([], [], color=COLORS["active"], label="active (each replicate)")]
    handles += [
        Line2D([], [], color=EXTRA_COLORS[i % len(EXTRA_COLORS)], ls="--", label=label)
        for i, label in enumerate(extras.values())
    ]
    handles += _threshold_lines(ax_a, *limits)
    _outside_legend(ax_a, handles)
    _outside_legend(ax_s, [
        Line2D([], [], color=COLORS["quiet"], label="quiet"),
        Line2D([], [], color=COLORS["jailed"], label="jailed"),
    ])
    for ax in (ax_a, ax_s):
        ax.set_ylabel("citizens")
        ax.set_ylim(bottom=0)
    ax_a.set_title(f"{len(runs)} replicates overlaid", fontsize="medium", loc="left")
    _raster_panel(ax_r, runs)
    return axes


def _panels(
    fig: Figure, runs: list[RunSeries], extras: dict[str, str], limits: tuple[float, float],
    param_row: bool,
) -> list[Axes]:
    ratios = [2.4, 1.4] * len(runs) + ([1.2] if param_row else [])
    axes = list(fig.subplots(len(ratios), 1, sharex=True, gridspec_kw={"height_ratios": ratios}))
    for i, run in enumerate(runs):
        _active_panel(axes[2 * i], run, extras, limits, n_bursts=len(runs) > 1)
        _stock_panel(axes[2 * i + 1], run)
    return axes


MAX_EVENT_LABELS = 20
"""At most this many event ticks are labelled on a panel (all are drawn)."""


def _event_lines(ax: Axes, events: list[tuple[int, str]], labels: bool) -> None:
    """Draws the dated events as vertical dotted lines, labelled at the panel's top (events
    of one tick share a line and a label)."""
    by_tick: dict[int, list[str]] = {}
    for tick, text in events:
        by_tick.setdefault(tick, []).append(text)
    for i, (tick, texts) in enumerate(by_tick.items()):
        text = "; ".join(texts)
        ax.axvline(tick, color="0.35", linestyle=":", linewidth=0.9)
        if labels and i < MAX_EVENT_LABELS:
            ax.annotate(text, (tick, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(2, -2), textcoords="offset points", rotation=90, va="top",
                        fontsize="x-small", color="0.25")


def figure_title(result: RunResult, runs: list[RunSeries]) -> str:
    """Returns the figure title: scenario name, world size, overrides, seed(s) and replicate
    count."""
    meta = result.metadata
    scenario = meta.get("scenario") or {}
    name = scenario.get("name", "run")
    world = scenario.get("world") or {}
    if world.get("width") and world.get("height"):
        name += f" ({world['width']}×{world['height']})"
    overrides = [o for o in meta.get("overrides") or () if not o.startswith(("seed=", "ticks="))]
    if overrides:
        name += " — " + ", ".join(overrides)
    seeds = sorted({r.seed for r in runs if r.seed is not None}, key=str)
    seed_text = ", ".join(map(str, seeds)) if seeds else str(meta.get("seed", "?"))
    text = f"{name} — seed {seed_text}"
    replicates = len({(r.seed, r.replicate) for r in runs})
    if replicates > 1:
        text += f" — {replicates} replicates"
    elif runs and runs[0].replicate:
        text += f" — replicate {runs[0].replicate}"
    return text


def build_figure(
    result: RunResult, extra_columns: ExtraColumns = None, title: str | None = None
) -> Figure:
    """Returns a matplotlib Figure of the run's time series (not saved).

    Per run: an upper panel with active citizens, outbursts shaded (thresholds from the run's
    scenario) and any ``extra_columns``; a lower panel with quiet and jailed citizens. Up to
    ``MAX_PANELS`` runs get their own panels; more are overlaid, with one outburst raster row per
    replicate. A bottom panel shows legitimacy and cops on duty when either changes during a run.

    Args:
        result: a single or combined RunResult.
        extra_columns: further count columns (in citizens) to draw with the actives, as a list of
            column names or a {column: legend label} mapping; None draws
            ``default_extra_columns`` (actives per group, violent, defected).
        title: figure title; defaults to scenario name, seed and replicate count.

    Raises:
        ValueError: an extra column is not in the time series.
    """
    if extra_columns is None:
        extras = default_extra_columns(result.timeseries)
    else:
        extras = _extra_labels(extra_columns, result.timeseries.columns)
    runs = split_runs(result)
    limits = outburst_thresholds(result)
    legit, cops = _changes(runs, "legitimacy"), _changes(runs, "cops")
    param_row = legit or cops
    overlay = len(runs) > MAX_PANELS
    height = 3.7 + max(1.0, 0.12 * len(runs)) if overlay else 3.8 * len(runs)
    height += (1.2 if param_row else 0.0) + 0.6
    fig = Figure(figsize=(11, height), layout="constrained", dpi=110)
    build = _overlay if overlay else _panels
    axes = build(fig, runs, extras, limits, param_row)
    if param_row:
        _parameter_panel(axes[-1], runs, legit, cops)
    for ax in axes:
        ax.grid(True, linewidth=0.4, alpha=0.5)
        ax.margins(x=0.0)
    axes[-1].set_xlabel("tick")
    events = dated_events(result.metadata)
    if events:
        for i, ax in enumerate(axes):
            _event_lines(ax, events, labels=i == 0)
    fig.suptitle(title or figure_title(result, runs), wrap=True)
    return fig


def save_figure(fig: Figure, path: str | Path, dpi: int = 110) -> Path:
    """Returns ``path`` after writing ``fig`` there as PNG atomically."""
    return write_atomic(path, lambda tmp: fig.savefig(tmp, format="png", dpi=dpi))


def plot_timeseries(
    result: RunResult,
    path: str | Path,
    extra_columns: ExtraColumns = None,
    title: str | None = None,
) -> Path:
    """Returns ``path`` after writing a PNG of the run's time series there atomically.

    See ``build_figure`` for the layout and arguments.
    """
    return save_figure(build_figure(result, extra_columns, title), path)


def outburst_count(result: RunResult) -> np.ndarray:
    """Returns the number of shaded outbursts per run, in plotting order."""
    return np.array([len(r.outbursts) for r in split_runs(result)], dtype=np.int64)

"""Time-series plots: layout, outburst shading from the stored thresholds, atomic PNG writes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection

from uprising import api
from uprising.plotting import MAX_PANELS, build_figure, outburst_count, plot_timeseries
from uprising.results import RunResult, combine

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def synthetic(
    active: list[int],
    *,
    start: float = 50,
    end: float = 50,
    legitimacy: list[float] | None = None,
    seed: int = 5,
    replicate: int = 0,
    **extra: list[int],
) -> RunResult:
    """Returns a RunResult with a hand-made active series (tick 0 first)."""
    n = len(active)
    ts = pd.DataFrame(
        {
            "tick": np.arange(n),
            "quiet": 1000 - np.asarray(active),
            "active": active,
            "jailed": np.arange(n),
            "cops": np.full(n, 64),
            "arrests": np.zeros(n, dtype=int),
            "releases": np.zeros(n, dtype=int),
            "legitimacy": legitimacy if legitimacy is not None else [0.8] * n,
            **extra,
        }
    )
    meta = {
        "scenario": {
            "name": "synthetic",
            "observer": {"outburst_start": start, "outburst_end": end},
        },
        "seed": seed,
        "replicate": replicate,
        "n_citizens": 1120,
    }
    return RunResult(timeseries=ts, summary={}, metadata=meta)


ACTIVE = [0, 60, 70, 40, 0, 55, 0, 0]


def shaded_spans(ax) -> int:
    """Returns the number of outburst spans (axvspan rectangles) drawn on ``ax``."""
    return sum(1 for p in ax.patches if p.get_label() != "outburst")


def test_outbursts_use_thresholds_stored_in_metadata():
    # start 50 / end 50: ticks 1-2 (60, 70) and tick 5 (55) → 2 outbursts
    assert outburst_count(synthetic(ACTIVE)).tolist() == [2]
    # start 65 / end 5: only 70 exceeds 65, and it lasts until actives fall below 5 → 1
    assert outburst_count(synthetic(ACTIVE, start=65, end=5)).tolist() == [1]
    fig = build_figure(synthetic(ACTIVE, start=65, end=5))
    assert shaded_spans(fig.axes[0]) == 1
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert "outburst start (> 65)" in labels and "outburst end (< 5)" in labels


def test_shading_matches_summary_of_a_real_run():
    result = api.run_scenario("epstein2002-run2", seed=1, ticks=150)
    fig = build_figure(result)
    assert result.summary["n_outbursts"] > 0
    assert shaded_spans(fig.axes[0]) == result.summary["n_outbursts"]
    assert fig.axes[0].get_ylabel() == "citizens"
    assert fig.axes[-1].get_xlabel() == "tick"
    title = fig.get_suptitle()
    assert "epstein2002-run2" in title and "seed 1" in title


def test_layout_single_run_and_legitimacy_panel_only_when_it_changes():
    flat = build_figure(synthetic(ACTIVE))
    assert len(flat.axes) == 2  # actives; quiet + jailed
    stock_labels = {line.get_label() for line in flat.axes[1].get_lines()}
    assert stock_labels == {"quiet", "jailed"}
    changing = build_figure(synthetic(ACTIVE, legitimacy=[0.9] * 4 + [0.7] * 4))
    assert len(changing.axes) == 3
    assert changing.axes[2].get_lines()[0].get_label() == "legitimacy L"


def test_extra_columns_are_drawn_and_checked():
    result = synthetic(ACTIVE, active_group_a=[0, 30, 40, 20, 0, 30, 0, 0])
    fig = build_figure(result, extra_columns={"active_group_a": "active (group A)"})
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert "active (group A)" in labels
    fig = build_figure(result, extra_columns=["active_group_a"])
    assert "active group a" in [line.get_label() for line in fig.axes[0].get_lines()]
    with pytest.raises(ValueError, match="not_there"):
        build_figure(result, extra_columns=["not_there"])


def test_replicates_get_panels_then_overlay():
    one_burst = [0, 0, 80, 90, 0, 0, 0, 0]
    runs = [synthetic(ACTIVE if r % 2 else one_burst, replicate=r) for r in range(MAX_PANELS)]
    panels = build_figure(combine(runs))
    assert len(panels.axes) == 2 * MAX_PANELS
    expected = [2 if r % 2 else 1 for r in range(MAX_PANELS)]
    assert [shaded_spans(panels.axes[2 * r]) for r in range(MAX_PANELS)] == expected
    many = [synthetic(ACTIVE, replicate=r) for r in range(MAX_PANELS + 2)]
    overlay = build_figure(combine(many))
    assert len(overlay.axes) == 3  # actives, quiet + jailed, outburst raster
    raster = overlay.axes[2]
    bars = [c for c in raster.collections if isinstance(c, PolyCollection)]
    assert len(bars) == MAX_PANELS + 2
    assert sum(len(b.get_paths()) for b in bars) == 2 * (MAX_PANELS + 2)


def test_plot_timeseries_writes_png_atomically(tmp_path):
    target = tmp_path / "sub" / "plot.png"
    assert plot_timeseries(synthetic(ACTIVE), target) == target
    data = target.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 5_000
    assert sorted(p.name for p in target.parent.iterdir()) == ["plot.png"]  # no temp files left


def test_plot_timeseries_failure_leaves_no_file(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OSError):
        plot_timeseries(synthetic(ACTIVE), blocker / "plot.png")
    assert blocker.read_text(encoding="utf-8") == "x"

"""The mechanisms-tour demos run end to end and their plots show the mechanism series."""

from __future__ import annotations

from pathlib import Path

from uprising.api import run_scenario
from uprising.plotting import default_extra_columns, plot_timeseries


def test_mechanisms_tour_switches_each_mechanism_on(tmp_path: Path) -> None:
    res = run_scenario("mechanisms-tour", seed=0)
    ts = res.timeseries
    for col in ("active_majority", "active_minority", "violent", "defected", "killed",
                "reluctant", "targets_damaged"):
        assert col in ts.columns
    actions = {(e["actor"], e["action"]) for e in res.metadata["events"]}
    assert ("government", "emergency") in actions
    assert ("government", "crackdown") in actions
    assert ("government", "request_help") in actions
    assert any(actor == "external_power" for actor, _ in actions)
    assert any(actor == "elite" for actor, _ in actions)
    # Loyalty scale 10 until t = 300 keeps every cop loyal and willing; then they may balk.
    assert ts.loc[ts.tick < 300, "defected"].max() == 0
    assert ts.loc[ts.tick < 300, "reluctant"].sum() == 0
    assert ts.loc[ts.tick >= 300, "reluctant"].sum() > 0
    assert ts["violent"].max() > 0
    extras = default_extra_columns(ts)
    assert {"active_majority", "active_minority", "violent"} <= set(extras)
    png = plot_timeseries(res, tmp_path / "tour.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_mechanisms_tour_sites_has_one_series_per_city(tmp_path: Path) -> None:
    res = run_scenario("mechanisms-tour-sites", seed=0)
    assert set(res.timeseries["site"]) == {"oil_town", "capital", "south", "total"}
    png = plot_timeseries(res, tmp_path / "sites.png")
    assert png.stat().st_size > 10_000

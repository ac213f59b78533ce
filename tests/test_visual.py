"""Lattice images: display codes, snapshots, agent records, GIF/MP4 animations, their CLI."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

import uprising
from uprising.api import make_model
from uprising.cli import app
from uprising.visual import (
    CATEGORIES,
    animate,
    display_codes,
    extract_frame,
    palette_rgb,
    record_agents,
    snapshot,
)
from uprising.visual.lattice import D_ACTIVE, D_COP, D_DEFECTOR, D_QUIET, D_TARGET, D_VIOLENT

pytest.importorskip("imageio_ffmpeg", reason="the dashboard extra is not installed")


def colour_cells(rgb: np.ndarray, code: int) -> int:
    return int((rgb.reshape(-1, 3) == palette_rgb()[code]).all(axis=1).sum())


def test_display_codes_match_the_engine_counts():
    m = uprising.Model("epstein2002-run1", rng=3).run(25)
    codes = display_codes(m)
    row = m.last_row()
    assert codes.shape == (40, 40)
    assert (codes == D_ACTIVE).sum() == row["active"]
    assert (codes == D_QUIET).sum() == row["quiet"]
    assert (codes == D_COP).sum() == row["cops"]


def test_display_codes_show_violence_defection_and_targets():
    m = make_model(uprising.load_scenario("mechanisms-tour"), rng=1)
    while m.running:  # the first tick with violent protesters and defected cops on the lattice
        m.step()
        row = m.last_row()
        if row["violent"] > 0 and row["defected"] > 0:
            break
    codes = display_codes(m)
    violent, defectors = (codes == D_VIOLENT).sum(), (codes == D_DEFECTOR).sum()
    # Violent citizens show as violent; defected cops (violent or not) as defected cops.
    assert 0 < violent <= row["violent"] <= violent + defectors
    assert defectors > 0
    assert (codes >= D_TARGET).sum() == 12  # 12 target buildings, intact or destroyed
    assert len(palette_rgb()) == len(CATEGORIES)
    assert len({tuple(c) for c in palette_rgb()}) == len(CATEGORIES)  # all colours distinct


def test_snapshot_writes_the_lattice_at_each_tick(tmp_path):
    files = snapshot("epstein2002-run1", [0, 10, 30], tmp_path, raw=True, seed=2)
    assert [f.name for f in files] == ["lattice_t000000.png", "lattice_t000010.png",
                                       "lattice_t000030.png"]
    first, last = (np.asarray(Image.open(f).convert("RGB")) for f in (files[0], files[-1]))
    assert first.shape == (40, 40, 3)
    m = uprising.Model("epstein2002-run1", rng=2).run(30)  # same seed: same lattice
    assert colour_cells(last, D_ACTIVE) == m.last_row()["active"]
    assert colour_cells(first, D_ACTIVE) == 0 < colour_cells(last, D_ACTIVE)
    captioned = snapshot("epstein2002-run1", [5], tmp_path / "cap")
    assert Image.open(captioned[0]).size == (800, 560)


def test_snapshot_of_several_sites_writes_one_file_per_site(tmp_path):
    files = snapshot("mechanisms-tour-sites", [3], tmp_path, raw=True)
    assert sorted(f.name for f in files) == [
        "lattice_capital_t000003.png", "lattice_oil_town_t000003.png", "lattice_south_t000003.png"]


def test_record_agents_is_a_tidy_table_every_n_ticks():
    m = uprising.Model("epstein2002-run1", rng=1)
    df = record_agents(m, every=10, ticks=30)
    assert list(df.columns) == ["tick", "agent", "kind", "state", "x", "y", "group"]
    assert sorted(df["tick"].unique()) == [0, 10, 20, 30]
    assert m.tick == 30
    at30 = df[df["tick"] == 30]
    assert (at30["state"] == "active").sum() == m.last_row()["active"]
    assert set(df["kind"]) == {"citizen", "cop"}
    assert set(df.loc[df["kind"] == "cop", "state"]) == {"on_duty"}
    assert (at30["state"] == "quiet").sum() == m.last_row()["quiet"]
    jailed = at30[at30["state"] == "jailed"]
    assert (jailed["x"] == -1).all()
    assert not df.duplicated(["tick", "agent"]).any()


def test_animate_gif_and_mp4_frames_show_the_run(tmp_path):
    gif = animate("epstein2002-run1", tmp_path / "a.gif", ticks=12, every=3, seed=4)
    mp4 = animate("epstein2002-run1", tmp_path / "a.mp4", ticks=12, every=3, seed=4)
    assert gif["frames"] == mp4["frames"] == 5
    g0, g4 = extract_frame(gif["path"], 0), extract_frame(gif["path"], 4)
    v4 = extract_frame(mp4["path"], 4)
    assert g0.shape == v4.shape == (560, 800, 3)
    assert not np.array_equal(g0, g4)
    # The GIF keeps the palette colours exactly; the MP4 (lossy) is close to the GIF.
    assert colour_cells(g4, D_COP) > 0
    assert np.abs(v4.astype(int) - g4.astype(int)).mean() < 12


def test_animate_a_results_folder_reruns_it(tmp_path):
    uprising.run_scenario("epstein2002-run1", seed=5, ticks=20).save(tmp_path / "res")
    info = animate(tmp_path / "res", tmp_path / "r.gif", every=5)
    assert info["rerun_matches"] is True
    assert info["frames"] == 5


def test_cli_snapshot_and_animate(tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["snapshot", "epstein2002-run1", "--ticks", "0,4", "-o",
                              str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    assert len(list((tmp_path / "s").glob("lattice_t*.png"))) == 2
    for name in ("x.gif", "x.mp4"):  # a 40x40 preset, 60 ticks, a frame every 6
        res = runner.invoke(app, ["animate", "epstein2002-run1", "--ticks", "60", "--every", "6",
                                  "-o", str(tmp_path / name)])
        assert res.exit_code == 0, res.output
        assert "11 frames, 800×560 px" in res.output
        last = extract_frame(tmp_path / name, 10)
        assert last.shape == (560, 800, 3)
        with pytest.raises(IndexError):
            extract_frame(tmp_path / name, 11)
    res = runner.invoke(app, ["animate", str(tmp_path / "s"), "-o", str(tmp_path / "y.gif")])
    assert res.exit_code == 2
    assert "not a results folder" in res.output
    res = runner.invoke(app, ["animate", "epstein2002-run1", "-o", str(tmp_path / "z.avi")])
    assert res.exit_code == 2
    res = runner.invoke(app, ["snapshot", "epstein2002-run1", "--ticks", "a", "-o",
                              str(tmp_path / "s")])
    assert res.exit_code == 2


def test_cli_dashboard_refuses_a_non_loopback_host():
    res = CliRunner().invoke(app, ["dashboard", "--host", "0.0.0.0"])
    assert res.exit_code == 2
    assert "--allow-remote" in res.output
    res = CliRunner().invoke(app, ["dashboard", "no-such-scenario"])
    assert res.exit_code == 2

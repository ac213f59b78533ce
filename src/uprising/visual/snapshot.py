"""Lattice snapshots to PNG at chosen ticks, and agent states recorded every N ticks as a tidy
table."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from uprising.results import SIDECAR_FILE
from uprising.visual.lattice import site_models, site_names

_STATES = np.array(["quiet", "active", "jailed", "off", "dead"])
_KINDS = np.array(["citizen", "cop", "defector"])


def is_results_folder(source: Any) -> bool:
    """Returns whether ``source`` names a folder written by ``uprising run`` (has run.json)."""
    return isinstance(source, str | Path) and (Path(source) / SIDECAR_FILE).is_file()


def model_from_results(folder: str | Path, replicate: int = 0) -> tuple[Any, dict[str, Any]]:
    """Returns (a fresh model, run.json) that re-runs a saved run: its stored resolved scenario
    with its stored seed and replicate.

    A results folder holds the time series, not the lattice; re-running the same scenario with
    the same seed and package version gives the same lattice (the caller can check the re-run's
    time series against ``timeseries.parquet``).
    """
    from uprising.api import make_model
    from uprising.scenario import load_scenario

    meta = json.loads((Path(folder) / SIDECAR_FILE).read_text(encoding="utf-8"))
    if "scenario" not in meta:
        raise ValueError(f"{folder}/{SIDECAR_FILE} holds no scenario; run it with `uprising run`")
    runs = meta.get("runs") or []
    if runs:  # several replicates: pick one
        chosen = [r for r in runs if r.get("replicate") == replicate]
        if not chosen:
            have = sorted(r.get("replicate") for r in runs)
            raise ValueError(f"{folder} has no replicate {replicate} (replicates: {have})")
        seed = chosen[0].get("seed")
    else:
        seed, replicate = meta.get("seed"), int(meta.get("replicate", 0))
    scenario = load_scenario(meta["scenario"])
    return make_model(scenario, rng=scenario.seed if seed is None else seed,
                      replicate=replicate), meta


def make_source_model(source: Any, seed: int | None = None, overrides: list[str] | None = None,
                      ticks: int | None = None) -> Any:
    """Returns a model: ``source`` itself if it is one, else a fresh model of a preset, YAML path,
    dict or Scenario (with ``overrides``, ``ticks`` and ``seed``)."""
    if hasattr(source, "run") and hasattr(source, "scenario"):
        return source
    from uprising.api import make_model
    from uprising.scenario import load_scenario

    sc = load_scenario(source, list(overrides or []))
    if ticks is not None and ticks > sc.ticks:  # never shorten: dated events must stay inside
        sc = load_scenario(sc, [f"ticks={int(ticks)}"])
    return make_model(sc, rng=sc.seed if seed is None else seed)


def snapshot(
    source: Any,
    ticks: Iterable[int],
    folder: str | Path,
    *,
    seed: int | None = None,
    overrides: list[str] | None = None,
    site: int | None = None,
    raw: bool = False,
) -> list[Path]:
    """Returns the PNG files written: the lattice at each of ``ticks`` (ascending).

    Args:
        source: a model (advanced from its current tick; ticks before it are skipped with an
            error), a preset name, YAML path, dict or Scenario.
        ticks: ticks to capture (0 = the initial state).
        folder: output folder (created).
        seed: root seed of a fresh model (default: the scenario's).
        overrides: dotted overrides of a fresh model.
        site: site index for several sites (default: every site).
        raw: one pixel per cell, no caption or legend (default: captioned frame with legend).

    Files are named ``lattice_t{tick:06d}.png`` (``lattice_{site}_t{tick:06d}.png`` per site).
    """
    from PIL import Image

    from uprising.visual.lattice import display_codes, palette_rgb
    from uprising.visual.render import FrameRenderer

    wanted = sorted({int(t) for t in ticks})
    if not wanted or wanted[0] < 0:
        raise ValueError("ticks must be non-negative and at least one")
    end = wanted[-1]
    model = make_source_model(source, seed, overrides, ticks=end if end > 0 else None)
    if wanted[0] < model.tick:
        raise ValueError(f"the model is at tick {model.tick}; cannot capture tick {wanted[0]}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = site_names(model)
    sites = [site] if site is not None else list(range(len(site_models(model))))
    renderers = {} if raw else {s: FrameRenderer(model, s) for s in sites}
    palette = palette_rgb()
    written = []
    for tick in wanted:
        model.run(tick - model.tick)
        for s in sites:
            tag = f"{names[s]}_" if names else ""
            path = folder / f"lattice_{tag}t{tick:06d}.png"
            rgb = palette[display_codes(model, s)] if raw else renderers[s].frame()
            Image.fromarray(rgb).save(path)
            written.append(path)
    return written


def _agents_now(model: Any) -> pd.DataFrame:
    frames = []
    names = site_names(model)
    for i, m in enumerate(site_models(model)):
        st = m.state
        if hasattr(st, "kind"):
            w = m.scenario.world.width
            keep = np.flatnonzero((st.kind == 0) | (st.state != 3))  # drop off-duty cop slots
            kind = st.kind[keep]
            groups = np.array(m.scenario.group_names)
            pos = st.pos[keep]
            df = pd.DataFrame({
                "agent": keep,
                "kind": _KINDS[kind],
                "state": np.where(kind == 1, "on_duty", _STATES[st.state[keep]]),
                "x": np.where(pos >= 0, pos % w, -1),
                "y": np.where(pos >= 0, pos // w, -1),
                "group": np.where(kind == 0, groups[st.group[keep]], ""),
            })
        else:  # Model II
            df = m.get_agent_vars_dataframe()[["agent", "kind", "state", "x", "y", "group"]]
        if names:
            df.insert(0, "site", names[i])
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def record_agents(model: Any, every: int = 10, ticks: int = 200) -> pd.DataFrame:
    """Returns the agents' states every ``every`` ticks while running ``ticks`` more ticks.

    One row per agent and recorded tick: ``tick, agent, kind`` (citizen, cop, defector),
    ``state`` (citizens and defectors: quiet, active, jailed, dead; cops: on_duty), ``x, y``
    (−1 off the lattice, e.g. jailed), ``group`` (empty for cops), plus ``site`` first for
    several sites. The model's current tick is recorded first; off-duty cop slots are left
    out. ``model`` may also be a preset name, YAML path, dict or Scenario (a fresh model with
    the scenario's seed).
    """
    if every < 1 or ticks < 0:
        raise ValueError("every must be ≥ 1 and ticks ≥ 0")
    model = make_source_model(model)
    end = model.tick + ticks
    frames = []
    while True:
        df = _agents_now(model)
        df.insert(0, "tick", model.tick)
        frames.append(df)
        if model.tick + every > end:
            break
        model.run(every)
    if model.tick < end:
        model.run(end - model.tick)
    return pd.concat(frames, ignore_index=True)

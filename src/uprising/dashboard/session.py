"""One browser session of the dashboard: a model, an optional "what if" fork, and the messages
the page receives. Pure logic, no I/O: the server feeds it the page's messages and sends what
it returns, so it can be tested without a browser.

Messages from the page (JSON objects, ``type`` first):

* ``reset {scenario, seed, overrides: {path: value}}`` — a fresh model of a preset
  (``load_scenario(name, overrides)``); the fork is dropped;
* ``play``, ``pause``, ``step``, ``speed {tps}`` (ticks per second, 0 = as fast as possible),
  ``every {n}`` (render every n ticks), ``site {index}`` (null = total);
* ``set {path, value, branch}`` — ``model.set_parameter`` now (validated like the scenario
  file); also remembered as an override for the next reset;
* ``intervene {action, branch}`` — see ``control.INTERVENTIONS``;
* ``fork {path, value} | {action}`` — copy the running model and apply the change to the copy
  only; ``unfork`` drops it. ``branch`` is ``main`` (default), ``fork`` or ``both``.

To the page: ``init`` (scenario, legend, sliders, presets, sites, scheduled events), binary
frames (16-byte header of little-endian uint32 ``branch, tick, width, height``, then one display
code per cell, row-major), ``update`` (new time-series rows and events per branch, counts),
``error {message}``.
"""

from __future__ import annotations

import json
import struct
from typing import Any

import numpy as np

from uprising.dashboard.control import (
    INTERVENTIONS,
    MAX_CELLS,
    SLIDERS,
    UserError,
    check_number,
    intervene,
    scenario_value,
    set_parameter,
)
from uprising.dashboard.series import (
    event_text,
    history,
    scheduled_events,
    series_columns,
    series_row,
)
from uprising.scenario import ScenarioError, load_scenario, preset_names
from uprising.scenario.sites import site_scenario
from uprising.visual.lattice import (
    CATEGORIES,
    category_counts,
    display_codes,
    site_models,
    site_names,
    world_shape,
)
from uprising.visual.render import legend_codes

MAX_EVERY = 10_000
HEADER = struct.Struct("<4I")


class Branch:
    """A model the page follows, with what the page has already been sent."""

    def __init__(self, model: Any, label: str):
        self.model = model
        self.label = label
        self.sent_events = 0
        self.pending: list[list[float]] = []



class Session:
    """The state of one page: scenario choice, model, fork, playback settings.

    Args:
        scenario: initial scenario (a preset name or, from the command line only, a YAML path).
        seed: initial seed (default: the scenario's).
        max_cells: largest lattice (cells per site) accepted.
    """

    def __init__(self, scenario: str = "epstein2002-run1", seed: int | None = None,
                 max_cells: int = MAX_CELLS):
        self.extra_scenarios = [] if scenario in preset_names() else [scenario]
        self.max_cells = max_cells
        self.playing = False
        self.every = 1
        self.tps = 20.0
        self.site: int | None = None
        self.overrides: dict[str, float] = {}
        self.main: Branch | None = None
        self.fork: Branch | None = None
        self.scenario_name = scenario
        self.seed = seed
        self.outbox: list[Any] = []

    # -- entry points --------------------------------------------------------------------
    def start(self) -> list[Any]:
        """Returns the first messages (init and the first frame); raises on a bad scenario."""
        self._reset(self.scenario_name, self.seed, {})
        return self.flush()

    def handle(self, text: str) -> list[Any]:
        """Returns the messages answering one message from the page (errors included)."""
        try:
            msg = json.loads(text)
        except (TypeError, ValueError):
            return [self._error("malformed message: not JSON")]
        if not isinstance(msg, dict) or not isinstance(msg.get("type"), str):
            return [self._error("malformed message: expected an object with a 'type'")]
        handler = getattr(self, f"_on_{msg['type']}", None)
        if handler is None:
            return [self._error(f"unknown message type {msg['type']!r}")]
        try:
            handler(msg)
        except UserError as exc:
            self.outbox.append(self._error(str(exc)))
        except ScenarioError as exc:
            self.outbox.append(self._error(str(exc)))
        except Exception as exc:  # a server fault: report it and keep serving
            self.outbox.append(self._error(f"internal error: {type(exc).__name__}: {exc}"))
        return self.flush()

    def advance(self) -> list[Any]:
        """Returns the messages after running ``every`` ticks on the model and its fork."""
        for _ in range(self.every):
            for b in self.branches:
                b.model.run(1)
                b.pending.append(series_row(b.model, self.site))
        self._frames()
        self._update()
        return self.flush()

    def flush(self) -> list[Any]:
        """Returns and clears the queued messages (str: JSON text, bytes: a frame)."""
        out, self.outbox = self.outbox, []
        return out

    @property
    def branches(self) -> list[Branch]:
        return [b for b in (self.main, self.fork) if b is not None]

    # -- handlers ------------------------------------------------------------------------
    def _on_reset(self, msg: dict[str, Any]) -> None:
        name = msg.get("scenario", self.scenario_name)
        if name not in preset_names() and name not in self.extra_scenarios:
            raise UserError(f"unknown scenario {name!r}; presets: {', '.join(preset_names())}")
        seed = msg.get("seed")
        if seed is not None and seed != "":
            seed = check_number(seed, "seed")
            if seed != int(seed) or not 0 <= seed < 2**63:
                raise UserError(f"seed must be a whole number in [0, 2^63), got {seed:g}")
            seed = int(seed)
        else:
            seed = None
        overrides = msg.get("overrides", self.overrides) or {}
        if not isinstance(overrides, dict):
            raise UserError("overrides must be an object {path: value}")
        self._reset(name, seed, overrides)

    def _on_play(self, msg: dict[str, Any]) -> None:
        self.playing = True
        self._status()

    def _on_pause(self, msg: dict[str, Any]) -> None:
        self.playing = False
        self._status()

    def _on_step(self, msg: dict[str, Any]) -> None:
        self.playing = False
        self.outbox += self.advance()
        self._status()

    def _on_speed(self, msg: dict[str, Any]) -> None:
        tps = check_number(msg.get("tps"), "speed (ticks per second)")
        if not 0 <= tps <= 100_000:
            raise UserError(f"speed must be in [0, 100000] ticks per second, got {tps:g}")
        self.tps = tps
        self._status()

    def _on_every(self, msg: dict[str, Any]) -> None:
        n = check_number(msg.get("n"), "render every")
        if n != int(n) or not 1 <= n <= MAX_EVERY:
            raise UserError(f"render every must be a whole number in [1, {MAX_EVERY}], got {n:g}")
        self.every = int(n)
        self._status()

    def _on_site(self, msg: dict[str, Any]) -> None:
        index = msg.get("index")
        names = site_names(self.main.model)
        if index is not None and (not isinstance(index, int) or not 0 <= index < len(names)):
            raise UserError(f"unknown site {index!r}; sites: {names}")
        self.site = index
        for b in self.branches:
            b.pending = []
        self._series_reset()
        self._frames()

    def _on_set(self, msg: dict[str, Any]) -> None:
        path = msg.get("path")
        if not isinstance(path, str):
            raise UserError("set: 'path' must be a string")
        value = None
        for b in self._chosen(msg):
            value = set_parameter(b.model, path, msg.get("value"), self.site)
        if scenario_value(self.main.model.scenario, path) is not None:
            self.overrides[path] = value
        self._update()

    def _on_intervene(self, msg: dict[str, Any]) -> None:
        for b in self._chosen(msg):
            intervene(b.model, str(msg.get("action")), self.site)
        self._update()

    def _on_fork(self, msg: dict[str, Any]) -> None:
        copy = self.main.model.fork()
        if "action" in msg:
            intervene(copy, str(msg["action"]), self.site)
        elif "path" in msg:
            set_parameter(copy, str(msg["path"]), msg.get("value"), self.site)
        else:
            raise UserError("fork needs a change: {path, value} or {action}")
        self.fork = Branch(copy, "what if")
        self.fork.sent_events = len(self.main.model.events)
        self._series_reset()
        self._frames()
        self._update()

    def _on_unfork(self, msg: dict[str, Any]) -> None:
        self.fork = None
        self._series_reset()

    # -- internals -----------------------------------------------------------------------
    def _chosen(self, msg: dict[str, Any]) -> list[Branch]:
        which = msg.get("branch", "main")
        if which == "main":
            return [self.main]
        if which == "fork":
            if self.fork is None:
                raise UserError("no what-if branch: fork first")
            return [self.fork]
        if which == "both":
            return self.branches
        raise UserError(f"branch must be main, fork or both, got {which!r}")

    def _reset(self, name: str, seed: int | None, overrides: dict[str, Any]) -> None:
        from uprising.api import make_model

        items = []
        for path, value in overrides.items():
            if not isinstance(path, str):
                raise UserError(f"override path must be a string, got {path!r}")
            items.append(f"{path}={check_number(value, path)!r}")
        scenario = load_scenario(name, items)
        worlds = [site_scenario(scenario, site).world for site in scenario.sites] or [
            scenario.world]
        big = max(worlds, key=lambda w: w.width * w.height)
        cells = big.width * big.height
        if cells > self.max_cells:
            raise UserError(
                f"world {big.width}×{big.height} = {cells:,} cells is "
                f"larger than the dashboard draws ({self.max_cells:,} cells); use "
                "`uprising run` for large worlds"
            )
        model = make_model(scenario, rng=scenario.seed if seed is None else seed)
        self.scenario_name, self.seed = name, seed
        self.overrides = {p: check_number(v, p) for p, v in overrides.items()}
        self.main, self.fork = Branch(model, "main"), None
        self.playing = False
        self.site = None
        self.outbox.append(json.dumps(self._init()))
        self._status()
        self._series_reset()
        self._frames()
        self._update()

    def _init(self) -> dict[str, Any]:
        model = self.main.model
        sc = model.scenario
        sub = site_models(model)[0].scenario
        legend = [{"code": c, "label": CATEGORIES[c][1], "colour": CATEGORIES[c][2]}
                  for c in legend_codes(sub)]
        sliders = []
        for path, label, low, high, step in SLIDERS:
            value = scenario_value(sub, path)
            if value is None or (path == "jail.max_term" and not np.isfinite(value)):
                value = high
            sliders.append({"path": path, "label": label, "low": low, "high": high,
                            "step": step, "value": value})
        return {
            "type": "init",
            "scenario": self.scenario_name,
            "name": sc.name,
            "description": " ".join(sc.description.split()),
            "seed": int(sc.seed if self.seed is None else self.seed),
            "ticks": sc.ticks,
            "width": sub.world.width,
            "height": sub.world.height,
            "palette": [c for _, _, c in CATEGORIES],
            "legend": legend,
            "sliders": sliders,
            "interventions": [{"action": a, "label": lab, "help": h}
                              for a, (lab, h) in INTERVENTIONS.items()],
            "presets": [*self.extra_scenarios, *preset_names()],
            "sites": site_names(model),
            "columns": series_columns(model),
            "scheduled": scheduled_events(sc),
            "changeable": hasattr(site_models(model)[0], "set_parameter"),
            "overrides": self.overrides,
        }

    def _frames(self) -> None:
        site = self.site or 0
        for b in self.branches:
            codes = display_codes(b.model, site)
            w, h = world_shape(b.model, site)
            index = 0 if b is self.main else 1
            self.outbox.append(HEADER.pack(index, b.model.tick, w, h) + codes.tobytes())

    def _series_reset(self) -> None:
        msg = {"type": "series", "branches": []}
        for b in self.branches:
            msg["branches"].append({"label": b.label, "rows": history(b.model, self.site)})
            b.pending = []
        self.outbox.append(json.dumps(msg))

    def _update(self) -> None:
        out = {"type": "update", "playing": self.playing, "tps": self.tps, "branches": []}
        for b in self.branches:
            events = b.model.events if hasattr(b.model, "events") else []
            new = events[b.sent_events:]
            b.sent_events = len(events)
            counts = category_counts(display_codes(b.model, self.site or 0))
            out["branches"].append({
                "label": b.label,
                "tick": b.model.tick,
                "rows": b.pending,
                "events": [{"tick": e.get("tick"), "text": event_text(e)} for e in new],
                "row": series_row(b.model, self.site),
                "cells": counts,
                "params": self._params(b.model),
            })
            b.pending = []
        self.outbox.append(json.dumps(out))

    def _params(self, model: Any) -> dict[str, float]:
        """Returns the sliders' current values on the shown site (first site for 'all')."""
        m = site_models(model)[self.site or 0]
        values = getattr(m, "params", {})
        out = {}
        for path, *_ in SLIDERS:
            v = values.get(path)
            if v is not None and np.isfinite(v):
                out[path] = float(v)
        return out

    def _status(self) -> None:
        self.outbox.append(json.dumps({"type": "status", "playing": self.playing,
                                       "every": self.every, "tps": self.tps}))

    @staticmethod
    def _error(message: str) -> str:
        return json.dumps({"type": "error", "message": message})

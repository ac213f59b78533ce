"""A country: one ``Model`` per region, in lockstep, coupled by a weighted diffusion network.

Order within tick t (model ticks; ticks 1 … b are the burn-in):

1. the national actors act (``actors.national``: emergencies, the external contingent);
2. each region's curfew factor for the local hour of tick t is set;
3. the news of every region (``simulation.network``) is applied: after the burn-in only;
4. each region runs its tick (its own timeline first: triggers); during the burn-in violence is
   switched off in the kernel (no damage, no casualties), and its shares are not broadcast;
5. detention: prisoners beyond capacity are released, distinct detainees are counted.

Outputs start at ``clock.start`` (model tick b): the time series drops the burn-in rows. See
docs/real-world-frame.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from uprising.actors.national import build_national_actors
from uprising.engine.codes import M_VIOLENCE
from uprising.scenario import Scenario
from uprising.scenario.clock import resolve_tick
from uprising.scenario.national import citizens_of, regions_of, side_of
from uprising.simulation.base import ScenarioLike, Simulation, stacked_agents
from uprising.simulation.calendar import daily_table, real_units, summarise_national
from uprising.simulation.civil_violence import Model
from uprising.simulation.detention import DetentionProcess, DetentionTracker, release_excess
from uprising.simulation.network import Diffusion
from uprising.simulation.seeds import SeedLike, site_seed

#: The ``region`` value of the national (summed) rows.
NATIONAL = "national"


class NationalModel(Simulation):
    """All regions of a ``national`` scenario, on the simulation contract."""

    def __init__(self, scenario: ScenarioLike, rng: SeedLike = None,
                 overrides: list[str] | str | None = None, replicate: int = 0):
        super().__init__(scenario, rng, overrides, replicate)
        s = self.scenario
        assert s.national is not None and s.clock is not None
        self.nat, self.clock = s.national, s.clock
        self.burn_in = self.clock.burn_in_ticks
        #: Burn-ins drawn before this one (``casestudy.simulate.start_quiet``), plus one.
        self.burn_in_draws = 1
        pairs = regions_of(self.nat)
        self.data = [d for d, _ in pairs]
        self.names = [d.name for d in self.data]
        self.scale = self.nat.scale.people_per_agent
        self._events = []
        self.citizens = np.array([citizens_of(d, self.nat.scale) for d in self.data])
        self.cells = np.array([side_of(int(c), s.population.density) ** 2 for c in self.citizens])
        self.base_cops = np.array([round(d.population * d.police_per_100k / 1e5 / self.scale)
                                   for d in self.data])
        self.populations = np.array([d.population for d in self.data], dtype=float)
        self.actors = build_national_actors(self)
        self.models = [Model(self._region_scenario(i, r), rng=site_seed(self.seed_sequence, i),
                             replicate=replicate) for i, (_, r) in enumerate(pairs)]
        self.net = Diffusion(self.data, self.nat.network, self.clock.hours_per_tick)
        self.trackers = [DetentionTracker(m.state.n_citizens) for m in self.models]
        if self.burn_in == 0:
            for t, m in zip(self.trackers, self.models, strict=True):
                t.start(m.state.state, m.state.arrest_cell)
        self.capacity = [self._capacity(d) for d in self.data]
        n = len(self.models)
        self.history = np.zeros((s.ticks + 1, n))
        self._base = [float(m.params[self._target_path()]) for m in self.models]
        self._move = [float(m.params["rules.move_probability"]) for m in self.models]
        self._rows: list[list[dict[str, float]]] = [[self._row(i, 0.0, 0)] for i in range(n)]
        self.detention = DetentionProcess(self)

    # -- building ------------------------------------------------------------------------
    def _target_path(self) -> str:
        return ("population.threshold" if self.nat.network.target == "threshold"
                else "population.hardship_scale")

    def _capacity(self, d: Any) -> int | None:
        per = self.nat.detention.capacity_per_100k
        return None if per is None else int(d.population * per / 1e5 / self.scale)

    def _region_scenario(self, i: int, region: Any) -> dict[str, Any]:
        s = self.scenario
        data = s.model_dump(exclude={"national", "clock", "sites", "news", "timeline"})
        # the scenario's own timeline (dates resolved to ticks) acts in every region
        side = side_of(int(self.citizens[i]), s.population.density)
        cells = side * side
        density = float(self.citizens[i]) / cells  # exactly the region's citizens
        targets = (s.violence.targets + len(s.violence.target_cells)) if s.violence.enabled \
            else 0
        room = (cells - self.citizens[i] - targets) / cells  # police fill at most the rest
        base = min(self.base_cops[i] / cells, room)
        top = min(self.actors.max_police_density(i, base, cells), room)
        data["name"] = f"{s.name}.{self.names[i]}"
        data["world"] = {**data["world"], "width": side, "height": side}
        data["police"] = {**data["police"], "density": top}
        data["population"] = {**data["population"], "density": density}
        if region.legitimacy is not None:
            data["population"] = {**data["population"], "legitimacy": region.legitimacy}
        if self.nat.groups.enabled:
            data["groups"] = self._groups(self.data[i])
        if self.nat.detention.term_days is not None:
            data["jail"] = {**data["jail"], "max_term": max(1, self.clock.ticks_of_hours(
                24.0 * self.nat.detention.term_days))}
        timeline: list[dict[str, Any]] = [ev.model_dump() for ev in s.timeline]  # every region
        if top > base:  # slots sized for reinforcements; on duty: the base strength
            timeline.append({"kind": "set", "at": 1, "path": "police.density", "value": base})
        for j, t in enumerate(region.triggers):
            at = resolve_tick(self.clock, t.at, s.ticks, f"triggers[{j}].at")
            timeline.append({"kind": "set", "at": at, "path": t.path, "value": t.value})
        data["timeline"] = timeline
        data["engine"] = "reference"
        return data

    def _groups(self, d: Any) -> list[dict[str, Any]]:
        shares = {"kazakh": d.kazakh_share, "russian": d.russian_share,
                  "other": max(0.0, 1.0 - d.kazakh_share - d.russian_share)}
        out = []
        for name, share in shares.items():
            if share > 0:
                g = {"name": name, "share": share}
                if name in self.nat.groups.legitimacy:
                    g["legitimacy"] = self.nat.groups.legitimacy[name]
                elif self.nat.groups.legitimacy_offset.get(name, 0.0) != 0.0:
                    g["legitimacy_offset"] = self.nat.groups.legitimacy_offset[name]
                out.append(g)
        total = sum(g["share"] for g in out)
        for g in out:
            g["share"] /= total
        return out

    def _check_scenario(self, scenario: Scenario) -> None:
        if scenario.national is None:
            raise ValueError("NationalModel needs a scenario with a `national` section")

    # -- the run -------------------------------------------------------------------------
    def _advance(self, remaining: int) -> int:
        nxt = self.tick + 1
        if nxt > self.burn_in + 1:  # actors observe the run from its start on
            for actor in self.actors:
                actor.before_tick(self, nxt)
        self.detention.before_tick(self, nxt)
        self._curfew(nxt)
        news_on = nxt > self.burn_in or self.nat.network.during_burn_in
        if news_on:
            self._apply_news(self.news_at(nxt))
            news = self._last_news
        else:
            news = np.zeros(len(self.models))
        for i, m in enumerate(self.models):
            if nxt <= self.burn_in:
                m.mech[M_VIOLENCE] = 0.0
            elif nxt == self.burn_in + 1:
                m.mech = m.parameters.mech()
            m.run(1)
            freed = 0
            if self.capacity[i] is not None:
                freed = release_excess(m.state, self.capacity[i], m.macro_rng,
                                       int(m._rows[-1][3]))
            if nxt == self.burn_in:
                self.trackers[i].start(m.state.state, m.state.arrest_cell)
            self.detention.after_tick(self, i, nxt)
            self._rows[i].append(self._row(i, float(news[i]), freed))
            if news_on:
                self.history[nxt, i] = self._rows[i][-1]["active"] / max(1, self.citizens[i])
        self.tick = nxt
        return 1

    def news_at(self, tick: int) -> np.ndarray:
        """Returns the news of every region before model tick ``tick``."""
        net_f, media_f = self.information(tick)
        self._last_news = self.net.news(self.history, tick, net_f, media_f)
        return self._last_news

    def information(self, tick: int) -> tuple[np.ndarray, np.ndarray]:
        """Returns the (network, media) factors of the blackouts in force at ``tick``."""
        n = len(self.models)
        net_f, media_f = np.ones(n), np.ones(n)
        for j, b in enumerate(self.nat.blackouts):
            a = resolve_tick(self.clock, b.start, None, f"blackouts[{j}].start")
            e = resolve_tick(self.clock, b.end, None, f"blackouts[{j}].end")
            if a <= tick < e:
                for i, name in enumerate(self.names):
                    if not b.regions or name in b.regions:
                        net_f[i] *= b.network
                        media_f[i] *= b.media
        return net_f, media_f

    def _apply_news(self, news: np.ndarray) -> None:
        g = self.nat.network.gain
        if g == 0 or not self.net.enabled:
            return
        path = self._target_path()
        for i, m in enumerate(self.models):
            current = float(m.params[path])
            if getattr(self, "_written", None) is None:
                self._written = [None] * len(self.models)
            if self._written[i] is None or current != self._written[i]:
                self._base[i] = current  # first write, or a trigger changed it
            if path == "population.threshold":
                value = self._base[i] * max(0.0, 1.0 - g * float(news[i]))
            else:
                value = min(10.0, self._base[i] * (1.0 + g * float(news[i])))
            if value != current:
                m.set_parameter(path, value)
            self._written[i] = float(m.params[path])

    def _curfew(self, tick: int) -> None:
        when = self.clock.datetime_of(tick - 1)
        hour = when.hour + when.minute / 60.0
        for i, m in enumerate(self.models):
            p = 1.0
            for j, c in enumerate(self.nat.curfews):
                a = resolve_tick(self.clock, c.start, None, f"curfews[{j}].start")
                e = resolve_tick(self.clock, c.end, None, f"curfews[{j}].end")
                wraps = c.from_hour > c.to_hour
                inside = (hour >= c.from_hour or hour < c.to_hour) if wraps else \
                    c.from_hour <= hour < c.to_hour
                if a <= tick < e and inside and (not c.regions or self.names[i] in c.regions):
                    p = min(p, c.move_probability)
            value = self._move[i] * p
            if float(m.params["rules.move_probability"]) != value:
                m.set_parameter("rules.move_probability", value)

    # -- what actors see and do ----------------------------------------------------------
    def region_shares(self) -> np.ndarray:
        """Returns every region's active share at the end of the last tick."""
        return np.array([r[-1]["active"] for r in self._rows]) / np.maximum(1, self.citizens)

    def region_people(self) -> np.ndarray:
        """Returns every region's participants (actives) in real people, last tick."""
        return np.array([r[-1]["active"] for r in self._rows], dtype=float) * self.scale

    def national_share(self) -> float:
        """Returns the national active share (all regions' actives / citizens)."""
        return float(sum(r[-1]["active"] for r in self._rows) / max(1, self.citizens.sum()))

    def restrict_movement(self, i: int, factor: float) -> None:
        """Multiplies region i's move probability (outside curfew hours too) from now on."""
        self._move[i] *= factor

    def add_police(self, i: int, factor: float = 1.0, people: int = 0) -> None:
        """Puts more police on duty in region i: × factor, plus ``people`` real police."""
        m = self.models[i]
        cells = float(self.cells[i])
        cops = float(m.params["police.density"]) * cells * factor + people / self.scale
        cops = min(cops, float(len(m._cop_ids())))
        m.set_parameter("police.density", min(cops / cells, 1.0 - m.scenario.population.density))

    def guard_sites(self, i: int, n_sites: int) -> int:
        """Returns the targets guarded in region i after guarding its first ``n_sites``."""
        return self.models[i].guard_targets(list(range(n_sites)), True)

    # -- records -------------------------------------------------------------------------
    def _row(self, i: int, news: float, freed: int) -> dict[str, float]:
        row = dict(self.models[i].last_row())
        row["news"] = news
        row["jailed"] -= freed  # released for lack of places after the kernel's tick
        row["quiet"] += freed
        row["capacity_releases"] = freed
        row["outside_detentions"] = int(self.detention.outside[i]) \
            if hasattr(self, "detention") else 0
        st = self.models[i].state
        row["distinct_detainees"] = self.trackers[i].update(st.state, st.arrest_cell) \
            if hasattr(self, "trackers") else 0
        return row

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """Returns the time series from ``clock.start`` on, one row per region and tick plus
        the national total, in model and real units (see ``calendar.real_units``)."""
        frames = []
        for name, rows in zip(self.names, self._rows, strict=True):
            df = pd.DataFrame(rows[self.burn_in:])
            df.insert(0, "region", name)
            frames.append(df)
        both = pd.concat(frames, ignore_index=True)
        total = both.drop(columns=["region"]).groupby("tick", sort=True).sum().reset_index()
        for col in [c for c in both.columns if c.startswith("legitimacy")]:
            total[col] = both.groupby("tick", sort=True)[col].mean().to_numpy()
        total["news"] = np.nan
        total.insert(0, "region", NATIONAL)
        ts = pd.concat([both, total[both.columns]], ignore_index=True)
        return real_units(ts, self.clock, self.scale)

    def daily(self) -> pd.DataFrame:
        """Returns the daily table: one row per region (and the national total) and local day
        (see ``calendar.daily_table``)."""
        return daily_table(self.get_model_vars_dataframe(), self.clock)

    def get_agent_vars_dataframe(self) -> pd.DataFrame:
        """Returns every region's agents now, with a ``region`` column."""
        return stacked_agents(self.names, self.models, "region")

    def last_row(self) -> dict[str, float]:
        """Returns the latest national totals."""
        out: dict[str, float] = {}
        for rows in self._rows:
            for k, v in rows[-1].items():
                out[k] = out.get(k, 0.0) + v
        out["tick"] = float(self.tick)
        return out

    def participants_people(self) -> np.ndarray:
        """Returns every region's participants (active citizens) now, in people."""
        return np.array([rows[-1]["active"] for rows in self._rows], dtype=float) * self.scale

    @property
    def n_citizens(self) -> int:
        """Returns the citizens (agents) of every region together."""
        return int(self.citizens.sum())

    @property
    def params(self) -> dict[str, float]:
        """Returns the run-time parameters of the first region."""
        return self.models[0].params

    def set_parameter(self, path: str, value: float) -> None:
        """Sets a run-time parameter in every region from now on."""
        for m in self.models:
            m.set_parameter(path, value)

    def _summary(self, ts: pd.DataFrame) -> dict[str, Any]:
        return summarise_national(ts, self.nat.onset_share, dict(zip(
            self.names, self.citizens.tolist(), strict=True)), NATIONAL)

    def _metadata(self) -> dict[str, Any]:
        regions = [{"name": d.name, "population": d.population, "lat": d.lat, "lon": d.lon,
                    "citizens": int(c), "cells": int(k)}
                   for d, c, k in zip(self.data, self.citizens, self.cells, strict=True)]
        return {"regions": regions, "events": self.events,
                "people_per_agent": self.scale, "hours_per_tick": self.clock.hours_per_tick,
                "burn_in_ticks": self.burn_in, "timezone": self.clock.timezone,
                "start": self.clock.start.isoformat()}

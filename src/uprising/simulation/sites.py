"""Several sites (cities): one lattice per site, run in lockstep and coupled by news.

Each site is an ordinary ``uprising.Model`` built from the base scenario plus the site's
overrides, with its own macro actors. Before every tick t each site s receives

    news_s(t) = i_s(t) · mean_{r ≠ s} b_r(t − 1 − d),   b_r(u) = i_r(u) · active_r(u) / citizens_r

where d = ``news.delay`` and i_s(t) ∈ [0, 1] is the site's information level: the product of the
factors of the ``news.cuts`` in force and of its government's information cut-off. News raises
grievance (hardship × (1 + g·news), on top of the site's own hardship scale) or lowers the
threshold (``population.threshold = T₀·max(0, 1 − g·news)``). Equations and sources:
docs/ODD.md §8.1 (E10).

Order within a tick: news is computed and applied first, then each site runs its tick (its
timeline and macro actors first). A government cut-off decided before tick t therefore damps
the news from tick t + 1 on.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from uprising.observer import summarize
from uprising.scenario import Scenario
from uprising.scenario.sites import TOTAL_SITE, site_scenario
from uprising.simulation.base import ScenarioLike, Simulation, stacked_agents
from uprising.simulation.civil_violence import Model
from uprising.simulation.memory import check_all_fit
from uprising.simulation.seeds import SeedLike, site_seed


class MultiSiteModel(Simulation):
    """Several sites in lockstep, each an ordinary ``Model``, on the simulation contract.

    Args:
        scenario: preset name, YAML path, mapping or Scenario with a non-empty ``sites`` list
            (like ``Model`` and ``InterGroupModel``, a demo preset by default).
        rng: seed, SeedSequence or Generator (defaults to the scenario's ``seed``).
        overrides: dotted overrides applied to the base scenario.
        replicate: replicate index mixed into the SeedSequence.
    """

    def __init__(
        self,
        scenario: ScenarioLike = "mechanisms-tour-sites",
        rng: SeedLike = None,
        overrides: list[str] | str | None = None,
        replicate: int = 0,
    ):
        super().__init__(scenario, rng, overrides, replicate)
        self.names = [s.name for s in self.scenario.sites]
        site_scenarios = [site_scenario(self.scenario, site) for site in self.scenario.sites]
        check_all_fit(site_scenarios, self.names)
        self.models: list[Model] = [
            Model(sc, rng=site_seed(self.seed_sequence, i), replicate=replicate)
            for i, sc in enumerate(site_scenarios)
        ]
        self._events = []  # decisions logged on the whole run (the sites log their own)
        self._n_citizens = np.array([m.state.n_citizens for m in self.models], dtype=float)
        self._broadcast: list[np.ndarray] = [self._information(0) * self._shares()]
        self._news: list[np.ndarray] = [np.zeros(len(self.models))]
        self._threshold_base: list[float | None] = [None] * len(self.models)
        self._threshold_written: list[float | None] = [None] * len(self.models)

    def _check_scenario(self, scenario: Scenario) -> None:
        if not scenario.sites:
            raise ValueError("MultiSiteModel needs a scenario with at least one site")

    def _advance(self, remaining: int) -> int:
        nxt = self.tick + 1
        news = self.news_at(nxt)
        self._apply_news(news)
        for m in self.models:
            m.run(1)
        self.tick = nxt
        self._news.append(news)
        self._broadcast.append(self._information(nxt) * self._shares())
        return 1

    def news_at(self, tick: int) -> np.ndarray:
        """Returns news_s(tick) for every site (see the module docstring)."""
        n = len(self.models)
        source = tick - 1 - self.scenario.news.delay
        if n < 2 or source < 0:
            return np.zeros(n)
        sent = self._broadcast[source]
        others = (sent.sum() - sent) / (n - 1)
        return self._information(tick) * others

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """Returns the time series of every site plus their total, in long form.

        Columns: ``site`` (a site name or ``total``), the core columns (tick, counts,
        legitimacy, and any column the engine adds) and ``news`` (news received; NaN for total).
        Every column but tick, news and legitimacy (``legitimacy_<group>``) is a count and is
        summed in the total; legitimacy is the citizen-weighted (group-size-weighted) mean.
        """
        frames = []
        for i, (name, m) in enumerate(zip(self.names, self.models, strict=True)):
            df = m.get_model_vars_dataframe()
            df.insert(0, "site", name)
            df["news"] = [row[i] for row in self._news]
            frames.append(df)
        total = self._total(frames)
        return pd.concat([*frames, total], ignore_index=True)

    def get_agent_vars_dataframe(self) -> pd.DataFrame:
        """Returns every site's agents now (see ``Model.get_agent_vars_dataframe``), with a
        ``site`` column."""
        return stacked_agents(self.names, self.models, "site")

    def last_row(self) -> dict[str, float]:
        """Returns the latest totals (counts summed over sites)."""
        ts = self.get_model_vars_dataframe()
        row = ts[(ts["site"] == TOTAL_SITE) & (ts["tick"] == self.tick)].iloc[0]
        return {k: v for k, v in row.items() if k not in ("site", "news")}

    @property
    def events(self) -> list[dict[str, Any]]:
        """Returns every site's macro-actor decisions, each tagged with its site."""
        out = [{"site": TOTAL_SITE, **ev} for ev in self._events]
        for name, m in zip(self.names, self.models, strict=True):
            out += [{"site": name, **ev} for ev in m.events]
        order = [*self.names, TOTAL_SITE]
        return sorted(out, key=lambda ev: (ev["tick"], order.index(ev["site"])))

    @property
    def n_citizens(self) -> int:
        """Returns the citizens of every site together."""
        return int(self._n_citizens.sum())

    @property
    def params(self) -> dict[str, float]:
        """Returns the run-time parameters of the first site (each site has its own; change
        them through ``models[i].set_parameter``)."""
        return self.models[0].params

    def set_parameter(self, path: str, value: float) -> None:
        """Sets a run-time parameter in every site from now on."""
        for m in self.models:
            m.set_parameter(path, value)

    def _summary(self, ts: pd.DataFrame) -> dict[str, Any]:
        """Returns the summary of the total, plus ``<site>.<statistic>`` for each site."""
        total = ts[ts["site"] == TOTAL_SITE].drop(columns=["site", "news"])
        summary = summarize(total, self.scenario.observer, self.n_citizens)
        for name, m in zip(self.names, self.models, strict=True):
            own = ts[ts["site"] == name].drop(columns=["site", "news"])
            for key, value in summarize(own, m.scenario.observer, m.state.n_citizens).items():
                summary[f"{name}.{key}"] = value
        return summary

    def _metadata(self) -> dict[str, Any]:
        sites = [
            {"name": name, "n_citizens": m.state.n_citizens,
             "spawn_key": list(m.seed_sequence.spawn_key)}
            for name, m in zip(self.names, self.models, strict=True)
        ]
        return {"sites": sites, "events": self.events}

    # -- internals -----------------------------------------------------------------------
    def _shares(self) -> np.ndarray:
        active = np.array([m.last_row()["active"] for m in self.models], dtype=float)
        return np.divide(active, self._n_citizens, out=np.zeros_like(active),
                         where=self._n_citizens > 0)

    def _information(self, tick: int) -> np.ndarray:
        level = np.ones(len(self.models))
        for cut in self.scenario.news.cuts:
            if cut.start <= tick <= cut.end:
                for i, name in enumerate(self.names):
                    if not cut.sites or name in cut.sites:
                        level[i] *= cut.factor
        for i, m in enumerate(self.models):
            for actor in m.actors:
                level[i] *= getattr(actor, "information_factor", 1.0)
        return level

    def _apply_news(self, news: np.ndarray) -> None:
        cfg = self.scenario.news
        if cfg.gain == 0:
            return
        for i, m in enumerate(self.models):
            if cfg.target == "hardship":  # a multiplier on top of shocks and concessions
                m.receive_news(1.0 + cfg.gain * float(news[i]))
                continue
            current = float(m.params["population.threshold"])
            if self._threshold_written[i] is None or current != self._threshold_written[i]:
                self._threshold_base[i] = current  # first write, or the timeline changed it
            base = self._threshold_base[i]
            assert base is not None
            value = base * max(0.0, 1.0 - cfg.gain * float(news[i]))
            m.set_parameter("population.threshold", value)
            self._threshold_written[i] = value

    def _total(self, frames: list[pd.DataFrame]) -> pd.DataFrame:
        both = pd.concat(frames, ignore_index=True).drop(columns=["site", "news"])
        citizens = np.repeat(self._n_citizens, [len(f) for f in frames])
        means = [c for c in both.columns if c == "legitimacy" or c.startswith("legitimacy_")]
        weights = {}
        for col in means:
            group = col[len("legitimacy_"):] if col != "legitimacy" else None
            parts = [f"{w}_{group}" for w in ("quiet", "active", "jailed")]
            if group is not None and all(p in both.columns for p in parts):
                weights[col] = both[parts].sum(axis=1).to_numpy(dtype=float)  # group size
            else:
                weights[col] = citizens
        for col in means:
            both[f"_w_{col}"] = weights[col]
            both[col] = both[col] * weights[col]
        total = both.groupby("tick", sort=True).sum(numeric_only=True).reset_index()
        for col in means:
            w = total.pop(f"_w_{col}")
            total[col] = total[col] / w.where(w > 0, 1.0)
        total.insert(0, "site", TOTAL_SITE)
        total["news"] = np.nan
        return total[frames[0].columns]

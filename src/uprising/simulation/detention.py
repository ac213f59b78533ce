"""Detention as a process, tracked outside the kernel from the agents' state after each tick.

* **Distinct detainees**: a per-agent "ever detained" flag, read after each tick from the
  kernel's ``arrest_cell`` (see ``DetentionTracker``; no kernel rule is changed).
* **Detention events**: the kernel's ``arrests`` count (every arrest, repeated ones included).
* **Capacity**: after each tick, prisoners beyond the capacity are released (those with the
  shortest remaining term first) onto uniformly random empty cells. Within a tick the kernel may
  arrest beyond capacity; the records, taken after this step, never exceed it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from uprising.engine.codes import EMPTY, QUIET, S_ACTIVE, S_JAILED, S_QUIET


class DetentionTracker:
    """Distinct detainees of one lattice (``n_citizens`` agents), counted from ``start()`` on.

    A citizen counts once it has an arrest cell (the kernel writes ``arrest_cell`` at every
    arrest and never clears it) that differs from the one it had when counting started, so an
    arrest and a release within one tick are not missed. Limit: a prisoner still held when
    counting starts, released and re-arrested later on exactly the same cell, is not counted.
    """

    def __init__(self, n_citizens: int):
        self.ever = np.zeros(n_citizens, dtype=bool)
        self.before = np.full(n_citizens, -1, dtype=np.int64)

    def start(self, state: np.ndarray, arrest_cell: np.ndarray) -> None:
        """Starts counting now: forgets earlier arrests (the burn-in's) of free citizens."""
        n = len(self.ever)
        held = state[:n] == S_JAILED
        arrest_cell[:n][~held] = -1  # only read when a prisoner is released
        self.before = np.where(held, arrest_cell[:n], -1).astype(np.int64)
        self.ever[:] = False

    def update(self, state: np.ndarray, arrest_cell: np.ndarray) -> int:
        """Returns the number of distinct citizens detained since ``start()``."""
        n = len(self.ever)
        cell = arrest_cell[:n]
        self.ever |= (cell >= 0) & (cell != self.before)
        return int(self.ever.sum())


def release_excess(st: object, capacity: int, rng: np.random.Generator,
                   jailed_now: int | None = None) -> int:
    """Returns how many prisoners were released to bring the jailed count down to ``capacity``.

    ``st`` is an ``engine.state.State`` with ``jailed: removed`` (prisoners hold no cell); the
    released go to uniformly random empty cells drawn from ``rng``; ``jailed_now``, when known,
    spares counting the prisoners.
    """
    if jailed_now is not None and jailed_now <= capacity:
        return 0
    n = st.n_citizens  # type: ignore[attr-defined]
    state, term, pos = st.state, st.term, st.pos  # type: ignore[attr-defined]
    code, occupant = st.code, st.occupant  # type: ignore[attr-defined]
    jailed = np.flatnonzero(state[:n] == S_JAILED)
    excess = len(jailed) - capacity
    if excess <= 0:
        return 0
    remaining = np.where(term[jailed] < 0, np.iinfo(np.int32).max, term[jailed])
    chosen = jailed[np.argsort(remaining, kind="stable")[:excess]]
    empty = np.flatnonzero(code == EMPTY)
    k = min(len(chosen), len(empty))
    chosen = chosen[:k]
    cells = rng.choice(empty, size=k, replace=False)
    code[cells] = QUIET
    occupant[cells] = chosen
    pos[chosen] = cells
    state[chosen] = S_QUIET
    term[chosen] = 0
    return int(k)


def detain(st: object, agents: np.ndarray, term: int) -> int:
    """Returns how many of ``agents`` (free citizens on the lattice) were detained outside the
    kernel (sweeps, pre-emptive detention), as the kernel jails under ``jailed: removed``: off
    the lattice, their arrest cell recorded, for ``term`` ticks (−1 = forever)."""
    pos = st.pos  # type: ignore[attr-defined]
    agents = agents[pos[agents] >= 0]
    cells = pos[agents]
    st.code[cells] = EMPTY  # type: ignore[attr-defined]
    st.occupant[cells] = -1  # type: ignore[attr-defined]
    st.arrest_cell[agents] = cells  # type: ignore[attr-defined]
    pos[agents] = -1
    st.state[agents] = S_JAILED  # type: ignore[attr-defined]
    st.term[agents] = term  # type: ignore[attr-defined]
    return len(agents)


def sweep_candidates(st: object, was_active: np.ndarray) -> np.ndarray:
    """Returns the free citizens on the lattice who took part since the start."""
    n = len(was_active)
    state, pos = st.state[:n], st.pos[:n]  # type: ignore[attr-defined]
    free = ((state == S_QUIET) | (state == S_ACTIVE)) & (pos >= 0)
    return np.flatnonzero(free & was_active)


def bystanders(st: object, width: int, radius: int) -> np.ndarray:
    """Returns the quiet citizens within ``radius`` cells (Chebyshev, on the torus) of the
    lattice centre: the crowd gathering where a rally is called."""
    n = st.n_citizens  # type: ignore[attr-defined]
    pos, state = st.pos[:n], st.state[:n]  # type: ignore[attr-defined]
    on = (pos >= 0) & (state == S_QUIET)
    x, y = pos % width, pos // width
    c = width // 2
    dx = np.minimum(abs(x - c), width - abs(x - c))
    dy = np.minimum(abs(y - c), width - abs(y - c))
    return np.flatnonzero(on & (dx <= radius) & (dy <= radius))


class DetentionProcess:
    """Detentions the police make outside the kernel in a national run: pre-emptive detention
    of bystanders before a called rally, and the post-peak sweep of former participants. Both
    respect the detention capacity; their counts go to ``outside_detentions``."""

    def __init__(self, model: Any):
        from uprising.scenario.clock import resolve_tick

        det = model.nat.detention
        self.sweep = det.sweep
        self.calls: dict[int, list[Any]] = {}
        for j, rc in enumerate(det.preemptive):
            at = resolve_tick(model.clock, rc.at, None, f"preemptive[{j}].at")
            self.calls.setdefault(at, []).append(rc)
        jail = model.models[0].scenario.jail
        self.term = -1 if jail.infinite else max(1, int(jail.max_term))
        self.was_active = [np.zeros(m.state.n_citizens, dtype=bool) for m in model.models]
        self.outside = np.zeros(len(model.models), dtype=np.int64)
        self.peak = 0.0  # the highest daily peak of national participants so far (agents)
        self.day_peak = 0.0  # the current day's peak
        self.day_ticks = max(1, model.clock.ticks_of_hours(24.0))
        self.until: int | None = None
        self.sweep_ticks = model.clock.ticks_of_hours(24.0 * self.sweep.days)

    def _room(self, model: Any, i: int) -> int:
        cap = model.capacity[i]
        st = model.models[i].state
        held = int((st.state[:st.n_citizens] == S_JAILED).sum())
        return len(self.was_active[i]) if cap is None else max(0, cap - held)

    def _take(self, model: Any, i: int, agents: np.ndarray) -> int:
        agents = agents[: self._room(model, i)]
        k = detain(model.models[i].state, agents, self.term)
        self.outside[i] += k
        return k

    def before_tick(self, model: Any, tick: int) -> None:
        """Detains whoever is due before ``tick``."""
        self.outside[:] = 0
        for rc in self.calls.get(tick, []):
            i = model.names.index(rc.region)
            m = model.models[i]
            near = bystanders(m.state, m.scenario.world.width, rc.radius)
            chosen = near[m.macro_rng.random(len(near)) < rc.probability]
            k = self._take(model, i, chosen)
            model.log_event("police", "preemptive_detention", region=rc.region, detained=k,
                            detained_people=k * model.scale)
        if not self.sweep.enabled or tick <= model.burn_in + 1:
            return
        if self.until is None:
            self._watch_days(model, tick)
        if self.until is not None and tick <= self.until:
            for i, m in enumerate(model.models):
                cands = sweep_candidates(m.state, self.was_active[i])
                k = m.macro_rng.binomial(len(cands), self.sweep.per_tick) if len(cands) else 0
                self._take(model, i, m.macro_rng.permutation(cands)[:k])

    def _watch_days(self, model: Any, tick: int) -> None:
        """Starts the sweep when a day's peak of national participants falls below
        ``after_peak_drop`` × the highest earlier day's peak. Days are 24-hour periods from
        the clock's start; comparing daily peaks keeps a dip within a day (a night, a cut of
        the news) from starting it before the national peak."""
        self.day_peak = max(self.day_peak, float(sum(r[-1]["active"] for r in model._rows)))
        done = tick - 1 - model.burn_in  # ticks simulated since the burn-in
        if done <= 0 or done % self.day_ticks:
            return
        if self.peak > 0 and self.day_peak < self.sweep.after_peak_drop * self.peak:
            self.until = tick + self.sweep_ticks
            model.log_event("police", "sweep", until=self.until, peak=self.peak,
                            day_peak=self.day_peak)
        self.peak = max(self.peak, self.day_peak)
        self.day_peak = 0.0

    def after_tick(self, model: Any, i: int, tick: int) -> None:
        """Marks region i's participants of ``tick`` (from the start on)."""
        if tick > model.burn_in:
            st = model.models[i].state
            self.was_active[i] |= st.state[: len(self.was_active[i])] == S_ACTIVE

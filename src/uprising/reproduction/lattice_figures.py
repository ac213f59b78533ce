"""Figs. 1–2 as in the paper: lattice snapshots of Run 1, not time series.

Fig. 1 shows Run 1's two screens at one tick: the action screen (who is quiet, active, a cop)
and the grievance screen (every citizen's private grievance G, whatever it shows). Deception is
visible as citizens with a high G who are quiet because a cop is near. Fig. 2 shows local
outbursts: the action screen at the largest active count of a stretch of the run, beside the
time series with that tick marked. The run is the suite's Run 1 (floor ratio) from seed 0 of
the report's root seed, re-run here because the suite keeps only time series; the ticks shown
are fixed in advance (``SCREEN_TICK``, ``OUTBURST_WINDOW``), not chosen by looking.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from uprising.engine.codes import S_ACTIVE, S_QUIET
from uprising.reproduction.claims import Outcome
from uprising.reproduction.figure_kit import GREY, RED, finish, new_figure
from uprising.reproduction.runner import SuiteResults
from uprising.simulation import Model
from uprising.simulation.seeds import seed_sequence
from uprising.visual.lattice import CATEGORIES, category_counts, display_codes, palette_rgb

#: The tick of Fig. 1's screens and the ticks searched for Fig. 2's outburst (fixed in advance).
SCREEN_TICK = 200
OUTBURST_WINDOW = (200, 500)


def _run1(res: SuiteResults) -> Model:
    """Returns Run 1 (floor ratio) at tick 0, seeded like the suite's replicate 0."""
    return Model("epstein2002-run1", rng=seed_sequence(res.root, 0, 0))


def _action_screen(ax: Axes, model: Model, title: str) -> None:
    codes = display_codes(model)
    ax.imshow(palette_rgb()[codes], interpolation="nearest")
    counts = category_counts(codes)
    shown = [(name, colour) for code, name, colour in CATEGORIES if counts.get(name, 0) > 0]
    ax.legend(handles=[Patch(facecolor=c, edgecolor=GREY, label=n) for n, c in shown],
              loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])


def _grievance_screen(ax: Axes, model: Model) -> None:
    st = model.state
    w, h = model.scenario.world.width, model.scenario.world.height
    grid = np.full(w * h, np.nan)
    n = st.n_citizens
    on = st.pos[:n] >= 0
    grid[st.pos[:n][on]] = st.grievance[:n][on]
    top = 1.0 - model.scenario.population.legitimacy  # the largest G = H·(1 − L) can be
    image = ax.imshow(grid.reshape(h, w), cmap="viridis", vmin=0.0, vmax=top,
                      interpolation="nearest")
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="grievance G (0 to 1 − L)")
    ax.set_title("grievance screen (private G; empty and cop cells blank)", fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])


def _hidden_grievance(model: Model) -> tuple[int, int]:
    """Returns (quiet citizens with G above their threshold, active citizens)."""
    st = model.state
    n = st.n_citizens
    quiet = st.state[:n] == S_QUIET
    hidden = int((quiet & (st.grievance[:n] > st.threshold[:n])).sum())
    return hidden, int((st.state[:n] == S_ACTIVE).sum())


def fig_run1_screens(res: SuiteResults, out: Outcome, path: Path) -> Path:
    """Returns the path of Fig. 1: Run 1's action and grievance screens at ``SCREEN_TICK``."""
    model = _run1(res).run(SCREEN_TICK)
    hidden, active = _hidden_grievance(model)
    fig, _ = new_figure(1, height=4.2)
    fig.clear()
    left, right = fig.subplots(1, 2)
    _action_screen(left, model, f"action screen, tick {SCREEN_TICK}")
    _grievance_screen(right, model)
    return finish(fig, "Fig. 1 — Run 1: action and grievance screens (floor ratio, seed 0)",
                  "the two screens differ: many citizens with a high grievance stay quiet "
                  "while cops are near (deception).",
                  f"at tick {SCREEN_TICK}: {active} active, {hidden} quiet citizens whose "
                  "grievance exceeds their threshold (held back by the arrest risk); "
                  + "; ".join([out.ours, *out.detail]), path)


def fig_run1_outburst(res: SuiteResults, out: Outcome, path: Path) -> Path:
    """Returns the path of Fig. 2: the action screen at the largest active count in
    ``OUTBURST_WINDOW``, beside Run 1's actives over time."""
    start, end = OUTBURST_WINDOW
    probe = _run1(res).run(end)
    series = probe.get_model_vars_dataframe()
    window = series[(series["tick"] >= start) & (series["tick"] <= end)]
    peak = int(window.loc[window["active"].idxmax(), "tick"])
    model = _run1(res).run(peak)
    fig, _ = new_figure(1, height=4.2)
    fig.clear()
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.3]})
    _action_screen(left, model, f"action screen, tick {peak} (most actives in ticks "
                   f"{start}–{end})")
    right.plot(series["tick"], series["active"], color=RED, lw=1, label="active")
    right.plot(series["tick"], series["jailed"], color=GREY, lw=1, label="jailed")
    right.axvline(peak, color="black", ls=":", lw=1, label=f"tick {peak}")
    right.set_xlabel("tick")
    right.set_ylabel("citizens")
    right.legend(loc="upper right", fontsize=8)
    return finish(fig, "Fig. 2 — Run 1: local outbursts (floor ratio, seed 0)",
                  "actives appear in local clusters where cops are few, not uniformly.",
                  f"{int(window['active'].max())} actives at tick {peak}; "
                  + "; ".join([out.ours, *out.detail]), path)

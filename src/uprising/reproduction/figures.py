"""One PNG per paper figure (plus a few extra ones), each with the paper's statement beside ours."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from matplotlib.patches import Rectangle

from uprising.reproduction.claims import (
    PAPER_ACTIVATION,
    PAPER_WAIT,
    Outcome,
    sweep_table,
    variant_table,
)
from uprising.reproduction.figure_kit import (
    BLACK,
    BLUE,
    GREEN,
    GREY,
    RED,
    finish,
    kept_series,
    new_figure,
    pooled_histograms,
)
from uprising.reproduction.lattice_figures import fig_run1_outburst, fig_run1_screens
from uprising.reproduction.runner import SuiteResults
from uprising.reproduction.stats import log_tail_slope, pooled
from uprising.reproduction.suite import JAIL_TERMS, SWEEP_CAP


def fig_run2(res: SuiteResults, out: Outcome, path: Path) -> Path:
    """Returns the path of Figs. 3–4: Run 2 under floor and literal ratios."""
    fl, li = kept_series(res, "run2-floor"), kept_series(res, "run2-literal")
    fig, (a1, a2) = new_figure(2, 6.0)
    for ax, s, name in ((a1, fl, "floor ratio"), (a2, li, "literal ratio C/A (paper)")):
        ax.plot(s["tick"], s["active"], color=RED, lw=0.7, label=f"active — {name}")
        ax.axhline(50, color=BLACK, ls=":", lw=1, label="outburst threshold 50")
        ax.set_ylabel("active citizens")
        ax.set_xlim(0, s["tick"][-1])
        ax.legend(loc="upper right")
    a2.set_ylim(0, max(60, float(li["active"].max()) * 1.2))
    a2.set_xlabel("tick")
    return finish(fig, "Figs. 3–4 — Run 2: punctuated equilibrium (seed 0, 3000 ticks)",
                   "long quiescent periods broken by outbursts at Run 2's inputs.",
                   out.ours + " | literal: no outburst.", path)


def fig_waits(res: SuiteResults, out: Outcome, path: Path) -> Path:
    """Returns the path of Fig. 5: waiting-time distributions per rule variant."""
    fig, (ax,) = new_figure()
    pooled_histograms(ax, res, "waits", np.arange(0, 251, 5), 1,
                       (("run2-floor", RED), ("run2-round", BLUE),
                        ("run2-literal-L0.45", GREEN), ("run2-netlogo", GREY)))
    ax.axvline(PAPER_WAIT[0], color=BLACK, ls="--", label="paper mean 60 (s.d. 55)")
    ax.set_xlabel("waiting time between outbursts (ticks)")
    ax.set_ylabel("density (per tick)")
    ax.legend(loc="upper right")
    return finish(fig, "Fig. 5 — Waiting time between outbursts (all seeds pooled)",
                   "mean 60, s.d. 55.", "; ".join(out.detail), path)


def fig_waits_log(res: SuiteResults, out: Outcome, path: Path) -> Path:
    """Returns the path of Fig. 6: logged waiting-time frequencies beyond 30 ticks."""
    fig, (ax,) = new_figure()
    bins = np.arange(30, 301, 10)
    lows: list[float] = []
    for exp, color in (("run2-floor", RED), ("run2-round", BLUE),
                       ("run2-literal-L0.45", GREEN), ("run2-mesa", GREY)):
        w = pooled(res.frame(exp), "waits")
        tail = w[w >= 30]
        if len(tail) < 5:
            continue
        counts, edges = np.histogram(tail, bins=bins)
        mid = 0.5 * (edges[1:] + edges[:-1])
        keep = counts > 0
        slope = log_tail_slope(w)
        label = f"{exp.removeprefix('run2-')}: {len(tail)} waits ≥ 30, ML slope {slope:.3f}"
        ys = np.log(counts[keep] / len(w))
        ax.plot(mid[keep], ys, "o", color=color, label=label)
        lows.append(float(ys.min()))
        x = np.array([35.0, float(mid[keep].max())])
        ax.plot(x, ys[0] + slope * (x - 35), color=color, lw=1, alpha=0.7)
    x = np.array([35.0, 300.0])
    ax.plot(x, -2 - 0.07 * (x - 35), color=BLACK, ls="--", label="slope −0.07 (paper)")
    ax.set_ylim(min([*lows, -8.0]) - 1, 0.5)
    ax.set_xlabel("waiting time between outbursts (ticks), waits ≥ 30 only, 10-tick bins")
    ax.set_ylabel("log(share of all waits in the bin)")
    ax.set_xlim(25, 305)
    ax.legend(loc="upper right")
    return finish(fig, "Fig. 6 — Logged waiting-time frequencies beyond 30 ticks",
                   "waiting times truncated at 30 and logged: slope −0.07.",
                   "; ".join(out.detail), path)


def fig_activation(res: SuiteResults, out: Outcome, path: Path) -> Path:
    """Returns the path of Fig. 7: total activation per outburst."""
    fig, (ax,) = new_figure()
    pooled_histograms(ax, res, "activations", np.arange(0, 3001, 100), 0,
                       (("run2-floor", RED), ("run2-round", BLUE), ("run2-netlogo", GREY),
                        ("run2-literal-L0.45", GREEN)))
    ax.axvline(PAPER_ACTIVATION[0], color=BLACK, ls="--", label="paper mean 708 (s.d. 230)")
    ax.axvspan(PAPER_ACTIVATION[0] - PAPER_ACTIVATION[1], PAPER_ACTIVATION[0] +
               PAPER_ACTIVATION[1], color=BLACK, alpha=0.07, label="paper ± 1 s.d.")
    ax.set_xlabel("total activation per outburst (sum of actives over its ticks, citizen·ticks)")
    ax.set_ylabel("density")
    ax.legend(loc="upper right")
    return finish(fig, "Fig. 7 — Total activation per outburst (all seeds pooled)",
                   "mean 708, s.d. 230.", "; ".join(out.detail), path)


def fig_tension(res: SuiteResults, out: Outcome, path: Path) -> Path:
    """Returns the path of Fig. 8: tension and actives (Run 2, floor, seed 0)."""
    s = kept_series(res, "run2-floor")
    n = min(400, len(s["tick"]))
    fig, (ax,) = new_figure()
    ax.plot(s["tick"][:n], s["active"][:n], color=RED, lw=1, label="active citizens")
    ax.set_xlabel("tick")
    ax.set_ylabel("active citizens", color=RED)
    ax2 = ax.twinx()
    ax2.plot(s["tick"][:n], s["tension"][:n], color=BLUE, lw=1, label="tension Ḡ·B̄/R̄")
    ax2.set_ylabel("tension Ḡ·B̄/R̄ over free citizens", color=BLUE)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper right")
    return finish(fig, "Fig. 8 — Tension and actives (Run 2, floor, seed 0, first 400 ticks)",
                   "tension builds before outbursts (tension formula: ndouglas's reading).",
                   out.ours, path)


def _legitimacy_run(res: SuiteResults, exp: str, out: Outcome, path: Path, title: str,
                    paper: str) -> Path:
    fig, (ax,) = new_figure()
    s = kept_series(res, exp)
    ax.plot(s["tick"], s["active"], color=RED, lw=1.2, label="active (seed 0)")
    ax.plot(s["tick"], s["jailed"], color=GREY, lw=1.2, label="jailed (seed 0)")
    ax.set_xlabel("tick")
    ax.set_ylabel("citizens (count)")
    ax2 = ax.twinx()
    ax2.plot(s["tick"], s["legitimacy"], color=BLUE, ls="--", lw=1, label="legitimacy L")
    ax2.set_ylabel("legitimacy L", color=BLUE)
    ax2.set_ylim(0, 1)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="center right")
    return finish(fig, title, paper, "; ".join([out.ours, *out.detail]), path)


def fig_salami(res: SuiteResults, out: Outcome, path: Path) -> Path:
    """Returns the path of Fig. 9: salami tactics."""
    return _legitimacy_run(res, "run3-salami", out, path,
                           "Fig. 9 — Run 3: legitimacy 0.9 → 0.2 in small increments",
                           "no spike of actives; the jail population rises smoothly.")


def fig_jump(res: SuiteResults, out: Outcome, path: Path) -> Path:
    """Returns the path of Fig. 10: one jump."""
    return _legitimacy_run(res, "run4-jump", out, path,
                           "Fig. 10 — Run 4: legitimacy 0.9 → 0.7 in one jump at t = 77",
                           "an explosion of actives; a jail larger than the salami run's.")


def fig_cops(res: SuiteResults, out: Outcome, path: Path) -> Path:
    """Returns the path of Fig. 11: cop reductions under floor and literal."""
    fig, (ax,) = new_figure()
    fl, li = kept_series(res, "run5-floor"), kept_series(res, "run5-literal")
    ax.plot(fl["tick"], fl["active"], color=RED, lw=1.2, label="active — floor ratio")
    ax.plot(li["tick"], li["active"], color=GREEN, lw=1.2, label="active — literal ratio")
    ax.set_xlabel("tick")
    ax.set_ylabel("active citizens")
    ax2 = ax.twinx()
    ax2.plot(fl["tick"], fl["cops"], color=BLACK, ls="--", lw=1, label="cops on duty")
    ax2.set_ylabel("cops on duty")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper right")
    return finish(fig, "Fig. 11 — Run 5: cops walked down from 118 to 0 over t = 50–550",
                   "cop reductions 'tip' society into rebellion.", out.ours, path)


def _groups(res: SuiteResults, exp: str, out: Outcome, path: Path, title: str,
            paper: str) -> Path:
    fig, (ax,) = new_figure()
    s = kept_series(res, exp)
    ax.plot(s["tick"], s["blue"], color=BLUE, lw=1.4, label="Blue (alive, incl. jailed)")
    ax.plot(s["tick"], s["green"], color=GREEN, lw=1.4, label="Green (alive, incl. jailed)")
    ax.plot(s["tick"], s["active"], color=RED, lw=0.9, label="active (killing)")
    if s["cops"].max() > 0:
        ax.plot(s["tick"], s["cops"], color=BLACK, ls="--", lw=1, label="peacekeepers")
    ax.set_xlabel("tick")
    ax.set_ylabel("agents (count)")
    ax.legend(loc="best")
    return finish(fig, title, paper, out.ours, path)


def fig_run6(res: SuiteResults, out: Outcome, path: Path) -> Path:
    """Returns the path of Fig. 12: peaceful coexistence."""
    return _groups(res, "run6", out, path, "Fig. 12 — Run 6: L = 0.9, no cops (seed 0)",
                   "peaceful coexistence.")


def fig_run7(res: SuiteResults, out: Outcome, path: Path) -> Path:
    """Returns the path of Fig. 13: genocide."""
    return _groups(res, "run7", out, path, "Fig. 13 — Run 7: L = 0.8, no cops (seed 0)",
                   "local ethnic cleansing, then genocide; always (n = 30); random victor.")


def fig_peacekeepers(res: SuiteResults, out: Outcome, path: Path) -> Path:
    """Returns the path of Fig. 14: peacekeepers deployed at t = 50."""
    return _groups(res, "peacekeepers", out, path,
                   "Fig. 14 — Run 7 with peacekeepers (0.04) deployed at t = 50 (seed 0)",
                   "'safe havens' typically emerge (the paper gives no density).")


def _sweep_plot(res: SuiteResults, out: Outcome, path: Path, column: str, title: str,
                ylabel: str) -> Path:
    st = sweep_table(res)
    fig, (ax,) = new_figure()
    ax.plot(st["point"], st[column], "o-", color=RED, ms=4, lw=1,
            label=f"ours ({int(st['runs'].max())} seeds per density)")
    if column == "mean":
        ax.plot(st["point"], st["median"], "s--", color=GREY, ms=3, lw=1, label="ours: median")
        for lo, hi, val in ((0.0, 0.0, (94, 94)), (0.01, 0.03, (106, 119)),
                            (0.04, 0.07, (156, 196)), (0.08, 0.1, (223, 263))):
            ax.fill_between([lo - 0.001, hi + 0.001], val[0], val[1], color=BLUE, alpha=0.25,
                            label="ndouglas band" if lo == 0.0 else None)
    ax.set_xlabel("initial cop density (cops per cell)")
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper left")
    return finish(fig, title, "mean and s.d. of the time to genocide rise with cop density "
                   "(cap 15 000 cycles).", out.ours + ". " + "; ".join(out.detail), path)


def fig_sweep_mean(res: SuiteResults, out: Outcome, path: Path) -> Path:
    """Returns the path of Fig. 15: mean time to extinction against cop density."""
    return _sweep_plot(res, out, path, "mean", "Fig. 15 — Mean time to genocide vs cop density",
                       "mean ticks to one group's extinction")


def fig_sweep_sd(res: SuiteResults, out: Outcome, path: Path) -> Path:
    """Returns the path of Fig. 16: s.d. of the time to extinction against cop density."""
    return _sweep_plot(res, out, path, "sd", "Fig. 16 — S.d. of time to genocide vs cop density",
                       "s.d. of ticks to extinction")


def fig_sweep_all(res: SuiteResults, out: Outcome, path: Path) -> Path:
    """Returns the path of Fig. 17: every run's time to extinction (log scale)."""
    df = res.frame("copsweep")
    fig, (ax,) = new_figure()
    t = df["extinction_tick"].fillna(float(SWEEP_CAP))
    ax.semilogy(df["point"], t, ".", color=RED, alpha=0.5, label="one run")
    ax.axhline(SWEEP_CAP, color=BLACK, ls=":", label=f"cap {SWEEP_CAP} ticks (censored runs)")
    ax.set_xlabel("initial cop density (cops per cell)")
    ax.set_ylabel("ticks to extinction (log scale)")
    ax.legend(loc="lower right")
    return finish(fig, "Fig. 17 — Time to genocide of every run vs cop density",
                   "waiting time to genocide and initial cop density (the stored figure list "
                   "gives only the title; we show every run).", out.ours, path)


def fig_variants(res: SuiteResults, out: Outcome, path: Path) -> Path:
    """Returns the path of the extra figure: waits vs activation for every variant."""
    vt = variant_table(res)
    fig, (ax,) = new_figure()
    ax.add_patch(Rectangle((PAPER_WAIT[0] * 0.75, PAPER_ACTIVATION[0] * 0.75),
                               PAPER_WAIT[0] * 0.5, PAPER_ACTIVATION[0] * 0.5, color=BLACK,
                               alpha=0.1, label="paper ± 25 % (waits 60, activation 708)"))
    for _, r in vt.iterrows():
        ax.errorbar(r["wait_mean"], r["activation_mean"], fmt="o", ms=6, color=RED)
        ax.annotate(r["variant"], (r["wait_mean"], r["activation_mean"]),
                    textcoords="offset points", xytext=(6, 4), fontsize=9)
    for j in JAIL_TERMS:
        df = res.frame("run2-floor" if j == 30 else f"jail-{j}")
        w, a = pooled(df, "waits"), pooled(df, "activations")
        if len(w) and len(a):
            ax.plot(w.mean(), a.mean(), "s", color=BLUE, ms=5)
            ax.annotate(f"J={j}", (w.mean(), a.mean()), textcoords="offset points",
                        xytext=(5, -10), fontsize=8, color=BLUE)
    ax.plot([], [], "o", color=RED, label="rule variant at Run 2 inputs")
    ax.plot([], [], "s", color=BLUE, label="floor, other J_max")
    ax.set_xlabel("mean waiting time between outbursts (ticks)")
    ax.set_ylabel("mean total activation per outburst (citizen·ticks)")
    ax.legend(loc="upper right")
    return finish(fig, "Waiting time vs activation: which variant matches both? (spec §0, 3)",
                   "waits 60 ± 55 and activation 708 ± 230 from the same runs.", out.ours, path)


def fig_movement(res: SuiteResults, out: Outcome, path: Path) -> Path:
    """Returns the path of the extra figure: outbursts with and without movement."""
    cols = [("run2-floor", "movement on"), ("run2-no-movement", "citizens immobile\n(cops move)"),
            ("run2-no-movement-at-all", "citizens and cops\nimmobile")]
    frames = [(res.frame(e), lab) for e, lab in cols]
    frames = [(df.set_index("replicate")["n_outbursts"], lab) for df, lab in frames
              if not df.empty]
    fig, (ax,) = new_figure()
    idx = frames[0][0].index
    for i in idx:
        ax.plot(range(len(frames)), [f.get(i, np.nan) for f, _ in frames], "-o", color=GREY,
                ms=4, lw=0.8)
    ax.plot(range(len(frames)), [f.mean() for f, _ in frames], "-s", color=RED, ms=7, lw=2,
            label="mean over seeds")
    ax.set_xticks(range(len(frames)), [lab for _, lab in frames])
    ax.set_xlim(-0.4, len(frames) - 0.6)
    ax.set_ylabel("outbursts per 3000 ticks (grey: one paired seed)")
    ax.legend(loc="upper right")
    return finish(fig, "Movement effect at Run 2 inputs (floor ratio)",
                   "movement makes rebellion episodes more frequent (per NetLogo's summary).",
                   out.ours, path)


def fig_jail_terms(res: SuiteResults, out: Outcome, path: Path) -> Path:
    """Returns the path of the extra figure: mean wait against J_max."""
    js, m, sd = [], [], []
    for j in JAIL_TERMS:
        w = pooled(res.frame("run2-floor" if j == 30 else f"jail-{j}"), "waits")
        if len(w) > 1:
            js.append(j)
            m.append(w.mean())
            sd.append(w.std(ddof=1))
    fig, (ax,) = new_figure()
    ax.errorbar(js, m, yerr=sd, fmt="o-", color=RED, capsize=3, label="ours: mean ± s.d.")
    ax.plot([10, 60], [3.5, 40.4], "s", color=BLUE, label="ndouglas (J = 10, 60)")
    ax.plot([0, 90], [0, 0.7 * 90], ls=":", color=BLACK, label="0.7 × J_max")
    ax.set_xlabel("maximum jail term J_max (ticks)")
    ax.set_ylabel("waiting time between outbursts (ticks)")
    ax.legend(loc="upper left")
    return finish(fig, "Jail term vs waiting time (Run 2, floor)",
                   "open conjecture: longer terms lengthen the waits.",
                   out.ours + ". " + "; ".join(out.detail), path)


#: claim id → [(file name, figure function)]
FIGURES: dict[str, list[tuple[str, Callable[[SuiteResults, Outcome, Path], Path]]]] = {
    "run1": [("fig01_run1_screens.png", fig_run1_screens),
             ("fig02_run1_outburst.png", fig_run1_outburst)],
    "run2-pe": [("fig03_04_run2.png", fig_run2)],
    "waits": [("fig05_waits.png", fig_waits)],
    "waits-log": [("fig06_waits_log.png", fig_waits_log)],
    "activation": [("fig07_activation.png", fig_activation)],
    "tension": [("fig08_tension.png", fig_tension)],
    "salami": [("fig09_salami.png", fig_salami)],
    "jump": [("fig10_jump.png", fig_jump)],
    "run5": [("fig11_cop_reduction.png", fig_cops)],
    "run6": [("fig12_run6.png", fig_run6)],
    "run7": [("fig13_run7.png", fig_run7)],
    "peacekeepers": [("fig14_peacekeepers.png", fig_peacekeepers)],
    "copsweep": [("fig15_extinction_mean.png", fig_sweep_mean),
                 ("fig16_extinction_sd.png", fig_sweep_sd),
                 ("fig17_extinction_runs.png", fig_sweep_all)],
    "tension-both": [("extra_variants.png", fig_variants)],
    "movement": [("extra_movement.png", fig_movement)],
    "jail-terms": [("extra_jail_terms.png", fig_jail_terms)],
}

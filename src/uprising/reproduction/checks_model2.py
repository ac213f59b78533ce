"""Model II claims of Epstein (2002) and the Granovetter extension: evaluators."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from uprising.reproduction.runner import SuiteResults
from uprising.reproduction.stats import (
    fair_coin,
    fmt,
    p_str,
    range_str,
    spearman,
)
from uprising.reproduction.suite import MODEL2_CAP, SWEEP_CAP
from uprising.reproduction.verdicts import (
    ALPHA,
    NOT_REPRODUCED,
    REPRODUCED,
    Outcome,
    sweep_table,
)


def run6(res: SuiteResults) -> Outcome:
    df = res.frame("run6")
    kills = int(df["kills"].sum())
    return Outcome(REPRODUCED if kills == 0 else NOT_REPRODUCED,
                   f"{kills} kills in {len(df)} seeds × {int(df['ticks'].max())} ticks")


def run7(res: SuiteResults) -> Outcome:
    df = res.frame("run7")
    ext = df["extinction_tick"].notna()
    blue = int((df["victor"] == "blue").sum())
    green = int((df["victor"] == "green").sum())
    p = fair_coin(blue, blue + green)
    ok = bool(ext.all()) and p >= ALPHA
    ours = (f"one group extinct in {int(ext.sum())}/{len(df)} seeds at t = "
            f"{range_str(df['extinction_tick'])} (mean {fmt(df['extinction_tick'].mean())}); "
            f"victor Blue {blue}, Green {green} (binomial {p_str(p)})")
    return Outcome(REPRODUCED if ok else NOT_REPRODUCED, ours)


def coexist(exp: str) -> Callable[[SuiteResults], Outcome]:
    def evaluate(res: SuiteResults) -> Outcome:
        df = res.frame(exp)
        alive = int(df["extinction_tick"].isna().sum())
        ours = (f"both groups alive at the end of the {MODEL2_CAP}-tick run in {alive}/{len(df)} "
                f"seeds; otherwise "
                f"extinct at t = {range_str(df['extinction_tick'])} (mean "
                f"{fmt(df['extinction_tick'].mean())})")
        return Outcome(REPRODUCED if alive > 0.5 * len(df) else NOT_REPRODUCED, ours)

    return evaluate


BANDS = ((0.0, 0.0, "94"), (0.01, 0.03, "106–119"), (0.04, 0.07, "156–196"),
         (0.08, 0.1, "223–263"))


def sweep(res: SuiteResults) -> Outcome:
    st = sweep_table(res)
    rho_m, p_m = spearman(st["point"], st["mean"])
    rho_s, p_s = spearman(st["point"], st["sd"])
    lines = []
    band_means = []
    for lo, hi, nd in BANDS:
        sel = st[(st["point"] >= lo - 1e-9) & (st["point"] <= hi + 1e-9)]
        m = float(sel["mean"].mean())
        band_means.append(m)
        lines.append(f"density {lo:g}–{hi:g}: mean extinction time {fmt(m)} (ndouglas {nd})")
    rising = all(b > a for a, b in itertools.pairwise(band_means))
    censored = int((st["runs"] - st["extinct"]).sum())
    ours = (f"Spearman ρ(density, mean) = {fmt(rho_m, 2)} ({p_str(p_m)}); ρ(density, s.d.) = "
            f"{fmt(rho_s, 2)} ({p_str(p_s)}); band means rise monotonically: "
            f"{'yes' if rising else 'no'}; {censored} runs reached the {SWEEP_CAP}-tick cap")
    ok = rho_m > 0 and p_m < ALPHA and rho_s > 0 and p_s < ALPHA and rising
    return Outcome(REPRODUCED if ok else NOT_REPRODUCED, ours, lines)


def granovetter(res: SuiteResults) -> Outcome:
    from uprising import granovetter as gr

    a = gr.final_riot(np.arange(100))
    th = np.arange(100)
    th[1] = 2
    b = gr.final_riot(th)
    crit = gr.critical_sigma(100, 0.25)
    ours = (f"test A: {a} riot, then {b}; test B: critical σ = {crit.infinite:.3f} (infinite "
            f"population), {crit.quantile_n:.3f} (N = 100 at normal quantiles), "
            f"{crit.random_n:.3f} (median of 400 random N = 100 populations)")
    ok = a == 100 and b == 1 and 0.10 <= crit.infinite <= 0.125
    return Outcome(REPRODUCED if ok else NOT_REPRODUCED, ours)



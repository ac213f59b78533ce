"""Model I claims of Epstein (2002): one evaluator per claim, each returning an Outcome."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from uprising.reproduction.runner import SuiteResults
from uprising.reproduction.stats import (
    fmt,
    mean_sd,
    p_str,
    pooled,
    range_str,
    sign_test,
    spearman,
)
from uprising.reproduction.suite import JAIL_TERMS
from uprising.reproduction.verdicts import (
    ALPHA,
    NOT_ASSESSED,
    NOT_REPRODUCED,
    PAPER_ACTIVATION,
    PAPER_WAIT,
    REPRODUCED,
    TABLE2_VARIANTS,
    Outcome,
    by_rule,
    matches,
    only_under,
    variant_table,
)


def _run1_one(df: pd.DataFrame) -> tuple[bool, str]:
    m, _ = mean_sd(df["mean_active_100_700"])
    calm = int((df["min_active_100_700"] < 10).sum())
    ok = 33 <= m <= 62 and calm <= 0.1 * len(df)
    return ok, (
        f"mean actives over t = 100–700 {fmt(m)} (per-seed means "
        f"{range_str(df['mean_active_100_700'])}), seeds with a calm stretch (< 10 actives) "
        f"{calm}/{len(df)}, per-seed minimum {range_str(df['min_active_100_700'])}, maximum "
        f"{range_str(df['max_active_100_700'])}"
    )


def _rules(res: SuiteResults, floor_exp: str, literal_exp: str,
           one: Callable[..., tuple[bool, str]]) -> Outcome:
    results = {"floor": one(res.frame(floor_exp))}
    lit = res.frame(literal_exp)
    if not lit.empty:
        results["literal"] = one(lit)
    return by_rule(results)


def run1(res: SuiteResults) -> Outcome:
    return _rules(res, "run1", "run1-literal", _run1_one)


def _deception_one(df: pd.DataFrame) -> tuple[bool, str]:
    tot = {k: int(df[k].sum()) for k in ("up", "up_cop_left", "down", "down_cop_came",
                                          "quiet_ticks", "quiet_cop_left", "active_ticks",
                                          "active_cop_came")}
    base_up = tot["quiet_cop_left"] / max(tot["quiet_ticks"], 1)
    base_down = tot["active_cop_came"] / max(tot["active_ticks"], 1)
    p_up = float(binomtest(tot["up_cop_left"], max(tot["up"], 1), base_up,
                           alternative="greater").pvalue)
    p_down = float(binomtest(tot["down_cop_came"], max(tot["down"], 1), base_down,
                             alternative="greater").pvalue)
    share_up = tot["up_cop_left"] / max(tot["up"], 1)
    share_down = tot["down_cop_came"] / max(tot["down"], 1)
    ok = p_up < ALPHA and p_down < ALPHA and tot["up"] > 0 and tot["down"] > 0
    return ok, (
        f"{fmt(100 * share_up)} % of {tot['up']} quiet → active switches came as a cop left "
        f"the agent's view (base rate for quiet agents {fmt(100 * base_up)} %, binomial "
        f"{p_str(p_up)}), {fmt(100 * share_down)} % of {tot['down']} active → quiet switches "
        f"as a cop arrived (base rate {fmt(100 * base_down, 2)} %, {p_str(p_down)}); "
        "grievance never changes"
    )


def deception(res: SuiteResults) -> Outcome:
    return _rules(res, "run1", "run1-literal", _deception_one)


def run2_pe(res: SuiteResults) -> Outcome:
    vt = variant_table(res).set_index("variant")
    with_pe = []
    lines = []
    for vid in TABLE2_VARIANTS:
        v = vid.removeprefix("run2-")
        if v not in vt.index:
            continue
        r = vt.loc[v]
        pe = r["outbursts"] >= 20 and r["share_under_10"] >= 0.5
        if pe:
            with_pe.append(v)
        lines.append(
            f"{v}: {fmt(r['outbursts'])} outbursts/3000 ticks, peak {fmt(r['peak'], 0)}, "
            f"{fmt(100 * r['share_under_10'])} % of ticks < 10 actives"
            + (" — punctuated" if pe else " — no punctuated equilibrium")
        )
    df = res.frame("run2-floor")
    ours = (
        f"floor: outbursts {range_str(df['n_outbursts'])} per 3000 ticks (target 101–122), "
        f"peak {range_str(df['peak_active'])} (290–368), calm share "
        f"{range_str(100 * df['share_ticks_under_10'])} % (61–68 %)"
    )
    literal_pe = "literal" in with_pe
    verdict = REPRODUCED if literal_pe else (only_under(with_pe) if with_pe else NOT_REPRODUCED)
    return Outcome(verdict, ours, lines)


def run2_literal(res: SuiteResults) -> Outcome:
    df = res.frame("run2-literal")
    ok = (df["n_outbursts"] == 0).all() and df["peak_active"].max() <= 35
    ours = (
        f"peak actives {range_str(df['peak_active'])}, outbursts "
        f"{int(df['n_outbursts'].sum())} in {len(df)} seeds × 3000 ticks"
    )
    return Outcome(REPRODUCED if ok else NOT_REPRODUCED, ours)


def waits(res: SuiteResults) -> Outcome:
    vt = variant_table(res)
    good = [r["variant"] for _, r in vt.iterrows()
            if matches(r["wait_mean"], r["wait_sd"], PAPER_WAIT)]
    lines = [f"{r['variant']}: {fmt(r['wait_mean'])} ± {fmt(r['wait_sd'])} "
             f"({r['n_waits']} waits)" for _, r in vt.iterrows()]
    fl = vt.set_index("variant").loc["floor"] if "floor" in set(vt["variant"]) else None
    ours = (f"floor: {fmt(fl['wait_mean'])} ± {fmt(fl['wait_sd'])}" if fl is not None else "")
    return Outcome(only_under(good) if good else NOT_REPRODUCED, ours, lines)


def slope(res: SuiteResults) -> Outcome:
    vt = variant_table(res)
    good = [r["variant"] for _, r in vt.iterrows() if -0.09 <= r["tail_slope"] <= -0.05]
    lines = [f"{r['variant']}: slope {fmt(r['tail_slope'], 3)}" for _, r in vt.iterrows()]
    fl = vt.set_index("variant")["tail_slope"].get("floor", math.nan)
    return Outcome(only_under(good) if good else NOT_REPRODUCED,
                   f"floor: log-frequency slope beyond 30 ticks {fmt(fl, 3)} per tick", lines)


def activation(res: SuiteResults) -> Outcome:
    vt = variant_table(res)
    good = [r["variant"] for _, r in vt.iterrows()
            if matches(r["activation_mean"], r["activation_sd"], PAPER_ACTIVATION)]
    lines = [f"{r['variant']}: {fmt(r['activation_mean'], 0)} ± {fmt(r['activation_sd'], 0)} "
             f"({r['n_outbursts_total']} outbursts)" for _, r in vt.iterrows()]
    fl = vt.set_index("variant").loc["floor"]
    mean_only = [r["variant"] for _, r in vt.iterrows()
                 if abs(r["activation_mean"] - PAPER_ACTIVATION[0]) <= 0.25 * PAPER_ACTIVATION[0]]
    ours = f"floor: {fmt(fl['activation_mean'], 0)} ± {fmt(fl['activation_sd'], 0)}"
    if mean_only:
        ours += f"; the mean alone is within ±25 % under {', '.join(mean_only)}"
    return Outcome(only_under(good) if good else NOT_REPRODUCED, ours, lines)


def both(res: SuiteResults) -> Outcome:
    vt = variant_table(res)
    both = [r["variant"] for _, r in vt.iterrows()
            if matches(r["wait_mean"], r["wait_sd"], PAPER_WAIT)
            and matches(r["activation_mean"], r["activation_sd"], PAPER_ACTIVATION)]
    lines = [f"{r['variant']}: waits {fmt(r['wait_mean'])} ± {fmt(r['wait_sd'])}, activation "
             f"{fmt(r['activation_mean'], 0)} ± {fmt(r['activation_sd'], 0)}"
             for _, r in vt.iterrows()]
    jl = []
    for j in JAIL_TERMS:
        df = res.frame("run2-floor" if j == 30 else f"jail-{j}")
        if df.empty:
            continue
        w, a = pooled(df, "waits"), pooled(df, "activations")
        jl.append(f"floor, J_max = {j}: waits {fmt(w.mean() if len(w) else math.nan)}, "
                  f"activation {fmt(a.mean() if len(a) else math.nan, 0)}")
    ours = ("no variant matches both" if not both else f"both match under {', '.join(both)}")
    return Outcome(only_under(both) if both else NOT_REPRODUCED, ours, lines + jl)


def tension(res: SuiteResults) -> Outcome:
    s = res.series("run2-floor", 0)
    if s is None or "tension" not in s:
        return Outcome(NOT_ASSESSED, "tension series missing")
    tension, active = np.asarray(s["tension"]), np.asarray(s["active"])
    starts = [i for i in range(11, len(active)) if active[i] > 50 and active[i - 1] <= 50]
    rises = [tension[i - 1] - tension[i - 10] for i in starts if active[i - 10] <= 50]
    up = sum(r > 0 for r in rises)
    down = sum(r < 0 for r in rises)
    p = sign_test(up, down)
    ours = (f"seed 0: tension rose over the 10 calm-side ticks before {up} of {len(rises)} "
            f"outburst starts (fell before {down}); sign test {p_str(p)}")
    return Outcome(only_under(["floor"]) if p < ALPHA else NOT_REPRODUCED, ours)


def movement(res: SuiteResults) -> Outcome:
    on = res.frame("run2-floor").set_index("replicate")["n_outbursts"]
    holds, lines = [], []
    for exp, name, variant in (
        ("run2-no-movement", "citizens immobile, cops move", "cops move when movement is off"),
        ("run2-no-movement-at-all", "citizens and cops immobile",
         "cops immobile too when movement is off"),
    ):
        off_df = res.frame(exp)
        if off_df.empty:
            continue
        off = off_df.set_index("replicate")["n_outbursts"]
        both = on.index.intersection(off.index)
        wins = int((on[both] > off[both]).sum())
        losses = int((on[both] < off[both]).sum())
        p = sign_test(wins, losses)
        if p < ALPHA:
            holds.append(f"floor with {variant}")
        lines.append(f"{name}: {fmt(off.mean())} outbursts per 3000 ticks (movement: "
                     f"{fmt(on.mean())}); movement more in {wins}/{len(both)} paired seeds, "
                     f"fewer in {losses} (sign test {p_str(p)})")
    ours = "; ".join(lines) if lines else "not run"
    return Outcome(only_under(holds) if holds else NOT_REPRODUCED, ours)


def _salami_one(df: pd.DataFrame) -> tuple[bool, str]:
    passed = int(df["passed_50_after_77"].sum())
    return passed <= 0.25 * len(df), (
        f"salami passes 50 actives after t = 77 in {passed}/{len(df)} seeds (ndouglas 3/20), "
        f"peak {range_str(df['peak_after_77'])}, jail at t = 300 {range_str(df['final_jailed'])}"
    )


def salami(res: SuiteResults) -> Outcome:
    return _rules(res, "run3-salami", "run3-salami-literal", _salami_one)


def _paired(salami: pd.DataFrame, jump: pd.DataFrame, col: str) -> tuple[int, int, int]:
    a = jump.set_index("replicate")[col]
    b = salami.set_index("replicate")[col]
    idx = a.index.intersection(b.index)
    return int((a[idx] > b[idx]).sum()), int((a[idx] < b[idx]).sum()), len(idx)


def _pair_rules(res: SuiteResults, one: Callable[..., tuple[bool, str]]) -> Outcome:
    results = {"floor": one(res.frame("run3-salami"), res.frame("run4-jump"))}
    s_lit, j_lit = res.frame("run3-salami-literal"), res.frame("run4-jump-literal")
    if not s_lit.empty and not j_lit.empty:
        results["literal"] = one(s_lit, j_lit)
    return by_rule(results)


def _jump_one(salami: pd.DataFrame, jump: pd.DataFrame) -> tuple[bool, str]:
    wins, losses, n = _paired(salami, jump, "peak_after_77")
    p = sign_test(wins, losses)
    exploded = int(jump["passed_50_after_77"].sum())
    return p < ALPHA and exploded >= 0.25 * len(jump), (
        f"jump peak after t = 77 above salami in {wins}/{n} paired seeds, below in {losses} "
        f"(ndouglas 17/20; sign test {p_str(p)}), jump passes 50 actives in "
        f"{int(jump['passed_50_after_77'].sum())}/{len(jump)} (ndouglas 9/20), jump peak "
        f"{range_str(jump['peak_after_77'])}"
    )


def jump(res: SuiteResults) -> Outcome:
    return _pair_rules(res, _jump_one)


def _jump_jail_one(salami: pd.DataFrame, jump: pd.DataFrame) -> tuple[bool, str]:
    wins, losses, n = _paired(salami, jump, "final_jailed")
    p = sign_test(wins, losses)
    return p < ALPHA, (f"jump's jail at t = 300 larger in {wins}/{n} paired seeds "
                       f"(ndouglas 7/20; sign test {p_str(p)})")


def jump_jail(res: SuiteResults) -> Outcome:
    return _pair_rules(res, _jump_jail_one)


def run5(res: SuiteResults) -> Outcome:
    fl = res.frame("run5-floor")
    li = res.frame("run5-literal")
    tipped = int((fl["peak_active"] > 50).sum())
    lit_tipped = int((li["peak_active"] > 50).sum())
    ours = (f"floor tips (> 50 actives) in {tipped}/{len(fl)} seeds, peak "
            f"{range_str(fl['peak_active'])} (mean {fmt(fl['peak_active'].mean(), 0)}) at mean "
            f"t = {fmt(fl['peak_tick'].mean(), 0)} with {fmt(fl['cops_at_peak'].mean(), 0)} "
            f"cops left; literal tips in {lit_tipped}/{len(li)} (peaks "
            f"{range_str(li['peak_active'])})")
    if tipped == len(fl) and lit_tipped == len(li):
        return Outcome(REPRODUCED, ours)
    if tipped == len(fl):
        return Outcome(only_under(["floor"]), ours)
    return Outcome(NOT_REPRODUCED, ours)


def jail_terms(res: SuiteResults) -> Outcome:
    js, waits, lines = [], [], []
    for j in JAIL_TERMS:
        df = res.frame("run2-floor" if j == 30 else f"jail-{j}")
        if df.empty:
            continue
        w = pooled(df, "waits")
        m = float(w.mean()) if len(w) else math.nan
        js.append(j)
        waits.append(m)
        ended = int(sum(len(a) for a in df["activations"]))
        lines.append(f"J_max = {j}: mean wait {fmt(m)} ({fmt(m / j, 2)} × J_max), "
                     f"{ended} completed outbursts")
    rho, p = spearman(js, waits)
    ours = f"Spearman ρ(J_max, mean wait) = {fmt(rho, 2)} ({p_str(p)})"
    ok = not math.isnan(rho) and rho > 0 and p < ALPHA
    return Outcome(only_under(["floor"]) if ok else NOT_REPRODUCED, ours, lines)


# -- Model II ------------------------------------------------------------------------------



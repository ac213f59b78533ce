"""The published claims of Epstein (2002) (epstein_spec.md §6.3–6.5) and how each is judged.

Every claim states the paper's words, the independent replication's numbers (ndouglas, 20 seeds,
unless noted) and a rule for our verdict fixed in advance: ``reproduced``, ``reproduced only
under variant X`` or ``not reproduced``. Thresholds are the spec's ranges, never fitted to our
output. Known failures of the replication literature are flagged ``known_fail``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from uprising.reproduction.runner import SuiteResults
from uprising.reproduction.stats import (
    fair_coin,
    fmt,
    log_tail_slope,
    mean_sd,
    pooled,
    range_str,
    sign_test,
    spearman,
)
from uprising.reproduction.suite import JAIL_TERMS, RUN2_VARIANTS, SWEEP_CAP

REPRODUCED = "reproduced"
NOT_REPRODUCED = "not reproduced"
NOT_ASSESSED = "not assessed"

#: Variants run at Table 2's Run 2 inputs (L = 0.82); the L ≠ 0.82 ones change an input.
TABLE2_VARIANTS = ("run2-floor", "run2-literal", "run2-round", "run2-netlogo", "run2-mesa")
PAPER_WAIT = (60.0, 55.0)
PAPER_ACTIVATION = (708.0, 230.0)
ALPHA = 0.05


def only_under(variants: list[str]) -> str:
    """Returns the verdict text for a claim that holds only under some variants."""
    return f"reproduced only under variant {', '.join(variants)}"


@dataclass
class Outcome:
    """Our numbers and verdict for one claim."""

    verdict: str
    ours: str
    detail: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Claim:
    """A published claim with its evaluation rule."""

    id: str
    figure: str
    title: str
    paper: str
    replication: str
    rule: str
    evaluate: Callable[[SuiteResults], Outcome]
    known_fail: bool = False
    figure_file: str = ""


def variant_table(res: SuiteResults) -> pd.DataFrame:
    """Returns one row per Run 2 rule variant: outbursts, peak, calm share, waits, activation."""
    rows = []
    for v in RUN2_VARIANTS:
        df = res.frame(v.id)
        if df.empty:
            continue
        waits = pooled(df, "waits")
        acts = pooled(df, "activations")
        rows.append(
            {
                "variant": v.id.removeprefix("run2-"),
                "description": v.label,
                "outbursts": df["n_outbursts"].mean(),
                "peak": df["peak_active"].mean(),
                "share_under_10": df["share_ticks_under_10"].mean(),
                "wait_mean": waits.mean() if len(waits) else math.nan,
                "wait_sd": waits.std(ddof=1) if len(waits) > 1 else math.nan,
                "activation_mean": acts.mean() if len(acts) else math.nan,
                "activation_sd": acts.std(ddof=1) if len(acts) > 1 else math.nan,
                "tail_slope": log_tail_slope(waits),
                "n_waits": len(waits),
                "n_outbursts_total": len(acts),
            }
        )
    return pd.DataFrame(rows)


def _matches(mean: float, sd: float, target: tuple[float, float]) -> bool:
    """Mean within ±25 % and s.d. within ±35 % of the paper's (mean, s.d.)."""
    if math.isnan(mean) or math.isnan(sd):
        return False
    return abs(mean - target[0]) <= 0.25 * target[0] and abs(sd - target[1]) <= 0.35 * target[1]


# -- Model I -------------------------------------------------------------------------------


def _by_rule(results: dict[str, tuple[bool, str]]) -> Outcome:
    """Returns the outcome of a claim checked under several arrest-ratio rules.

    ``results`` maps a rule name ("floor", "literal", ...) to (holds, our numbers). The claim
    is reproduced if it holds under the paper's literal ratio, reproduced only under the
    variants where it holds otherwise.
    """
    holds = [rule for rule, (ok, _) in results.items() if ok]
    texts = [f"{rule}: {text}" for rule, (_, text) in results.items()]
    if "literal" in holds:
        return Outcome(REPRODUCED, texts[0], texts[1:])
    return Outcome(only_under(holds) if holds else NOT_REPRODUCED, texts[0], texts[1:])


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
    return _by_rule(results)


def _run1(res: SuiteResults) -> Outcome:
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
        f"p = {p_up:.2g}), {fmt(100 * share_down)} % of {tot['down']} active → quiet switches "
        f"as a cop arrived (base rate {fmt(100 * base_down, 2)} %, p = {p_down:.2g}); "
        "grievance never changes"
    )


def _deception(res: SuiteResults) -> Outcome:
    return _rules(res, "run1", "run1-literal", _deception_one)


def _run2_pe(res: SuiteResults) -> Outcome:
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


def _run2_literal(res: SuiteResults) -> Outcome:
    df = res.frame("run2-literal")
    ok = (df["n_outbursts"] == 0).all() and df["peak_active"].max() <= 35
    ours = (
        f"peak actives {range_str(df['peak_active'])}, outbursts "
        f"{int(df['n_outbursts'].sum())} in {len(df)} seeds × 3000 ticks"
    )
    return Outcome(REPRODUCED if ok else NOT_REPRODUCED, ours)


def _waits(res: SuiteResults) -> Outcome:
    vt = variant_table(res)
    good = [r["variant"] for _, r in vt.iterrows()
            if _matches(r["wait_mean"], r["wait_sd"], PAPER_WAIT)]
    lines = [f"{r['variant']}: {fmt(r['wait_mean'])} ± {fmt(r['wait_sd'])} "
             f"({r['n_waits']} waits)" for _, r in vt.iterrows()]
    fl = vt.set_index("variant").loc["floor"] if "floor" in set(vt["variant"]) else None
    ours = (f"floor: {fmt(fl['wait_mean'])} ± {fmt(fl['wait_sd'])}" if fl is not None else "")
    return Outcome(only_under(good) if good else NOT_REPRODUCED, ours, lines)


def _slope(res: SuiteResults) -> Outcome:
    vt = variant_table(res)
    good = [r["variant"] for _, r in vt.iterrows() if -0.09 <= r["tail_slope"] <= -0.05]
    lines = [f"{r['variant']}: slope {fmt(r['tail_slope'], 3)}" for _, r in vt.iterrows()]
    fl = vt.set_index("variant")["tail_slope"].get("floor", math.nan)
    return Outcome(only_under(good) if good else NOT_REPRODUCED,
                   f"floor: log-frequency slope beyond 30 ticks {fmt(fl, 3)} per tick", lines)


def _activation(res: SuiteResults) -> Outcome:
    vt = variant_table(res)
    good = [r["variant"] for _, r in vt.iterrows()
            if _matches(r["activation_mean"], r["activation_sd"], PAPER_ACTIVATION)]
    lines = [f"{r['variant']}: {fmt(r['activation_mean'], 0)} ± {fmt(r['activation_sd'], 0)} "
             f"({r['n_outbursts_total']} outbursts)" for _, r in vt.iterrows()]
    fl = vt.set_index("variant").loc["floor"]
    mean_only = [r["variant"] for _, r in vt.iterrows()
                 if abs(r["activation_mean"] - PAPER_ACTIVATION[0]) <= 0.25 * PAPER_ACTIVATION[0]]
    ours = f"floor: {fmt(fl['activation_mean'], 0)} ± {fmt(fl['activation_sd'], 0)}"
    if mean_only:
        ours += f"; the mean alone is within ±25 % under {', '.join(mean_only)}"
    return Outcome(only_under(good) if good else NOT_REPRODUCED, ours, lines)


def _both(res: SuiteResults) -> Outcome:
    vt = variant_table(res)
    both = [r["variant"] for _, r in vt.iterrows()
            if _matches(r["wait_mean"], r["wait_sd"], PAPER_WAIT)
            and _matches(r["activation_mean"], r["activation_sd"], PAPER_ACTIVATION)]
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


def _tension(res: SuiteResults) -> Outcome:
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
            f"outburst starts (fell before {down}); sign test p = {p:.2g}")
    return Outcome(only_under(["floor"]) if p < ALPHA else NOT_REPRODUCED, ours)


def _movement(res: SuiteResults) -> Outcome:
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
                     f"fewer in {losses} (sign test p = {p:.2g})")
    ours = "; ".join(lines) if lines else "not run"
    return Outcome(only_under(holds) if holds else NOT_REPRODUCED, ours)


def _salami_one(df: pd.DataFrame) -> tuple[bool, str]:
    passed = int(df["passed_50_after_77"].sum())
    return passed <= 0.25 * len(df), (
        f"salami passes 50 actives after t = 77 in {passed}/{len(df)} seeds (ndouglas 3/20), "
        f"peak {range_str(df['peak_after_77'])}, jail at t = 300 {range_str(df['final_jailed'])}"
    )


def _salami(res: SuiteResults) -> Outcome:
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
    return _by_rule(results)


def _jump_one(salami: pd.DataFrame, jump: pd.DataFrame) -> tuple[bool, str]:
    wins, losses, n = _paired(salami, jump, "peak_after_77")
    p = sign_test(wins, losses)
    exploded = int(jump["passed_50_after_77"].sum())
    return p < ALPHA and exploded >= 0.25 * len(jump), (
        f"jump peak after t = 77 above salami in {wins}/{n} paired seeds, below in {losses} "
        f"(ndouglas 17/20; sign test p = {p:.2g}), jump passes 50 actives in "
        f"{int(jump['passed_50_after_77'].sum())}/{len(jump)} (ndouglas 9/20), jump peak "
        f"{range_str(jump['peak_after_77'])}"
    )


def _jump(res: SuiteResults) -> Outcome:
    return _pair_rules(res, _jump_one)


def _jump_jail_one(salami: pd.DataFrame, jump: pd.DataFrame) -> tuple[bool, str]:
    wins, losses, n = _paired(salami, jump, "final_jailed")
    p = sign_test(wins, losses)
    return p < ALPHA, (f"jump's jail at t = 300 larger in {wins}/{n} paired seeds "
                       f"(ndouglas 7/20; sign test p = {p:.2g})")


def _jump_jail(res: SuiteResults) -> Outcome:
    return _pair_rules(res, _jump_jail_one)


def _run5(res: SuiteResults) -> Outcome:
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


def _jail_terms(res: SuiteResults) -> Outcome:
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
    ours = f"Spearman ρ(J_max, mean wait) = {fmt(rho, 2)} (p = {p:.2g})"
    ok = not math.isnan(rho) and rho > 0 and p < ALPHA
    return Outcome(only_under(["floor"]) if ok else NOT_REPRODUCED, ours, lines)


# -- Model II ------------------------------------------------------------------------------


def _run6(res: SuiteResults) -> Outcome:
    df = res.frame("run6")
    kills = int(df["kills"].sum())
    return Outcome(REPRODUCED if kills == 0 else NOT_REPRODUCED,
                   f"{kills} kills in {len(df)} seeds × {int(df['ticks'].max())} ticks")


def _run7(res: SuiteResults) -> Outcome:
    df = res.frame("run7")
    ext = df["extinction_tick"].notna()
    blue = int((df["victor"] == "blue").sum())
    green = int((df["victor"] == "green").sum())
    p = fair_coin(blue, blue + green)
    ok = bool(ext.all()) and p >= ALPHA
    ours = (f"one group extinct in {int(ext.sum())}/{len(df)} seeds at t = "
            f"{range_str(df['extinction_tick'])} (mean {fmt(df['extinction_tick'].mean())}); "
            f"victor Blue {blue}, Green {green} (binomial p = {fmt(p, 2)})")
    return Outcome(REPRODUCED if ok else NOT_REPRODUCED, ours)


def _coexist(exp: str) -> Callable[[SuiteResults], Outcome]:
    def evaluate(res: SuiteResults) -> Outcome:
        df = res.frame(exp)
        alive = int(df["extinction_tick"].isna().sum())
        cap = int(df["ticks"].max())
        ours = (f"both groups alive after {cap} ticks in {alive}/{len(df)} seeds; otherwise "
                f"extinct at t = {range_str(df['extinction_tick'])} (mean "
                f"{fmt(df['extinction_tick'].mean())})")
        return Outcome(REPRODUCED if alive > 0.5 * len(df) else NOT_REPRODUCED, ours)

    return evaluate


def sweep_table(res: SuiteResults) -> pd.DataFrame:
    """Returns per cop density: runs, extinct runs, mean and s.d. of the extinction time
    (censored runs counted at the cap)."""
    df = res.frame("copsweep")
    if df.empty:
        return df
    t = df["extinction_tick"].fillna(float(SWEEP_CAP))
    g = df.assign(t=t).groupby("point")
    return pd.DataFrame(
        {
            "runs": g.size(),
            "extinct": g["extinction_tick"].count(),
            "mean": g["t"].mean(),
            "median": g["t"].median(),
            "sd": g["t"].std(ddof=1),
        }
    ).reset_index()


BANDS = ((0.0, 0.0, "94"), (0.01, 0.03, "106–119"), (0.04, 0.07, "156–196"),
         (0.08, 0.1, "223–263"))


def _sweep(res: SuiteResults) -> Outcome:
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
    ours = (f"Spearman ρ(density, mean) = {fmt(rho_m, 2)} (p = {p_m:.2g}); ρ(density, s.d.) = "
            f"{fmt(rho_s, 2)} (p = {p_s:.2g}); band means rise monotonically: "
            f"{'yes' if rising else 'no'}; {censored} runs reached the {SWEEP_CAP}-tick cap")
    ok = rho_m > 0 and p_m < ALPHA and rho_s > 0 and p_s < ALPHA and rising
    return Outcome(REPRODUCED if ok else NOT_REPRODUCED, ours, lines)


def _granovetter(res: SuiteResults) -> Outcome:
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


CLAIMS: tuple[Claim, ...] = (
    Claim("run1", "1–2", "Run 1: local outbursts with immobile agents",
          "Deceptive behaviour and local outbursts with v = 1.7, L = 0.89, no movement",
          "steady simmer of 33–62 actives (mean 48) over t = 100–700, no calm stretches",
          "mean actives over t = 100–700 within 33–62 and ≤ 10 % of seeds with < 10 actives",
          _run1, figure_file="fig01_02_run1.png"),
    Claim("deception", "1–2", "Run 1: deceptive behaviour",
          "agents turn active when cops leave their vicinity and quiet when cops approach, "
          "with private grievance unchanged",
          "qualitative (NetLogo 'Things to notice'); not measured by ndouglas",
          "switches coincide with a cop leaving (→ active) or arriving (→ quiet) more often "
          "than the base rate (one-sided binomial tests, both p < 0.05)", _deception,
          figure_file="fig01_02_run1.png"),
    Claim("run2-pe", "3–4", "Run 2: punctuated equilibrium",
          "Long quiescent periods broken by outbursts at Run 2's inputs",
          "floor: 101–122 outbursts per 3000 ticks, peak 290–368, 61–68 % of ticks < 10 "
          "actives; the literal ratio never erupts",
          "≥ 20 outbursts per 3000 ticks and ≥ 50 % of ticks with < 10 actives, per variant",
          _run2_pe, figure_file="fig03_04_run2.png"),
    Claim("run2-literal", "—", "Run 2 with the paper's literal ratio stays calm",
          "(replication finding, not a paper claim)",
          "peaks 13–34, zero outbursts in 20 seeds × 3000 ticks",
          "no outburst and peak ≤ 35 in every seed", _run2_literal,
          figure_file="fig03_04_run2.png"),
    Claim("waits", "5", "Waiting time between outbursts",
          "mean 60, s.d. 55", "floor ≈ 22 (KNOWN-FAIL)",
          "pooled mean within ±25 % and s.d. within ±35 % of 60 ± 55, per variant",
          _waits, known_fail=True, figure_file="fig05_waits.png"),
    Claim("waits-log", "6", "Logged waiting-time frequencies",
          "truncated at 30 and logged: slope −0.07", "not measured",
          "maximum-likelihood exponential slope of the waits ≥ 30 within −0.09 … −0.05, "
          "per variant",
          _slope, figure_file="fig06_waits_log.png"),
    Claim("activation", "7", "Total activation per outburst",
          "mean 708, s.d. 230", "floor ≈ 779",
          "pooled mean within ±25 % and s.d. within ±35 % of 708 ± 230, per variant",
          _activation, figure_file="fig07_activation.png"),
    Claim("tension", "8", "Tension builds before outbursts",
          "tension rises before outbursts", "measured as Ḡ·B̄/R̄ (their reading)",
          "tension rises over the 10 ticks before most outburst starts (sign test, p < 0.05)",
          _tension, figure_file="fig08_tension.png"),
    Claim("movement", "—", "Free assembly catalyses outbursts",
          "movement makes rebellion episodes more frequent (NetLogo's summary)",
          "qualitative", "more outbursts with movement in most paired seeds (sign test p < 0.05)",
          _movement, figure_file="extra_movement.png"),
    Claim("salami", "9", "Salami tactics: no spike",
          "L 0.9 → 0.2 in small increments: no spike of actives, smoothly rising jail",
          "passes 50 actives in 3/20 seeds; jail at t = 300 322–910 in 17/20 calm seeds",
          "≤ 25 % of seeds pass 50 actives after t = 77", _salami,
          figure_file="fig09_salami.png"),
    Claim("jump", "10", "One jump: an explosion of actives",
          "L 0.9 → 0.7 at t = 77: an explosion of actives",
          "jump's peak above salami's in 17/20 paired seeds; jump passes 50 in 9/20",
          "jump's peak after t = 77 above salami's in most paired seeds (sign test p < 0.05) "
          "and an outburst (> 50 actives) after the jump in ≥ 25 % of seeds",
          _jump, figure_file="fig10_jump.png"),
    Claim("jump-jail", "10", "One jump ends with a larger jail",
          "the jailed population exceeds the first run's", "holds in 7/20 (KNOWN-FAIL)",
          "jump's jail at t = 300 larger in most paired seeds (sign test p < 0.05)",
          _jump_jail, known_fail=True, figure_file="fig10_jump.png"),
    Claim("run5", "11", "Cop reductions tip society into rebellion",
          "walking cops down 'tips' society into rebellion",
          "floor: every seed tips, peak 64–345 (mean 194) at t ≈ 177 with ≈ 88 cops left; "
          "literal never tips (peaks 14–33)",
          "every seed passes 50 actives (reproduced outright if the literal ratio tips too)",
          _run5, figure_file="fig11_cop_reduction.png"),
    Claim("jail-terms", "—", "Longer jail terms lengthen waits (open conjecture)",
          "conjecture", "3.5 ticks at J_max = 10 → 40.4 at 60; ≈ 0.66–0.74 × J_max for "
          "J_max ≥ 15; at J_max = 5 no outburst ends",
          "mean wait rises with J_max (Spearman p < 0.05)", _jail_terms,
          figure_file="extra_jail_terms.png"),
    Claim("run6", "12", "Run 6: peaceful coexistence",
          "L = 0.9, no cops: peaceful coexistence", "no killing in 20/20 (forced: G ≤ T)",
          "zero kills in every seed", _run6, figure_file="fig12_run6.png"),
    Claim("run7", "13", "Run 7: genocide, random victor",
          "genocide always observed (n = 30); the victor is random",
          "genocide 20/20 at t = 30–190 (mean 94); Blue 12, Green 8",
          "one group extinct in every seed and a fair-coin victor (binomial p ≥ 0.05)",
          _run7, figure_file="fig13_run7.png"),
    Claim("peacekeepers", "14", "Safe havens under peacekeeping",
          "safe havens typically emerge when peacekeepers arrive",
          "0.04 at t = 50: genocide 20/20 by t = 30–377 (KNOWN-FAIL)",
          "both groups alive at the end in most seeds", _coexist("peacekeepers"),
          known_fail=True, figure_file="fig14_peacekeepers.png"),
    Claim("run8", "—", "Run 8: a stable, but nasty, regime",
          "cops 0.04 from the start: a stable, but nasty, regime",
          "one group gone in 20/20 by t = 75–882 (KNOWN-FAIL)",
          "both groups alive at the end in most seeds", _coexist("run8"), known_fail=True,
          figure_file="fig14_peacekeepers.png"),
    Claim("copsweep", "15–17", "Time to genocide rises with cop density",
          "mean and s.d. of the time to genocide rise with initial cop density",
          "mean 94 at 0; 106–119 at 0.01–0.03; 156–196 at 0.04–0.07; 223–263 at 0.08–0.1",
          "Spearman ρ > 0 with p < 0.05 for mean and s.d., and band means rising",
          _sweep, figure_file="fig15_extinction_mean.png"),
    Claim("tension-both", "5 & 7", "One variant for both waits and activation?",
          "waits 60 ± 55 and activation 708 ± 230 in the same runs",
          "floor matches activation, not waits (spec §0 finding 3: open question)",
          "a variant meeting both the waits and the activation rule",
          _both, figure_file="extra_variants.png"),
    Claim("granovetter", "—", "Granovetter (1978) threshold cascade (extension §6.6)",
          "thresholds 0..99: all riot; one change: 1 riots; critical σ ≈ 0.12",
          "recomputation puts the critical σ nearer 0.10",
          "test A exact and the infinite-population critical σ within 0.10–0.125",
          _granovetter),
)


def evaluate_all(res: SuiteResults) -> list[tuple[Claim, Outcome]]:
    """Returns every claim with its outcome (an evaluation error becomes 'not assessed')."""
    out = []
    for c in CLAIMS:
        try:
            outcome = c.evaluate(res)
        except Exception as exc:  # a missing experiment must not sink the whole report
            outcome = Outcome(NOT_ASSESSED, f"evaluation failed: {type(exc).__name__}: {exc}")
        out.append((c, outcome))
    return out

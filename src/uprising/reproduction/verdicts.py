"""Verdict vocabulary (reproduced / only under a variant / not) and the shared result tables."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from uprising.reproduction.runner import SuiteResults
from uprising.reproduction.stats import (
    log_tail_slope,
    pooled,
)
from uprising.reproduction.suite import RUN2_VARIANTS, SWEEP_CAP

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


def matches(mean: float, sd: float, target: tuple[float, float]) -> bool:
    """Mean within ±25 % and s.d. within ±35 % of the paper's (mean, s.d.)."""
    if math.isnan(mean) or math.isnan(sd):
        return False
    return abs(mean - target[0]) <= 0.25 * target[0] and abs(sd - target[1]) <= 0.35 * target[1]


# -- Model I -------------------------------------------------------------------------------


def by_rule(results: dict[str, tuple[bool, str]]) -> Outcome:
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



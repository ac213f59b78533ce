"""Emergent Model I targets of Run 2 (epstein_spec.md §6.3 items 14 and 15).

Run 2: vision 7, L = 0.82, J_max = 30, cops 0.04, movement on, 3000 ticks, 40 × 40 torus.
Outbursts start when actives exceed 50 and end when they fall below 50 (spec §1.7); they are
recomputed here from the series (and must agree with the package's observer).

Item 14 (floor rule) targets are ndouglas's 20-seed ranges: 101–122 outbursts, peak
290–368, 61–68 % of ticks under 10 actives; mean total activation ≈ 779 (paper 708 ± 230)
and mean wait ≈ 22 (paper 60 ± 55, a KNOWN-FAIL). The "≈" values are checked to ±10 % on
the mean over seeds. The three ranges are the min and max of 20 seeds, not a tolerance
interval: a fresh sample from the *same* model falls outside them often (the chance that the
largest of 28 exchangeable values is one of 8 new ones is 8/28 per side and statistic). So
each seed is held to a band derived from the range itself: for 20 normal draws the expected
range is 3.735 σ, hence σ ≈ (hi − lo)/3.735 and the band is midpoint ± 3σ (the range
widened by about 30 % of its width on each side); and the mean over the seeds must lie
inside the unwidened range.

Item 15 (literal rule): no outburst in any seed and a peak of at most 35 actives.

Default run: seeds 0..7 per rule (16 runs of 3000 ticks, ≈ 1–2 s each on an idle core).
The slow test repeats both checks on seeds 0..19.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from uprising import Model

SEEDS = tuple(range(8))
SLOW_SEEDS = tuple(range(20))
TICKS = 3000
THRESHOLD = 50

# ndouglas's 20-seed ranges (spec §6.3 item 14)
RANGES = {"n_outbursts": (101, 122), "peak": (290, 368), "share_under_10": (0.61, 0.68)}


def band(lo: float, hi: float) -> tuple[float, float]:
    """Returns midpoint ± 3σ with σ = (hi − lo)/3.735 (expected range of 20 normal draws)."""
    mid, sigma = (lo + hi) / 2, (hi - lo) / 3.735
    return mid - 3 * sigma, mid + 3 * sigma


def outbursts(active: np.ndarray) -> tuple[list[tuple[int, int, int]], list[int]]:
    """Returns ([(start, end or −1, total activation)], waits) for ticks 1..N.

    ``active[i]`` is the count at tick i + 1. An outburst starts at the first tick with more
    than 50 actives and ends at the first later tick with fewer than 50 (not included).
    A wait is the number of ticks from one outburst's end to the next one's start.
    """
    out = []
    start = None
    for i, a in enumerate(active):
        if start is None and a > THRESHOLD:
            start = i
        elif start is not None and a < THRESHOLD:
            out.append((start, i, int(active[start:i].sum())))
            start = None
    if start is not None:
        out.append((start, -1, int(active[start:].sum())))
    waits = [out[j + 1][0] - out[j][1] for j in range(len(out) - 1)]
    return out, waits


def run_stats(rule: str, seed: int) -> dict:
    m = Model("epstein2002-run2", rng=seed, overrides=[f"rules.arrest_ratio={rule}"])
    assert m.scenario.ticks == TICKS
    m.run()
    df = m.get_model_vars_dataframe()
    assert len(df) == TICKS + 1
    active = df["active"].to_numpy()[1:]
    bursts, waits = outbursts(active)
    complete = [b for b in bursts if b[1] >= 0]
    stats = {
        "seed": seed,
        "n_outbursts": len(bursts),
        "peak": int(active.max()),
        "share_under_10": float(np.mean(active < 10)),
        "mean_activation": float(np.mean([b[2] for b in complete])) if complete else math.nan,
        "sd_activation": float(np.std([b[2] for b in complete], ddof=1))
        if len(complete) > 1 else math.nan,
        "mean_wait": float(np.mean(waits)) if waits else math.nan,
        "sd_wait": float(np.std(waits, ddof=1)) if len(waits) > 1 else math.nan,
        "waits": waits,
    }
    # the package's observer must agree with this independent count
    summary = m.result().summary
    assert summary["n_outbursts"] == stats["n_outbursts"]
    assert summary["peak_active"] == stats["peak"]
    assert summary["share_ticks_under_10"] == pytest.approx(stats["share_under_10"])
    if complete:
        assert summary["mean_total_activation"] == pytest.approx(stats["mean_activation"])
    if waits:
        assert summary["mean_wait"] == pytest.approx(stats["mean_wait"])
    return stats


def table(rows: list[dict]) -> str:
    cols = ("seed", "n_outbursts", "peak", "share_under_10", "mean_activation",
            "sd_activation", "mean_wait", "sd_wait")
    lines = [" ".join(f"{c:>15}" for c in cols)]
    for r in rows:
        lines.append(" ".join(f"{r[c]:>15.4g}" if isinstance(r[c], float) else f"{r[c]:>15}"
                              for c in cols))
    return "\n".join(lines)


def check_floor(rows: list[dict], each_seed_activation: bool = True) -> None:
    print("\nRun 2, floor rule\n" + table(rows))
    for key, (lo, hi) in RANGES.items():
        blo, bhi = band(lo, hi)
        values = [r[key] for r in rows]
        assert all(blo <= v <= bhi for v in values), (key, (blo, bhi), values)
        assert lo <= float(np.mean(values)) <= hi, (key, (lo, hi), np.mean(values))
    # punctuated equilibrium: long calm stretches (most ticks under 10 actives) broken by
    # outbursts of hundreds of actives
    for r in rows:
        assert r["share_under_10"] > 0.5 and r["peak"] > 250
    # "≈" targets (ndouglas: activation ≈ 779, wait ≈ 22) are held to ±10 % on the mean over
    # seeds. Activation: each seed also within the paper's 708 ± 230 (one paper s.d.).
    # Waits: each seed within 15–30 ticks.
    acts = [r["mean_activation"] for r in rows]
    if each_seed_activation:
        check_each_seed_activation(rows)
    assert 779 * 0.9 <= float(np.mean(acts)) <= 779 * 1.1, np.mean(acts)
    waits = [r["mean_wait"] for r in rows]
    assert all(15 <= w <= 30 for w in waits), waits
    assert 22 * 0.9 <= float(np.mean(waits)) <= 22 * 1.1, np.mean(waits)


def check_each_seed_activation(rows: list[dict]) -> None:
    acts = [r["mean_activation"] for r in rows]
    assert all(708 - 230 <= a <= 708 + 230 for a in acts), acts


def check_literal(rows: list[dict]) -> None:
    print("\nRun 2, literal rule\n" + table(rows))
    for r in rows:
        assert r["n_outbursts"] == 0, r
        assert r["peak"] <= 35, r
        assert r["peak"] > 0  # agents do turn active, they just never cascade


@pytest.fixture(scope="module")
def floor_rows() -> list[dict]:
    return [run_stats("floor", s) for s in SEEDS]


@pytest.fixture(scope="module")
def literal_rows() -> list[dict]:
    return [run_stats("literal", s) for s in SEEDS]


def test_run2_floor_punctuated_equilibrium(floor_rows):
    """Item 14 on seeds 0..7."""
    check_floor(floor_rows)


def test_run2_literal_never_erupts(literal_rows):
    """Item 15 on seeds 0..7."""
    check_literal(literal_rows)


@pytest.mark.xfail(strict=True, reason="KNOWN-FAIL (spec §0 item 3, §6.3 item 14): the "
                   "paper's waiting time of 60 ± 55 ticks is not reproduced with the floor rule "
                   "(ndouglas ≈ 22); kept to document it, never tuned to pass")
def test_run2_floor_paper_waiting_time(floor_rows):
    """Paper Fig. 5: mean wait 60, s.d. 55. Pooled over seeds 0..7 the mean wait must be
    within 3 standard errors (55/√n_waits) of 60 and the s.d. within 25 % of 55."""
    waits = np.concatenate([r["waits"] for r in floor_rows])
    se = 55 / math.sqrt(len(waits))
    assert abs(waits.mean() - 60) < 3 * se, (waits.mean(), se)
    assert waits.std(ddof=1) == pytest.approx(55, rel=0.25)


@pytest.fixture(scope="module")
def floor_rows_20() -> list[dict]:
    return [run_stats("floor", s) for s in SLOW_SEEDS]


@pytest.mark.slow
def test_run2_twenty_seeds_both_rules(floor_rows_20):
    """Items 14 and 15 on seeds 0..19 (40 runs of 3000 ticks); the per-seed activation band is
    the next test."""
    check_floor(floor_rows_20, each_seed_activation=False)
    check_literal([run_stats("literal", s) for s in SLOW_SEEDS])


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="KNOWN-FAIL since 957f0a7 (end-of-tick count-down "
                   "counts the arrest tick): seed 14's mean activation per outburst is 978, "
                   "above the paper's 708 + 230 (the other 19 seeds: 686-869; the 20-seed mean "
                   "799 is within 10 % of ndouglas's 779). Kept, never widened to pass")
def test_run2_twenty_seeds_each_seed_activation(floor_rows_20):
    """Every seed of 0..19 has a mean activation per outburst within the paper's 708 ± 230."""
    check_each_seed_activation(floor_rows_20)

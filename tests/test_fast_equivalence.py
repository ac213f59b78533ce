"""Slow: the fast engine against the reference, a small version of benchmarks/fast_equivalence.py.

Run 2 (floor) on a 128×128 torus, where the fast scheduler cuts the lattice into 6 bands of rows
in 3 colours (2 bands of a colour run in parallel), so the block schedule itself is under test;
the presets' own 40×40 worlds are a single block. Reference seeds 1..N, fast seeds
10001..10000+N (independent samples), N = 8, 400 ticks, tick 0 dropped.

The test statistic is Welch's z = (mean_fast − mean_ref) / √(s²_fast/N + s²_ref/N) of per-run
means; |z| < 4 is required. A negative control shows the test has power: the fast engine with
the literal arrest ratio (Epstein's text, no outbursts at Run 2's inputs) is rejected with
|z| > 4 by the same statistic.
"""

from __future__ import annotations

import numpy as np
import pytest

from uprising import Model
from uprising.engine.fast import scheduler as fast_engine
from uprising.engine.fast.blocks import block_plan

N_SEEDS = 8
WORLD = ["world.width=128", "world.height=128", "ticks=400"]


def test_run2_at_128_runs_as_blocks():
    """The premise of the slow tests below: Run 2 at 128×128 is cut into blocks."""
    cfg = Model("epstein2002-run2", rng=1, overrides=[*WORLD, "engine=fast"]).config
    reach = int(abs(cfg.cit_offs).max())
    plan = block_plan(128, 128, reach, int(abs(cfg.cop_offs).max()))
    assert plan.blocks_per_colour >= 2 and fast_engine.PARALLEL_MIN_CELLS <= 128 * 128


def _per_run(engine: str, extra: list[str] | None = None) -> dict[str, np.ndarray]:
    rows = []
    for seed in range(1, N_SEEDS + 1):
        s = seed + (10_000 if engine == "fast" else 0)
        m = Model("epstein2002-run2", rng=s, overrides=[*WORLD, f"engine={engine}",
                                                       *(extra or [])])
        m.run()
        df = m.get_model_vars_dataframe().iloc[1:]
        rows.append((df["active"].mean(), df["jailed"].mean(), df["arrests"].mean(),
                     df["active"].max()))
    a = np.asarray(rows, dtype=float)
    return {"mean_active": a[:, 0], "mean_jailed": a[:, 1], "arrests": a[:, 2],
            "peak_active": a[:, 3]}


def _z(a: np.ndarray, b: np.ndarray) -> float:
    se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    return float((b.mean() - a.mean()) / se)


@pytest.fixture(scope="module")
def reference_runs() -> dict[str, np.ndarray]:
    return _per_run("reference")


@pytest.mark.slow
def test_blocked_fast_engine_matches_the_reference_on_run2(reference_runs):
    fast = _per_run("fast")
    assert reference_runs["mean_active"].mean() > 20  # the regime is active at this size
    for stat in ("mean_active", "mean_jailed", "arrests", "peak_active"):
        z = _z(reference_runs[stat], fast[stat])
        assert abs(z) < 4, f"{stat}: z = {z:+.2f}"


@pytest.mark.slow
def test_the_comparison_detects_a_wrong_rule(reference_runs):
    """Negative control: the literal ratio in the fast engine is told apart from the floor."""
    wrong = _per_run("fast", ["rules.arrest_ratio=literal"])
    assert abs(_z(reference_runs["mean_active"], wrong["mean_active"])) > 4

"""Slow: the fast engine against the reference, a small version of benchmarks/fast_equivalence.py.

Reference seeds 1..N, fast seeds 10001..10000+N (independent samples). Tolerances are on the
ratio of the two engines' means over seeds and were set from the 30-seed comparison in
docs/fast-engine.md (they leave room for the sampling error of N = 10, relative SE ≈ 3–8 %).
A wrong rule fails them: the literal arrest ratio (no outbursts at Run 2's inputs), a broken
arrest or jail phase (jailed counts off by far more than 15 %), or no movement.
"""

from __future__ import annotations

import numpy as np
import pytest

from uprising import Model
from uprising.engine import fast

N_SEEDS = 10


def _means(preset: str, overrides: list[str], engine: str, ticks: int) -> dict[str, float]:
    rows = []
    for seed in range(1, N_SEEDS + 1):
        s = seed + (10_000 if engine == "fast" else 0)
        m = Model(preset, rng=s, overrides=[*overrides, f"engine={engine}", f"ticks={ticks}"])
        m.run()
        rows.append(m.result().summary)
    keys = ("n_outbursts", "mean_jailed", "mean_outburst_peak", "mean_wait", "mean_active")
    return {k: float(np.nanmean([r[k] for r in rows])) for k in keys}


@pytest.mark.slow
def test_run2_floor_with_eight_substeps_is_close_to_the_reference(monkeypatch):
    """Run 2 (floor), 1500 ticks, SUBSTEPS = 8: means within the stated tolerances."""
    monkeypatch.setattr(fast, "SUBSTEPS", 8)
    ref = _means("epstein2002-run2", [], "reference", 1500)
    fst = _means("epstein2002-run2", [], "fast", 1500)
    assert ref["n_outbursts"] > 30  # the regime erupts (floor rule)
    assert abs(fst["n_outbursts"] / ref["n_outbursts"] - 1) < 0.20
    assert abs(fst["mean_jailed"] / ref["mean_jailed"] - 1) < 0.15
    assert abs(fst["mean_outburst_peak"] / ref["mean_outburst_peak"] - 1) < 0.15
    assert abs(fst["mean_wait"] / ref["mean_wait"] - 1) < 0.30


@pytest.mark.slow
def test_run2_synchronous_default_has_fewer_outbursts(monkeypatch):
    """SUBSTEPS = 1 (default): the documented deviation — fewer, later outbursts (−20 % or more)."""
    monkeypatch.setattr(fast, "SUBSTEPS", 1)
    ref = _means("epstein2002-run2", [], "reference", 1500)
    fst = _means("epstein2002-run2", [], "fast", 1500)
    assert fst["n_outbursts"] < 0.8 * ref["n_outbursts"]
    assert fst["mean_wait"] > 1.2 * ref["mean_wait"]
    assert fst["n_outbursts"] > 0.3 * ref["n_outbursts"]  # still punctuated equilibrium


@pytest.mark.slow
def test_mesa_app_regime_with_eight_substeps(monkeypatch):
    """Mesa app regime with exact counts (removes the per-seed spread of Mesa's random cop count),
    1000 ticks, SUBSTEPS = 8."""
    monkeypatch.setattr(fast, "SUBSTEPS", 8)
    ov = ["police.density=0.04", "population.legitimacy=0.82", "jail.max_term=30",
          "rules.initial_counts=exact"]
    ref = _means("mesa-example", ov, "reference", 1000)
    fst = _means("mesa-example", ov, "fast", 1000)
    assert ref["n_outbursts"] > 5
    assert abs(fst["mean_jailed"] / ref["mean_jailed"] - 1) < 0.15
    assert abs(fst["mean_outburst_peak"] / ref["mean_outburst_peak"] - 1) < 0.15
    assert abs(fst["n_outbursts"] / ref["n_outbursts"] - 1) < 0.35

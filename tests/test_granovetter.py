"""Granovetter (1978) threshold cascade: exact Test A and the Test B critical σ."""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq
from scipy.stats import norm

from uprising import granovetter as gr


def test_a_uniform_thresholds_all_riot() -> None:
    th = np.arange(100)
    assert gr.final_riot(th) == 100
    # one more person joins per step: the instigator, then threshold 1, 2, ...
    assert list(gr.cascade(th)) == list(range(1, 101))


def test_a_one_changed_threshold_stops_the_riot() -> None:
    th = np.arange(100)
    th[1] = 2
    assert gr.final_riot(th) == 1


def test_cascade_is_irreversible_and_order_free() -> None:
    rng = np.random.default_rng(0)
    th = rng.integers(0, 30, 200)
    path = gr.cascade(th)
    assert (np.diff(path) > 0).all()
    assert gr.final_riot(rng.permutation(th)) == path[-1]
    # final crowd is a fixed point: exactly that many people have threshold ≤ it
    assert (th <= path[-1]).sum() == path[-1]


def test_b_infinite_population_critical_sigma_is_the_tangency() -> None:
    # Independent route: at the tangency of Φ((x − μ)/σ) with the diagonal,
    # φ(z) = σ and Φ(z) = μ + σ z, so Φ(z) − z φ(z) = μ with z < 0.
    mu = 0.25
    z = brentq(lambda z: norm.cdf(z) - z * norm.pdf(z) - mu, -5.0, 0.0)
    sigma_star = norm.pdf(z)
    assert abs(gr.critical_sd_infinite(mu) - sigma_star) < 1e-5
    # Granovetter's reported value is ≈ 0.12 (epstein_spec.md §5.7)
    assert 0.11 < sigma_star < 0.13


def test_b_participation_jumps_at_the_critical_sigma_for_n_100() -> None:
    crit = gr.critical_sd_quantile(100, 0.25)
    # below: only a few percent riot; above: everybody
    low = gr.final_share(gr.quantile_thresholds(100, 0.25, crit - 0.002))
    high = gr.final_share(gr.quantile_thresholds(100, 0.25, crit + 0.002))
    assert low <= 0.06
    assert high == 1.0
    # Our value (0.1255) lies just above Granovetter's 0.12; the spec's 0.10-0.12 range
    # is the claim; 0.10 is not reproduced by this exact cascade (see docs/reproduction.md).
    assert 0.115 < crit < 0.135

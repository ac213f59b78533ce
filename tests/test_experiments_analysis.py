"""Sensitivity analysis through the sweep pipeline (Ishigami with known indices, Morris on a
linear model), phase tables and plots."""

from __future__ import annotations

import math

import numpy as np
import pytest

from test_experiments_support import small_experiment
from uprising.experiments.phase import phase_table, plot_phase
from uprising.experiments.runner import run_experiment
from uprising.experiments.sensitivity import analyse, plot_sensitivity
from uprising.experiments.spec import ExperimentError, parse_experiment
from uprising.experiments.testfunctions import ishigami_indices

PI = math.pi


def test_ishigami_sobol_indices_match_analytic(tmp_path):
    """Saltelli sample N = 2048 (seed 3) → 10240 runs through the store. Tolerance: every S1
    and ST within 0.04 of the analytic value (a = 7, b = 0.1: S1 = .314 .442 0,
    ST = .558 .442 .244), and every analytic value inside the 95 % bootstrap interval
    widened by 0.01."""
    exp = parse_experiment({
        "name": "ishigami",
        "model": "uprising.experiments.testfunctions:ishigami",
        "sampler": {"method": "sobol", "n": 2048, "seed": 3,
                    "bounds": {"x1": [-PI, PI], "x2": [-PI, PI], "x3": [-PI, PI]}},
    })
    report = run_experiment(exp, tmp_path, batch_size=1024)
    assert report.done == 2048 * 5
    result = analyse(tmp_path, num_resamples=200, seed=1)
    got = result.indices.set_index("parameter")
    truth = ishigami_indices()
    for key in ("S1", "ST"):
        for i, name in enumerate(["x1", "x2", "x3"]):
            est, conf = got.loc[name, key], got.loc[name, f"{key}_conf"]
            assert abs(est - truth[key][i]) < 0.04, (key, name, est, truth[key][i])
            assert abs(est - truth[key][i]) <= conf + 0.01, (key, name, est, conf)
    png = plot_sensitivity(result, tmp_path / "sobol.png")
    assert png.stat().st_size > 10_000


def test_morris_ranks_a_noisy_linear_model_with_replicates(tmp_path):
    """y = x_c + 2 x_a + 3 x_b + N(0, 0.1) on [0, 1]³ (coefficients follow the file's key order,
    deliberately not alphabetical): elementary effects 1, 2, 3; with 3 replicates reduced by the
    mean, μ* is within 0.15 of them (20 trajectories, 4 levels)."""
    exp = parse_experiment({
        "name": "morris",
        "model": "uprising.experiments.testfunctions:noisy_linear",
        "repetitions": 3,
        "sampler": {"method": "morris", "n": 20, "seed": 9,
                    "bounds": {"c": [0, 1], "a": [0, 1], "b": [0, 1]}},
    })
    run_experiment(exp, tmp_path)
    got = analyse(tmp_path).indices.set_index("parameter")
    assert list(got.index) == ["c", "a", "b"]
    assert np.allclose(got.loc[["c", "a", "b"], "mu_star"].to_numpy(), [1, 2, 3], atol=0.15), got
    assert (got["sigma"] < 0.3).all()


def test_median_reduction_differs_from_mean(tmp_path):
    exp = parse_experiment({
        "model": "uprising.experiments.testfunctions:noisy_linear", "repetitions": 3,
        "sampler": {"method": "sobol", "n": 16, "seed": 1, "bounds": {"a": [0, 1], "b": [0, 1]}},
    })
    run_experiment(exp, tmp_path)
    mean = analyse(tmp_path, reduce="mean").indices
    median = analyse(tmp_path, reduce="median").indices
    assert not np.allclose(mean["S1"], median["S1"])


def test_sensitivity_refuses_incomplete_or_grid_sweeps(tmp_path):
    exp = parse_experiment({
        "model": "uprising.experiments.testfunctions:ishigami",
        "sampler": {"method": "sobol", "n": 8, "bounds": {"x1": [-PI, PI], "x2": [-PI, PI],
                                                          "x3": [-PI, PI]}},
    })
    run_experiment(exp, tmp_path / "half", shard=(0, 2))
    with pytest.raises(ExperimentError, match="20 missing runs"):
        analyse(tmp_path / "half")
    run_experiment(small_experiment(ticks=10), tmp_path / "grid")
    with pytest.raises(ExperimentError, match="sobol or morris"):
        analyse(tmp_path / "grid")


def test_phase_table_and_plot(tmp_path):
    run_experiment(small_experiment(ticks=80), tmp_path)
    table = phase_table(tmp_path, "population.legitimacy", "police.density",
                        "mean_active / n_citizens")
    assert table.shape == (2, 3)
    assert list(table.columns) == [0.6, 0.7, 0.8] and list(table.index) == [0.03, 0.06]
    assert (table.to_numpy() >= 0).all() and (table.to_numpy() <= 1).all()
    # fewer actives with more legitimacy, at both cop densities (means of 2 replicates)
    assert (np.diff(table.to_numpy(), axis=1) < 0).all()
    png = plot_phase(table, tmp_path / "phase.png", "population.legitimacy", "police.density",
                     "mean active share")
    assert png.stat().st_size > 5_000
    with pytest.raises(ExperimentError, match="was not swept"):
        phase_table(tmp_path, "population.vision", "police.density", "mean_active")

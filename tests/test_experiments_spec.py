"""Experiment file validation, design enumeration, run ids, shards and seeds."""

from __future__ import annotations

import numpy as np
import pytest

from test_experiments_support import SMALL_WORLD, small_experiment
from uprising.experiments.design import build_design
from uprising.experiments.runner import default_batch_size, parse_shard
from uprising.experiments.spec import ExperimentError, Stepped, load_experiment, parse_experiment
from uprising.simulation.seeds import run_seed


def test_stepped_values_include_stop_and_keep_integers():
    assert Stepped(start=0.5, stop=0.9, step=0.1).values() == [0.5, 0.6, 0.7, 0.8, 0.9]
    assert Stepped(start=10, stop=30, step=10).values() == [10, 20, 30]
    assert all(isinstance(v, int) for v in Stepped(start=10, stop=30, step=10).values())


def test_full_factorial_order_and_run_ids():
    design = build_design(small_experiment())
    assert design.n_points == 6 and design.n_runs == 12
    assert list(design.points.columns) == ["population.legitimacy", "police.density"]
    assert design.params(0) == {"population.legitimacy": 0.6, "police.density": 0.03}
    assert design.params(1) == {"population.legitimacy": 0.6, "police.density": 0.06}
    assert design.params(5) == {"population.legitimacy": 0.8, "police.density": 0.06}
    assert design.locate(7) == (3, 1)  # run id = point * repetitions + replicate


def test_point_values_keep_their_types():
    exp = small_experiment(enumerated={"jail.max_term": [10, 20]},
                           stepped={"population.legitimacy": {"start": 0.7, "stop": 0.8,
                                                              "step": 0.1}})
    params = build_design(exp).params(3)
    assert params == {"jail.max_term": 20, "population.legitimacy": 0.8}
    assert type(params["jail.max_term"]) is int and type(params["population.legitimacy"]) is float


def test_shards_partition_the_runs():
    design = build_design(small_experiment())
    shards = [design.run_ids(parse_shard(f"{i}/5")) for i in range(5)]
    together = sorted(r for s in shards for r in s)
    assert together == list(range(design.n_runs))
    assert shards[1] == [1, 6, 11]


def test_seed_depends_on_point_and_replicate_only():
    a = np.random.default_rng(run_seed(3, 2, 1)).integers(0, 2**62, 4)
    b = np.random.default_rng(run_seed(3, 2, 1)).integers(0, 2**62, 4)
    c = np.random.default_rng(run_seed(3, 1, 2)).integers(0, 2**62, 4)
    assert (a == b).all() and (a != c).any()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"repetitions": 0}, "repetitions: out of range"),
        ({"stepped": {"police.density": {"start": 0.1, "stop": 0.2, "step": 0}}},
         "stepped.police.density.step"),
        ({"colour": "red"}, "colour: unknown field"),
        ({"sampler": {"method": "sobol", "n": 100, "bounds": {"a": [0, 1]}}}, "power of 2"),
        ({"sampler": {"method": "lhs", "n": 10, "bounds": {"a": [1, 0]}}},
         "low (1) must be < high"),
        ({"model": "no_colon"}, "model: "),
        ({"measure_every": -1}, "measure_every: out of range"),
        ({"enumerated": {"rules.movement": [True, 0.5]}}, "must all be numbers"),
    ],
)
def test_invalid_experiments_name_the_field(change, expected):
    with pytest.raises(ExperimentError, match="invalid experiment") as info:
        small_experiment(**change)
    assert expected in str(info.value)


def test_sampler_excludes_grid():
    with pytest.raises(ExperimentError, match="either a sampler"):
        small_experiment(sampler={"method": "lhs", "n": 4, "bounds": {"police.density": [0, 1]}})


def test_invalid_point_names_point_and_field():
    exp = small_experiment(enumerated={"population.legitimacy": [0.5, 1.5]})
    with pytest.raises(ExperimentError, match=r"point 2 \(population.legitimacy=1.5") as info:
        build_design(exp)
    assert "population.legitimacy" in str(info.value) and "out of range" in str(info.value)


def test_unknown_parameter_path_is_rejected():
    exp = small_experiment(enumerated={"population.legitimacyy": [0.5]})
    with pytest.raises(ExperimentError, match="legitimacyy: unknown field"):
        build_design(exp)


def test_unknown_metric_is_rejected_before_running():
    with pytest.raises(ExperimentError, match=r"metrics: unknown \['mean_actives'\]"):
        build_design(small_experiment(metrics=["mean_active", "mean_actives"]))


def test_sampler_design_is_deterministic_and_rounds_integers():
    data = {
        "set": SMALL_WORLD,
        "sampler": {"method": "lhs", "n": 16, "seed": 4, "integer": ["jail.max_term"],
                    "bounds": {"population.legitimacy": [0.6, 0.9], "jail.max_term": [1, 40]}},
    }
    one = build_design(parse_experiment(data))
    two = build_design(parse_experiment(data))
    assert one.points.equals(two.points)
    assert one.points["jail.max_term"].dtype.kind == "i"
    assert one.points["population.legitimacy"].between(0.6, 0.9).all()
    # LHS: each of the 16 strata of the unit interval holds exactly one point
    strata = np.floor((one.sample[:, 0] - 0.6) / 0.3 * 16).astype(int)
    assert sorted(strata) == list(range(16))


def test_default_batch_size():
    assert default_batch_size(1000, 2) == 63
    assert default_batch_size(5, 4) == 1
    assert default_batch_size(10**6, 1) == 200


def test_load_experiment_file_errors(tmp_path):
    with pytest.raises(ExperimentError, match="not found"):
        load_experiment(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("repetitions: [1\n")
    with pytest.raises(ExperimentError, match="malformed YAML"):
        load_experiment(bad)


def test_shipped_examples_are_valid():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "examples"
    phase, folder = load_experiment(root / "run2-phase.yaml")
    assert build_design(phase, folder).n_runs >= 100
    sobol, folder = load_experiment(root / "run2-sobol.yaml")
    design = build_design(sobol, folder)
    assert set(design.experiment.parameters) == {
        "population.legitimacy", "police.density", "population.vision", "jail.max_term"}

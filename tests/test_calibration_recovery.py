"""NPE on the toy simulator: coverage within binomial bands, truth recovered, an inert
parameter reported unidentified, determinism, and the CLI end to end (tiny budgets)."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from test_calibration_support import spec_data
from uprising.calibration.npe import train
from uprising.calibration.pipeline import calibrate
from uprising.calibration.posterior import load_metadata, load_posterior
from uprising.calibration.recovery import binomial_interval
from uprising.calibration.spec import parse_spec
from uprising.calibration.table import read_table, run_table

pytest.importorskip("sbi")

TRUE = {"a": 0.3, "b": 2.0}


def _spec(**budget: object) -> dict:
    data = spec_data(**budget)
    data["parameters"].append(  # not read by the toy: the data say nothing about it
        {"name": "c", "prior": {"dist": "uniform", "low": -1.0, "high": 1.0}})
    return data


def test_toy_recovery_is_calibrated_and_finds_the_truth(tmp_path) -> None:
    # 700 runs, 80 held out; seed 7. Each coverage must contain its nominal level within the
    # 99 % Clopper–Pearson interval over the 80 held-out data sets (the test fails for an
    # estimator over- or underconfident by ~15 points or more). Trained on u instead of
    # logit(u), the MAF failed it for the inert c (50 % intervals covered 30 %). With six
    # checks at 99 % about one seed in 17 fails by chance: seeds 1 and 2 pass, seed 3 fails
    # (c's 50 % intervals cover 65 %).
    spec = parse_spec(_spec(simulations=700, recovery_datasets=80, posterior_samples=300))
    result = calibrate(spec, tmp_path / "out", posterior_dir=tmp_path)
    rec = result.recovery.table.set_index("parameter")
    for name in ("a", "b", "c"):
        for level in (50, 90):
            k = round(rec.loc[name, f"coverage_{level}"] * 80)
            lo, hi = binomial_interval(k, 80, 0.99)
            assert lo <= level / 100 <= hi, (name, level, k)
    assert rec.loc["a", "contraction"] > 0.5 and rec.loc["b", "contraction"] > 0.5
    assert rec.loc["c", "contraction"] < 0.2
    q = result.draws.quantile([0.05, 0.95])
    for name, value in TRUE.items():
        assert q.loc[0.05, name] <= value <= q.loc[0.95, name]
    ident = result.identification.set_index("parameter")
    assert ident.loc["a", "identified"] and ident.loc["b", "identified"]
    # c's contraction at the observed data: -0.01, 0.05, 0.06 (this seed), 0.14 for seeds
    # 3, 1, 7, 2 — the 0.1 flag is not sharp; it is tested on exact draws in
    # test_identification_flag
    assert ident.loc["c", "contraction"] < 0.25
    assert result.fit["in_90"].all()
    shifted = result.structural.set_index("alternative").loc["shifted"]
    assert shifted.verdict == "fits worse than the baseline"
    draws = load_posterior("toy", tmp_path)
    assert list(draws.columns) == ["a", "b", "c"] and len(draws) == 300
    meta = load_metadata("toy", tmp_path)
    assert meta["parameters"]["c"]["identified"] == bool(ident.loc["c", "identified"])
    assert meta["table"]["nan_rows_dropped"] == 0 and len(meta["coverage"]) == 3
    assert (tmp_path / "out" / "sbc.png").stat().st_size > 0


def test_same_seed_same_posterior_bits(tmp_path) -> None:
    spec = parse_spec(spec_data(simulations=120, recovery_datasets=10))
    run_table(spec, tmp_path / "t")
    table = read_table(spec, tmp_path / "t")
    cfg = spec.training.model_copy(update={"max_epochs": 3})
    x = table.x[:3]

    def draws(seed: int) -> np.ndarray:
        post = train(table.unit, table.x, cfg, np.random.SeedSequence(seed))
        return post.sample(x, 50, np.random.SeedSequence(1))

    first = draws(5)
    assert first.shape == (3, 50, 2)
    assert np.array_equal(first, draws(5))
    assert not np.array_equal(first, draws(6))


def test_cli_recovery_only(tmp_path) -> None:
    from uprising.cli import app

    data = spec_data()
    data["training"]["max_epochs"] = 3
    path = tmp_path / "toy.calibration.yaml"
    path.write_text(yaml.safe_dump(data))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["calibrate", str(path), "--out", str(out), "--quiet",
                                      "--recovery-only", "--simulations", "60", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "recovery on 20 held-out data sets" in result.output
    assert "60 runs" in result.output and (out / "recovery.csv").is_file()
    assert not (tmp_path / "toy.posterior.json").exists()
    full = CliRunner().invoke(app, ["calibrate", str(path), "--out", str(out), "--quiet",
                                    "--simulations", "60", "--seed", "3"])
    assert full.exit_code == 0, full.output
    assert "(60 already in" in full.output  # the table was resumed, not run again
    assert "posterior predictive fit" in full.output and "structural shifted" in full.output
    assert len(load_posterior("toy", tmp_path)) == data["budget"]["posterior_samples"]


def test_refit_structural_gives_the_alternative_its_own_table(tmp_path) -> None:
    data = spec_data(simulations=60, recovery_datasets=10, posterior_samples=100,
                     predictive_draws=10)
    data["training"]["max_epochs"] = 3
    result = calibrate(parse_spec(data), tmp_path, refit_structural=True)
    rows = result.structural.set_index("alternative")
    assert list(rows["posterior"]) == ["own", "own"]
    alt = read_table(parse_spec(data), tmp_path / "table-shifted")
    assert len(alt.x) == 60
    assert alt.x[:, 0].mean() > result.table.x[:, 0].mean() + 0.4  # s1 shifted by 0.5


def test_a_truncated_second_round_stays_in_its_box_and_recovers(tmp_path) -> None:
    # rounds: 2 on the toy (400 runs per round, 60 held out of round 2; seed 7): round 2's
    # design, posterior draws and recovery all live in the box of round 1's posterior.
    data = spec_data(simulations=400, recovery_datasets=60, posterior_samples=300, rounds=2)
    spec = parse_spec(data)
    result = calibrate(spec, tmp_path / "out", posterior_dir=tmp_path)
    trunc = result.truncation
    lo = np.array([trunc["box_unit"][n][0] for n in spec.names])
    hi = np.array([trunc["box_unit"][n][1] for n in spec.names])
    assert 0 < trunc["volume"] < 0.5 and (hi - lo < 1).all()  # a and b are identified
    round2 = read_table(spec, tmp_path / "out" / "table-round2")
    assert len(round2.x) == 400
    assert ((round2.unit >= lo) & (round2.unit <= hi)).all()
    assert trunc["round2_training_rows"] == 400 - 60 and trunc["round2_recovery_datasets"] == 60
    assert 0 < trunc["round1_rows_in_box"] < 400
    unit = np.column_stack([(result.draws["a"] - 0.0) / 1.0,
                            np.log(result.draws["b"] / 0.5) / np.log(10.0)])
    assert ((unit >= lo - 1e-9) & (unit <= hi + 1e-9)).all()
    rec = result.recovery.table.set_index("parameter")
    assert rec.loc["a", "datasets"] == 60
    for name in ("a", "b"):
        k = round(rec.loc[name, "coverage_90"] * 60)
        low, high = binomial_interval(k, 60, 0.99)
        assert low <= 0.9 <= high, (name, k)
    q = result.draws.quantile([0.05, 0.95])
    for name, value in TRUE.items():
        assert q.loc[0.05, name] <= value <= q.loc[0.95, name]
    assert set(trunc["draws_at_inner_faces"]) == {"a", "b"}
    assert (tmp_path / "out" / "recovery-round1.csv").is_file()
    assert load_metadata("toy", tmp_path)["truncation"]["volume"] == trunc["volume"]

"""Calibration pieces without training: the calibration file, the prior, the model function,
the resumable table, the posterior files, CRPS and the coverage verdicts."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from test_calibration_support import spec_data, toy
from uprising.calibration.posterior import load_metadata, load_posterior, write_posterior
from uprising.calibration.predictive import crps
from uprising.calibration.prior import Prior
from uprising.calibration.recovery import (
    LEVELS,
    band_level,
    binomial_interval,
    identification,
    summarise,
    verdict,
)
from uprising.calibration.simulator import model_reference
from uprising.calibration.spec import CalibrationError, load_spec, parse_spec
from uprising.calibration.table import read_table, run_table
from uprising.experiments.design import import_model
from uprising.experiments.store import RUNS, Store


def _error(data: dict) -> str:
    with pytest.raises(CalibrationError) as info:
        parse_spec(data, "toy.calibration.yaml")
    return str(info.value)


def test_spec_errors_name_the_field() -> None:
    data = spec_data()
    data["parameters"][1]["prior"]["low"] = 0.0
    assert "parameters.1.prior: low: must be > 0 for loguniform" in _error(data)
    data = spec_data()
    data["budget"]["simulatons"] = 5
    assert "budget.simulatons: unknown field" in _error(data)
    data = spec_data()
    data["parameters"][1]["name"] = "a"
    assert "parameters: named more than once: ['a']" in _error(data)
    data = spec_data(simulations=25, recovery_datasets=20)
    assert "fewer than 10 are left to train on" in _error(data)
    data = spec_data()
    data["statistics"] = ["s1", "a"]
    assert "['a'] named both as parameters and as statistics" in _error(data)
    data = spec_data()
    data["symlog"] = ["s9"]
    assert "symlog: ['s9'] are not among the statistics" in _error(data)
    data = spec_data()
    data["simulator"] = "no_colon"
    assert "simulator: must look like 'package.module:function'" in _error(data)


def test_cli_bad_file_exits_2_without_traceback(tmp_path) -> None:
    from uprising.cli import app

    path = tmp_path / "bad.calibration.yaml"
    data = spec_data()
    data["budget"]["replicates"] = 0
    path.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(app, ["calibrate", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "budget.replicates" in result.output and "Traceback" not in result.output
    missing = CliRunner().invoke(app, ["calibrate", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 2 and "no calibration file" in missing.output


def test_prior_round_trip_and_seeded_sampling() -> None:
    prior = Prior.from_spec(parse_spec(spec_data()))
    a = prior.sample_unit(500, np.random.SeedSequence(3))
    assert np.array_equal(a, prior.sample_unit(500, np.random.SeedSequence(3)))
    assert not np.array_equal(a, prior.sample_unit(500, np.random.SeedSequence(4)))
    theta = prior.to_theta(a)
    assert np.allclose(prior.to_unit(theta), a)
    assert theta[:, 0].min() >= 0 and theta[:, 0].max() <= 1
    assert theta[:, 1].min() >= 0.5 and theta[:, 1].max() <= 5
    # loguniform: the geometric midpoint sqrt(0.5 * 5) is the median
    assert abs(np.median(theta[:, 1]) - math.sqrt(2.5)) < 0.25


def test_model_reference_runs_the_simulator_at_theta() -> None:
    spec = parse_spec(spec_data())
    fn = import_model(model_reference(spec))
    seed = np.random.SeedSequence(11)
    got = fn({"a": 0.25, "b": 1.0}, seed)  # b = 1 on the unit cube is θ = 5
    assert got == pytest.approx(toy({"a": 0.25, "b": 5.0}, np.random.SeedSequence(11)))
    shifted = import_model(model_reference(spec, "shifted"))({"a": 0.25, "b": 1.0}, seed)
    assert shifted["s1"] == pytest.approx(got["s1"] + 0.5)
    assert model_reference(spec) != model_reference(spec, "shifted")


def test_table_resumes_after_losing_a_part(tmp_path) -> None:
    spec = parse_spec(spec_data(simulations=60, recovery_datasets=10))
    first = run_table(spec, tmp_path / "t")
    assert first.done == 60
    before = read_table(spec, tmp_path / "t")
    Store(tmp_path / "t").files(RUNS)[0].unlink()  # a lost batch
    again = run_table(spec, tmp_path / "t")
    assert 0 < again.done < 60 and again.skipped == 60 - again.done
    after = read_table(spec, tmp_path / "t")
    order = np.lexsort((before.replicate, before.point))
    order2 = np.lexsort((after.replicate, after.point))
    assert np.array_equal(before.x[order], after.x[order2])  # same bits, re-run or not
    assert run_table(spec, tmp_path / "t").done == 0


def test_nan_statistics_are_dropped_and_counted(tmp_path) -> None:
    data = spec_data(simulations=60, recovery_datasets=10)
    data["simulator"] = "test_calibration_support:toy_nan"
    spec = parse_spec(data)
    run_table(spec, tmp_path / "t")
    table = read_table(spec, tmp_path / "t")
    theta_a = table.unit[:, 0]
    assert table.nan_rows > 0 and table.nan_rows + len(table.x) == 60
    assert theta_a.max() <= 0.8 and np.isfinite(table.x).all()


def test_posterior_files_verified(tmp_path) -> None:
    draws = pd.DataFrame({"a": np.linspace(0, 1, 50), "b": np.linspace(1, 2, 50)})
    info = {"budget": {"simulations": 10}, "fit": [{"crps": float("nan")}]}
    parquet, meta = write_posterior("toy", draws, info, tmp_path)
    assert load_posterior("toy", tmp_path).equals(draws)
    assert "NaN" not in meta.read_text()  # strict JSON: NaN is written as null
    record = load_metadata("toy", tmp_path)
    assert record["parameters"]["a"]["kind"] == "calibrated"
    raw = bytearray(parquet.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    parquet.write_bytes(bytes(raw))
    with pytest.raises(CalibrationError, match="checksum differs"):
        load_posterior("toy", tmp_path)
    meta.unlink()
    with pytest.raises(CalibrationError, match="no posterior for toy"):
        load_posterior("toy", tmp_path)


def test_crps_matches_the_normal_closed_form() -> None:
    sample = np.random.default_rng(0).normal(0.0, 1.0, 4000)
    exact = 2 / math.sqrt(2 * math.pi) - 1 / math.sqrt(math.pi)  # CRPS(N(0,1), 0)
    assert crps(sample, 0.0) == pytest.approx(exact, abs=0.01)
    assert crps(sample, 2.0) > crps(sample, 0.0)


def test_coverage_verdicts_detect_overconfidence() -> None:
    rng = np.random.default_rng(5)
    b, n = 300, 400
    centre = rng.uniform(0.3, 0.7, (b, 1))
    truth = centre + rng.normal(0, 0.05, (b, 1))  # truth and draws from the same law
    draws = centre[:, None, :] + rng.normal(0, 0.05, (b, n, 1))
    good = summarise(draws, truth, ["p"]).table.iloc[0]
    assert good.verdict_90 == "ok" and good.verdict_50 == "ok"
    narrow = centre[:, None, :] + rng.normal(0, 0.015, (b, n, 1))
    bad = summarise(narrow, truth, ["p"]).table.iloc[0]
    assert bad.verdict_90 == "overconfident" and bad.coverage_90 < 0.6
    wide = centre[:, None, :] + rng.normal(0, 0.2, (b, n, 1))
    assert summarise(wide, truth, ["p"]).table.iloc[0].verdict_50 == "underconfident"


def test_load_spec_of_a_case_without_file() -> None:
    with pytest.raises(CalibrationError, match="no calibration file for nosuchcase"):
        load_spec("nosuchcase")


def test_identification_flag() -> None:
    rng = np.random.default_rng(2)
    flat = rng.uniform(0, 1, (4000, 1))  # posterior = prior
    narrow = rng.normal(0.5, 0.1, (4000, 1))  # variance 0.01 of 1/12: contraction ≈ 0.88
    table = identification(np.hstack([flat, narrow]), ["flat", "narrow"]).set_index("parameter")
    assert abs(table.loc["flat", "contraction"]) < 0.05 and not table.loc["flat", "identified"]
    assert table.loc["narrow", "contraction"] == pytest.approx(0.88, abs=0.02)
    assert table.loc["narrow", "identified"]


def test_symlog_features() -> None:
    data = spec_data()
    data["symlog"] = ["s2"]
    x = np.array([[1.0, 999.0, -5.0], [2.0, -9.0, 3.0]])
    got = parse_spec(data).features(x)
    assert np.array_equal(got[:, [0, 2]], x[:, [0, 2]])
    assert np.allclose(got[:, 1], [math.log(1000.0), -math.log(10.0)])
    assert x[0, 1] == 999.0  # the input is not changed


def test_the_documented_calibration_file_is_valid() -> None:
    from pathlib import Path

    text = (Path(__file__).parents[1] / "docs" / "calibration.md").read_text(encoding="utf-8")
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    spec = parse_spec(yaml.safe_load(block), "docs/calibration.md")
    assert spec.names == ["legitimacy", "arrest_rate"] and spec.structural[0].overrides


def test_the_truncation_box_spans_the_draws_with_a_margin_inside_the_cube() -> None:
    from uprising.calibration.truncation import Box

    rng = np.random.default_rng(0)
    draws = np.column_stack([rng.uniform(0.4, 0.6, 5000), rng.uniform(0.0, 1.0, 5000),
                             np.full(5000, 0.3)])
    box = Box.around(draws, margin=0.1, tail=0.0)
    lo, hi = draws.min(axis=0), draws.max(axis=0)
    np.testing.assert_allclose(box.lo[0], lo[0] - 0.1 * (hi[0] - lo[0]))
    np.testing.assert_allclose(box.hi[0], hi[0] + 0.1 * (hi[0] - lo[0]))
    assert box.lo[1] == 0.0 and box.hi[1] == 1.0  # clipped to the prior's cube
    assert box.hi[2] - box.lo[2] == pytest.approx(1e-3)  # a point gets the smallest width
    assert box.contains(draws).all() and not box.contains(np.array([[0.9, 0.5, 0.3]]))[0]
    inner = box.to_box(draws)
    assert inner.min() >= 0.0 and inner.max() <= 1.0
    np.testing.assert_allclose(box.from_box(inner), draws)
    assert box.volume() == pytest.approx(np.prod(box.hi - box.lo))
    tight = Box.around(np.vstack([draws, [[0.99, 0.5, 0.3]]]), margin=0.1, tail=1e-3)
    assert tight.hi[0] < 0.7  # one extreme draw does not stretch the box
    assert set(box.bounds(["a", "b", "c"])) == {"a", "b", "c"}


def test_coverage_bands_hold_jointly_for_a_calibrated_estimator() -> None:
    # 2,000 recovery tables of 8 parameters × 2 levels on 200 data sets from an exactly
    # calibrated estimator (each coverage count binomial at its nominal level). Per-check 95 %
    # intervals flag some parameter in about a quarter of the tables; the joint bands must
    # flag at most 5 % (plus two binomial standard errors).
    rng = np.random.default_rng(11)
    tables, b, d = 2000, 200, 8
    each = band_level(d * len(LEVELS))
    assert each == pytest.approx(1 - 0.05 / 16)

    def flags(level: float) -> float:
        hits = rng.binomial(b, LEVELS, (tables, d, len(LEVELS)))
        bad = [[verdict(nom, *binomial_interval(int(k), b, level)) != "ok"
                for k, nom in zip(row, LEVELS, strict=True)] for row in hits.reshape(-1, 2)]
        return float(np.asarray(bad).reshape(tables, -1).any(axis=1).mean())

    assert flags(each) <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / tables)
    assert flags(0.95) > 0.15
    draws = np.random.default_rng(3).uniform(size=(20, 50, 3))  # the table states its level
    table = summarise(draws, draws[:, 0, :], ["a", "b", "c"]).table
    assert (table.band_level == band_level(3 * len(LEVELS))).all()


def test_joint_bands_still_flag_an_overconfident_parameter() -> None:
    rng = np.random.default_rng(12)
    b, n, d = 200, 300, 8
    centre = rng.uniform(0.3, 0.7, (b, d))
    truth = centre + rng.normal(0, 0.05, (b, d))
    scale = np.full(d, 0.05)
    scale[3] = 0.03  # the 90 % interval covers about 69 %
    draws = centre[:, None, :] + rng.normal(0, 1, (b, n, d)) * scale
    table = summarise(draws, truth, [f"p{j}" for j in range(d)]).table.set_index("parameter")
    assert table.loc["p3", "verdict_90"] == "overconfident"

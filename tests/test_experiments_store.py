"""Sweeps into the Parquet store: determinism across executors and shards, resume, failures,
merge safety, DuckDB views and exports."""

from __future__ import annotations

import csv
import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from test_experiments_support import (
    assert_identical,
    flaky_experiment,
    results,
    small_experiment,
)
from uprising.experiments.executors import open_executor
from uprising.experiments.export import behaviorspace_table, to_ema
from uprising.experiments.query import query
from uprising.experiments.runner import run_experiment
from uprising.experiments.spec import ExperimentError
from uprising.experiments.store import Store


def test_store_holds_every_run_once_with_params_and_series(small_serial_store):
    runs, ts = results(small_serial_store)
    assert list(runs["run_id"]) == list(range(12))
    assert list(runs["point"]) == [r // 2 for r in range(12)]
    assert list(runs["replicate"]) == [r % 2 for r in range(12)]
    assert runs["population.legitimacy"].tolist() == [0.6] * 4 + [0.7] * 4 + [0.8] * 4
    assert (runs["ticks"] == 60).all() and (runs["n_citizens"] == 280).all()
    # measure_every: 20 → ticks 0, 20, 40, 60 of every run
    assert len(ts) == 12 * 4 and sorted(ts["tick"].unique()) == [0, 20, 40, 60]
    manifest = json.loads((small_serial_store / "manifest.json").read_text())
    assert manifest["status"] == {"done": 12, "failed": 0, "missing": 0}
    assert manifest["versions"]["numpy"] == np.__version__
    assert manifest["seeds"] == "SeedSequence(11, spawn_key=(point, replicate))"


def test_runs_match_direct_model_runs(small_serial_store):
    """A stored run equals the same scenario run by hand with SeedSequence(seed, (point, rep))."""
    from uprising.api import make_model
    from uprising.scenario import load_scenario

    _, ts = results(small_serial_store)
    sc = load_scenario("epstein2002-run2", [
        "world.width=20", "world.height=20", "population.vision=3", "police.vision=3",
        "ticks=60", "population.legitimacy=0.7", "police.density=0.06"])
    model = make_model(sc, rng=np.random.SeedSequence(11, spawn_key=(3, 1)))
    model.run()
    direct = model.get_model_vars_dataframe()
    stored = ts[ts["run_id"] == 7].drop(columns="run_id").reset_index(drop=True)
    expected = direct[direct["tick"] % 20 == 0].reset_index(drop=True)
    pd.testing.assert_frame_equal(stored, expected, check_exact=True)


def test_processes_and_shards_equal_serial_bit_for_bit(small_serial_store, tmp_path):
    with open_executor("processes", workers=2) as ex:
        run_experiment(small_experiment(), tmp_path / "proc", executor=ex, workers=2,
                       batch_size=1)
    assert_identical(small_serial_store, tmp_path / "proc")
    shards = tmp_path / "shards"
    for i in (2, 0, 1):  # any order
        report = run_experiment(small_experiment(), shards, shard=(i, 3), batch_size=2)
        assert report.done == 4
    assert_identical(small_serial_store, shards)
    assert Store(shards).merge()["runs"] == 12
    assert_identical(small_serial_store, shards)
    assert len(Store(shards).stems()) == 1


def test_design_rebuilt_from_manifest_keeps_key_order(tmp_path):
    """The manifest's JSON has sorted keys; the design must still come back in file order."""
    from uprising.experiments.design import build_design, design_from_manifest

    exp = small_experiment(ticks=5, enumerated={"population.threshold": [0.1, 0.2],
                                                "jail.max_term": [30, 10]})
    run_experiment(exp, tmp_path)
    rebuilt = design_from_manifest(Store(tmp_path).manifest())
    original = build_design(exp)
    assert list(rebuilt.points.columns) == ["population.threshold", "jail.max_term",
                                            "police.density"]
    pd.testing.assert_frame_equal(rebuilt.points, original.points)
    assert rebuilt.experiment.fingerprint() == exp.fingerprint()


def test_resume_skips_finished_runs(tmp_path):
    exp = small_experiment()
    first = run_experiment(exp, tmp_path, shard=(0, 2))
    assert (first.done, first.status.counts["missing"]) == (6, 6)
    second = run_experiment(exp, tmp_path)
    assert (second.skipped, second.done) == (6, 6)
    third = run_experiment(exp, tmp_path)
    assert (third.planned, third.done) == (0, 0)
    runs, _ = results(tmp_path)
    assert list(runs["run_id"]) == list(range(12))


def test_other_experiment_in_same_folder_is_refused(tmp_path):
    run_experiment(small_experiment(ticks=20), tmp_path)
    with pytest.raises(ExperimentError, match="different experiment"):
        run_experiment(small_experiment(ticks=21), tmp_path)


def test_failing_runs_become_failure_records(tmp_path):
    report = run_experiment(flaky_experiment(), tmp_path, batch_size=3)
    assert (report.done, report.failed) == (6, 4)
    st = report.status
    assert st.failed == [0, 1, 2, 3] and st.missing == []
    fails = Store(tmp_path).failures()
    assert list(fails["run_id"]) == [0, 1, 2, 3]
    assert set(fails["error"]) == {"ValueError"} and "is negative" in fails["message"][0]
    assert "Traceback" in fails["traceback"][0]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["status"] == {"done": 6, "failed": 4, "missing": 0}
    assert [f["run_id"] for f in manifest["failures"]] == [0, 1, 2, 3]
    # resuming does not retry failures; --retry-failed does (they fail again, recorded once)
    assert run_experiment(flaky_experiment(), tmp_path).planned == 0
    again = run_experiment(flaky_experiment(), tmp_path, retry_failed=True)
    assert (again.planned, again.failed) == (4, 4)
    assert list(Store(tmp_path).failures()["run_id"]) == [0, 1, 2, 3]
    assert list(Store(tmp_path).runs()["run_id"]) == [4, 5, 6, 7, 8, 9]


def test_uncommitted_and_replaced_parts_are_ignored(tmp_path, small_serial_store):
    """A kill between a batch's files, or between a merge and its clean-up, loses nothing and
    duplicates nothing."""
    exp = small_experiment()
    run_experiment(exp, tmp_path, batch_size=4)
    store = Store(tmp_path)
    stems = store.stems()
    # (1) killed after a batch wrote its time series but before its runs file committed it
    orphan = store.path("s0of1-orphan", "ts")
    pq.write_table(pq.read_table(store.path(stems[0], "ts")), orphan)
    # (2) killed after a merge committed but before the replaced parts were deleted
    merged = "merged-x"
    from uprising.experiments.store.files import write_parquet

    all_runs, all_ts = store.runs(), store.timeseries()
    write_parquet(store.path(merged, "ts"), all_ts)  # the merge's order: series, then runs
    write_parquet(store.path(merged, "runs"), all_runs, replaces=stems)
    (store.parts / ".s0of1-dead.runs.parquet.abc.tmp").write_bytes(b"partial")
    assert store.stems() == [merged]
    assert_identical(small_serial_store, tmp_path)
    counts = query(tmp_path, "select count(*) as n, count(distinct run_id) as d from runs")
    assert counts.iloc[0].tolist() == [12, 12]
    assert query(tmp_path, "select count(*) as n from timeseries")["n"][0] == 48
    # resuming cleans up: replaced parts, the orphan and the temporary file are gone
    assert run_experiment(exp, tmp_path).planned == 0
    names = sorted(p.name for p in store.parts.iterdir())
    assert names == [f"{merged}.runs.parquet", f"{merged}.ts.parquet"]
    assert_identical(small_serial_store, tmp_path)


def test_query_views(small_serial_store):
    frame = query(small_serial_store, 'select "population.legitimacy" as L, avg(mean_active) as a '
                              "from runs group by 1 order by 1")
    assert frame["L"].tolist() == [0.6, 0.7, 0.8]
    assert frame["a"].is_monotonic_decreasing  # more legitimacy, fewer actives (2 reps each)
    with pytest.raises(ExperimentError, match="query failed"):
        query(small_serial_store, "select nope from runs")


def test_to_ema_and_behaviorspace_table(small_serial_store, tmp_path):
    experiments, outcomes = to_ema(small_serial_store)
    assert list(experiments.columns[:2]) == ["population.legitimacy", "police.density"]
    assert experiments["scenario"].tolist() == [r // 2 for r in range(12)]
    assert set(outcomes) >= {"mean_active", "n_outbursts", "peak_active"}
    assert all(len(v) == 12 for v in outcomes.values())
    runs, _ = results(small_serial_store)
    assert np.array_equal(outcomes["mean_active"], runs["mean_active"].to_numpy())

    path = behaviorspace_table(small_serial_store, tmp_path / "table.csv")
    rows = list(csv.reader(path.open()))
    assert rows[0][0].startswith("BehaviorSpace results") and rows[2] == ["small"]
    assert rows[4] == ["min-pxcor", "max-pxcor", "min-pycor", "max-pycor"]
    assert rows[5] == ["0", "19", "0", "19"]
    header = rows[6]
    assert header[:4] == ["[run number]", "population.legitimacy", "police.density", "[step]"]
    body = rows[7:]
    assert len(body) == 48  # 12 runs × 4 measured ticks
    assert body[0][:4] == ["1", "0.6", "0.03", "0"] and body[-1][0] == "12"

"""Fault injection on a sweep's store: each fault gives a clean message naming the file, and a
resumed sweep brings the store back to a clean run's contents bit for bit (timing columns
aside) — nothing lost, nothing doubled."""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import subprocess

import pyarrow.parquet as pq
import pytest
import typer
import yaml
from typer.testing import CliRunner

from test_experiments_support import SMALL_WORLD, assert_identical
from uprising.experiments.cli import register
from uprising.experiments.query import query
from uprising.experiments.store import Store, ranges

BATCH = "2"  # 8 runs in 4 parts of 2 runs


@pytest.fixture(scope="module")
def app():
    application = typer.Typer()
    register(application)
    return application


def _invoke(app, *args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def clean(app, tmp_path_factory):
    """(experiment file, a complete clean store) of a 2 × 2 grid × 2 replicates, 30 ticks."""
    folder = tmp_path_factory.mktemp("faults")
    exp = folder / "tiny.yaml"
    exp.write_text(yaml.safe_dump({
        "name": "tiny", "set": SMALL_WORLD, "ticks": 30, "repetitions": 2, "seed": 3,
        "enumerated": {"population.legitimacy": [0.6, 0.8]},
        "stepped": {"police.density": {"start": 0.02, "stop": 0.04, "step": 0.02}},
        "measure_every": 10,
    }))
    out = folder / "clean"
    result = _invoke(app, "sweep", exp, "--out", out, "-q", "--batch-size", BATCH)
    assert result.exit_code == 0, result.output
    assert "8 runs done" in result.output
    return exp, out


@pytest.fixture
def store(clean, tmp_path):
    """A fresh copy of the clean store to damage."""
    target = tmp_path / "store"
    shutil.copytree(clean[1], target)
    return Store(target)


def _resume(app, clean, store, expect_done):
    result = _invoke(app, "sweep", clean[0], "--out", store.directory, "-q",
                     "--batch-size", BATCH)
    assert result.exit_code == 0, result.output
    assert f"{expect_done} runs done" in result.output, result.output
    assert "8 done, 0 failed, 0 missing" in result.output
    assert_identical(clean[1], store.directory)
    counts = query(store.directory, "select count(*) n, count(distinct run_id) d from runs")
    assert counts.iloc[0].tolist() == [8, 8]
    assert query(store.directory, "select count(*) n from timeseries")["n"][0] == 8 * 4
    check = store.check(deep=True)
    assert check.ok and not check.unrecorded, [str(p) for p in check.problems]
    return result


def _clean_error(result, *needles):
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert str(needle) in result.output, result.output


def _part(store, kind, index=1):
    return store.path(store.stems()[index], kind)


def test_truncated_part_is_found_refused_by_merge_and_rerun(app, clean, store):
    ts = _part(store, "ts")
    ids = query(store.directory, f"select run_id from read_parquet('{_part(store, 'runs')}')")
    ts.write_bytes(ts.read_bytes()[:100])
    status = _invoke(app, "status", store.directory)
    assert status.exit_code == 0
    assert f"damaged {ts}" in status.output and "6 " in status.output  # 6 done
    assert f"missing        2  {ranges(ids['run_id'].tolist())}\n" in status.output
    _clean_error(_invoke(app, "merge", store.directory), "refusing to merge", ts,
                 "--drop-damaged")
    result = _resume(app, clean, store, expect_done=2)  # exactly the part's 2 runs
    assert str(ts) in result.output and "quarantine" in result.output
    assert any(p.name.endswith(ts.name) for p in store.quarantine.iterdir())


def test_deleted_time_series_part(app, clean, store):
    ts = _part(store, "ts", 2)
    ts.unlink()
    status = _invoke(app, "status", store.directory)
    assert f"damaged {ts}: file is gone" in status.output
    assert "missing        2" in status.output
    _resume(app, clean, store, expect_done=2)


def test_deleted_runs_part(app, clean, store):
    runs = _part(store, "runs", 0)
    runs.unlink()
    status = _invoke(app, "status", store.directory)
    assert f"missing {runs}: file is gone" in status.output
    assert "missing        2" in status.output
    _resume(app, clean, store, expect_done=2)


def test_same_size_bit_flip_is_a_checksum_mismatch(app, clean, store):
    ts = _part(store, "ts", 3)
    original = ts.read_bytes()
    for offset in range(8, len(original)):  # a byte in the data pages: the footer still reads
        data = bytearray(original)
        data[offset] ^= 0xFF
        ts.write_bytes(bytes(data))
        try:
            pq.read_metadata(ts)
            break
        except Exception:
            continue
    assert ts.stat().st_size == len(original) and ts.read_bytes() != original
    status = _invoke(app, "status", store.directory)
    assert f"damaged {ts}: checksum mismatch" in status.output
    _resume(app, clean, store, expect_done=2)


def test_duplicated_part_is_ignored_then_quarantined(app, clean, store):
    stem = store.stems()[0]
    for kind in ("runs", "ts"):
        shutil.copy(store.path(stem, kind), store.path("zz-copy", kind))
    copy = store.path("zz-copy", "runs")
    assert query(store.directory, "select count(*) n from runs")["n"][0] == 8
    status = _invoke(app, "status", store.directory)
    assert f"duplicate {copy}: holds 2 runs already in {stem}.runs.parquet" in status.output
    _clean_error(_invoke(app, "merge", store.directory), copy)
    _resume(app, clean, store, expect_done=0)
    assert not copy.exists()


@pytest.mark.parametrize("garbage", ["{not json", "{}", "[1, 2]"])
def test_garbage_manifest(app, clean, store, garbage):
    manifest = store.directory / "manifest.json"
    manifest.write_text(garbage)
    for cmd in (["status"], ["merge"], ["query", "select 1"]):
        _clean_error(_invoke(app, cmd[0], store.directory, *cmd[1:]),
                     f"{manifest}: damaged manifest")
    result = _resume(app, clean, store, expect_done=0)  # parts adopted, nothing re-run
    assert "rebuilt from the experiment" in result.output
    assert len(json.loads(manifest.read_text())["parts"]) == 4


def test_garbage_session_record(app, clean, store):
    bad = store.directory / "sessions" / "20990101T000000-bad.json"
    bad.write_text("\x00garbage")
    status = _invoke(app, "status", store.directory)
    assert status.exit_code == 0 and f"damaged-session {bad}" in status.output
    result = _resume(app, clean, store, expect_done=0)
    assert str(bad) in result.output and not bad.exists()


def test_killed_session_is_marked_killed(app, clean, store):
    proc = subprocess.Popen(["true"])
    proc.wait()  # a pid that is gone
    record = {"id": "20990101T000000-s0of1-dead", "started": 1.0, "outcome": "running",
              "pid": proc.pid, "host": socket.gethostname(), "pid_start": "1"}
    path = store.directory / "sessions" / f"{record['id']}.json"
    path.write_text(json.dumps(record))
    status = _invoke(app, "status", store.directory)
    assert f"session {record['id']}: recorded as running" in status.output
    assert "killed" in status.output
    _resume(app, clean, store, expect_done=0)
    assert json.loads(path.read_text())["outcome"] == "killed"
    outcomes = [s["outcome"] for s in store.sessions()]
    assert "running" not in outcomes


def test_a_live_session_is_not_marked_killed(store):
    record = {"id": "live", "started": 1.0, "outcome": "running", "pid": os.getpid(),
              "host": socket.gethostname(),
              "pid_start": __import__("uprising.experiments.store",
                                      fromlist=["x"]).process_identity()["pid_start"]}
    (store.directory / "sessions" / "live.json").write_text(json.dumps(record))
    assert store.killed_sessions() == []
    record["pid_start"] = "0"  # the pid was reused by another process
    (store.directory / "sessions" / "live.json").write_text(json.dumps(record))
    assert [s["id"] for s in store.killed_sessions()] == ["live"]


def test_read_only_folder(app, clean, store, monkeypatch):
    (store.directory / "parts").joinpath(_part(store, "runs").name).unlink()
    if os.geteuid() != 0:
        for folder in (store.directory, store.directory / "sessions", store.parts):
            folder.chmod(0o555)
    else:  # root ignores permissions: make every write in the folder fail as it would
        import uprising.atomic

        real = uprising.atomic.tempfile.mkstemp

        def mkstemp(*args, dir=None, **kwargs):
            if dir is not None and str(dir).startswith(str(store.directory)):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES),
                                      os.path.join(str(dir), "tmpfile"))
            return real(*args, dir=dir, **kwargs)

        monkeypatch.setattr(uprising.atomic.tempfile, "mkstemp", mkstemp)
    try:
        result = _invoke(app, "sweep", clean[0], "--out", store.directory, "-q",
                         "--batch-size", BATCH)
        _clean_error(result, "could not write", str(store.directory), "Permission denied")
    finally:
        for folder in (store.directory, store.directory / "sessions", store.parts):
            folder.chmod(0o755)
        monkeypatch.undo()
    _resume(app, clean, store, expect_done=2)


def test_full_disk(app, clean, store, monkeypatch):
    from uprising.experiments.store import files, folder, manifest, sessions

    for stem in store.stems()[1:]:  # leave one part: 6 runs to do
        for kind in ("runs", "ts"):
            store.path(stem, kind).unlink()
    store_module_write = files.write_atomic
    calls = {"n": 0}

    def full(path, writer):
        calls["n"] += str(path).endswith(".parquet")
        if calls["n"] > 2:  # one batch is written, then the disk is full mid-sweep
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return store_module_write(path, writer)

    for module in (files, folder, manifest, sessions):  # every writer of the store
        monkeypatch.setattr(module, "write_atomic", full)
    result = _invoke(app, "sweep", clean[0], "--out", store.directory, "-q",
                     "--batch-size", BATCH)
    _clean_error(result, "could not write", str(store.parts), "No space left on device")
    assert "No space left on device: \n" not in result.output
    monkeypatch.undo()
    assert len(store.check().stems) == 2  # the batch written before the disk filled is kept
    _resume(app, clean, store, expect_done=4)


def test_merge_drop_damaged_then_resume(app, clean, store):
    runs = _part(store, "runs", 2)
    runs.write_bytes(b"PAR1 not really")
    result = _invoke(app, "merge", store.directory, "--drop-damaged")
    assert result.exit_code == 0, result.output
    assert f"dropped: damaged {runs}" in result.output and "holding 6 runs" in result.output
    assert len(store.stems()) == 1 and store.check(deep=True).ok
    _resume(app, clean, store, expect_done=2)


def test_corrupt_runs_part_does_not_block_query(app, store):
    runs = _part(store, "runs", 1)
    runs.write_bytes(b"garbage")
    result = _invoke(app, "query", store.directory, "select count(*) as n from runs", "--csv")
    assert result.exit_code == 0, result.output
    assert f"left out: damaged {runs}" in result.output and "\n6\n" in result.output


def test_old_store_without_records_is_adopted(app, clean, store):
    manifest = store.directory / "manifest.json"
    data = json.loads(manifest.read_text())
    del data["parts"], data["format"]
    manifest.write_text(json.dumps(data))
    check = store.check(deep=True)
    assert check.ok and len(check.unrecorded) == 4
    status = _invoke(app, "status", store.directory)
    assert "4 part(s) without a checksum record" in status.output
    _resume(app, clean, store, expect_done=0)
    assert len(json.loads(manifest.read_text())["parts"]) == 4


@pytest.mark.parametrize("cmd", [["merge"], ["status"], ["query", "select 1"]])
def test_missing_folder_exits_2(app, tmp_path, cmd):
    folder = tmp_path / "nonexistent"
    _clean_error(_invoke(app, cmd[0], folder, *cmd[1:]), f"{folder}: no such folder")


def test_atomic_write_errors_name_the_file(tmp_path):
    from uprising.atomic import write_atomic

    def full(path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    target = tmp_path / "out.csv"
    with pytest.raises(OSError) as err:
        write_atomic(target, full)
    assert err.value.errno == errno.ENOSPC and err.value.filename == str(target)
    assert list(tmp_path.iterdir()) == []  # no temporary file left


@pytest.mark.parametrize("cmd", [["export"], ["export", "--format", "behaviorspace"]])
def test_export_of_a_missing_folder_exits_2(app, tmp_path, cmd):
    folder = tmp_path / "nonexistent"
    _clean_error(_invoke(app, cmd[0], folder, *cmd[1:]), f"{folder}: no such folder")
    assert not folder.exists()


def test_damaged_failures_file_reruns_only_the_failed_runs(app, tmp_path):
    """A failures file damaged: the batch's successful runs are kept, its failed runs are
    missing and run again (here they fail again: recorded once)."""
    from uprising.experiments.runner import run_experiment
    from uprising.experiments.spec import parse_experiment

    exp = parse_experiment({"name": "flaky", "model": "uprising.testing:flaky",
                            "enumerated": {"x": [-2, -1, 1, 2]}, "repetitions": 1})
    run_experiment(exp, tmp_path, batch_size=4)
    store = Store(tmp_path)
    (stem,) = store.stems()
    failures = store.path(stem, "failures")
    failures.write_bytes(failures.read_bytes()[:-30])
    status = _invoke(app, "status", tmp_path)
    assert f"damaged {failures}" in status.output and "done           2  2-3" in status.output
    assert "missing        2  0-1" in status.output
    report = run_experiment(exp, tmp_path, batch_size=4)
    assert (report.planned, report.failed) == (2, 2)  # only the failed runs again
    assert list(store.failures()["run_id"]) == [0, 1] and list(store.runs()["run_id"]) == [2, 3]
    assert store.check(deep=True).ok

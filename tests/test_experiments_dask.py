"""Sweeps through a real Dask cluster: a scheduler and two workers started as separate
processes on 127.0.0.1. Results must equal the serial run bit for bit, also when a worker is
killed mid-sweep."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from test_experiments_support import assert_identical, results, small_experiment
from uprising.experiments.executors import DaskExecutor
from uprising.experiments.runner import run_experiment
from uprising.experiments.spec import parse_experiment
from uprising.experiments.store import Store

distributed = pytest.importorskip("distributed")
DASK = str(Path(sys.executable).with_name("dask"))


class Cluster:
    """A `dask scheduler` and `dask worker --no-nanny` subprocesses on 127.0.0.1."""

    def __init__(self, folder: Path, n_workers: int = 2):
        self.file = folder / "scheduler.json"
        self.procs: list[subprocess.Popen] = []
        self.logs = folder
        self.scheduler = self._start(
            "scheduler", [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0",
                          "--no-dashboard", "--scheduler-file", str(self.file)])
        deadline = time.time() + 60
        while not self.file.exists() and time.time() < deadline:
            time.sleep(0.2)
        self.workers = [
            self._start(f"worker{i}", [DASK, "worker", "--scheduler-file", str(self.file),
                                       "--host", "127.0.0.1", "--nthreads", "1", "--no-nanny",
                                       "--no-dashboard", "--name", f"w{i}"])
            for i in range(n_workers)
        ]
        self.client = distributed.Client(scheduler_file=str(self.file), timeout="60s")
        self.client.wait_for_workers(n_workers, timeout=120)

    def _start(self, name: str, cmd: list[str]) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def close(self) -> None:
        """Shuts the scheduler and its workers down through the client, then ends what is
        still running: SIGTERM, and SIGKILL after 3 s (a process sent only SIGTERM used to
        linger up to 20 s, idle time of the suite)."""
        try:
            self.client.shutdown()
        finally:
            self.client.close()
        for proc in self.procs:
            try:
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("dask"))
    yield c
    c.close()


def test_dask_sweep_equals_serial_bit_for_bit(cluster, small_serial_store, tmp_path):
    exp = small_experiment()
    report = run_experiment(exp, tmp_path / "dask", executor=DaskExecutor(cluster.client),
                            workers=2, batch_size=1, label="dask")
    assert (report.done, report.failed) == (12, 0)
    assert_identical(small_serial_store, tmp_path / "dask")
    # both workers took part: a function model reports the process that ran it
    pids = parse_experiment({"model": "uprising.testing:process_id",
                             "enumerated": {"x": list(range(40))}})
    run_experiment(pids, tmp_path / "pids", executor=DaskExecutor(cluster.client), workers=2,
                   batch_size=1)
    used = set(Store(tmp_path / "pids").runs()["pid"].astype(int))
    assert used == {p.pid for p in cluster.workers}


@pytest.mark.slow
def test_cli_sweep_through_scheduler_address(cluster, tmp_path):
    import yaml

    exp = small_experiment(ticks=30)
    (tmp_path / "exp.yaml").write_text(yaml.safe_dump(exp.model_dump(mode="json")))
    address = cluster.client.scheduler.address
    assert address.startswith("tcp://127.0.0.1:")
    cmd = [sys.executable, "-m", "uprising", "sweep", str(tmp_path / "exp.yaml"), "--out",
           str(tmp_path / "dask"), "--dask", address, "--batch-size", "2", "-q"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "12 runs done, 0 failed" in done.stdout
    run_experiment(exp, tmp_path / "serial")
    assert_identical(tmp_path / "serial", tmp_path / "dask")
    bad = subprocess.run([*cmd[:-5], "--dask", "tcp://127.0.0.1:1", "-q"], capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 2 and "cannot reach the scheduler" in bad.stderr


@pytest.mark.slow
def test_sweep_survives_a_killed_worker(cluster, tmp_path):
    """Worker w1 is SIGKILLed once 3 batches are stored; Dask reruns its tasks on w0. Every run
    is stored exactly once and equals the serial result."""
    exp = small_experiment(ticks=400, set={"population.vision": 3, "police.vision": 3},
                           enumerated={"population.legitimacy": [0.6, 0.65, 0.7, 0.75, 0.8]},
                           repetitions=3, measure_every=100)
    victim = cluster.workers[1]
    store = Store(tmp_path / "dask")
    killed: list[int] = []

    def kill_when_started() -> None:
        deadline = time.time() + 300
        while time.time() < deadline:
            if store.parts.is_dir() and len(store.stems()) >= 3:
                os.kill(victim.pid, signal.SIGKILL)
                killed.append(len(store.stems()))
                return
            time.sleep(0.05)

    watcher = threading.Thread(target=kill_when_started)
    watcher.start()
    report = run_experiment(exp, store.directory, executor=DaskExecutor(cluster.client),
                            workers=2, batch_size=1, label="dask")
    watcher.join()
    assert killed and killed[0] < 30, "the worker was not killed mid-sweep"
    assert victim.wait(timeout=10) == -signal.SIGKILL
    assert (report.done, report.failed) == (30, 0)
    runs, ts = results(store.directory)
    assert runs["run_id"].tolist() == list(range(30))  # each run exactly once
    assert len(ts) == 30 * 5 and not ts.duplicated(["run_id", "tick"]).any()
    run_experiment(exp, tmp_path / "serial")
    assert_identical(tmp_path / "serial", store.directory)


@pytest.mark.slow
def test_dask_local_cluster_equals_serial(tmp_path):
    from uprising.experiments.executors import open_executor

    exp = small_experiment(ticks=30)
    run_experiment(exp, tmp_path / "serial")
    with open_executor(dask="local", workers=2) as ex:
        workers = ex.client.scheduler_info()["workers"]
        assert len(workers) == 2 and all(a.startswith("tcp://127.0.0.1:") for a in workers)
        run_experiment(exp, tmp_path / "dask", executor=ex, workers=2, batch_size=1)
    assert_identical(tmp_path / "serial", tmp_path / "dask")

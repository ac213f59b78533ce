"""SIGKILL a local sweep (driver and worker processes) at random points, then re-run the same
command: no run lost, none duplicated, every file readable, results equal to a clean run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest
import yaml

from test_experiments_support import SMALL_WORLD, assert_identical, results
from uprising.experiments.runner import run_experiment
from uprising.experiments.store import Store

EXPERIMENT = {
    "name": "killme",
    "scenario": "epstein2002-run2",
    "set": SMALL_WORLD,
    "ticks": 300,
    "repetitions": 4,
    "seed": 5,
    "enumerated": {"population.legitimacy": [0.6, 0.7, 0.8]},
    "stepped": {"police.density": {"start": 0.02, "stop": 0.06, "step": 0.02}},
    "measure_every": 50,
}


def _sweep_cmd(exp_file, out):
    return [sys.executable, "-m", "uprising", "sweep", str(exp_file), "--out", str(out),
            "--workers", "2", "--batch-size", "1", "--quiet"]


@pytest.mark.slow
def test_sigkill_at_random_points_then_resume(tmp_path):
    exp_file = tmp_path / "killme.yaml"
    exp_file.write_text(yaml.safe_dump(EXPERIMENT))
    out = tmp_path / "out"
    store = Store(out)
    rng = random.Random(20261125)  # seed of the kill points
    n_runs = 36
    kills = []
    for _attempt in range(3):
        proc = subprocess.Popen(_sweep_cmd(exp_file, out), start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        before = len(store.done_ids()) if store.exists() else 0
        # kill once a random number of further batches is stored, plus a random delay so the
        # kill also lands inside batch writes
        target = before + rng.randint(1, 6)
        deadline = time.time() + 240
        while time.time() < deadline and proc.poll() is None:
            if store.parts.is_dir() and len(store.done_ids()) >= target:
                break
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.3))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # driver, forkserver and workers
        proc.wait(timeout=30)
        kills.append((before, len(store.done_ids()), proc.returncode))
    print("kills (runs done before, after, exit code):", kills)
    assert any(code == -signal.SIGKILL for _, _, code in kills), kills
    assert any(done < n_runs for _, done, _ in kills), kills
    # every file present after the kills is readable (temporaries are not counted as parts)
    for path in store.parts.glob("*.parquet"):
        if not path.name.startswith("."):
            pq.read_table(path)
    final = subprocess.run(_sweep_cmd(exp_file, out), capture_output=True, text=True,
                           timeout=600)
    assert final.returncode == 0, final.stderr
    runs, ts = results(out)
    assert runs["run_id"].tolist() == list(range(n_runs))
    assert not ts.duplicated(["run_id", "tick"]).any() and len(ts) == n_runs * 7
    assert not [p for p in store.parts.iterdir() if p.name.endswith(".tmp")]
    check = store.check(deep=True)  # every part recorded (adopted if killed before) and intact
    assert check.ok and not check.unrecorded, [str(p) for p in check.problems]
    outcomes = [s["outcome"] for s in store.sessions()]
    assert set(outcomes) <= {"complete", "killed"} and "killed" in outcomes, outcomes
    reference = tmp_path / "reference"
    run_experiment(exp_file, reference)
    assert_identical(reference, out)


@pytest.mark.slow
def test_concurrent_shards_share_one_folder(tmp_path):
    """Two job-array shards write into the same folder at the same time; then merge."""
    exp_file = tmp_path / "killme.yaml"
    exp_file.write_text(yaml.safe_dump({**EXPERIMENT, "ticks": 100}))
    out = tmp_path / "out"
    cmds = [[sys.executable, "-m", "uprising", "sweep", str(exp_file), "--out", str(out),
             "--shard", f"{i}/2", "--batch-size", "1", "--quiet"] for i in range(2)]
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for c in cmds]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    check = Store(out).check(deep=True)  # both shards' records kept (manifest lock)
    assert check.ok and not check.unrecorded and len(check.stems) == 36
    merged = subprocess.run([sys.executable, "-m", "uprising", "merge", str(out)],
                            capture_output=True, text=True, timeout=120)
    assert merged.returncode == 0 and "holding 36 runs" in merged.stdout
    reference = tmp_path / "reference"
    run_experiment(exp_file, reference)
    assert_identical(reference, out)

"""Shared pytest configuration and fixtures.

tests/ is put on ``sys.path`` for the experiment tests' helper module
(test_experiments_support.py). Fixtures shared by several test files live here.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from uprising.api import make_model
from uprising.scenario import load_scenario
from uprising.testing import ScriptedModel

sys.path.insert(0, str(Path(__file__).parent))

#: The macro-actor tests' world: Run 2 rules on a 20×20 torus, 200 ticks.
ACTORS_SCENARIO: dict[str, Any] = {
    "world": {"width": 20, "height": 20},
    "population": {"vision": 4, "legitimacy": 0.82},
    "police": {"vision": 4, "density": 0.04},
    "rules": {"arrest_ratio": "floor"},
    "ticks": 200,
}


def pytest_configure(config: pytest.Config) -> None:
    """Compiles the simulation kernels once, before pytest-xdist starts its workers.

    Numba caches compiled kernels on disk; without this, every worker would compile the same
    kernels at the same time on a fresh checkout. The two engines compile in two processes
    side by side (``uprising warmup``); a cached kernel only loads (a few seconds).
    """
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    import subprocess

    procs = [
        subprocess.Popen([sys.executable, "-m", "uprising", "warmup", "--engine", engine],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for engine in ("fast", "reference")
    ]
    for proc in procs:
        proc.wait()


@pytest.fixture
def actors_scenario() -> dict[str, Any]:
    """Returns (a fresh copy of) the macro-actor tests' scenario mapping."""
    return copy.deepcopy(ACTORS_SCENARIO)


@pytest.fixture
def scripted(actors_scenario: dict[str, Any]) -> Callable[..., ScriptedModel]:
    """Returns ``make(actives, **sections)``: a scripted model (1000 citizens) driving the
    actors of the actors scenario with ``sections`` replaced."""

    def make(actives: list[int], **sections: Any) -> ScriptedModel:
        return ScriptedModel.from_scenario(actives, {**actors_scenario, **sections},
                                           n_citizens=1000)

    return make


@pytest.fixture
def mean_active_after(actors_scenario: dict[str, Any]) -> Callable[..., np.ndarray]:
    """Returns ``run(sections, seeds, start=50)``: per seed, the mean active count from tick
    ``start`` on of a real run of the actors scenario with ``sections`` replaced."""

    def run(sections: dict[str, Any], seeds: range, start: int = 50) -> np.ndarray:
        out = []
        for seed in seeds:
            model = make_model(load_scenario({**actors_scenario, **sections}), rng=seed)
            model.run()
            df = model.get_model_vars_dataframe()
            out.append(df.loc[df["tick"] >= start, "active"].mean())
        return np.array(out)

    return run


@pytest.fixture(scope="session")
def small_serial_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Returns the store folder of ``small_experiment()`` (12 Run 2 runs) run serially: the
    reference other executors must reproduce bit for bit."""
    from test_experiments_support import small_experiment
    from uprising.experiments.runner import run_experiment

    out = tmp_path_factory.mktemp("small-serial")
    report = run_experiment(small_experiment(), out, batch_size=5)
    assert report.done == 12 and report.failed == 0
    return out

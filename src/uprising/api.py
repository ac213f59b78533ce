"""Functional entry points for experiment tools (EMA Workbench, SALib, pyabc).

``make_model`` (from ``uprising.simulation``) picks the model class of a scenario.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from uprising.results import RunResult, combine
from uprising.scenario import Scenario, load_scenario
from uprising.simulation import make_model
from uprising.simulation.seeds import SeedLike

Overrides = Sequence[str] | str | None
"""Dotted ``path=value`` overrides: a list, or one string (a single override)."""

WARMUP_CELLS = 48
"""Side of the small world on which ``warm_up`` compiles a scenario's kernels."""


def _overrides(overrides: Overrides, name: str = "overrides") -> list[str] | None:
    if overrides is None:
        return None
    if isinstance(overrides, str):
        return [overrides]
    if not all(isinstance(o, str) for o in overrides):
        raise TypeError(f"{name} must be a string or a list of 'path=value' strings; "
                        f"got {overrides!r}")
    return list(overrides)


def kernels_compiled(scenario: Scenario) -> bool | None:
    """Returns whether the kernels ``scenario`` runs are compiled in this process (True),
    cached on disk by Numba (None) or must be compiled (False)."""
    from uprising.engine import reference

    if scenario.model == "intergroup":
        from uprising.engine.intergroup import kernel

        dispatchers = [kernel.run_ticks]
    elif scenario.engine == "fast":
        from uprising.engine.fast import scheduler

        dispatchers = [scheduler._run]
    else:
        dispatchers = [reference.run_ticks_mech]
    if all(d.signatures for d in dispatchers):
        return True
    try:  # Numba internals: the index file of the on-disk cache
        import os

        cached = all(os.path.exists(d._cache._cache_file._index_path) for d in dispatchers)
    except AttributeError:
        return None
    return None if cached else False


def warm_up(scenario: Scenario) -> float:
    """Returns the seconds spent compiling (or loading from Numba's cache) the kernels of
    ``scenario``, by running one tick of it on a small world of the same kind (the same
    kernel signatures), so that the timing of the real run excludes compilation. A scenario
    that cannot be shrunk runs one tick at its own size when that is small, else nothing
    is done (0 s)."""
    started = time.perf_counter()
    w, h = scenario.world.width, scenario.world.height
    shrink = [f"world.width={min(w, WARMUP_CELLS)}", f"world.height={min(h, WARMUP_CELLS)}",
              "timeline=[]"]
    try:
        small = load_scenario(scenario, shrink)
    except (ValueError, TypeError):  # cannot shrink: one tick of the scenario itself if small
        if w * h > WARMUP_CELLS**2 * 16:
            return 0.0
        small = scenario
    helper = _start_activation_helper(small) if kernels_compiled(small) is False else None
    try:
        make_model(small, rng=0).run(1)
    except (ValueError, MemoryError):
        return 0.0
    finally:
        if helper is not None:
            _stop_activation_helper(helper)
    return time.perf_counter() - started


_HELPER_CODE = ("import pickle, sys; from uprising.api import compile_activation; "
                "compile_activation(pickle.load(sys.stdin.buffer))")


def _start_activation_helper(scenario: Scenario) -> subprocess.Popen | None:
    """Starts a process that compiles the fast engine's ``_activate`` into Numba's cache
    while this one compiles the rest (``engine.fast.first_compile``); None for the other
    engines."""
    if scenario.engine != "fast" or scenario.model == "intergroup":
        return None
    from uprising.engine.fast import first_compile

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    try:
        helper = subprocess.Popen([sys.executable, "-c", _HELPER_CODE], env=env,
                                  stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        helper.stdin.write(pickle.dumps(scenario))
        helper.stdin.close()
    except OSError:  # no second process: compile everything here
        return None
    first_compile.expect_helper(helper.wait)
    return helper


def _stop_activation_helper(helper: subprocess.Popen) -> None:
    from uprising.engine.fast import first_compile

    first_compile.expect_helper(None)
    if helper.poll() is None:  # this process failed before it needed the helper
        helper.kill()
        helper.wait()


def compile_activation(scenario: Scenario) -> None:
    """The helper process's work: runs ``scenario`` until the fast scheduler has compiled
    ``_activate`` (then stops). Called by ``warm_up`` in a second process."""
    from uprising.engine.fast import first_compile

    first_compile.helper_mode()
    with contextlib.suppress(first_compile.ActivationCompiled):
        make_model(scenario, rng=0).run(1)


def params_to_overrides(params: dict[str, Any]) -> list[str]:
    """Returns ``path=value`` override strings for a flat {dotted.path: value} mapping."""
    return [f"{k}={v}" for k, v in params.items()]


def run_scenario(
    scenario: str | Path | Scenario | dict[str, Any] = "epstein2002-run2",
    *,
    seed: int | None = None,
    replicate: int = 0,
    ticks: int | None = None,
    overrides: Overrides = None,
) -> RunResult:
    """Returns the RunResult of one run.

    The run's random streams come from ``SeedSequence(seed, spawn_key=(replicate,))``, with
    ``seed`` defaulting to the scenario's own. ``overrides``: a list of ``path=value``
    strings, or one such string.
    """
    sc = load_scenario(scenario, _overrides(overrides))
    if ticks is not None:
        sc = load_scenario(sc, [f"ticks={ticks}"])
    model = make_model(sc, rng=sc.seed if seed is None else seed, replicate=replicate)
    model.run()
    return model.result()


def run_replicates(
    scenario: str | Path | Scenario | dict[str, Any],
    replicates: int,
    *,
    seed: int | None = None,
    ticks: int | None = None,
    overrides: Overrides = None,
) -> RunResult:
    """Returns one RunResult holding ``replicates`` runs (replicate = 0 .. replicates−1)."""
    if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
        raise ValueError(f"replicates must be a positive int; got {replicates!r}")
    runs = [
        run_scenario(scenario, seed=seed, replicate=r, ticks=ticks, overrides=overrides)
        for r in range(replicates)
    ]
    return combine(runs)


def simulate(params: dict[str, Any], rng: SeedLike = None, **kwargs: Any) -> dict[str, Any]:
    """Returns the summary statistics of one run of ``params``.

    ``params`` is flat: ``{"scenario": "epstein2002-run2", "population.legitimacy": 0.8,
    "ticks": 500}``; every key but ``scenario`` is a dotted scenario path. ``rng`` is a seed,
    SeedSequence or Generator. Suited to EMA Workbench, SALib and pyabc model functions.
    """
    params = dict(params)
    params.update(kwargs)
    base = params.pop("scenario", "epstein2002-run2")
    sc = load_scenario(base, params_to_overrides(params))
    model = make_model(sc, rng=sc.seed if rng is None else rng)
    model.run()
    return model.result().summary

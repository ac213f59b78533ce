"""The fast engine's first compilation split over two processes (engine.fast.first_compile)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from uprising import api, load_scenario
from uprising.engine.fast import first_compile, scheduler
from uprising.simulation import make_model


def _small_fast() -> object:
    return load_scenario("epstein2002-run2", ["engine=fast", "world.width=48",
                                              "world.height=48", "timeline=[]"])


def test_helper_compiles_the_signature_run_uses(monkeypatch):
    """The helper's derived signature is the one ``_run_block`` calls ``_activate`` with: in
    helper mode ``_activate`` is found (compiled in this process or in Numba's cache from
    ``_run``'s compilation), never compiled for a second signature."""
    make_model(_small_fast(), rng=0).run(1)  # compiles or loads the kernels as any run does
    misses = sum(scheduler._activate.stats.cache_misses.values())
    monkeypatch.setattr(first_compile, "_only_activation", True)
    with pytest.raises(first_compile.ActivationCompiled):
        make_model(_small_fast(), rng=0).run(1)
    assert len(scheduler._activate.signatures) == 1
    assert sum(scheduler._activate.stats.cache_misses.values()) == misses


def test_waiting_happens_once_and_only_when_asked():
    calls = []
    first_compile.expect_helper(lambda: calls.append(1))
    first_compile.wait_for_helper()
    first_compile.wait_for_helper()
    assert calls == [1]
    first_compile.wait_for_helper()  # nothing expected: returns at once
    assert calls == [1]


def test_warm_up_runs_no_helper_for_the_reference_engine():
    reference = load_scenario("epstein2002-run2", ["world.width=48", "world.height=48"])
    assert api._start_activation_helper(reference) is None


_FRESH_CACHE = """
import json, sys
from uprising import api, load_scenario
from uprising.engine.fast import scheduler
sc = load_scenario("epstein2002-run2", ["engine=fast"])
state = api.kernels_compiled(sc)
api.warm_up(sc)
print(json.dumps({"state": state, "hits": sum(scheduler._activate.stats.cache_hits.values()),
                  "misses": sum(scheduler._activate.stats.cache_misses.values())}))
"""


@pytest.mark.slow
def test_a_fresh_install_compiles_activate_once_in_the_helper(tmp_path):
    """On an empty cache, warm_up's process loads ``_activate`` from the helper's cache entry
    instead of compiling it (about a minute of compilation: slow)."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", _FRESH_CACHE], env=env, capture_output=True,
                          text=True, check=True, timeout=900)
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got == {"state": False, "hits": 1, "misses": 0}

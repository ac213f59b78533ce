"""Epstein presets give bit-identical series to those stored before the mechanisms were added.

The fixture tests/data/core_regression.json was written by tests/make_regression_fixture.py
from commit 5afd1dc (before issue 4's mechanisms existed), with one core fix applied there too:
the activation order restarts from the identity before each tick's shuffle, so results do not
depend on how a run is split into kernel calls. Every mechanism is off by default, so the core
columns must hash to the same digest and every summary statistic must be equal.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from make_regression_fixture import digest

FIXTURE = json.loads((Path(__file__).parent / "data" / "core_regression.json").read_text())


@pytest.mark.parametrize("key", sorted(FIXTURE))
def test_preset_matches_stored_run(key: str) -> None:
    preset, seed = key.rsplit("/", 1)
    now = digest(preset, int(seed))
    stored = FIXTURE[key]
    for name, value in stored["summary"].items():
        got = now["summary"][name]
        if isinstance(value, float) and math.isnan(value):
            assert math.isnan(got), name
        else:
            assert got == value, f"{key}: {name} {got} != {value}"
    assert now["sha256"] == stored["sha256"], key


@pytest.mark.parametrize("preset", ["epstein2002-run2", "mesa-example", "epstein2002-run4"])
def test_stepping_equals_running(preset: str) -> None:
    """Same seed: 60 calls of step() give the same series as one run(60)."""
    from uprising import Model

    ticks = ["ticks=100"]
    whole = Model(preset, rng=7, overrides=ticks)
    whole.run(60)
    stepped = Model(preset, rng=7, overrides=ticks)
    for _ in range(60):
        stepped.step()
    a = whole.get_model_vars_dataframe()
    b = stepped.get_model_vars_dataframe()
    assert a.equals(b)

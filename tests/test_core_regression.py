"""Epstein presets give bit-identical series to those stored before the mechanisms were added.

The fixture tests/data/core_regression.json was written by tests/make_regression_fixture.py
before issue 4's mechanisms existed; every mechanism is off by default, so the core columns
must hash to the same digest and every summary statistic must be equal.
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

"""Writes tests/data/core_regression.json: summaries and series digests of every Epstein preset.

Run once before a change that must not alter the core engine's results; the regression test
compares against the stored file. Usage: python tests/make_regression_fixture.py
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from uprising.api import run_scenario
from uprising.scenario import load_scenario

PRESETS = [
    "epstein2002-run1",
    "epstein2002-run2",
    "epstein2002-run3",
    "epstein2002-run4",
    "epstein2002-run5",
    "netlogo-rebellion",
    "mesa-example",
]
SEEDS = (0, 1)
MAX_TICKS = 600  # presets longer than this are cut to 600 ticks
COLUMNS = ["tick", "quiet", "active", "jailed", "cops", "arrests", "releases"]


def digest(preset: str, seed: int) -> dict:
    """Returns the summary and a SHA-256 of the core columns of one run."""
    res = run_scenario(preset, seed=seed, ticks=min(load_scenario(preset).ticks, MAX_TICKS))
    series = res.timeseries[COLUMNS].to_numpy(dtype="int64")
    return {
        "sha256": hashlib.sha256(series.tobytes()).hexdigest(),
        "summary": res.summary,
    }


def main() -> None:
    out = {f"{p}/{s}": digest(p, s) for p in PRESETS for s in SEEDS}
    path = Path(__file__).parent / "data" / "core_regression.json"
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {path} ({len(out)} runs)")


if __name__ == "__main__":
    main()

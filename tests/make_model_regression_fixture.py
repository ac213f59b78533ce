"""Writes tests/data/model_regression.json: full-series digests of Model II, the mechanisms
tours (one site and several sites) and the fast engine.

Written from the commit before the simulation-contract restructure (issue 13) and never
regenerated during it: every column of the time series, the summary and the macro actors'
event log must stay bit-identical. Usage: python tests/make_model_regression_fixture.py
[--only PRESET ...]; ``--only`` rewrites only those presets' entries and keeps every other
entry as stored (for a commit that changes one preset's behaviour on purpose).
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from uprising.api import run_scenario
from uprising.scenario import load_scenario

#: (preset, extra overrides) of every case; each runs for seeds SEEDS.
CASES: list[tuple[str, tuple[str, ...]]] = [
    ("epstein2002-run6", ()),
    ("epstein2002-run7", ()),
    ("epstein2002-run8", ()),
    ("epstein2002-peacekeepers", ()),
    ("mechanisms-tour", ()),
    ("mechanisms-tour-sites", ()),
    ("epstein2002-run2", ("engine=fast",)),
    ("mesa-example", ("engine=fast",)),
]
SEEDS = (0, 1)
MAX_TICKS = 400  # presets longer than this are cut to 400 ticks


def case_key(preset: str, overrides: tuple[str, ...], seed: int) -> str:
    """Returns the fixture key of one run."""
    return "/".join([preset, *overrides, str(seed)])


def _clean(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, np.generic):
        return _clean(value.item())
    return value


def digest(preset: str, overrides: tuple[str, ...], seed: int) -> dict:
    """Returns the summary, a SHA-256 of every column (names and float64 values) and of the
    event log of one run."""
    ticks = min(load_scenario(preset).ticks, MAX_TICKS)
    res = run_scenario(preset, seed=seed, ticks=ticks, overrides=list(overrides))
    ts = res.timeseries
    h = hashlib.sha256()
    for col in ts.columns:
        h.update(col.encode())
        values = ts[col]
        if not pd.api.types.is_numeric_dtype(values):
            h.update("|".join(map(str, values)).encode())
        else:
            h.update(values.to_numpy(dtype="float64").tobytes())
    events = json.dumps(res.metadata.get("events", []), sort_keys=True, default=str)
    return {
        "sha256": h.hexdigest(),
        "events_sha256": hashlib.sha256(events.encode()).hexdigest(),
        "rows": len(ts),
        "summary": {k: _clean(v) for k, v in res.summary.items()},
    }


def main() -> None:
    import sys

    args = sys.argv[1:]
    only = set(args[args.index("--only") + 1:]) if "--only" in args else None
    path = Path(__file__).parent / "data" / "model_regression.json"
    out = json.loads(path.read_text()) if only else {}
    out.update({
        case_key(p, o, s): digest(p, o, s)
        for p, o in CASES for s in SEEDS if only is None or p in only
    })
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {path} ({len(out)} runs)")


if __name__ == "__main__":
    main()

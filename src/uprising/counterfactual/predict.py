"""An out-of-sample prediction: a case run at another case's posterior draws with every
behavioural parameter frozen, summarised as medians and 50/90 % intervals and written to a
JSON file that is meant to be committed before the prediction is compared with the record.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from uprising.casestudy.prediction import FROZEN, run_2019
from uprising.counterfactual.ensemble import posterior_directory, posterior_draws, run_ensemble
from uprising.counterfactual.variants import CompareError

#: A 90 % interval whose upper bound exceeds its lower bound by more than this factor is no
#: prediction (issue 16, AT8).
MAX_RATIO = 10.0


def _run(case: str, values: dict[str, float], overrides: dict[str, Any],
         seed: np.random.SeedSequence) -> dict[str, float]:
    return run_2019(values, seed, case)


def _interval(x: np.ndarray) -> dict[str, float]:
    q = np.quantile(x, [0.05, 0.25, 0.5, 0.75, 0.95])
    ratio = float(q[4] / q[0]) if q[0] > 0 else (1.0 if q[4] == 0 else float("inf"))
    return {"median": float(q[2]), "q25": float(q[1]), "q75": float(q[3]), "q05": float(q[0]),
            "q95": float(q[4]), "ratio_90": ratio, "informative": bool(ratio <= MAX_RATIO)}


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True, cwd=Path(__file__).parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def predict(case: str, source: str, replicates: int, seed: int, workers: int = 1,
            progress: bool = False) -> dict[str, Any]:
    """Returns the prediction record of ``case`` at ``replicates`` posterior draws of
    ``source`` (one seed per draw)."""
    draws = posterior_draws(source, replicates, seed)
    if len(draws) < replicates:
        raise CompareError(f"the posterior of {source!r} holds {len(draws)} draws, fewer than "
                           f"--replicates {replicates}")
    runs = run_ensemble(case, [], draws, 1, seed, _run, workers, progress)
    outcomes = ["detentions_0609", "detentions_0611", "detentions_0613", "deaths",
                "rally_hours"]
    table = runs[runs["variant"] == runs["variant"].iloc[0]]
    folder = posterior_directory(source)
    post = folder / f"{source}.posterior.parquet"
    digest = hashlib.sha256(post.read_bytes()).hexdigest() if post.is_file() else "missing"
    return {
        "case": case,
        "frozen_from": source,
        "frozen_parameters": [p for p in FROZEN if p in draws.columns],
        "posterior_file": post.name,
        "posterior_sha256": digest,
        "replicates": len(table),
        "seed": seed,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "code_commit": _git_commit(),
        "outcomes": {o: _interval(table[o].to_numpy(dtype=float)) for o in outcomes},
        "expected_behaviour": {
            "zero_deaths_share": float((table["deaths"] == 0).mean()),
            "no_escalation_share": float((table["escalated"] == 0).mean()),
            "cycle_at_most_5_days_share": float((table["cycle_days"] <= 5).mean()),
            "rally_at_most_12_hours_share": float((table["rally_hours"] <= 12).mean()),
        },
        "units": "detentions: cumulative detention events in people from 9 June 00:00 local "
                 "time to the end of the named day; deaths: people; rally_hours: hours of 9 "
                 "June with national participants >= 200",
    }


def write_prediction(record: dict[str, Any], path: Path, command: str,
                     force: bool = False) -> Path:
    """Writes the record (with the command that produced it) atomically; refuses to replace an
    existing prediction unless ``force`` (a committed prediction is not re-made after the
    fact)."""
    if path.exists() and not force:
        raise CompareError(f"{path} exists: a prediction is made once and committed before it "
                           "is compared; pass --force to replace it anyway")
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps({**record, "command": command}, indent=2, sort_keys=False) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(data)
    os.replace(tmp, path)
    return path


def prediction_table(record: dict[str, Any]) -> pd.DataFrame:
    """Returns the outcomes of a prediction record as a table."""
    return pd.DataFrame(record["outcomes"]).T

"""Posterior files beside the scenario: ``<case>.posterior.parquet`` (one column per parameter,
one row per draw, θ units) and ``<case>.posterior.json`` (how it was made, how well it recovers
known parameters, and the SHA-256 of the Parquet file).

Both are written atomically, the Parquet file first, so the JSON always describes a complete
file; reading verifies the checksum, the row count and the columns, and a mismatch is an error,
never a silently different posterior.
"""

from __future__ import annotations

import importlib.metadata as importlib_metadata
import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from uprising.atomic import write_atomic, write_json_atomic
from uprising.calibration.spec import CalibrationError, preset_folder
from uprising.experiments.store.files import sha256
from uprising.results import versions

FORMAT = 1


def paths(case: str, directory: str | Path | None = None) -> tuple[Path, Path]:
    """Returns (parquet, json) paths of a case's posterior in ``directory`` (default: the
    shipped presets' folder, beside the case's scenario)."""
    folder = Path(directory) if directory is not None else preset_folder()
    return folder / f"{case}.posterior.parquet", folder / f"{case}.posterior.json"




def package_versions() -> dict[str, str]:
    """Returns uprising's dependency versions plus sbi's and torch's."""
    out = versions()
    for name in ("sbi", "torch"):
        try:
            out[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            out[name] = "unknown"
    return out


def _finite(value: Any) -> Any:
    """Returns ``value`` with NaN and infinities replaced by None (strict JSON), recursively."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    return value


def write_posterior(case: str, draws: pd.DataFrame, metadata: dict[str, Any],
                    directory: str | Path) -> tuple[Path, Path]:
    """Returns the (parquet, json) paths after writing a case's posterior atomically.

    Args:
        case: case name (file stem).
        draws: one column per calibrated parameter, one row per posterior draw (θ units).
        metadata: budget, statistics, coverage, contraction, fit … (stored as given).
        directory: folder of the files (beside the scenario).
    """
    parquet, meta = paths(case, directory)
    write_atomic(parquet, lambda p: draws.to_parquet(p, index=False))
    record = {
        **metadata,
        "format": FORMAT,
        "case": case,
        "written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "versions": package_versions(),
        "file": parquet.name,
        "sha256": sha256(parquet),
        "rows": len(draws),
        "columns": list(draws.columns),
        "parameters": {
            name: {"kind": "calibrated", **metadata.get("parameters", {}).get(name, {})}
            for name in draws.columns
        },
    }
    write_json_atomic(meta, _finite(record))
    return parquet, meta


def load_metadata(case: str, directory: str | Path | None = None) -> dict[str, Any]:
    """Returns the JSON record of a case's posterior.

    Raises:
        CalibrationError: missing or unreadable.
    """
    _, meta = paths(case, directory)
    if not meta.is_file():
        raise CalibrationError(f"no posterior for {case}: {meta} is missing — run "
                               f"`uprising calibrate {case}`")
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CalibrationError(f"{meta}: unreadable ({exc}); run the calibration again") from None
    if not isinstance(data, dict) or "sha256" not in data:
        raise CalibrationError(f"{meta}: not a posterior record (no sha256)")
    return data


def load_posterior(case: str, directory: str | Path | None = None) -> pd.DataFrame:
    """Returns the posterior draws of ``case`` (one column per parameter), verified.

    Raises:
        CalibrationError: a file is missing, or the Parquet file does not match its record
            (checksum, rows or columns): it was changed or damaged after it was written.
    """
    meta = load_metadata(case, directory)
    parquet, meta_path = paths(case, directory)
    if not parquet.is_file():
        raise CalibrationError(f"no posterior for {case}: {parquet} is missing")
    if sha256(parquet) != meta["sha256"]:
        raise CalibrationError(f"{parquet}: checksum differs from {meta_path.name} — the file "
                               "was changed or damaged; run the calibration again")
    try:
        draws = pd.read_parquet(parquet)
    except Exception as exc:  # a matching checksum makes this unlikely; say which file
        raise CalibrationError(f"{parquet}: unreadable ({exc})") from None
    if list(draws.columns) != meta.get("columns") or len(draws) != meta.get("rows"):
        raise CalibrationError(f"{parquet}: columns or rows differ from {meta_path.name}")
    return draws

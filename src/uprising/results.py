"""Run results: a tidy time series, a summary and metadata, saved as Parquet + JSON sidecar."""

from __future__ import annotations

import json
import platform
import sys
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import pandas as pd

from uprising.atomic import write_atomic, write_json_atomic
from uprising.scenario import Scenario

TIMESERIES_FILE = "timeseries.parquet"
SUMMARY_FILE = "summary.parquet"
SIDECAR_FILE = "run.json"

_DEPENDENCIES = ("numpy", "numba", "pandas", "pyarrow", "pydantic")


def versions() -> dict[str, str]:
    """Returns the versions of uprising, Python and the numerical dependencies."""
    out = {"python": sys.version.split()[0]}
    for name in ("uprising", *_DEPENDENCIES):
        try:
            out[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            out[name] = "unknown"
    return out


def platform_info() -> dict[str, str]:
    """Returns a short description of the machine."""
    return {
        "system": platform.system(),
        "machine": platform.machine(),
        "processor": platform.processor() or "unknown",
        "python_implementation": platform.python_implementation(),
    }


def run_metadata(scenario: Scenario, **extra: Any) -> dict[str, Any]:
    """Returns the metadata of a run: resolved scenario, versions, platform and ``extra``."""
    return {
        "scenario": scenario.model_dump(mode="json"),
        "versions": versions(),
        "platform": platform_info(),
        **extra,
    }


def dated_events(metadata: dict[str, Any]) -> list[tuple[int, str]]:
    """Returns the run's dated events as (tick, label), sorted by tick: the scenario's timeline
    (shocks, ramps, set values, concessions) and the macro actors' decisions (crackdowns,
    outside help, ...) from ``metadata["events"]``."""
    out: list[tuple[int, str]] = []
    for ev in (metadata.get("scenario") or {}).get("timeline") or ():
        kind = ev.get("kind")
        group = f" ({ev['group']})" if ev.get("group") else ""
        if kind == "concession":
            out.append((int(ev["at"]), f"concession{group}"))
        elif kind == "scale":
            out.append((int(ev["at"]), f"{ev['path']} ×{ev['factor']:g}{group}"))
        elif kind == "set":
            out.append((int(ev["at"]), f"{ev['path']} = {ev['value']:g}{group}"))
        elif kind == "ramp":
            out.append((int(ev["start"]), f"{ev['path']} ramp {ev['start_value']:g} → "
                        f"{ev['end_value']:g} until tick {ev['end']}{group}"))
    for ev in metadata.get("events") or ():
        action = str(ev.get("action", "")).replace("_", " ")
        out.append((int(ev.get("tick", 0)), f"{ev.get('actor', '')}: {action}".strip(": ")))
    return sorted(out, key=lambda item: item[0])


@dataclass
class RunResult:
    """The outcome of one or several runs of one scenario.

    Attributes:
        timeseries: one row per tick (and per replicate when several runs share the table),
            columns ``tick, quiet, active, jailed, cops, arrests, releases, legitimacy`` and,
            for several runs, ``seed`` and ``replicate``.
        summary: summary statistics (one dict per run in ``runs`` when combined).
        metadata: scenario, seeds, versions, platform, wall time.
    """

    timeseries: pd.DataFrame
    summary: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)
    runs: list[dict[str, Any]] = field(default_factory=list)

    def summary_frame(self) -> pd.DataFrame:
        """Returns the per-run summaries as a table (one row per run)."""
        rows = self.runs or [{"replicate": self.metadata.get("replicate", 0), **self.summary}]
        return pd.DataFrame(rows)

    def save(self, directory: str | Path) -> Path:
        """Returns ``directory`` after writing Parquet tables and the JSON sidecar atomically."""
        directory = Path(directory)
        ts = self.timeseries
        write_atomic(directory / TIMESERIES_FILE, lambda p: ts.to_parquet(p, index=False))
        summ = self.summary_frame()
        write_atomic(directory / SUMMARY_FILE, lambda p: summ.to_parquet(p, index=False))
        write_json_atomic(
            directory / SIDECAR_FILE, {"summary": self.summary, "runs": self.runs, **self.metadata}
        )
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> RunResult:
        """Returns a RunResult read back from a folder written by ``save``."""
        directory = Path(directory)
        ts = pd.read_parquet(directory / TIMESERIES_FILE)
        meta = json.loads((directory / SIDECAR_FILE).read_text(encoding="utf-8"))
        summary = meta.pop("summary", {})
        runs = meta.pop("runs", [])
        return cls(timeseries=ts, summary=summary, metadata=meta, runs=runs)


def combine(results: list[RunResult]) -> RunResult:
    """Returns one RunResult holding several runs (``seed`` and ``replicate`` columns added)."""
    frames, runs = [], []
    for r in results:
        rep = r.metadata.get("replicate", 0)
        seed = r.metadata.get("seed")
        frames.append(r.timeseries.assign(seed=seed, replicate=rep))
        runs.append({"seed": seed, "replicate": rep, **r.summary})
    summary_table = pd.DataFrame(runs)
    numeric = summary_table.drop(columns=["seed", "replicate"]).select_dtypes("number")
    mean_summary = {f"{k}": float(v) for k, v in numeric.mean().items()}
    meta = dict(results[0].metadata)
    meta.pop("replicate", None)
    meta["replicates"] = len(results)
    meta["wall_time"] = sum(r.metadata.get("wall_time", 0.0) for r in results)
    return RunResult(
        timeseries=pd.concat(frames, ignore_index=True),
        summary=mean_summary,
        metadata=meta,
        runs=runs,
    )

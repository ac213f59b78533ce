"""The result store: a folder of Parquet parts plus a JSON manifest, safe against kills.

Layout of ``DIR``::

    manifest.json                 experiment, versions, platform, counts, timings, failures
    sessions/<id>.json            one per sweep invocation (executor, shard, timings)
    parts/<stem>.runs.parquet     one row per finished run (run_id, point, replicate, params,
                                  outputs, wall_time_s) — written last: it commits the batch
    parts/<stem>.ts.parquet       time-series rows of the same runs (when measured)
    parts/<stem>.failures.parquet failure records of the batch's failed runs

Every file is written atomically (temporary file, then rename). A batch counts only once its
``.runs.parquet`` exists, so a kill at any point leaves either a whole batch or none of it.
``merge`` compacts parts into one ``merged-*`` stem whose runs file lists the stems it replaces;
replaced parts are ignored from the moment that file exists, and deleted afterwards.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from uprising.atomic import write_atomic, write_json_atomic
from uprising.experiments.spec import ExperimentError

RUNS, TS, FAILURES = "runs", "ts", "failures"
KINDS = (RUNS, TS, FAILURES)
MANIFEST = "manifest.json"
REPLACES_KEY = b"uprising.replaces"


@dataclass(frozen=True)
class Status:
    """Run ids of a sweep by state."""

    done: list[int]
    failed: list[int]
    missing: list[int]

    @property
    def counts(self) -> dict[str, int]:
        """Returns {done, failed, missing} counts."""
        return {"done": len(self.done), "failed": len(self.failed), "missing": len(self.missing)}


def _write_parquet(path: Path, frame: pd.DataFrame, replaces: list[str] | None = None) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if replaces is not None:
        meta = dict(table.schema.metadata or {})
        meta[REPLACES_KEY] = json.dumps(sorted(replaces)).encode()
        table = table.replace_schema_metadata(meta)
    write_atomic(path, lambda p: pq.write_table(table, p))


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f.columns)]
    if not frames:
        return pd.DataFrame({"run_id": pd.Series([], dtype="int64")})
    non_empty = [f for f in frames if len(f)] or frames[:1]
    return pd.concat(non_empty, ignore_index=True)


def _stream_concat(files: list[Path], target: Path) -> None:
    """Writes the rows of ``files`` into ``target`` one file at a time (bounded memory)."""
    schema = pq.read_schema(files[0]).remove_metadata()
    with pq.ParquetWriter(target, schema) as writer:
        for path in files:
            writer.write_table(pq.read_table(path).cast(schema))


class Store:
    """A sweep's result folder."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.parts = self.directory / "parts"

    # -- layout --------------------------------------------------------------------------
    def path(self, stem: str, kind: str) -> Path:
        """Returns the file of a part ``stem`` of ``kind`` (runs, ts or failures)."""
        return self.parts / f"{stem}.{kind}.parquet"

    def exists(self) -> bool:
        """Returns whether the folder holds a sweep (a manifest)."""
        return (self.directory / MANIFEST).is_file()

    def manifest(self) -> dict[str, Any]:
        """Returns the manifest, or raises ExperimentError if ``directory`` holds no sweep."""
        path = self.directory / MANIFEST
        if not path.is_file():
            raise ExperimentError(f"{self.directory}: no sweep results here (no {MANIFEST})")
        return json.loads(path.read_text(encoding="utf-8"))

    def write_manifest(self, data: dict[str, Any]) -> None:
        """Writes the manifest atomically."""
        write_json_atomic(self.directory / MANIFEST, data)

    def write_session(self, session: dict[str, Any]) -> None:
        """Writes one session record atomically (sessions/<id>.json)."""
        write_json_atomic(self.directory / "sessions" / f"{session['id']}.json", session)

    def sessions(self) -> list[dict[str, Any]]:
        """Returns every session record, oldest first."""
        folder = self.directory / "sessions"
        if not folder.is_dir():
            return []
        out = [json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")]
        return sorted(out, key=lambda s: s.get("started", 0))

    # -- committed parts -----------------------------------------------------------------
    def _committed(self) -> tuple[list[str], set[str]]:
        """Returns (committed stems, stems replaced by a committed merge)."""
        if not self.parts.is_dir():
            return [], set()
        suffix = f".{RUNS}.parquet"
        stems = sorted(p.name[: -len(suffix)] for p in self.parts.glob(f"*{suffix}"))
        replaced: set[str] = set()
        for stem in stems:
            if stem.startswith("merged-"):
                meta = pq.read_schema(self.path(stem, RUNS)).metadata or {}
                replaced.update(json.loads(meta.get(REPLACES_KEY, b"[]")))
        return stems, replaced

    def stems(self) -> list[str]:
        """Returns the stems whose data are current (committed and not replaced by a merge)."""
        stems, replaced = self._committed()
        return [s for s in stems if s not in replaced]

    def files(self, kind: str) -> list[Path]:
        """Returns the current part files of ``kind``."""
        return [p for p in (self.path(s, kind) for s in self.stems()) if p.is_file()]

    def write_batch(
        self,
        rows: list[dict[str, Any]],
        timeseries: list[pd.DataFrame],
        failures: list[dict[str, Any]],
        tag: str,
    ) -> str:
        """Returns the new stem after writing one batch (time series and failures first, then
        the runs file that commits them)."""
        stem = f"{tag}-{uuid.uuid4().hex[:10]}"
        if timeseries:
            _write_parquet(self.path(stem, TS), pd.concat(timeseries, ignore_index=True))
        if failures:
            _write_parquet(self.path(stem, FAILURES), pd.DataFrame(failures))
        runs = pd.DataFrame(rows) if rows else pd.DataFrame(
            {"run_id": pd.Series([], dtype="int64")}
        )
        _write_parquet(self.path(stem, RUNS), runs)
        return stem

    def cleanup(self, uncommitted: str | None = None) -> int:
        """Returns the number of files removed.

        Parts replaced by a merge are always removed. Temporary files and uncommitted parts
        (killed mid-batch) are removed only when their stem starts with ``uncommitted`` — a
        sweep passes its own shard tag, so it never touches another shard's batch in flight.
        """
        if not self.parts.is_dir():
            return 0
        stems, replaced = self._committed()
        live = set(stems) - replaced
        removed = 0
        for p in list(self.parts.iterdir()):
            stem = p.name.lstrip(".").split(".")[0]
            if stem in replaced:
                drop = True
            elif p.name.endswith(".tmp") or stem not in live:
                drop = uncommitted is not None and stem.startswith(uncommitted)
            else:
                drop = False
            if drop:
                p.unlink(missing_ok=True)
                removed += 1
        return removed

    # -- reading -------------------------------------------------------------------------
    def _read_ids(self, kind: str) -> set[int]:
        ids: set[int] = set()
        for path in self.files(kind):
            ids.update(pq.read_table(path, columns=["run_id"]).column(0).to_pylist())
        return ids

    def status(self, run_ids: Iterable[int]) -> Status:
        """Returns the done / failed / missing run ids among ``run_ids``."""
        wanted = list(run_ids)
        done = self._read_ids(RUNS)
        failed = self._read_ids(FAILURES) - done
        return Status(
            done=[r for r in wanted if r in done],
            failed=[r for r in wanted if r in failed],
            missing=[r for r in wanted if r not in done and r not in failed],
        )

    def done_ids(self) -> set[int]:
        """Returns the ids of runs that finished."""
        return self._read_ids(RUNS)

    def failed_ids(self) -> set[int]:
        """Returns the ids of runs whose last attempt failed."""
        return self._read_ids(FAILURES) - self._read_ids(RUNS)

    def runs(self) -> pd.DataFrame:
        """Returns every finished run's row, sorted by run id."""
        frame = _concat([pd.read_parquet(p) for p in self.files(RUNS)])
        return frame.sort_values("run_id", kind="stable").reset_index(drop=True)

    def timeseries(self) -> pd.DataFrame:
        """Returns every recorded time-series row, sorted by run id and tick."""
        frame = _concat([pd.read_parquet(p) for p in self.files(TS)])
        if "tick" not in frame:
            return frame
        return frame.sort_values(["run_id", "tick"], kind="stable").reset_index(drop=True)

    def failures(self) -> pd.DataFrame:
        """Returns the latest failure record of each run that has not since succeeded."""
        frame = _concat([pd.read_parquet(p) for p in self.files(FAILURES)])
        if not len(frame):
            return frame
        frame = frame[~frame["run_id"].isin(self.done_ids())]
        frame = frame.sort_values(["run_id", "time"]).drop_duplicates("run_id", keep="last")
        return frame.reset_index(drop=True)

    # -- compaction ----------------------------------------------------------------------
    def merge(self) -> dict[str, int]:
        """Returns {"parts": n, "runs": m} after compacting all current parts into one stem.

        Safe against kills: the merged runs file (written last) lists every stem it replaces,
        so readers see either the old parts or the merged one, never both.
        """
        stems, _ = self._committed()
        current = self.stems()
        if len(current) <= 1:
            self.cleanup()
            return {"parts": len(current), "runs": len(self.done_ids())}
        runs = self.runs()
        stem = f"merged-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
        ts_files = self.files(TS)
        if ts_files:
            write_atomic(self.path(stem, TS), lambda p: _stream_concat(ts_files, p))
        failures = _concat([pd.read_parquet(p) for p in self.files(FAILURES)])
        if len(failures):
            _write_parquet(self.path(stem, FAILURES), failures)
        _write_parquet(self.path(stem, RUNS), runs, replaces=stems)
        self.cleanup()
        return {"parts": len(current), "runs": len(runs)}

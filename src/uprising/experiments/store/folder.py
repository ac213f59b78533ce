"""The ``Store``: writing a batch of runs, cleaning up, reading the verified parts, and merging
them into one."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from uprising.atomic import write_atomic
from uprising.experiments.spec import ExperimentError
from uprising.experiments.store.files import (
    FAILURES,
    RUNS,
    TS,
    concat_frames,
    describe_file,
    first_line,
    ranges,
    stream_concat,
    write_parquet,
    writing,
)
from uprising.experiments.store.verify import Check, CheckedFolder


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



class Store(CheckedFolder):
    """A sweep's result folder: layout and manifest (``ManifestFolder``), session records
    (``SessionFolder``), verification and repair (``CheckedFolder``), and here the committed
    parts — writing a batch, clean-up, reading, merging."""

    # -- committed parts -----------------------------------------------------------------
    def stems(self) -> list[str]:
        """Returns the stems whose data are current and verified (committed, not replaced by
        a merge, not damaged, not a duplicate)."""
        return self.check().stems

    def files(self, kind: str, check: Check | None = None) -> list[Path]:
        """Returns the current verified part files of ``kind``."""
        check = check or self.check()
        records = self._records()
        out = []
        for stem in check.stems:
            path = self.path(stem, kind)
            record = records.get(stem)
            if path in check.bad_files:
                continue
            if (kind in record) if record else path.is_file():
                out.append(path)
        return out

    def write_batch(
        self,
        rows: list[dict[str, Any]],
        timeseries: list[pd.DataFrame],
        failures: list[dict[str, Any]],
        tag: str,
        fingerprint: str | None = None,
    ) -> str:
        """Returns the new stem after writing one batch (time series and failures first, then
        the runs file that commits them) and recording its files in the manifest."""
        stem = f"{tag}-{uuid.uuid4().hex[:10]}"
        record: dict[str, Any] = {}
        if timeseries:
            record[TS] = write_parquet(self.path(stem, TS),
                                        pd.concat(timeseries, ignore_index=True))
        if failures:
            record[FAILURES] = write_parquet(self.path(stem, FAILURES), pd.DataFrame(failures))
        runs = pd.DataFrame(rows) if rows else pd.DataFrame(
            {"run_id": pd.Series([], dtype="int64")}
        )
        record[RUNS] = write_parquet(self.path(stem, RUNS), runs, fingerprint=fingerprint)
        record["run_ids"] = ranges([int(r["run_id"]) for r in rows], limit=10**9)
        self.record_parts({stem: record})
        return stem

    def cleanup(self, uncommitted: str | None = None) -> int:
        """Returns the number of files removed.

        Parts replaced by a merge are always removed. Temporary files and uncommitted parts
        (killed mid-batch) are removed only when their stem starts with ``uncommitted`` — a
        sweep passes its own shard tag, so it never touches another shard's batch in flight.
        """
        if not self.parts.is_dir():
            return 0
        stems, replaced, _ = self._committed()
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
                with writing(p, "remove"):
                    p.unlink(missing_ok=True)
                removed += 1
        return removed

    # -- reading -------------------------------------------------------------------------
    def status(self, run_ids: Iterable[int], check: Check | None = None) -> Status:
        """Returns the done / failed / missing run ids among ``run_ids``."""
        check = check or self.check()
        wanted = list(run_ids)
        done = self.done_ids(check)
        failed = self._failure_ids(check) - done
        return Status(
            done=[r for r in wanted if r in done],
            failed=[r for r in wanted if r in failed],
            missing=[r for r in wanted if r not in done and r not in failed],
        )

    def _failure_ids(self, check: Check) -> set[int]:
        ids: set[int] = set()
        for path in self.files(FAILURES, check):
            ids.update(pq.read_table(path, columns=["run_id"]).column(0).to_pylist())
        return ids

    def done_ids(self, check: Check | None = None) -> set[int]:
        """Returns the ids of runs that finished (in verified parts)."""
        check = check or self.check()
        return {i for ids in check.run_ids.values() for i in ids}

    def failed_ids(self, check: Check | None = None) -> set[int]:
        """Returns the ids of runs whose last attempt failed."""
        check = check or self.check()
        return self._failure_ids(check) - self.done_ids(check)

    def _read(self, kind: str) -> pd.DataFrame:
        if not self.directory.is_dir():
            raise ExperimentError(f"{self.directory}: no such folder")
        frames = []
        for path in self.files(kind):
            try:
                frames.append(pd.read_parquet(path))
            except (OSError, pa.ArrowException, ValueError) as exc:
                raise ExperimentError(f"could not read {path}: {first_line(exc)}") from None
        return concat_frames(frames)

    def runs(self) -> pd.DataFrame:
        """Returns every finished run's row, sorted by run id."""
        frame = self._read(RUNS)
        return frame.sort_values("run_id", kind="stable").reset_index(drop=True)

    def timeseries(self) -> pd.DataFrame:
        """Returns every recorded time-series row, sorted by run id and tick."""
        frame = self._read(TS)
        if "tick" not in frame:
            return frame
        return frame.sort_values(["run_id", "tick"], kind="stable").reset_index(drop=True)

    def failures(self) -> pd.DataFrame:
        """Returns the latest failure record of each run that has not since succeeded."""
        frame = self._read(FAILURES)
        if not len(frame):
            return frame
        frame = frame[~frame["run_id"].isin(self.done_ids())]
        frame = frame.sort_values(["run_id", "time"]).drop_duplicates("run_id", keep="last")
        return frame.reset_index(drop=True)

    # -- compaction ----------------------------------------------------------------------
    def merge(self, drop_damaged: bool = False) -> dict[str, Any]:
        """Returns {"parts": n, "runs": m, "dropped": [messages]} after compacting all current
        parts into one stem.

        Every part is verified first (checksums): a damaged, missing or duplicate part stops
        the merge (ExperimentError listing them) unless ``drop_damaged``, which moves them to
        ``quarantine/`` (their runs then count as missing) and merges the rest. Safe against
        kills: the merged runs file (written last) lists every stem it replaces, so readers see
        either the old parts or the merged one, never both.
        """
        manifest = self.manifest()
        check = self.check(deep=True)
        dropped: list[str] = []
        part_problems = [p for p in check.problems if p.kind != "damaged-session"]
        if part_problems and not drop_damaged:
            listed = "; ".join(str(p) for p in part_problems[:5])
            more = f" (and {len(part_problems) - 5} more)" if len(part_problems) > 5 else ""
            raise ExperimentError(
                f"{self.directory}: refusing to merge, {len(part_problems)} bad part(s): "
                f"{listed}{more}. Re-run the sweep to repair (it runs those runs again), or "
                "merge --drop-damaged to leave them out")
        if check.problems or check.unrecorded:
            dropped = self.repair(check)
            check = self.check()
        current = check.stems
        if len(current) <= 1:
            self.cleanup()
            return {"parts": len(current), "runs": len(self.done_ids(check)), "dropped": dropped}
        stems, _, _ = self._committed()
        runs = self.runs()
        stem = f"merged-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
        record: dict[str, Any] = {}
        ts_files = self.files(TS, check)
        if ts_files:
            target = self.path(stem, TS)
            rows: list[int] = []
            with writing(target):
                write_atomic(target, lambda p: rows.append(stream_concat(ts_files, p)))
            record[TS] = describe_file(target, rows[0])
        failures = concat_frames([pd.read_parquet(p) for p in self.files(FAILURES, check)])
        if len(failures):
            record[FAILURES] = write_parquet(self.path(stem, FAILURES), failures)
        record[RUNS] = write_parquet(self.path(stem, RUNS), runs, replaces=stems,
                                      fingerprint=manifest.get("fingerprint"))
        record["run_ids"] = ranges(runs["run_id"].tolist(), limit=10**9)
        self.record_parts({stem: record}, forget=stems)
        self.cleanup()
        return {"parts": len(current), "runs": len(runs), "dropped": dropped}

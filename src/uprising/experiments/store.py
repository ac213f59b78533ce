"""The result store: a folder of Parquet parts plus a JSON manifest, safe against kills and
self-checking.

Layout of ``DIR``::

    manifest.json                 experiment, versions, platform, counts, timings, failures,
                                  and ``parts``: per part file its rows, bytes and SHA-256
    sessions/<id>.json            one per sweep invocation (executor, shard, timings, pid)
    parts/<stem>.runs.parquet     one row per finished run (run_id, point, replicate, params,
                                  outputs, wall_time_s) — written last: it commits the batch
    parts/<stem>.ts.parquet       time-series rows of the same runs (when measured)
    parts/<stem>.failures.parquet failure records of the batch's failed runs
    quarantine/                   damaged or duplicate files moved aside by a repair

Every file is written atomically (temporary file, then rename). A batch counts only once its
``.runs.parquet`` exists, so a kill at any point leaves either a whole batch or none of it.
Right after the commit, the part's files are recorded in the manifest (under a lock, so shards
writing into one folder at once do not lose each other's records). ``merge`` compacts parts
into one ``merged-*`` stem whose runs file lists the stems it replaces; replaced parts are
ignored from the moment that file exists, and deleted afterwards.

Verification (``Store.check``): a recorded part must have every recorded file with the
recorded size and row count (and, with ``deep=True``, the recorded SHA-256); a part that is not
recorded (a store written before checksums, or a kill between the commit and the record) must
be readable Parquet. A part is *damaged* if one of its files fails, *missing* if its runs file
is gone, and a *duplicate* if it holds runs another part already holds. Readers use only the
good parts, so damaged data are never read, and runs of bad parts count as missing; a resumed
sweep moves bad files to ``quarantine/`` and runs those runs again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from uprising.atomic import write_atomic
from uprising.experiments.spec import ExperimentError

RUNS, TS, FAILURES = "runs", "ts", "failures"
MANIFEST = "manifest.json"
MANIFEST_FORMAT = 2  # 2: per-part records (rows, bytes, sha256); 1 (no "format"): none
REPLACES_KEY = b"uprising.replaces"
FINGERPRINT_KEY = b"uprising.fingerprint"
REQUIRED_KEYS = ("experiment", "fingerprint", "n_runs", "n_points", "repetitions")


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


@dataclass(frozen=True)
class Problem:
    """A bad part file (or session record) found by ``Store.check``.

    Attributes:
        kind: ``damaged``, ``missing`` or ``duplicate`` (a part), or ``damaged-session``.
        path: the file.
        detail: what is wrong.
        stem: the part's stem ("" for a session record).
        run_ids: runs whose data the problem makes unusable (they count as missing).
        file_only: only this file is set aside, the rest of the part is good.
    """

    kind: str
    path: Path
    detail: str
    stem: str = ""
    run_ids: tuple[int, ...] = ()
    file_only: bool = False  # only this file is bad (a failures file); the part is kept

    def __str__(self) -> str:
        runs = f" — runs {ranges(list(self.run_ids))} count as missing" if self.run_ids else ""
        return f"{self.kind} {self.path}: {self.detail}{runs}"


@dataclass
class Check:
    """The outcome of verifying a store's parts.

    Attributes:
        stems: good current stems (read by every reader).
        run_ids: run ids of each good stem's runs file.
        problems: damaged, missing and duplicate parts, unreadable session records.
        unrecorded: good stems the manifest does not record (adopted by the next sweep/merge).
        replaced: stems replaced by a committed merge.
        bad_files: damaged files of good stems (failures files), left out by readers.
        deep: whether checksums were compared.
    """

    stems: list[str] = field(default_factory=list)
    run_ids: dict[str, list[int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unrecorded: list[str] = field(default_factory=list)
    replaced: set[str] = field(default_factory=set)
    bad_files: set[Path] = field(default_factory=set)
    deep: bool = False

    @property
    def ok(self) -> bool:
        """Returns whether no problem was found."""
        return not self.problems


def ranges(ids: list[int], limit: int = 40) -> str:
    """Returns sorted ids compressed to ranges, e.g. ``0-4, 7, 9-12``."""
    ids = sorted(set(ids))
    if not ids:
        return "-"
    parts: list[str] = []
    start = prev = ids[0]
    for i in [*ids[1:], None]:
        if i is not None and i == prev + 1:
            prev = i
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if i is not None:
            start = prev = i
    shown = ", ".join(parts[:limit])
    return shown + (f", … ({len(parts) - limit} more ranges)" if len(parts) > limit else "")


def _parse_ranges(text: str) -> list[int]:
    out: list[int] = []
    for piece in text.split(","):
        piece = piece.strip()
        if not piece or piece == "-" or piece.startswith("…"):
            continue
        lo, _, hi = piece.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def _strerror(exc: OSError) -> str:
    return exc.strerror or (os.strerror(exc.errno) if exc.errno else str(exc))


@contextlib.contextmanager
def writing(path: Path, verb: str = "write") -> Iterator[None]:
    """Turns an OSError (full disk, read-only folder…) into an ExperimentError naming ``path``."""
    try:
        yield
    except OSError as exc:
        raise ExperimentError(f"could not {verb} {path}: {_strerror(exc)}") from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _describe(path: Path, rows: int) -> dict[str, Any]:
    return {"rows": int(rows), "bytes": path.stat().st_size, "sha256": _sha256(path)}


def _write_parquet(
    path: Path,
    frame: pd.DataFrame,
    replaces: list[str] | None = None,
    fingerprint: str | None = None,
) -> dict[str, Any]:
    """Returns the record (rows, bytes, sha256) of ``frame`` written atomically to ``path``."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    if replaces is not None:
        meta[REPLACES_KEY] = json.dumps(sorted(replaces)).encode()
    if fingerprint:
        meta[FINGERPRINT_KEY] = fingerprint.encode()
    table = table.replace_schema_metadata(meta)
    record: dict[str, Any] = {}

    def writer(tmp: Path) -> None:
        pq.write_table(table, tmp)
        record.update(_describe(tmp, table.num_rows))  # the bytes that will be renamed

    with writing(path):
        write_atomic(path, writer)
    return record


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f.columns)]
    if not frames:
        return pd.DataFrame({"run_id": pd.Series([], dtype="int64")})
    non_empty = [f for f in frames if len(f)] or frames[:1]
    return pd.concat(non_empty, ignore_index=True)


def _stream_concat(files: list[Path], target: Path) -> int:
    """Returns the row count after writing the rows of ``files`` into ``target`` one file at a
    time (bounded memory)."""
    schema = pq.read_schema(files[0]).remove_metadata()
    rows = 0
    with pq.ParquetWriter(target, schema) as writer:
        for path in files:
            table = pq.read_table(path).cast(schema)
            rows += table.num_rows
            writer.write_table(table)
    return rows


def _proc_start(pid: int) -> str | None:
    """Returns the start time of process ``pid`` (Linux /proc clock ticks), None if unknown."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()[19]


def process_identity() -> dict[str, Any]:
    """Returns this process's pid, host and start time (recorded in session records)."""
    pid = os.getpid()
    return {"pid": pid, "host": socket.gethostname(), "pid_start": _proc_start(pid)}


def _process_gone(session: dict[str, Any]) -> bool:
    """Returns whether the process that wrote a ``running`` session record is certainly gone
    (same host only: another host's processes cannot be checked)."""
    if session.get("host") != socket.gethostname() or not isinstance(session.get("pid"), int):
        return False
    pid = session["pid"]
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # exists, another user's
    recorded = session.get("pid_start")
    if recorded is None:
        return False
    current = _proc_start(pid)
    return current is not None and current != recorded  # the pid was reused


class Store:
    """A sweep's result folder."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.parts = self.directory / "parts"
        self.quarantine = self.directory / "quarantine"

    # -- layout --------------------------------------------------------------------------
    def path(self, stem: str, kind: str) -> Path:
        """Returns the file of a part ``stem`` of ``kind`` (runs, ts or failures)."""
        return self.parts / f"{stem}.{kind}.parquet"

    def exists(self) -> bool:
        """Returns whether the folder holds a sweep (a manifest)."""
        return (self.directory / MANIFEST).is_file()

    def require(self) -> None:
        """Raises ExperimentError unless ``directory`` is a folder holding a manifest."""
        if not self.directory.exists():
            raise ExperimentError(f"{self.directory}: no such folder")
        if not self.directory.is_dir():
            raise ExperimentError(f"{self.directory}: not a folder")
        if not self.exists():
            raise ExperimentError(f"{self.directory}: no sweep results here (no {MANIFEST})")

    def manifest(self) -> dict[str, Any]:
        """Returns the manifest; raises ExperimentError if there is none or it is damaged."""
        self.require()
        path = self.directory / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            reason = _strerror(exc) if isinstance(exc, OSError) else f"not valid JSON: {exc}"
            raise ExperimentError(f"{path}: damaged manifest ({reason}); re-running the "
                                  "sweep with its experiment file rebuilds it") from None
        if not isinstance(data, dict):
            raise ExperimentError(f"{path}: damaged manifest (not a JSON object); re-running "
                                  "the sweep with its experiment file rebuilds it")
        absent = [k for k in REQUIRED_KEYS if k not in data]
        if absent:
            raise ExperimentError(f"{path}: damaged manifest (no {', '.join(absent)}); "
                                  "re-running the sweep with its experiment file rebuilds it")
        return data

    def _records(self) -> dict[str, dict[str, Any]]:
        try:
            parts = self.manifest().get("parts")
        except ExperimentError:
            return {}
        return parts if isinstance(parts, dict) else {}

    def write_manifest(self, data: dict[str, Any]) -> None:
        """Writes the manifest atomically."""
        path = self.directory / MANIFEST
        text = json.dumps(data, indent=2, sort_keys=True, default=str) + "\n"
        with writing(path):
            write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Holds an exclusive lock on ``DIR/.lock`` (serialises manifest updates of shards
        writing into one folder; a no-op where ``fcntl`` is missing)."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            yield
            return
        path = self.directory / ".lock"
        with writing(path, "lock"):
            fh = open(path, "a+b")  # noqa: SIM115 - held for the duration of the block
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            yield
        finally:
            fh.close()

    def update_manifest(self, change: Callable[[dict[str, Any]], None]) -> None:
        """Applies ``change`` to the manifest under the lock and writes it atomically."""
        with self.locked():
            data = self.manifest()
            change(data)
            self.write_manifest(data)

    def record_parts(self, records: dict[str, dict[str, Any]],
                     forget: Iterable[str] = ()) -> None:
        """Records part files in the manifest (and forgets the stems in ``forget``)."""
        gone = set(forget)
        if not records and not gone:
            return

        def change(data: dict[str, Any]) -> None:
            parts = data.get("parts") if isinstance(data.get("parts"), dict) else {}
            for stem in gone:
                parts.pop(stem, None)
            parts.update(records)
            data["parts"] = parts
            data["format"] = MANIFEST_FORMAT

        self.update_manifest(change)

    # -- sessions ------------------------------------------------------------------------
    def write_session(self, session: dict[str, Any]) -> None:
        """Writes one session record atomically (sessions/<id>.json)."""
        path = self.directory / "sessions" / f"{session['id']}.json"
        text = json.dumps(session, indent=2, sort_keys=True, default=str) + "\n"
        with writing(path):
            write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))

    def _session_files(self) -> list[tuple[Path, dict[str, Any] | None]]:
        folder = self.directory / "sessions"
        if not folder.is_dir():
            return []
        out: list[tuple[Path, dict[str, Any] | None]] = []
        for path in sorted(folder.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError):
                data = None
            out.append((path, data if isinstance(data, dict) and "id" in data else None))
        return out

    def sessions(self) -> list[dict[str, Any]]:
        """Returns every readable session record, oldest first (see ``check`` for the others)."""
        out = [s for _, s in self._session_files() if s is not None]
        return sorted(out, key=lambda s: s.get("started") or 0)

    def killed_sessions(self) -> list[dict[str, Any]]:
        """Returns ``running`` session records whose process is gone (killed)."""
        return [s for s in self.sessions() if s.get("outcome") == "running" and _process_gone(s)]

    def mark_killed_sessions(self) -> list[str]:
        """Returns messages after marking ``running`` records of dead processes ``killed``."""
        notes = []
        for session in self.killed_sessions():
            session["outcome"] = "killed"
            session["marked_killed"] = time.time()
            self.write_session(session)
            notes.append(f"session {session['id']} (pid {session.get('pid')} on "
                         f"{session.get('host')}) was killed: marked killed")
        return notes

    # -- verification --------------------------------------------------------------------
    def _committed(self) -> tuple[list[str], set[str], list[Problem]]:
        """Returns (committed stems, stems replaced by a committed merge, unreadable merges)."""
        if not self.parts.is_dir():
            return [], set(), []
        suffix = f".{RUNS}.parquet"
        stems = sorted(p.name[: -len(suffix)] for p in self.parts.glob(f"*{suffix}")
                       if not p.name.startswith("."))
        replaced: set[str] = set()
        bad: list[Problem] = []
        for stem in stems:
            if stem.startswith("merged-"):
                try:
                    meta = pq.read_schema(self.path(stem, RUNS)).metadata or {}
                    replaced.update(json.loads(meta.get(REPLACES_KEY, b"[]")))
                except (OSError, pa.ArrowException, ValueError) as exc:
                    bad.append(Problem("damaged", self.path(stem, RUNS),
                                       f"unreadable ({_first_line(exc)})", stem))
        return stems, replaced, bad

    def _verify_file(self, path: Path, record: dict[str, Any] | None, deep: bool) -> str | None:
        """Returns what is wrong with one part file, or None."""
        if not path.is_file():
            return "file is gone"
        if record is not None and path.stat().st_size != record.get("bytes"):
            return f"size {path.stat().st_size} bytes, recorded {record.get('bytes')}"
        try:
            rows = pq.read_metadata(path).num_rows
        except (OSError, pa.ArrowException, ValueError) as exc:
            return f"unreadable ({_first_line(exc)})"
        if record is not None:
            if rows != record.get("rows"):
                return f"{rows} rows, recorded {record.get('rows')}"
            if deep and "sha256" in record and _sha256(path) != record["sha256"]:
                return "checksum mismatch (contents changed)"
        return None

    def check(self, deep: bool = False) -> Check:
        """Returns the verified state of the parts.

        ``deep`` also compares every recorded file's SHA-256 (reads every byte); otherwise
        sizes and row counts (Parquet footers) are compared.
        """
        out = Check(deep=deep)
        records = self._records()
        stems, replaced, bad = self._committed()
        out.replaced = replaced
        out.problems.extend(bad)
        bad_stems = {p.stem for p in bad}
        present = set(stems)
        # recorded parts first: an unrecorded copy of a recorded part is the duplicate
        order = sorted(s for s in stems if s in records) + sorted(
            s for s in stems if s not in records)
        seen: dict[int, str] = {}
        for stem in order:
            if stem in replaced or stem in bad_stems:
                continue
            record = records.get(stem)
            recorded_ids = _parse_ranges(str((record or {}).get("run_ids", "")))
            kinds = [k for k in (RUNS, TS, FAILURES) if k in record] if record else [RUNS]
            if not record:  # unrecorded: check whatever files it has
                kinds += [k for k in (TS, FAILURES) if self.path(stem, k).is_file()]
            problem = None
            bad_failures = None
            for kind in kinds:
                wrong = self._verify_file(self.path(stem, kind), (record or {}).get(kind), deep)
                if wrong and kind == FAILURES:  # the runs and series are fine: keep them
                    bad_failures = Problem(
                        "damaged", self.path(stem, kind), wrong + " — this batch's failed runs "
                        "count as missing", stem, file_only=True)
                elif wrong:
                    problem = (self.path(stem, kind), wrong)
                    break
            ids: list[int] | None = None
            if problem is None:
                try:
                    ids = pq.read_table(self.path(stem, RUNS), columns=["run_id"]).column(
                        0).to_pylist() if pq.read_metadata(self.path(stem, RUNS)).num_rows \
                        else []
                except (OSError, pa.ArrowException, ValueError, KeyError) as exc:
                    problem = (self.path(stem, RUNS), f"unreadable ({_first_line(exc)})")
            if problem is not None:
                out.problems.append(Problem("damaged", problem[0], problem[1], stem,
                                            tuple(recorded_ids or self._ids_if_readable(stem))))
                continue
            assert ids is not None
            clash = sorted({i for i in ids if i in seen})
            if clash:
                first = self.path(seen[clash[0]], RUNS).name
                out.problems.append(Problem(
                    "duplicate", self.path(stem, RUNS),
                    f"holds {len(clash)} runs already in {first} (ignored)", stem))
                continue
            for i in ids:
                seen[i] = stem
            if bad_failures is not None:
                out.problems.append(bad_failures)
                out.bad_files.add(bad_failures.path)
            out.stems.append(stem)
            out.run_ids[stem] = ids
            if record is None:
                out.unrecorded.append(stem)
        for stem, record in sorted(records.items()):
            if stem not in present and stem not in replaced and isinstance(record, dict):
                lost = _parse_ranges(str(record.get("run_ids", "")))
                out.problems.append(Problem("missing", self.path(stem, RUNS), "file is gone",
                                            stem, tuple(i for i in lost if i not in seen)))
        for path, session in self._session_files():
            if session is None:
                out.problems.append(Problem("damaged-session", path, "unreadable session record"))
        out.stems.sort()
        return out

    def _ids_if_readable(self, stem: str) -> list[int]:
        try:
            return pq.read_table(self.path(stem, RUNS), columns=["run_id"]).column(0).to_pylist()
        except Exception:  # damaged file: ids unknown
            return []

    def describe(self, stem: str) -> dict[str, Any]:
        """Returns the manifest record of a stem's files as they are on disk now."""
        record: dict[str, Any] = {}
        for kind in (RUNS, TS, FAILURES):
            path = self.path(stem, kind)
            if path.is_file():
                record[kind] = _describe(path, pq.read_metadata(path).num_rows)
        ids = pq.read_table(self.path(stem, RUNS), columns=["run_id"]).column(0).to_pylist() \
            if record[RUNS]["rows"] else []
        record["run_ids"] = ranges(ids, limit=10**9)
        return record

    def move_aside(self, path: Path) -> Path | None:
        """Returns where ``path`` was moved in ``quarantine/`` (None if it did not exist)."""
        if not path.exists():
            return None
        stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:4]}"
        target = self.quarantine / f"{stamp}-{path.name}"
        with writing(target, "move a damaged file to"):
            self.quarantine.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        return target

    def repair(self, check: Check) -> list[str]:
        """Returns messages after moving bad parts and session records to ``quarantine/``,
        forgetting missing parts and recording unrecorded good ones. Runs of bad parts are
        then missing: a resumed sweep runs them again."""
        notes: list[str] = []
        forget: set[str] = set()
        rerecord: list[str] = []
        for problem in check.problems:
            if problem.kind == "damaged-session" or problem.file_only:
                moved = self.move_aside(problem.path)
                notes.append(f"{problem}; moved to {moved}")
                if problem.file_only:
                    rerecord.append(problem.stem)
                continue
            forget.add(problem.stem)
            moved_to = []
            for kind in (RUNS, TS, FAILURES):
                moved = self.move_aside(self.path(problem.stem, kind))
                if moved is not None:
                    moved_to.append(moved.name)
            where = f"; moved to {self.quarantine}" if moved_to else ""
            notes.append(f"{problem}{where}")
        known = self._records()
        records = {stem: self.describe(stem) for stem in check.unrecorded}
        for stem in rerecord:
            if stem in known:  # keep the verified records of its runs and series
                records[stem] = {k: v for k, v in known[stem].items() if k != FAILURES}
        forget |= check.replaced
        self.record_parts(records, forget=forget)
        return notes

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
            record[TS] = _write_parquet(self.path(stem, TS),
                                        pd.concat(timeseries, ignore_index=True))
        if failures:
            record[FAILURES] = _write_parquet(self.path(stem, FAILURES), pd.DataFrame(failures))
        runs = pd.DataFrame(rows) if rows else pd.DataFrame(
            {"run_id": pd.Series([], dtype="int64")}
        )
        record[RUNS] = _write_parquet(self.path(stem, RUNS), runs, fingerprint=fingerprint)
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
                raise ExperimentError(f"could not read {path}: {_first_line(exc)}") from None
        return _concat(frames)

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
                write_atomic(target, lambda p: rows.append(_stream_concat(ts_files, p)))
            record[TS] = _describe(target, rows[0])
        failures = _concat([pd.read_parquet(p) for p in self.files(FAILURES, check)])
        if len(failures):
            record[FAILURES] = _write_parquet(self.path(stem, FAILURES), failures)
        record[RUNS] = _write_parquet(self.path(stem, RUNS), runs, replaces=stems,
                                      fingerprint=manifest.get("fingerprint"))
        record["run_ids"] = ranges(runs["run_id"].tolist(), limit=10**9)
        self.record_parts({stem: record}, forget=stems)
        self.cleanup()
        return {"parts": len(current), "runs": len(runs), "dropped": dropped}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


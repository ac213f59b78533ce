"""Verifying a result folder's parts against the manifest's records, and repairing them."""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from uprising.experiments.store.files import (
    FAILURES,
    REPLACES_KEY,
    RUNS,
    TS,
    describe_file,
    first_line,
    parse_ranges,
    ranges,
    sha256,
    writing,
)
from uprising.experiments.store.sessions import SessionFolder


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


class CheckedFolder(SessionFolder):
    """A result folder that verifies its parts (``check``) and repairs them (``repair``: bad
    files to ``quarantine/``, records brought up to date)."""

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
                                       f"unreadable ({first_line(exc)})", stem))
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
            return f"unreadable ({first_line(exc)})"
        if record is not None:
            if rows != record.get("rows"):
                return f"{rows} rows, recorded {record.get('rows')}"
            if deep and "sha256" in record and sha256(path) != record["sha256"]:
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
            recorded_ids = parse_ranges(str((record or {}).get("run_ids", "")))
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
                    problem = (self.path(stem, RUNS), f"unreadable ({first_line(exc)})")
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
                lost = parse_ranges(str(record.get("run_ids", "")))
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
                record[kind] = describe_file(path, pq.read_metadata(path).num_rows)
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

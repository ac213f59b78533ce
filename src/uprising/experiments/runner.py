"""Run an experiment through any executor into a resumable store.

The driver plans batches of the runs not yet done, submits them with bounded look-ahead, and
writes each finished batch to the store as it arrives — memory stays flat however long the
sweep. Re-running the same call resumes: finished (and, unless retried, failed) runs are skipped.
"""

from __future__ import annotations

import math
import socket
import sys
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from uprising.experiments.design import Design, build_design
from uprising.experiments.executors import SerialExecutor
from uprising.experiments.progress import RunProgress
from uprising.experiments.spec import (
    Experiment,
    ExperimentError,
    experiment_to_yaml,
    load_experiment,
)
from uprising.experiments.store import (
    FINGERPRINT_KEY,
    MANIFEST,
    MANIFEST_FORMAT,
    RUNS,
    Status,
    Store,
    process_identity,
    writing,
)
from uprising.experiments.worker import BatchResult, BatchTask, RunSpec, run_batch
from uprising.results import platform_info, versions

MAX_BATCH = 200


@dataclass(frozen=True)
class SweepReport:
    """What one sweep invocation did.

    Attributes:
        directory: the store folder.
        planned: runs of this shard not finished before (attempted now).
        skipped: runs of this shard already finished (or failed) before.
        done: runs finished now.
        failed: runs that failed now.
        wall_time: seconds spent.
        status: done / failed / missing run ids of the whole experiment after this call.
        notes: what was found and repaired on the way in (damaged or duplicate parts moved
            to quarantine, a rebuilt manifest, sessions marked killed), one line each.
    """

    directory: Path
    planned: int
    skipped: int
    done: int
    failed: int
    wall_time: float
    status: Status
    notes: tuple[str, ...] = field(default=())


def parse_shard(text: str) -> tuple[int, int]:
    """Returns (i, n) from ``"i/n"`` with 0 ≤ i < n."""
    try:
        i_text, n_text = text.split("/")
        i, n = int(i_text), int(n_text)
    except ValueError:
        raise ExperimentError(f"--shard {text!r} must look like i/N, e.g. 0/10") from None
    if n < 1 or not 0 <= i < n:
        raise ExperimentError(f"--shard {text!r}: need N ≥ 1 and 0 ≤ i < N")
    return i, n


def default_batch_size(n_runs: int, workers: int) -> int:
    """Returns runs per batch: about 8 batches per worker, between 1 and MAX_BATCH."""
    return max(1, min(MAX_BATCH, math.ceil(n_runs / max(1, 8 * workers))))


def manifest_data(design: Design, store: Store) -> dict[str, Any]:
    """Returns the manifest but its part records: experiment, design, versions, platform,
    status, timings, failures."""
    exp = design.experiment
    status = store.status(range(design.n_runs))
    sessions = store.sessions()
    failures = store.failures()
    shown = failures.head(100)
    return {
        "experiment": exp.model_dump(mode="json"),
        # JSON keys are sorted on disk; this text keeps the order that defines the design
        "experiment_yaml": experiment_to_yaml(exp),
        "fingerprint": exp.fingerprint(),
        "base_scenario": design.base,
        "parameters": exp.parameters,
        "n_points": design.n_points,
        "repetitions": exp.repetitions,
        "n_runs": design.n_runs,
        "run_id": "point * repetitions + replicate",
        "seeds": f"SeedSequence({exp.seed}, spawn_key=(point, replicate))",
        "versions": versions(),
        "platform": {**platform_info(), "host": socket.gethostname()},
        "status": status.counts,
        "timings": {
            "sessions": len(sessions),
            "wall_time_s": sum(s.get("wall_time_s") or 0.0 for s in sessions),
            "runs_done_in_sessions": sum(s.get("done") or 0 for s in sessions),
        },
        "failures": [
            {"run_id": int(r.run_id), "error": r.error, "message": r.message}
            for r in shown.itertuples()
        ],
    }


def _different(store: Store, found: object, fingerprint: str) -> ExperimentError:
    return ExperimentError(
        f"{store.directory} holds results of a different experiment "
        f"(fingerprint {found}, this one {fingerprint}): use another --out"
    )


def _check_part_fingerprints(store: Store, fingerprint: str) -> None:
    """Raises if a runs part records another experiment's fingerprint (when there is no
    readable manifest to compare with)."""
    import pyarrow.parquet as pq

    for path in sorted(store.parts.glob(f"*.{RUNS}.parquet")) if store.parts.is_dir() else []:
        try:
            found = (pq.read_schema(path).metadata or {}).get(FINGERPRINT_KEY)
        except Exception:  # a damaged part is dealt with by the repair
            continue
        if found is not None and found.decode() != fingerprint:
            raise _different(store, found.decode(), fingerprint)


def _new_manifest(design: Design, store: Store) -> None:
    store.write_manifest({**manifest_data(design, store), "parts": {},
                          "format": MANIFEST_FORMAT})


def _open_store(design: Design, out: str | Path, notes: list[str]) -> Store:
    store = Store(out)
    fingerprint = design.experiment.fingerprint()
    if store.directory.exists() and not store.directory.is_dir():
        raise ExperimentError(f"{store.directory}: not a folder")
    if not store.exists():
        with writing(store.directory, "create"):
            store.directory.mkdir(parents=True, exist_ok=True)
    with store.locked():  # shards starting together into one folder make one manifest
        if not store.exists():
            _check_part_fingerprints(store, fingerprint)
            _new_manifest(design, store)
            return store
        try:
            found = store.manifest().get("fingerprint")
        except ExperimentError as exc:  # damaged: rebuild it from the experiment
            _check_part_fingerprints(store, fingerprint)
            moved = store.move_aside(store.directory / MANIFEST)
            _new_manifest(design, store)
            notes.append(f"{exc} — moved to {moved}, rebuilt from the experiment; the parts "
                         "are verified by structure and recorded again")
            return store
    if found != fingerprint:
        raise _different(store, found, fingerprint)
    return store


def _save_manifest(design: Design, store: Store) -> None:
    data = manifest_data(design, store)
    store.update_manifest(lambda d: d.update(data))


def _batches(run_ids: list[int], size: int) -> list[list[int]]:
    return [run_ids[i : i + size] for i in range(0, len(run_ids), size)]


def _task(design: Design, run_ids: list[int]) -> BatchTask:
    specs = []
    for rid in run_ids:
        point, rep = design.locate(rid)
        specs.append(RunSpec(rid, point, rep, design.params(point)))
    return BatchTask(design.experiment, design.base, tuple(specs))


def _infrastructure_failure(batch: list[int], design: Design, exc: BaseException) -> BatchResult:
    out = BatchResult()
    for rid in batch:
        point, rep = design.locate(rid)
        out.failures.append({
            "run_id": rid, "point": point, "replicate": rep, **design.params(point),
            "error": type(exc).__name__, "message": str(exc), "traceback": "", "time": time.time(),
        })
    return out


def run_experiment(
    experiment: Experiment | str | Path,
    out: str | Path,
    *,
    executor: Executor | None = None,
    workers: int = 1,
    shard: tuple[int, int] = (0, 1),
    batch_size: int | None = None,
    retry_failed: bool = False,
    progress: bool = False,
    folder: str | Path = ".",
    label: str = "serial",
) -> SweepReport:
    """Returns the report of running (or resuming) an experiment into the store ``out``.

    Args:
        experiment: an Experiment or the path of an experiment YAML file.
        out: result folder; created, or resumed if it holds the same experiment.
        executor: any ``concurrent.futures.Executor`` (default: serial in this process).
        workers: how many workers the executor has (sizes batches and look-ahead).
        shard: ``(i, n)``: run only run ids with ``run_id % n == i``.
        batch_size: runs per task (default: about 8 batches per worker, at most 200).
        retry_failed: run again the runs whose last attempt failed.
        progress: show a live progress bar on stderr.
        folder: base folder for a relative scenario path (set from the file when a path).
        label: executor description recorded in the session.
    """
    if not isinstance(experiment, Experiment):
        experiment, folder = load_experiment(experiment)
    design = build_design(experiment, folder)
    notes: list[str] = []
    store = _open_store(design, out, notes)
    fingerprint = design.experiment.fingerprint()
    tag = f"s{shard[0]}of{shard[1]}"
    notes += store.mark_killed_sessions()
    store.cleanup(uncommitted=f"{tag}-")
    check = store.check(deep=True)  # checksums: damaged data are run again, never kept
    if check.problems or check.unrecorded:
        notes += store.repair(check)
        check = store.check()
    mine = design.run_ids(shard)
    finished = store.done_ids(check) | (set() if retry_failed else store.failed_ids(check))
    todo = [r for r in mine if r not in finished]
    size = batch_size or default_batch_size(len(todo), workers)
    batches = _batches(todo, size)
    session: dict[str, Any] = {
        "id": f"{time.strftime('%Y%m%dT%H%M%S')}-{tag}-{uuid.uuid4().hex[:6]}",
        "started": time.time(), "finished": None, "executor": label, "workers": workers,
        "shard": list(shard), "planned": len(todo), "skipped": len(mine) - len(todo),
        "batch_size": size, "done": 0, "failed": 0, "wall_time_s": None,
        **process_identity(), "outcome": "running", "versions": versions(),
    }
    store.write_session(session)
    executor = executor or SerialExecutor()
    started = time.perf_counter()
    lookahead = max(2, 2 * workers)
    pending: dict[Future, list[int]] = {}
    queue = iter(batches)
    failing: BaseException | None = None
    try:
        with RunProgress(len(todo), f"sweep {experiment.name}", enabled=progress) as bar:

            def fill() -> None:
                while len(pending) < lookahead:
                    batch = next(queue, None)
                    if batch is None:
                        return
                    pending[executor.submit(run_batch, _task(design, batch))] = batch

            fill()
            while pending:
                finished_now, _ = wait(list(pending), return_when=FIRST_COMPLETED)
                for future in finished_now:
                    batch = pending.pop(future)
                    exc = future.exception()
                    if isinstance(exc, BrokenExecutor):
                        raise ExperimentError(
                            f"a worker process died ({exc}); finished runs are saved — "
                            "re-run the same command to resume"
                        )
                    result = future.result() if exc is None else None
                    if not isinstance(result, BatchResult):
                        result = _infrastructure_failure(batch, design, exc or TypeError(
                            f"executor returned {type(result).__name__}, not a BatchResult"))
                    store.write_batch(result.rows, result.timeseries, result.failures, tag,
                                      fingerprint=fingerprint)
                    session["done"] += len(result.rows)
                    session["failed"] += len(result.failures)
                    bar.advance(len(result.rows), len(result.failures))
                fill()
        session["outcome"] = "complete"
    except BaseException as exc:
        failing = exc
        session["outcome"] = f"stopped: {type(exc).__name__}"
        for future in pending:
            future.cancel()
        raise
    finally:
        session["finished"] = time.time()
        session["wall_time_s"] = time.perf_counter() - started
        try:
            store.write_session(session)
            _save_manifest(design, store)
        except ExperimentError as exc:
            if failing is None:
                raise
            # already failing (e.g. the disk is full): keep the first error, which is the cause
            print(f"warning: {exc}", file=sys.stderr)
    return SweepReport(
        directory=store.directory, planned=len(todo), skipped=len(mine) - len(todo),
        done=session["done"], failed=session["failed"], wall_time=session["wall_time_s"],
        status=store.status(range(design.n_runs)), notes=tuple(notes),
    )

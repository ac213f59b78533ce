"""The store's files: names and manifest keys, run-id ranges, atomic Parquet writing with a
record (rows, bytes, SHA-256) of what was written, and turning I/O errors into ExperimentErrors."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
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


def parse_ranges(text: str) -> list[int]:
    out: list[int] = []
    for piece in text.split(","):
        piece = piece.strip()
        if not piece or piece == "-" or piece.startswith("…"):
            continue
        lo, _, hi = piece.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def strerror(exc: OSError) -> str:
    return exc.strerror or (os.strerror(exc.errno) if exc.errno else str(exc))


@contextlib.contextmanager
def writing(path: Path, verb: str = "write") -> Iterator[None]:
    """Turns an OSError (full disk, read-only folder…) into an ExperimentError naming ``path``."""
    try:
        yield
    except OSError as exc:
        raise ExperimentError(f"could not {verb} {path}: {strerror(exc)}") from None


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe_file(path: Path, rows: int) -> dict[str, Any]:
    return {"rows": int(rows), "bytes": path.stat().st_size, "sha256": sha256(path)}


def write_parquet(
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
        record.update(describe_file(tmp, table.num_rows))  # the bytes that will be renamed

    with writing(path):
        write_atomic(path, writer)
    return record


def concat_frames(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f.columns)]
    if not frames:
        return pd.DataFrame({"run_id": pd.Series([], dtype="int64")})
    non_empty = [f for f in frames if len(f)] or frames[:1]
    return pd.concat(non_empty, ignore_index=True)


def stream_concat(files: list[Path], target: Path) -> int:
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


def first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]

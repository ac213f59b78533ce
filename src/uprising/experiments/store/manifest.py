"""The result folder's layout and its manifest: ``manifest.json`` with the per-part records."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from uprising.atomic import write_atomic
from uprising.experiments.spec import ExperimentError
from uprising.experiments.store.files import (
    MANIFEST,
    MANIFEST_FORMAT,
    REQUIRED_KEYS,
    strerror,
    writing,
)


class ManifestFolder:
    """A sweep's result folder: its layout, its manifest (read, written atomically, updated
    under a lock) and the manifest's per-part records."""

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
            reason = strerror(exc) if isinstance(exc, OSError) else f"not valid JSON: {exc}"
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

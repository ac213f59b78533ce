"""Live progress for long commands: runs done, rate, ETA and failures (Rich, on stderr)."""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class RunProgress:
    """A progress bar counting runs, with the run rate, ETA and failure count.

    Used as a context manager; ``enabled=False`` makes every call a no-op.
    """

    def __init__(self, total: int, description: str = "runs", enabled: bool = True):
        self.total = total
        self.enabled = enabled
        self.done = 0
        self.failed = 0
        self._started = time.perf_counter()
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self.description = description

    def __enter__(self) -> RunProgress:
        if self.enabled:
            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                TextColumn("elapsed"),
                TimeElapsedColumn(),
                TextColumn("[red]{task.fields[failed]} failed"),
                console=Console(stderr=True),
                refresh_per_second=4,
            )
            self._progress.__enter__()
            self._task = self._progress.add_task(
                self.description, total=self.total, rate="— runs/s", failed=0
            )
        return self

    def rate(self) -> float:
        """Returns runs finished per second since the start."""
        elapsed = time.perf_counter() - self._started
        return (self.done + self.failed) / elapsed if elapsed > 0 else 0.0

    def advance(self, done: int, failed: int = 0) -> None:
        """Counts ``done`` finished and ``failed`` failed runs."""
        self.done += done
        self.failed += failed
        if self._progress is not None and self._task is not None:
            self._progress.update(
                self._task,
                advance=done + failed,
                rate=f"{self.rate():.2f} runs/s",
                failed=self.failed,
            )

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.__exit__(exc_type, exc, tb)

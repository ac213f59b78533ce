"""One executor interface (``concurrent.futures.Executor``) over serial, processes and Dask.

Any ``concurrent.futures.Executor`` works with the runner (mpi4py's MPIPoolExecutor, loky,
submitit…); these are the ones the CLI builds.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from uprising.experiments.spec import ExperimentError


class SerialExecutor(Executor):
    """Runs each submitted call at once in this process; returns completed futures."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Returns a finished Future holding ``fn(*args, **kwargs)`` or its exception."""
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


class DaskExecutor(Executor):
    """Submits calls to a Dask ``distributed.Client``; returns standard futures.

    Each Dask future is kept referenced until it completes (an unreferenced Dask future is
    cancelled) and its outcome is copied into a ``concurrent.futures.Future``.
    """

    def __init__(self, client: Any, dashboard_link: str | None = None):
        self.client = client
        self.dashboard_link = dashboard_link
        self._pending: dict[int, Any] = {}

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Returns a Future resolved when the Dask task finishes (retried on lost workers)."""
        future: Future = Future()
        dask_future = self.client.submit(fn, *args, pure=False, **kwargs)
        key = id(dask_future)
        self._pending[key] = dask_future

        def _done(df: Any) -> None:
            # A worker loss can reset a finished task to pending (Dask recomputes it) between
            # the notification and this thread: then wait for the next completion.
            if df.status not in ("finished", "error", "cancelled"):
                df.add_done_callback(_done)
                return
            try:
                if df.status == "cancelled":
                    future.set_exception(RuntimeError(f"dask task {df.key} was cancelled"))
                elif df.status == "error":
                    future.set_exception(df.exception())
                else:
                    future.set_result(df.result())  # re-gathers if the holder was lost
            except BaseException as exc:
                if not future.done():
                    future.set_exception(exc)
            self._pending.pop(key, None)

        dask_future.add_done_callback(_done)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Forgets pending tasks when ``cancel_futures``; the client is closed by its owner."""
        if cancel_futures:
            for df in list(self._pending.values()):
                df.cancel()
            self._pending.clear()


def process_context() -> multiprocessing.context.BaseContext:
    """Returns the start method for worker processes: forkserver on Linux, spawn elsewhere.

    Never plain fork: forking a process that has Numba's threading layer or compiled state
    initialised is unsafe.
    """
    method = "forkserver" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method)


NO_HTTP_ROUTES = {"distributed.scheduler.http.routes": [], "distributed.worker.http.routes": []}


def _is_scheduler_file(address: str) -> bool:
    return "://" not in address and (address.endswith(".json") or Path(address).is_file())


def _read_scheduler_file(path: Path, timeout: float) -> str:
    """Returns the scheduler address in a scheduler file, waiting up to ``timeout`` seconds for
    the file to appear (a scheduler started by the same job may still be writing it)."""
    deadline = time.monotonic() + timeout
    while not path.is_file():
        if time.monotonic() >= deadline:
            raise ExperimentError(f"--dask {path}: scheduler file not found (waited "
                                  f"{timeout:g} s; --dask-timeout to wait longer)")
        time.sleep(0.2)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return str(data["address"])
    except OSError as exc:
        raise ExperimentError(f"--dask {path}: cannot read the scheduler file: "
                              f"{exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError):
        raise ExperimentError(f"--dask {path}: not a Dask scheduler file (JSON with an "
                              "'address')") from None


@contextmanager
def dask_client(
    address: str, workers: int, *, dashboard: bool = False, timeout: float = 10.0
) -> Iterator[Any]:
    """Yields a Dask client: a new LocalCluster on 127.0.0.1 for ``"local"``, else the
    scheduler at ``address`` (``tcp://host:port`` or a scheduler JSON file).

    A local cluster listens on 127.0.0.1 only, on ports the system picks (no fixed port, so
    no clash with another cluster on 8787). Distributed always starts an HTTP server in the
    scheduler and in each worker: without ``dashboard`` they serve no routes at all (no
    dashboard, health or metrics endpoint); with it, the scheduler serves the dashboard,
    whose link is ``client.dashboard_link``. Reaching an existing scheduler (or its file)
    gives up after ``timeout`` seconds with an ExperimentError.
    """
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise ExperimentError(
            "--dask needs dask[distributed]: pip install 'dask[distributed]'"
        ) from None
    if address == "local":
        with dask.config.set({} if dashboard else NO_HTTP_ROUTES):
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                scheduler_port=0, dashboard_address="127.0.0.1:0",
                worker_dashboard_address=None, scheduler_kwargs={"dashboard": dashboard},
            )
            try:
                client = Client(cluster)
                try:
                    yield client
                finally:
                    client.close()
            finally:
                cluster.close()
        return
    target = str(_read_scheduler_file(Path(address), timeout)) if _is_scheduler_file(
        address) else address
    try:
        client = Client(target, timeout=f"{timeout}s")
    except (OSError, TimeoutError, ValueError) as exc:
        shown = address if target == address else f"{address} ({target})"
        raise ExperimentError(f"--dask {shown}: cannot reach the scheduler within "
                              f"{timeout:g} s: {exc}") from None
    try:
        yield client
    finally:
        client.close()


@contextmanager
def open_executor(
    kind: str = "serial",
    workers: int = 1,
    dask: str | None = None,
    *,
    dashboard: bool = False,
    timeout: float = 10.0,
) -> Iterator[Executor]:
    """Yields an executor: ``serial``, ``processes`` (``workers`` processes) or ``dask``.

    Args:
        kind: serial or processes; ignored when ``dask`` is given.
        workers: number of worker processes (processes, or a local Dask cluster).
        dask: ``"local"`` or a scheduler address / scheduler file; selects Dask.
        dashboard: a local Dask cluster serves its dashboard on a free 127.0.0.1 port
            (the executor's ``dashboard_link``).
        timeout: seconds to wait for an existing Dask scheduler (or its file).
    """
    if dask is not None:
        with dask_client(dask, workers, dashboard=dashboard, timeout=timeout) as client:
            link = client.dashboard_link if dashboard and dask == "local" else None
            executor = DaskExecutor(client, dashboard_link=link)
            try:
                yield executor
            finally:
                executor.shutdown(cancel_futures=True)
        return
    if kind == "serial" or workers <= 1:
        yield SerialExecutor()
        return
    if kind != "processes":
        raise ExperimentError(f"unknown executor {kind!r} (serial, processes)")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=process_context())
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

"""One executor interface (``concurrent.futures.Executor``) over serial, processes and Dask.

Any ``concurrent.futures.Executor`` works with the runner (mpi4py's MPIPoolExecutor, loky,
submitit…); these are the ones the CLI builds.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
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

    def __init__(self, client: Any):
        self.client = client
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


@contextmanager
def dask_client(address: str, workers: int) -> Iterator[Any]:
    """Yields a Dask client: a new LocalCluster on 127.0.0.1 for ``"local"``, else the
    scheduler at ``address`` (``tcp://host:port`` or a scheduler JSON file)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ExperimentError(
            "--dask needs dask[distributed]: pip install 'dask[distributed]'"
        ) from None
    if address == "local":
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=None,
        )
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
            cluster.close()
        return
    try:
        if address.endswith(".json"):
            client = Client(scheduler_file=address, timeout="10s")
        else:
            client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise ExperimentError(f"--dask {address}: cannot reach the scheduler: {exc}") from None
    try:
        yield client
    finally:
        client.close()


@contextmanager
def open_executor(
    kind: str = "serial", workers: int = 1, dask: str | None = None
) -> Iterator[Executor]:
    """Yields an executor: ``serial``, ``processes`` (``workers`` processes) or ``dask``.

    Args:
        kind: serial or processes; ignored when ``dask`` is given.
        workers: number of worker processes (processes, or a local Dask cluster).
        dask: ``"local"`` or a scheduler address / scheduler file; selects Dask.
    """
    if dask is not None:
        with dask_client(dask, workers) as client:
            executor = DaskExecutor(client)
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

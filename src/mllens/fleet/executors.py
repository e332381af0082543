"""The process pool executor (`--workers N`) and the choice between it and Dask. The
interface both follow is mllens.fleet.base."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import TypeVar

from mllens.fleet.base import IN_FLIGHT_PER_WORKER, Executor, Finished, _Closing, _error
from mllens.scan.cpus import usable_cpus as cpu_count

T = TypeVar("T")
R = TypeVar("R")

__all__ = ["Executor", "Finished", "ProcessExecutor", "cpu_count", "make_executor"]


class ProcessExecutor(_Closing):
    """A pool of `workers` processes, started with `spawn` (a fresh interpreter: nothing of
    the coordinator's threads or open database connections is inherited). A worker that
    dies (killed, out of memory) breaks the pool and takes every task in it: the pool is
    started again and those tasks are retried one at a time, so the one that kills its
    worker alone is the one that fails (with that error) and the others finish."""

    name = "process pool"

    def __init__(self, *, workers: int | None = None) -> None:
        self.workers = max(1, workers or cpu_count())
        self._pool: ProcessPoolExecutor | None = None

    def _fresh_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self._pool

    def run(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[Finished[T, R]]:
        todo = iter(items)
        suspects: deque[T] = deque()  # in flight when a worker died: retried one at a time
        flying: dict[Future[R], T] = {}
        alone = False  # the one task in flight is a suspect: if the pool breaks now, it did it
        try:
            while True:
                if suspects:
                    if not flying:
                        item = suspects.popleft()
                        flying[self._fresh_pool().submit(fn, item)] = item
                        alone = True
                else:
                    alone = False
                    for item in islice(todo, max(0, self.workers * IN_FLIGHT_PER_WORKER - len(flying))):
                        flying[self._fresh_pool().submit(fn, item)] = item
                if not flying:
                    return
                finished, _ = wait(flying, return_when=FIRST_COMPLETED)
                broken = False
                for future in finished:
                    item = flying[future]
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        broken = True
                        continue
                    except Exception as exc:  # fn raised: this item's error, not the run's
                        del flying[future]
                        yield Finished(item=item, error=_error(exc))
                    else:
                        del flying[future]
                        yield Finished(item=item, result=result)
                if broken:  # the pool is gone, and every task that was in it
                    lost = list(flying.values())
                    flying.clear()
                    self._discard_pool()
                    if alone:
                        yield Finished(item=lost[0], error="its worker process died (killed, or out of memory)")
                    else:
                        suspects.extend(lost)
        finally:
            for future in flying:
                future.cancel()

    def _discard_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def make_executor(*, cluster: str | None, workers: int | None) -> Executor:
    """A process pool, or Dask when `cluster` is given ("local" or a scheduler address)."""
    if cluster is None:
        return ProcessExecutor(workers=workers)
    from mllens.fleet.dask_executor import DaskExecutor

    executor: Executor = DaskExecutor(cluster=cluster, workers=workers)
    return executor

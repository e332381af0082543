"""The Dask distributed executor (the `fleet` extra): a LocalCluster of `workers`
single-threaded worker processes (`cluster="local"`), or the scheduler at an address
(`tcp://host:8786`). See mllens.fleet.base for the interface.

Dask retries a task whose worker died on another worker (its `allowed-failures`) before
it gives up with KilledWorker; a task that was only beside the one that kills its worker
can be given up too, so each task given up is tried again alone (nothing else in flight):
the one that still kills its worker fails with that error, the others finish."""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

from mllens.errors import InputError
from mllens.fleet.base import IN_FLIGHT_PER_WORKER, Finished, _Closing, _error
from mllens.scan.cpus import usable_cpus as cpu_count

T = TypeVar("T")
R = TypeVar("R")

ADDRESS = re.compile(r"^(tcp|tls)://[^\s/]+:\d+$")


def check_cluster(value: str) -> str:
    """`local` or a scheduler address; InputError naming --cluster otherwise."""
    if value == "local" or ADDRESS.match(value):
        return value
    raise InputError(f"expected 'local' or a scheduler address such as tcp://host:8786, got {value!r}",
                     field="--cluster")  # fmt: skip


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise InputError("needs Dask distributed: pip install 'mllens[fleet]'", field="--cluster") from None
    return distributed


class DaskExecutor(_Closing):
    """Tasks on a Dask cluster. `processes=False` runs a local cluster's workers as threads
    of this process (for tests where processes cannot start; scans then take turns)."""

    name = "Dask"

    def __init__(
        self, *, cluster: str, workers: int | None = None, processes: bool = True, connect_timeout: str = "20s"
    ) -> None:
        check_cluster(cluster)
        distributed = _distributed()
        self._cluster: Any = None
        if cluster == "local":
            self.workers = max(1, workers or cpu_count())
            self._cluster = distributed.LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=processes, dashboard_address=":0",
                silence_logs=logging.ERROR,
            )  # fmt: skip
            self._client: Any = distributed.Client(self._cluster)
        else:
            try:
                self._client = distributed.Client(cluster, timeout=connect_timeout)
            except (OSError, TimeoutError) as exc:
                raise InputError(f"cannot reach the Dask scheduler at {cluster} ({exc})", field="--cluster") from None
            self.workers = max(1, len(self._client.scheduler_info().get("workers", {})) or (workers or 1))
        self._distributed = distributed

    def run(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[Finished[T, R]]:
        todo = iter(items)
        flying: dict[Any, T] = {}
        suspects: deque[T] = deque()  # lost with a dead worker: retried one at a time
        alone = False  # the one task in flight is a suspect: if its worker dies now, it did it
        finished = self._distributed.as_completed()

        def submit(item: T) -> None:
            future = self._client.submit(fn, item, pure=False)
            flying[future] = item
            finished.add(future)

        def refill() -> None:
            nonlocal alone
            if suspects:
                if not flying:
                    submit(suspects.popleft())
                    alone = True
                return
            alone = False
            for item in islice(todo, max(0, self.workers * IN_FLIGHT_PER_WORKER - len(flying))):
                submit(item)

        try:
            refill()
            for future in finished:
                item = flying.pop(future)
                try:
                    result: R = future.result()
                except self._distributed.KilledWorker as exc:
                    # Dask gave up on a task whose workers kept dying: it, or one beside it
                    if alone:
                        yield Finished(item=item, error=_error(exc))
                    else:
                        suspects.append(item)
                except Exception as exc:  # fn raised
                    yield Finished(item=item, error=_error(exc))
                else:
                    yield Finished(item=item, result=result)
                finally:
                    future.release()
                refill()
        finally:
            if flying:
                self._client.cancel(list(flying))

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()

"""The Dask distributed executor (the `fleet` extra): a LocalCluster of `workers`
single-threaded worker processes (`cluster="local"`), or the scheduler at an address
(`tcp://host:8786`). See mllens.fleet.base for the interface.

Dask retries a task whose worker died on another worker (its `allowed-failures`) before
it reports the task as failed; that report becomes the item's error."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from mllens.errors import InputError
from mllens.fleet.base import IN_FLIGHT_PER_WORKER, Finished, _Closing, _error, cpu_count

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
        finished = self._distributed.as_completed()

        def submit() -> bool:
            try:
                item = next(todo)
            except StopIteration:
                return False
            future = self._client.submit(fn, item, pure=False)
            flying[future] = item
            finished.add(future)
            return True

        try:
            for _ in range(self.workers * IN_FLIGHT_PER_WORKER):
                if not submit():
                    break
            for future in finished:
                item = flying.pop(future)
                try:
                    result: R = future.result()
                except Exception as exc:  # fn raised, or its worker kept dying (KilledWorker)
                    yield Finished(item=item, error=_error(exc))
                else:
                    yield Finished(item=item, result=result)
                finally:
                    future.release()
                submit()
        finally:
            if flying:
                self._client.cancel(list(flying))

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()

"""The executor interface: run a function over items on several workers and yield each
result as it finishes, whatever the order. Two kinds (mllens.fleet.executors):

- `ProcessExecutor`: a process pool on this machine (`--workers N`).
- `DaskExecutor`: Dask distributed, a `LocalCluster` started here (`--cluster local`) or a
  running scheduler (`--cluster tcp://host:8786`); the `fleet` extra installs it.

    with make_executor(cluster=None, workers=4) as executor:  # mllens.fleet.executors
        for finished in executor.run(scan_repository, tasks):
            ...  # finished.item, finished.result, or finished.error

`run` keeps only a few tasks per worker in flight (thousands of items cost no memory up
front), and closing its generator early (an interrupted run) cancels the rest. `fn` must
be importable by the workers (a module-level function) and items and results picklable.
An exception in `fn`, or a worker that dies under it, becomes `error`: the others go on.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Generic, Protocol, Self, TypeVar

T = TypeVar("T")
R = TypeVar("R")

IN_FLIGHT_PER_WORKER = 2  # enough to keep a worker busy while its result travels back


@dataclass(frozen=True)
class Finished(Generic[T, R]):
    """One item's outcome: `result`, or `error` (it raised, or its worker died)."""

    item: T
    result: R | None = None
    error: str | None = None


class Executor(Protocol):
    """What the fleet (and anything built on it) needs of an executor."""

    name: str
    workers: int

    def run(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[Finished[T, R]]: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class _Closing(ABC):
    """`with executor:` closes it; each executor says how."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

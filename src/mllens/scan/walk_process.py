"""A cold scan's walk in a forked child process, while this process loads the detectors.

Both are Python work on one CPU each: listing and classing every file of the tree, and
importing the engine and the families and reading their metadata. In two threads the GIL
runs them one after the other (on the bench tree, about 0.12 s and 0.13 s of CPU took
0.22 s); in two processes they overlap on a second CPU. The child walks and sends the
WalkResult back through a pipe, pickled between two processes of ours as the worker pool
does (reading it back costs about 20 ms for 17,000 files); then it keeps the walk's
snapshot (mllens.scan.walk_snapshot) and sends its digest, which this process reads only
when it stores the scan's result. A bad exclude pattern comes back as the ValueError the
walk raises; anything else that goes wrong in the child makes this process walk the tree
itself. A scan held to one CPU (`workers=1`, as the fleet runs them), a machine with one,
or a process with other threads running (the web app, Dask's threaded workers: a fork
copies none of them, and a lock one of them holds stays held in the child) walks in this
process, beside a thread loading the families, as before. The child imports nothing.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from mllens.scan import walk_snapshot
from mllens.scan.cpus import usable_cpus
from mllens.scan.walk import walk

if TYPE_CHECKING:
    from mllens.scan.walk import WalkResult

# (the walk, when it began: time.time_ns)
Walked: TypeAlias = "tuple[WalkResult, int]"


class Walking:
    """The child walking the tree: `result` once this process is ready for the walk, `kept`
    once it needs the snapshot's digest (the child keeps the snapshot after sending the
    walk, while this process goes on)."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid = pid
        self.fd: int | None = fd

    def result(self) -> Walked | None:
        """The child's walk and when it began (ValueError: a pattern the walk refused); None
        when the child failed otherwise (then walk here)."""
        payload = self._message()
        if payload and payload[0] == "walked":
            return payload[1], payload[2]
        self.close()
        if payload and payload[0] == "refused":
            raise ValueError(payload[1])
        return None

    def kept(self) -> str | None:
        """The digest of the snapshot the child kept of its walk (None: none kept)."""
        payload = self._message()
        self.close()
        return payload[1] if payload and payload[0] == "kept" else None

    def _message(self) -> tuple[Any, ...] | None:
        """The child's next message; None when it ended without one (it failed, or died)."""
        if self.fd is None:
            return None
        try:
            size = int.from_bytes(self._read(8), "little")
            found: tuple[Any, ...] = pickle.loads(self._read(size))
        except Exception:  # a child that died half-way: an empty or cut pipe
            return None
        return found

    def _read(self, size: int) -> bytes:
        assert self.fd is not None
        chunks, left = [], size
        while left:
            chunk = os.read(self.fd, min(left, 1 << 20))
            if not chunk:
                raise EOFError("the walking process ended early")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        """Stop reading (a child still writing then ends on the closed pipe) and reap it."""
        if self.fd is None:
            return
        os.close(self.fd)
        self.fd = None
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def start(
    root: str,
    *,
    max_size: int,
    exclude: Sequence[str],
    project: Sequence[str],
    vendored: Sequence[str],
    keep: dict[str, Any] | None,
) -> Walking | None:
    """Fork a child walking `root` (and keeping its snapshot with the settings `keep`, when
    given); None where that would not pay or not be safe: processes cannot be forked, one
    CPU, or other threads in this process (a fork copies none of them, and a lock one of
    them holds stays held in the child: the web app, Dask's threaded workers)."""
    if not hasattr(os, "fork") or usable_cpus() < 2 or not _alone():
        return None
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # pragma: no cover - the child (coverage does not follow a fork)
        status = 1
        try:
            os.close(read_end)
            gc.disable()  # a short-lived process: nothing it makes needs collecting
            _walk(write_end, root, max_size=max_size, exclude=exclude, project=project, vendored=vendored, keep=keep)
            status = 0
        finally:
            os._exit(status)  # never back into the caller's stack, its atexit or its buffers
    os.close(write_end)
    return Walking(pid, read_end)


def _alone() -> bool:
    """No other thread runs in this process."""
    return threading.active_count() == 1


def _walk(
    fd: int,
    root: str,
    *,
    max_size: int,
    exclude: Sequence[str],
    project: Sequence[str],
    vendored: Sequence[str],
    keep: dict[str, Any] | None,
) -> None:
    """In the child: send the walk, then keep its snapshot and send the snapshot's digest."""
    began = time.time_ns()
    try:
        walked = walk(root, max_size=max_size, exclude=exclude, project=project, vendored=vendored)
    except ValueError as exc:
        _send(fd, ("refused", str(exc)))
        return
    except Exception:
        _send(fd, ("failed",))
        return
    _send(fd, ("walked", walked, began))
    kept = walk_snapshot.save(root, walked, began, max_size=max_size, **keep) if keep is not None else None
    _send(fd, ("kept", kept))


def _send(fd: int, message: tuple[Any, ...]) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(len(data).to_bytes(8, "little") + data)
    while view:
        view = view[os.write(fd, view) :]

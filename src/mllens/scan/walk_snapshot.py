"""A re-scan's file index taken from the last walk, when the tree's shape has not changed.

Walking is the part of a warm re-scan that cannot be served from the result cache: listing
every folder, classing every file by its name and place, matching .gitignore rules. None of
that reads a file's content; it follows from the names each listed folder holds and from
the few files the walker reads (.gitignore, .gitattributes, .git/info/exclude, the file
lists of `*.dist-info`). A folder's mtime changes whenever an entry is added to it, removed
or renamed, so when every folder the last walk looked into and every file it read has the
stat it had then, the last walk's index still holds: only each indexed file is stat-ed
again, for its size (the size limits) and its times (the result cache's trust in a digest).

As git does with its index, nothing changed within two seconds of the walk is trusted (a
folder changed in the same tick as the walk could change again unseen): such a walk is not
kept. A walk with a folder or file it could not read is not kept either. The snapshot is
two files of our own in the cache folder: what a re-scan served whole reads (the settings,
what was watched, every file's path to stat; with the digest of the whole walk on its first
line, so that it is not hashed again), and the index itself (each file's kind and class),
read only when the files must be checked. A missing, foreign or damaged one means a walk.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mllens.scan.walk_stat import seen

if TYPE_CHECKING:
    from mllens.scan.walk import WalkResult

_FORMAT = 2
_RACY_NS = 2_000_000_000
# walks that may not be the tree's whole story: a folder or file that could not be read,
# a link whose target may appear, a walk cut short
_UNTRUSTED = frozenset({"unreadable", "broken_symlink", "too_many_files", "too_deep"})


def _where(root: str) -> Path:
    from mllens.scan.cache import cache_dir  # the cache module opens SQLite: only when a snapshot is used

    name = hashlib.blake2b(os.path.realpath(root).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return cache_dir() / "walks" / f"{name}.json"


# the walker's own sources: a walk classed by other code (an upgrade, a new signal) is no
# walk to replay
_WALKER_MODULES = ("walk.py", "classify.py", "classify_shape.py", "skip.py", "kinds.py", "ignore.py")
_code: list[str] = []


def _walker_code() -> str:
    if not _code:
        digest = hashlib.blake2b(digest_size=16)
        here = Path(__file__).parent
        for name in _WALKER_MODULES:
            try:
                digest.update(name.encode() + b"\0" + (here / name).read_bytes())
            except OSError:
                digest.update(name.encode())
        _code.append(digest.hexdigest())
    return _code[0]


def _params(root: str, **options: Any) -> str:
    return json.dumps([_FORMAT, _walker_code(), os.path.realpath(root), options], sort_keys=True)


def save(root: str, walked: WalkResult, started_ns: int, **options: Any) -> str | None:
    """Keep this walk for the next scan of `root` (silently not, when it cannot be trusted
    or written: a walk is always the fallback). `started_ns`: when the walk began. Returns
    the digest of what was kept (Snapshot.digest), or None."""
    if any(d.kind in _UNTRUSTED for d in walked.diagnostics):
        return None
    if any(s[0] >= started_ns - _RACY_NS for s in walked.watched.values()):
        return None  # changed in the walk's own tick: a change in the same tick would go unseen
    header = {
        "params": _params(root, **options),
        "watched": walked.watched,
        "paths": [f.os_path for f in walked.files],
        "diagnostics": [[d.file, d.kind, d.message] for d in walked.diagnostics],
        "skipped": walked.skipped,
    }
    target = _where(root)
    try:
        index = json.dumps(
            {
                "files": [[f.path, f.kind] for f in walked.files],
                "classes": {p: list(d) for p, d in walked.classes.items()},
            },
            separators=(",", ":"),
        ).encode("utf-8")
        header["index"] = _digest(index)
        text = json.dumps(header, separators=(",", ":")).encode("utf-8")
        digest = _digest(text + b"\0" + index)
        target.parent.mkdir(parents=True, exist_ok=True)
        # the index first: a header left from before then names another index's digest
        _write(target.with_suffix(".index"), index)
        _write(target, digest.encode() + b"\n" + text)
    except (OSError, ValueError):  # ValueError: a path json cannot encode
        return None
    return digest


def _write(target: Path, data: bytes) -> None:
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)


def _digest(text: bytes) -> str:
    return hashlib.blake2b(text, digest_size=20).hexdigest()


# (size, mtime_ns, ctime_ns, inode, device), as mllens.scan.cache.Stat
FileStat = tuple[int, int, int, int, int]


@dataclass
class Snapshot:
    """The last walk of a tree, its folders and read files found unchanged, with each
    indexed file stat-ed again (in the walk's order)."""

    data: dict[str, Any]  # what a served re-scan reads: params, watched, paths, diagnostics, skipped
    digest: str  # of the kept walk: its settings, index, classes and what it watched
    stats: list[FileStat]
    taken_ns: int  # when the files were stat-ed again
    index_path: Path | None = None  # the file holding each file's kind and class

    def walk_result(self, max_size: int) -> WalkResult | None:
        """The walk this snapshot keeps, as the walker would give it now (None: damaged)."""
        # the walker's types load only here: a re-scan served whole never needs them
        from mllens.scan import classify as fileclass
        from mllens.scan.context import IndexedFile
        from mllens.scan.result import Diagnostic
        from mllens.scan.walk import WalkResult, size_limit

        try:
            text = self.index_path.read_bytes() if self.index_path is not None else b""
            if _digest(text) != self.data["index"]:
                return None  # not the index this header was kept with
            index = json.loads(text)
            result = WalkResult()
            limits: dict[str, int] = {}
            rows = zip(index["files"], self.data["paths"], self.stats, strict=True)
            for (path, kind), os_path, info in rows:
                result.stats[path] = info
                limit = limits.get(kind) or limits.setdefault(kind, size_limit(kind, max_size))
                result.files.append(
                    IndexedFile(path=path, kind=kind, size=info[0], os_path=os_path, too_large=info[0] > limit)
                )
            result.classes = {path: fileclass.Decision(*d) for path, d in index["classes"].items()}
            result.diagnostics = [Diagnostic(file=f, kind=k, message=m) for f, k, m in self.data["diagnostics"]]
            result.skipped = [(folder, why) for folder, why in self.data["skipped"]]
        except (OSError, KeyError, TypeError, ValueError):
            return None
        return result


def load(root: str, *, max_size: int, **options: Any) -> Snapshot | None:
    """The last walk of `root` with each file stat-ed again, or None when the tree's shape
    may have changed (then walk)."""
    where = _where(root)
    try:
        digest, _, text = where.read_bytes().partition(b"\n")
        data = json.loads(text)
        if data["params"] != _params(root, max_size=max_size, **options):
            return None
        watched: dict[str, list[int]] = data["watched"]
        paths: list[str] = data["paths"]
        kept = digest.decode("ascii")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for path, was in watched.items():
        if list(seen(path)) != was:
            return None
    taken_ns = time.time_ns()
    stats: list[FileStat] = []
    try:
        for os_path in paths:
            info = os.stat(os_path, follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode):
                return None
            stats.append((info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev))
    except (OSError, ValueError, TypeError):
        return None
    return Snapshot(data, kept, stats, taken_ns, where.with_suffix(".index"))


def replay(root: str, *, max_size: int, **options: Any) -> WalkResult | None:
    """The last walk of `root` with each file's stat taken again, or None when the tree's
    shape may have changed (then walk)."""
    snapshot = load(root, max_size=max_size, **options)
    return None if snapshot is None else snapshot.walk_result(max_size)


def options(exclude: Sequence[str], project: Sequence[str], vendored: Sequence[str], max_files: int) -> dict[str, Any]:
    """The walk's settings a snapshot must have been taken with."""
    return {"exclude": list(exclude), "project": list(project), "vendored": list(vendored), "max_files": max_files}

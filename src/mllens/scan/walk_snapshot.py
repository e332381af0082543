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
kept. A walk with a folder or file it could not read is not kept either. The snapshot is a
JSON file of our own in the cache folder; a missing, foreign or damaged one means a walk.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mllens.scan import classify as fileclass
from mllens.scan.context import IndexedFile
from mllens.scan.result import Diagnostic
from mllens.scan.walk import WalkResult, seen, size_limit

_FORMAT = 1
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


def save(root: str, walked: WalkResult, started_ns: int, **options: Any) -> None:
    """Keep this walk for the next scan of `root` (silently not, when it cannot be trusted
    or written: a walk is always the fallback). `started_ns`: when the walk began."""
    if any(d.kind in _UNTRUSTED for d in walked.diagnostics):
        return
    if any(s[0] >= started_ns - _RACY_NS for s in walked.watched.values()):
        return  # changed in the walk's own tick: a change in the same tick would go unseen
    data = {
        "params": _params(root, **options),
        "watched": walked.watched,
        "files": [[f.path, f.kind, f.os_path] for f in walked.files],
        "classes": {path: list(d) for path, d in walked.classes.items()},
        "diagnostics": [[d.file, d.kind, d.message] for d in walked.diagnostics],
        "skipped": walked.skipped,
    }
    target = _where(root)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(temporary, target)
    except (OSError, ValueError):  # ValueError: a path json cannot encode
        return


def replay(root: str, *, max_size: int, **options: Any) -> WalkResult | None:
    """The last walk of `root` with each file's stat taken again, or None when the tree's
    shape may have changed (then walk)."""
    try:
        data = json.loads(_where(root).read_text(encoding="utf-8"))
        if data["params"] != _params(root, max_size=max_size, **options):
            return None
        watched: dict[str, list[int]] = data["watched"]
        rows: list[list[str]] = data["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for path, was in watched.items():
        if list(seen(path)) != was:
            return None
    result = WalkResult()
    limits: dict[str, int] = {}
    for path, kind, os_path in rows:
        try:
            info = os.stat(os_path, follow_symlinks=False)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        result.stats[path] = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)
        limit = limits.get(kind) or limits.setdefault(kind, size_limit(kind, max_size))
        result.files.append(IndexedFile(path=path, kind=kind, size=info.st_size, os_path=os_path,
                                        too_large=info.st_size > limit))
    try:
        result.classes = {path: fileclass.Decision(*d) for path, d in data["classes"].items()}
        result.diagnostics = [Diagnostic(file=f, kind=k, message=m) for f, k, m in data["diagnostics"]]
        result.skipped = [(folder, why) for folder, why in data["skipped"]]
    except (TypeError, ValueError):
        return None
    return result


def options(exclude: Sequence[str], project: Sequence[str], vendored: Sequence[str], max_files: int) -> dict[str, Any]:
    """The walk's settings a snapshot must have been taken with."""
    return {"exclude": list(exclude), "project": list(project), "vendored": list(vendored), "max_files": max_files}

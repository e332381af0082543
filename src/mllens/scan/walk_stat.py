"""What tells a re-scan that a folder, or a file the walker read, is as it was.

Kept apart from the walker (mllens.scan.walk) so that a re-scan served from the cache
(mllens.scan.walk_snapshot, mllens.scan.cache_result) checks the tree without importing it.
"""

from __future__ import annotations

import os

# the walk's limits, named here too for a re-scan that does not import the walker
DEFAULT_MAX_SIZE = 2 * 1024 * 1024
MAX_FILES = 200_000
Seen = tuple[int, int, int, int]  # mtime_ns, ctime_ns, inode, device; ABSENT when there is no such path
ABSENT: Seen = (0, 0, 0, 0)


def seen(path: str) -> Seen:
    """The times and identity of `path` as a folder's listing or a read file's content
    last changed them (ABSENT when there is no such path)."""
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return ABSENT
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)

"""The detector version, remembered by the stat of the files it hashes.

Every scan starts with the version of its detectors (mllens.scan.cache.detector_version):
a hash of about 200 files, 2 MB of our sources, family metadata and the shipped lens. On
the bench tree's warm re-scan, reading and hashing them was about 7 ms of 170. Each file's
(size, mtime, ctime, inode) changes whenever its bytes do, so the version is remembered in
a small JSON file of the cache folder under a digest of those stats, and hashed again only
when some file's stat is new. As git does with its index, files changed within RACY_NS of
the moment they were stat-ed are not trusted: such a version is hashed but not remembered.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path

_FILE = "detector-versions.json"
_KEEP = 16  # versions remembered (an upgrade or an edit adds one; the oldest go)


def remembered(head: bytes, sources: Sequence[str], *, folder: Path, racy_ns: int) -> str:
    """The hash of `head` and of each source's path and bytes, in order (a missing file by
    its path alone), remembered in `folder` under the sources' stats."""
    taken_ns = time.time_ns()
    stats = hashlib.blake2b(head, digest_size=16)
    newest = 0
    for path in sources:
        try:
            info = os.stat(path)
        except OSError:
            stats.update(path.encode() + b"\0-\n")
            continue
        stats.update(f"{path}\0{info.st_size},{info.st_mtime_ns},{info.st_ctime_ns},{info.st_ino}\n".encode())
        newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
    key = stats.hexdigest()
    known = _load(folder / _FILE)
    version = known.get(key)
    if isinstance(version, str):
        return version
    version = _hashed(head, sources)
    if newest < taken_ns - racy_ns:
        known.pop(key, None)
        known[key] = version
        _save(folder / _FILE, dict(list(known.items())[-_KEEP:]))
    return version


def _hashed(head: bytes, sources: Sequence[str]) -> str:
    digest = hashlib.blake2b(head, digest_size=16)
    for path in sources:
        try:
            digest.update(path.encode() + b"\0" + Path(path).read_bytes())
        except OSError:
            digest.update(path.encode())
    return digest.hexdigest()


def _load(path: Path) -> dict[str, object]:
    try:
        found = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _save(path: Path, known: dict[str, object]) -> None:
    """Write the file whole or not at all (a failure only costs the next scan a hash)."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(known), encoding="utf-8")
        os.replace(temporary, path)

"""The per-file result cache: what the file rules found in one file, keyed by its content.

Key: a hash of the file's bytes, its kind, its path (rules may read the path) and the
detector version (our scanner and detector sources, and the set of families run). A rule
that read the project index makes its file's entry depend on the whole index: such entries
carry the index fingerprint and miss when it changes. Values are JSON (never pickle: a
cache directory can be shared in CI, and loading it must not run code). One SQLite file in
platformdirs' user cache dir, or MLLENS_CACHE_DIR; any cache failure only costs speed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import platformdirs

import mllens

_FILE = "scan-cache-v1.sqlite"
_MAX_ROWS = 300_000  # past this, the least recently used rows go


def cache_dir() -> Path:
    override = os.environ.get("MLLENS_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("mllens"))


def detector_version(family_files: Sequence[str], family_names: Sequence[str]) -> str:
    """Hash of the scanner's own sources (parsers, context, engine) and of each family's
    module and metadata files, so any change to a rule invalidates what it cached."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(getattr(mllens, "__version__", "0").encode())
    digest.update("\0".join(family_names).encode())
    scan_dir = Path(__file__).parent
    sources = sorted(str(p) for p in scan_dir.rglob("*.py")) + sorted(str(p) for p in scan_dir.rglob("*.yaml"))
    for path in [*sources, *sorted(set(family_files))]:
        try:
            digest.update(path.encode() + b"\0" + Path(path).read_bytes())
        except OSError:
            digest.update(path.encode())
    return digest.hexdigest()


def entry_key(data: bytes, *, kind: str, path: str, version: str) -> str:
    digest = hashlib.blake2b(data, digest_size=20)
    digest.update(b"\0" + kind.encode() + b"\0" + path.encode("utf-8", "surrogatepass") + b"\0" + version.encode())
    return digest.hexdigest()


class CacheReader:
    """Read-only access, opened lazily in each worker process (never across a fork)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._broken = not path.exists()

    def get(self, key: str) -> dict[str, Any] | None:
        if self._broken:
            return None
        try:
            if self._conn is None:
                self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=2)
            row = self._conn.execute("SELECT value FROM entries WHERE key = ?", (key,)).fetchone()
            value = json.loads(row[0]) if row else None
            return value if isinstance(value, dict) else None
        except (sqlite3.Error, ValueError):
            self._broken = True
            return None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def open_reader() -> CacheReader:
    return CacheReader(cache_dir() / _FILE)


def write_entries(entries: Iterable[tuple[str, str]], hits: Iterable[str]) -> str | None:
    """Store new entries and mark hits as used today. Returns an error message or None."""
    path = cache_dir() / _FILE
    day = int(time.time() // 86400)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(path, timeout=5) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value TEXT NOT NULL, day INTEGER)")
            conn.executemany(
                "INSERT OR REPLACE INTO entries (key, value, day) VALUES (?, ?, ?)",
                ((key, value, day) for key, value in entries),
            )
            conn.executemany("UPDATE entries SET day = ? WHERE key = ? AND day < ?", ((day, k, day) for k in hits))
            (count,) = conn.execute("SELECT COUNT(*) FROM entries").fetchone()
            if count > _MAX_ROWS:
                conn.execute(
                    "DELETE FROM entries WHERE key IN (SELECT key FROM entries ORDER BY day LIMIT ?)",
                    (count - _MAX_ROWS * 9 // 10,),
                )
        conn.close()
    except (sqlite3.Error, OSError) as exc:
        return f"result cache not written ({path}): {exc}"
    return None

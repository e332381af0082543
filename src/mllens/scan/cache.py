"""The result cache: what the file rules found in each file, keyed by its content, and the
last whole scan of each project.

Three tables in one SQLite file (platformdirs' user cache dir, or MLLENS_CACHE_DIR):

- `entries`: per-file outcome, keyed by a hash of the file's content digest, its kind, its
  path (rules may read the path) and the detector version (our scanner and detector sources,
  the families and rules run). An outcome from a rule that read the project index carries
  the index fingerprint and misses when it changes.
- `files`: per project root, each file's (size, mtime, ctime, inode, device) when it was
  last read, and its content digest, so an unchanged file is known without reading it; and,
  when the rules found nothing in it (most files), the entry key of that empty outcome, which
  then needs no `entries` row.
  The times of a file read less than RACY_NS after they were set are not trusted (a file
  written again within the file system's time resolution could keep them): such a record
  only says the file was read before, so its entry is worth looking up once it is read.
- `scans`: per project root, the key of the last full scan (version, index, every digest)
  and its result, served whole when nothing changed; and the key of the walk it was
  served from (`stats`: version, the kept walk, every file's stat: see
  mllens.scan.cache_result), which serves it without reading the `files` rows.

Values are JSON (never pickle: a cache directory can be shared in CI, and loading it must
not run code); the whole-scan result is checked by pydantic when read. Any cache failure
only costs speed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import platformdirs

import mllens
from mllens.scan import cache_version

_FILE = "scan-cache-v4.sqlite"
_OLD_FILES = ("scan-cache-v1.sqlite", "scan-cache-v2.sqlite", "scan-cache-v3.sqlite")
_MAX_ROWS = 300_000  # entries; past this, the least recently used go
_MAX_ROOTS = 100  # projects whose files and last scan are remembered
RACY_NS = 2_000_000_000
LENS_DATA = Path(__file__).parents[1] / "lens" / "data"  # the shipped lens (mllens.lens.load)
_CHUNK = 500  # keys per SELECT ... IN (...)
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value TEXT NOT NULL, day INTEGER)",
    "CREATE TABLE IF NOT EXISTS files (root TEXT, path TEXT, stat TEXT, digest TEXT, clean TEXT,"
    " PRIMARY KEY (root, path))",
    "CREATE TABLE IF NOT EXISTS scans (root TEXT PRIMARY KEY, key TEXT, value BLOB, day INTEGER, stats TEXT)",
)

# (size, mtime_ns, ctime_ns, inode, device) as the walker and the reader see a file
Stat = tuple[int, int, int, int, int]
# path, stat when read (None: not to be trusted), content digest, entry key of an empty outcome or ""
FileRow = tuple[str, Stat | None, str, str]


def cache_dir() -> Path:
    override = os.environ.get("MLLENS_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("mllens"))


def cache_path() -> Path:
    return cache_dir() / _FILE


def detector_version(family_files: Sequence[str], family_names: Sequence[str], rule_ids: Sequence[str] = ()) -> str:
    """Hash of the scanner's own sources (parsers, context, engine), of each family's module
    and metadata files, of the rules run and of the shipped lens (a scan's lifecycle notes
    read its checks' stages), so any change to a rule invalidates what it cached. Remembered
    by the stat of those files (mllens.scan.cache_version)."""
    head = f"{getattr(mllens, '__version__', '0')}\0{sys.version}".encode()
    head += "\0".join(family_names).encode() + b"\1" + "\0".join(rule_ids).encode()
    sources = _files(Path(__file__).parent, ".py") + _files(Path(__file__).parent, ".yaml") + _files(LENS_DATA, ".yaml")
    sources += sorted(set(family_files))
    return cache_version.remembered(head, sources, folder=cache_dir(), racy_ns=RACY_NS)


def _files(folder: Path, suffix: str) -> list[str]:
    """Every file under `folder` whose name ends with `suffix`, sorted (os.walk: a tenth of
    the time of Path.rglob)."""
    found = [os.path.join(top, name) for top, _, names in os.walk(folder) for name in names if name.endswith(suffix)]
    return sorted(found)


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def entry_key(digest: str, *, kind: str, path: str, version: str) -> str:
    key = hashlib.blake2b(digest.encode(), digest_size=20)
    key.update(b"\0" + kind.encode() + b"\0" + path.encode("utf-8", "surrogatepass") + b"\0" + version.encode())
    return key.hexdigest()


def stable(stat: Stat, read_ns: int) -> bool:
    """Whether a file read at `read_ns` had times old enough to be trusted next time."""
    return max(stat[1], stat[2]) < read_ns - RACY_NS


def decode(value: str | None) -> dict[str, Any] | None:
    """A stored entry, or None when absent or not what we store."""
    try:
        found = json.loads(value) if value else None
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


class CacheReader:
    """Read-only access, opened lazily (in each worker process: never across a fork)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._broken = not path.exists()

    def _execute(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        if self._broken:
            return []
        try:
            if self._conn is None:
                self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=2)
            return self._conn.execute(sql, args).fetchall()
        except sqlite3.Error:
            self._broken = True
            return []

    def get(self, key: str) -> dict[str, Any] | None:
        rows = self._execute("SELECT value FROM entries WHERE key = ?", (key,))
        return decode(rows[0][0]) if rows else None

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """The stored JSON of those of `keys` that are in the cache, in one query per chunk."""
        found: dict[str, str] = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            sql = f"SELECT key, value FROM entries WHERE key IN ({','.join('?' * len(chunk))})"
            found.update(self._execute(sql, chunk))
        return found

    def files(self, root: str) -> dict[str, tuple[Stat | None, str, str]]:
        """path -> (stat when read if it can be trusted, content digest, entry key of its
        empty outcome or "") for the files of `root` read before."""
        out: dict[str, tuple[Stat | None, str, str]] = {}
        rows = self._execute("SELECT path, stat, digest, clean FROM files WHERE root = ?", (root,))
        for path, stat, digest, clean in rows:
            try:
                size, mtime, ctime, inode, device = map(int, stat.split(","))
            except ValueError:
                out[path] = (None, digest, clean or "")
                continue
            out[path] = ((size, mtime, ctime, inode, device), digest, clean or "")
        return out

    def has_scan(self, root: str, version: str) -> bool:
        rows = self._execute("SELECT key FROM scans WHERE root = ?", (root,))
        return bool(rows) and str(rows[0][0]).startswith(version + ":")

    def last_scan(self, root: str) -> tuple[str, bytes] | None:
        rows = self._execute("SELECT key, value FROM scans WHERE root = ?", (root,))
        return (rows[0][0], bytes(rows[0][1])) if rows else None

    def scan_by_stats(self, root: str, stats: str) -> bytes | None:
        """The last scan's result of `root`, when it was stored with this walk key."""
        rows = self._execute("SELECT value FROM scans WHERE root = ? AND stats = ?", (root, stats))
        return bytes(rows[0][0]) if rows else None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def open_reader() -> CacheReader:
    return CacheReader(cache_path())


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=10)
    # A cache: nothing is synced to disk. Measured on the bench tree's cold scan, the syncs
    # of creating the file and of the checkpoint at the end cost tens of ms on a quiet disk
    # and hundreds on a busy one. A crash of mllens loses nothing (WAL); a crash of the
    # system may damage the file, which is then discarded and built again (prepare).
    conn.execute("PRAGMA synchronous=OFF")
    return conn


def _damaged(exc: sqlite3.Error) -> bool:
    """The error says the file is not a sound SQLite database (not: busy, read-only...)."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF  # the primary code of an extended one
    return code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _discard(path: Path) -> None:
    """Remove a damaged cache file, with its write-ahead log (never replayed into another)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _create(path: Path) -> None:
    with _connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")  # readers go on while a worker writes
        for statement in _SCHEMA:
            conn.execute(statement)
    conn.close()


def prepare() -> str | None:
    """Create the cache file and its tables (again, when the file is damaged). Returns an
    error message or None."""
    path = cache_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in _OLD_FILES:  # earlier layouts: nothing reads them any more
            (path.parent / old).unlink(missing_ok=True)
        try:
            _create(path)
        except sqlite3.Error as exc:
            if not _damaged(exc):
                raise
            _discard(path)
            _create(path)
    except (sqlite3.Error, OSError) as exc:
        return f"result cache not written ({path}): {exc}"
    return None


class Writer:
    """One write transaction over a scan. Rows are added as the workers hand in their files
    (the main process only waits for them meanwhile) and committed by `close`, so the end
    of a cold scan does not pay for all of them. Open it only after worker processes are
    forked: a connection never crosses a fork. The first failure is kept; the rest is skipped."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.day = int(time.time() // 86400)
        self.problem: str | None = None
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self.problem = prepare()
            if self.problem:
                raise sqlite3.OperationalError(self.problem)
            self._conn = _connect(cache_path())
        return self._conn

    def _run(self, work: Callable[[sqlite3.Connection], object]) -> None:
        if self.problem:
            return
        try:
            work(self._connection())
        except (sqlite3.Error, OSError) as exc:
            self.problem = self.problem or f"result cache not written ({cache_path()}): {exc}"
            self._drop()
            if isinstance(exc, sqlite3.Error) and _damaged(exc):  # the next scan starts a sound file
                with contextlib.suppress(OSError):
                    _discard(cache_path())

    def add(self, entries: Iterable[tuple[str, str]], files: Iterable[FileRow]) -> None:
        """Entries and file digests to store (not committed yet)."""
        day, root = self.day, self.root

        def work(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "INSERT OR REPLACE INTO entries (key, value, day) VALUES (?, ?, ?)",
                ((key, value, day) for key, value in entries),
            )
            conn.executemany(
                "INSERT OR REPLACE INTO files (root, path, stat, digest, clean) VALUES (?, ?, ?, ?, ?)",
                (
                    (root, rel, ",".join(map(str, stat)) if stat else "", digest, clean)
                    for rel, stat, digest, clean in files
                ),
            )

        self._run(work)

    def close(
        self, *, hits: Iterable[str] = (), scan: tuple[str, bytes] | None = None, stats: str | None = None
    ) -> str | None:
        """Mark hits as used today, remember the scan (`stats`: its walk key, when the walk
        can be trusted), trim, commit. Returns an error message or None (nothing of this
        scan is stored then)."""
        day, root = self.day, self.root

        def work(conn: sqlite3.Connection) -> None:
            conn.executemany("UPDATE entries SET day = ? WHERE key = ? AND day < ?", ((day, k, day) for k in hits))
            if scan is not None:
                conn.execute(
                    "INSERT OR REPLACE INTO scans (root, key, value, day, stats) VALUES (?, ?, ?, ?, ?)",
                    (root, scan[0], scan[1], day, stats),
                )
            _trim(conn)
            conn.commit()

        self._run(work)
        self._drop()
        return self.problem

    def served(self, *, key: str, stats: str) -> str | None:
        """The last scan (stored under `key`) was served whole from this walk: remember its
        walk key, so the next scan of an unchanged tree is served from the walk alone."""
        day, root = self.day, self.root

        def work(conn: sqlite3.Connection) -> None:
            conn.execute("UPDATE scans SET stats = ?, day = ? WHERE root = ? AND key = ?", (stats, day, root, key))
            conn.commit()

        self._run(work)
        self._drop()
        return self.problem

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()  # uncommitted rows are rolled back
            self._conn = None


def _trim(conn: sqlite3.Connection) -> None:
    (count,) = conn.execute("SELECT COUNT(*) FROM entries").fetchone()
    if count > _MAX_ROWS:
        conn.execute(
            "DELETE FROM entries WHERE key IN (SELECT key FROM entries ORDER BY day LIMIT ?)",
            (count - _MAX_ROWS * 9 // 10,),
        )
    (roots,) = conn.execute("SELECT COUNT(*) FROM scans").fetchone()
    if roots > _MAX_ROOTS:
        old = [r for (r,) in conn.execute("SELECT root FROM scans ORDER BY day LIMIT ?", (roots - _MAX_ROOTS,))]
        conn.executemany("DELETE FROM scans WHERE root = ?", [(r,) for r in old])
        conn.executemany("DELETE FROM files WHERE root = ?", [(r,) for r in old])

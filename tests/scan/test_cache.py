"""The result cache file: unsynced writes, and a damaged file discarded and built again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mllens.scan import cache
from mllens.scan.run import run_scan


@pytest.fixture
def cache_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MLLENS_CACHE_DIR", str(tmp_path / "cache"))
    return cache.cache_path()


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    conn.close()
    return {name for (name,) in rows}


def test_a_file_that_is_not_a_database_is_replaced(cache_file: Path) -> None:
    cache_file.parent.mkdir(parents=True)
    cache_file.write_bytes(b"not a database, left by a crash " * 200)
    Path(f"{cache_file}-wal").write_bytes(b"a log of another file")
    assert cache.prepare() is None
    assert _tables(cache_file) == {"entries", "files", "scans"}
    assert not Path(f"{cache_file}-wal").exists() or b"another" not in Path(f"{cache_file}-wal").read_bytes()


def test_a_scan_over_a_damaged_cache_reports_nothing_and_caches_again(cache_file: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "train.py").write_text("import mlflow\nmlflow.log_metric('auc', 0.9)\n")
    cache_file.parent.mkdir(parents=True)
    cache_file.write_bytes(b"\x00garbage" * 4096)
    first = run_scan(project, use_cache=True)
    assert [d for d in first.diagnostics if d.kind == "cache_error"] == []
    with sqlite3.connect(cache_file) as conn:
        (stored,) = conn.execute("SELECT COUNT(*) FROM scans").fetchone()
    conn.close()
    assert stored == 1
    again = run_scan(project, use_cache=True)
    assert again.evidence == first.evidence


def test_a_busy_or_unwritable_cache_is_not_discarded(cache_file: Path) -> None:
    # only damage removes the file: another error is reported and the file kept
    assert not cache._damaged(sqlite3.OperationalError("database is locked"))
    assert cache.prepare() is None
    assert cache_file.exists()


def test_writes_are_not_synced(cache_file: Path) -> None:
    assert cache.prepare() is None
    conn = cache._connect(cache_file)
    try:
        assert conn.execute("PRAGMA synchronous").fetchone() == (0,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        conn.close()

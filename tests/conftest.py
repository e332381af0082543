"""Shared fixtures."""

from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mllens.store import Store, open_store

# --- PostgreSQL: a real throwaway server for the test session (store tests, web tests) ---
# Started from the `postgresql` package's binaries (make sysdeps); as root it runs as the
# `postgres` user, since initdb refuses root. Skipped only when the binaries are absent.


def _pg_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl."""
    found = [
        d
        for d in Path("/usr/lib/postgresql").glob("*/bin")
        if (d / "initdb").is_file() and (d / "pg_ctl").is_file()
    ]
    numeric = [d for d in found if re.fullmatch(r"\d+(\.\d+)?", d.parent.name)]
    return max(numeric, key=lambda d: float(d.parent.name), default=None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    """A running throwaway server: `url` is its test database (trust auth, localhost)."""

    port: int
    database: str
    major: int  # server major version

    def url_for(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    @property
    def url(self) -> str:
        return self.url_for(self.database)

    def sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(statement)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[PostgresServer]:
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl) not found under "
            "/usr/lib/postgresql/*/bin: install the 'postgresql' package (make sysdeps)"
        )
    base = Path(tempfile.mkdtemp(prefix="mllens-pg-"))  # short: unix socket paths are limited
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")  # created by the postgresql package
        except KeyError:
            pytest.fail("as root, PostgreSQL must run as user 'postgres', which does not exist")
        os.chown(base, user.pw_uid, user.pw_gid)
        as_postgres = ["runuser", "-u", "postgres", "--"] if shutil.which("runuser") else []

    def run(*cmd: str) -> subprocess.CompletedProcess[str]:
        argv = list(cmd)
        if os.geteuid() == 0:
            argv = as_postgres + argv if as_postgres else ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(argv)]
        return subprocess.run(argv, capture_output=True, text=True, timeout=120)

    data, log = base / "data", base / "server.log"
    done = run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
               "-E", "UTF8", "--locale=C", "--no-sync")
    assert done.returncode == 0, f"initdb failed:\n{done.stdout}\n{done.stderr}"
    port = 0
    for _attempt in range(3):  # another process may take the free port before we bind it
        port = _free_port()
        options = (f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        done = run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options,
                   "-w", "-t", "60", "start")
        if done.returncode == 0:
            break
    else:
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else done.stderr
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"PostgreSQL ({bindir}) did not start:\n{tail}")
    server = PostgresServer(port=port, database="mllens_test", major=int(float(bindir.parent.name)))
    try:
        server.sql("CREATE DATABASE mllens_test")
        yield server
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgresql_url(postgresql_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database on the session's server, dropped after the test."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    postgresql_server.sql(f"CREATE DATABASE {name}")
    yield postgresql_server.url_for(name)
    force = " WITH (FORCE)" if postgresql_server.major >= 13 else ""  # drops leftover sessions
    postgresql_server.sql(f"DROP DATABASE IF EXISTS {name}{force}")


@pytest.fixture
def isolated_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test touches the user's data directory: even `open_store()` with no URL stays in tmp_path."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("MLLENS_DB", raising=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The store's URL, once on SQLite and once on the real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("postgresql_url")
    return url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with open_store(db_url) as opened:
        yield opened


@pytest.fixture(scope="session", autouse=True)
def _result_cache_out_of_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Scans in tests never write the user's result cache. Session-wide and in os.environ
    (not monkeypatch), so processes started by module-scoped fixtures (a Dask LocalCluster's
    workers) inherit it too; a test may still point MLLENS_CACHE_DIR elsewhere."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLLENS_CACHE_DIR", str(tmp_path_factory.mktemp("result-cache")))
        yield

"""Opening a store: which database, how to connect, and one transaction per operation.

Where the store is, first match wins: the `url` given (`--db URL`), the `MLLENS_DB`
environment variable, else SQLite at `platformdirs.user_data_dir("mllens")/mllens.db`.
`postgresql://` and `postgres://` URLs are read as `postgresql+psycopg://` (psycopg 3 is
the driver we ship with; SQLAlchemy would otherwise look for psycopg2).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session

from mllens.store.records import StoreError

ENV_VAR = "MLLENS_DB"
_WRITE = "mllens_write"  # execution option: this transaction writes (SQLite: BEGIN IMMEDIATE)


def default_db_path() -> Path:
    return Path(user_data_dir("mllens", appauthor=False)) / "mllens.db"


def resolve_url(url: str | None = None) -> URL:
    """The database URL to use (see module docstring), creating the default store's
    directory when it is the one chosen; StoreError if the URL does not parse."""
    raw = url or os.environ.get(ENV_VAR) or ""
    if not raw.strip():
        path = default_db_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return URL.create("sqlite", database=str(path))
    try:
        parsed = make_url(raw.strip())
    except ArgumentError:
        where = "--db" if url else ENV_VAR
        raise StoreError(
            f"{where}: expected a database URL such as sqlite:///path/to/mllens.db or "
            f"postgresql+psycopg://user@host/db, got {raw!r}"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def in_memory(url: URL) -> bool:
    """A SQLite database that lives only as long as the process: `sqlite://`, `sqlite:///`,
    `sqlite:///:memory:` or a `mode=memory` URI."""
    if url.get_backend_name() != "sqlite":
        return False
    database = url.database or ""
    return database in ("", ":memory:") or "mode=memory" in database or url.query.get("mode") == "memory"


def display(url: URL) -> str:
    """The URL as we show it in messages: never with its password."""
    return url.render_as_string(hide_password=True)


def short_error(exc: BaseException) -> str:
    """The first line of a driver error, without SQLAlchemy's background links."""
    inner = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = [line.strip() for line in str(inner).splitlines() if line.strip()]
    return lines[0] if lines else type(inner).__name__


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        parent = Path(database).expanduser().parent
        if not parent.is_dir():
            raise StoreError(f"{display(url)}: the directory {parent} does not exist")
    engine = create_engine(url)

    # pysqlite opens transactions lazily and commits before DDL, so neither writes nor
    # migrations would be atomic; SQLAlchemy's documented recipe hands BEGIN to us.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        if database and database != ":memory:":
            # Readers never wait for a writer, and a crash leaves the file consistent.
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # A write takes the write lock up front: two writers queue on busy_timeout
        # instead of one failing with "database is locked" halfway through.
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def make_engine(url: URL) -> Engine:
    try:
        if url.get_backend_name() == "sqlite":
            return _sqlite_engine(url)
        # As many connections as the web server's worker threads (40 in anyio): with the
        # default 5 + 10, concurrent pages waited for a connection and failed after 30 s.
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=30)
    except (NoSuchModuleError, ModuleNotFoundError, ArgumentError) as exc:
        raise StoreError(
            f"{display(url)}: unsupported database URL ({short_error(exc)}); "
            "expected sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
        ) from None


@dataclass(frozen=True)
class Tx:
    """One open transaction of a store; repository functions given a Tx join it."""

    session: Session
    where: str  # the store's URL without password, for error messages


@dataclass
class Store:
    """An open, migrated store. Use as a context manager, or call close()."""

    engine: Engine
    url: URL

    @property
    def where(self) -> str:
        return display(self.url)

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Tx]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self.engine.connect() as conn:
            if write:
                conn = conn.execution_options(**{_WRITE: True})
            with conn.begin(), Session(bind=conn, expire_on_commit=False) as session:
                yield Tx(session=session, where=self.where)
                session.flush()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(url: str | None = None, *, saving: bool = False) -> Store:
    """Open the store at `url` (see module docstring), bringing its schema up to date.

    A URL that does not parse, a driver we lack or a server we cannot reach is a
    StoreError naming the URL (never its password). With `saving` (the caller means to
    keep something), an in-memory database is refused: what is saved there is gone when
    mllens exits."""
    from mllens.store.migrate import upgrade

    resolved = resolve_url(url)
    if saving and in_memory(resolved):
        where, given = ("--db", url) if url else (ENV_VAR, os.environ.get(ENV_VAR, ""))
        raise StoreError(
            f"{where}: {given.strip()} is an in-memory database, so nothing saved would be kept once "
            "mllens exits; give a database file (sqlite:///path/to/mllens.db) or a server URL"
        )
    engine = make_engine(resolved)
    try:
        upgrade(engine, where=display(resolved))
    except DBAPIError as exc:
        engine.dispose()
        raise StoreError(f"{display(resolved)}: cannot open the database: {short_error(exc)}") from None
    except BaseException:
        engine.dispose()
        raise
    return Store(engine=engine, url=resolved)

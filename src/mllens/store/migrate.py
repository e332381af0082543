"""Alembic migrations, run from code each time a store is opened.

The migration scripts ship inside the package (`mllens/store/migrations/`), so an
installed mllens upgrades its own database without an alembic.ini. The check, and the
upgrade when one is due, run in one write transaction (PostgreSQL also takes an advisory
lock), so two processes opening the same new store do not both create it, and a failed
upgrade leaves the schema as it was.

To write a new revision during development:

    python -m mllens.store.migrate revision -m "what changes" [--autogenerate --db URL]
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, text

from mllens.store.records import StoreError

MIGRATIONS = Path(__file__).with_name("migrations")
_PG_LOCK = 0x6D6C6C656E73  # "mllens": one advisory-lock key for schema changes


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    revision = _script().get_current_head()
    assert revision is not None, f"no migration scripts in {MIGRATIONS}"
    return revision


def _known(revision: str) -> bool:
    try:
        return _script().get_revision(revision) is not None
    except CommandError:
        return False


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, *, where: str) -> None:
    """Bring the schema to the newest revision we ship, in one transaction."""
    with engine.connect() as conn:
        conn = conn.execution_options(mllens_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
            current = current_revision(conn)
            if current == head():
                return
            if current is not None and not _known(current):
                raise StoreError(
                    f"{where}: the database has schema revision {current!r}, which this "
                    "version of mllens does not know (written by a newer mllens?); "
                    "upgrade mllens or use another --db"
                )
            command.upgrade(alembic_config(conn), "head")


def _main(argv: list[str]) -> None:  # pragma: no cover - a developer tool
    """`revision -m MSG [--autogenerate --db URL]`: write a new migration script."""
    import argparse

    from mllens.store.db import open_store

    parser = argparse.ArgumentParser(prog="python -m mllens.store.migrate")
    parser.add_argument("action", choices=["revision"])
    parser.add_argument("-m", "--message", required=True)
    parser.add_argument("--autogenerate", action="store_true")
    parser.add_argument("--db", help="a store at the current head, compared with the models")
    args = parser.parse_args(argv)
    if not args.autogenerate:
        command.revision(alembic_config(), message=args.message)
        return
    store = open_store(args.db)
    with store.engine.connect() as conn:
        command.revision(alembic_config(conn), message=args.message, autogenerate=True)
    store.close()


if __name__ == "__main__":  # pragma: no cover
    _main(sys.argv[1:])

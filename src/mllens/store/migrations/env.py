"""Alembic environment for the mllens store.

mllens runs migrations itself (mllens.store.migrate.upgrade), handing over a connection
already inside a transaction; this file only binds Alembic to it. Offline mode
(`--sql`) renders the SQL for a DBA from the URL in the Alembic config.
"""

from __future__ import annotations

from alembic import context

from mllens.store.models import Base

config = context.config


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=Base.metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "the mllens store runs its migrations through mllens.store.open_store(), "
            "which passes the connection; there is no alembic.ini to run them from"
        )
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite alters tables by copying them; batch mode does that for later revisions.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()

"""Opening a store: where it is, bad URLs, unreachable servers, migrations on open."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from mllens.errors import InputError
from mllens.store import StoreError, default_db_path, open_store, resolve_url
from mllens.store.migrate import current_revision, head
from mllens.store.models import Base


def test_default_store_lives_in_the_user_data_dir(tmp_path: Path) -> None:
    # conftest points XDG_DATA_HOME into tmp_path: this is the real default rule, sandboxed
    expected = tmp_path / "xdg-data" / "mllens" / "mllens.db"
    assert default_db_path() == expected
    with open_store() as store:
        assert store.url.get_backend_name() == "sqlite"
        assert store.url.database == str(expected)
    assert expected.is_file()


def test_env_var_then_explicit_url_win(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MLLENS_DB", f"sqlite:///{tmp_path / 'from-env.db'}")
    assert resolve_url().database == str(tmp_path / "from-env.db")
    assert resolve_url(f"sqlite:///{tmp_path / 'given.db'}").database == str(tmp_path / "given.db")


def test_plain_postgresql_urls_use_psycopg3() -> None:
    assert resolve_url("postgresql://u:pw@db.example/mllens").drivername == "postgresql+psycopg"
    assert resolve_url("postgres://u@db.example/mllens").drivername == "postgresql+psycopg"
    assert resolve_url("postgresql+psycopg://u@h/d").drivername == "postgresql+psycopg"


def test_unparsable_url_names_the_option_and_the_value() -> None:
    with pytest.raises(InputError) as caught:
        open_store("not a url")
    assert str(caught.value) == (
        "--db: expected a database URL such as sqlite:///path/to/mllens.db or "
        "postgresql+psycopg://user@host/db, got 'not a url'"
    )


def test_unparsable_env_var_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLLENS_DB", "::nonsense")
    with pytest.raises(StoreError, match=r"^MLLENS_DB: expected a database URL"):
        open_store()


def test_unknown_dialect_is_refused() -> None:
    with pytest.raises(StoreError, match=r"^oracle9://h/d: unsupported database URL .*"
                       r"expected sqlite:///PATH or postgresql\+psycopg://USER@HOST/DB$"):
        open_store("oracle9://h/d")


def test_sqlite_in_a_missing_directory_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nope' / 'mllens.db'}"
    with pytest.raises(StoreError) as caught:
        open_store(url)
    assert str(caught.value) == f"{url}: the directory {tmp_path / 'nope'} does not exist"
    assert not (tmp_path / "nope").exists()


def test_unreachable_server_is_one_line_without_the_password() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(StoreError) as caught:
        open_store(f"postgresql://mllens:s3cret@127.0.0.1:{port}/mllens")
    message = str(caught.value)
    assert message.startswith(
        f"postgresql+psycopg://mllens:***@127.0.0.1:{port}/mllens: cannot open the database: "
    )
    assert "s3cret" not in message
    assert "\n" not in message


def test_open_migrates_to_head_and_reopening_is_a_no_op(db_url: str) -> None:
    with open_store(db_url) as store:
        with store.engine.connect() as conn:
            assert current_revision(conn) == head()
            tables = set(inspect(conn).get_table_names())
        assert {"workloads", "reviews", "milestones", "users", "alembic_version"} <= tables
    with open_store(db_url) as again, again.engine.connect() as conn:
        assert current_revision(conn) == head()


def test_migrated_schema_matches_the_models(db_url: str) -> None:
    with open_store(db_url) as opened, opened.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_a_newer_schema_is_refused_not_touched(db_url: str) -> None:
    with open_store(db_url) as store, store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    with pytest.raises(StoreError, match=r"schema revision 'f00d', which this version of mllens"):
        open_store(db_url)


def test_the_postgresql_fixture_is_a_real_server(postgresql_url: str) -> None:
    with open_store(postgresql_url) as store, store.engine.connect() as conn:
        version = conn.execute(text("SELECT version()")).scalar_one()
        database = conn.execute(text("SELECT current_database()")).scalar_one()
    assert version.startswith("PostgreSQL ")
    assert postgresql_url.endswith(f"/{database}")


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database, " * 100, encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        open_store(f"sqlite:///{notes}")
    assert str(caught.value) == f"sqlite:///{notes}: cannot open the database: file is not a database"
    assert notes.read_text(encoding="utf-8") == "not a database, " * 100


def test_the_migrations_downgrade_to_empty_and_upgrade_again(db_url: str) -> None:
    from alembic import command

    from mllens.store.migrate import alembic_config

    with open_store(db_url) as store:
        with store.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "base")
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        with store.engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
            assert current_revision(conn) == head()
            assert {"workloads", "reviews", "milestones", "users"} <= set(inspect(conn).get_table_names())

"""The store refuses settings under which a crash could lose committed data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event

from linewatch.store.engine import StoreError, check_durability, make_engine
from linewatch.store.migrate import current_revision, head_revision, require_current
from tests.conftest import Store


def test_sqlite_runs_with_wal_full_sync_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_sqlite_without_full_sync_is_refused(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'b.db'}")

    @event.listens_for(engine, "connect")
    def _unsafe(connection: Any, _record: Any) -> None:
        connection.execute("PRAGMA synchronous=OFF")

    with pytest.raises(StoreError, match="synchronous=FULL"):
        check_durability(engine)


def test_unsupported_database_is_refused() -> None:
    with pytest.raises(StoreError, match="unsupported database 'mysql'"):
        make_engine("mysql://root@localhost/test")


def test_empty_store_asks_for_an_upgrade(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    assert current_revision(engine) is None
    with pytest.raises(StoreError, match="linewatch db upgrade"):
        require_current(engine)


def test_fixture_store_is_at_the_latest_migration(store: Store) -> None:
    assert current_revision(store.engine) == head_revision()


@pytest.mark.postgres
def test_postgres_durability_is_checked(store: Store) -> None:
    if store.backend != "postgresql":
        pytest.skip("PostgreSQL only")
    check_durability(store.engine)  # the CI server runs with fsync on: must pass
    unsafe = create_engine(store.engine.url, connect_args={"options": "-c synchronous_commit=off"})
    with pytest.raises(StoreError, match="synchronous_commit"):
        check_durability(unsafe)

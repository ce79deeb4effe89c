"""A load into an empty table drops its indexes and constraints and builds them again inside the
same transaction: afterwards the schema is exactly as before, a failed load leaves it untouched,
and a table someone else is using is loaded the ordinary way rather than waited for."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import psycopg
import pytest
from sqlalchemy import Connection, func, select, text

from linewatch.feeds.ingest import ingest_file
from linewatch.store import versioned_writer
from linewatch.store.bulk_load import CopyStream, DeferredIndexes
from linewatch.store.tables import metadata
from tests.conftest import PostgresDatabases, Store, _make_store
from tests.feeds.helpers import MISSING_MAPPING, missing_row, write_csv


@pytest.fixture
def postgres_store(
    tmp_path: Path, sqlite_template: Path, postgres_databases: PostgresDatabases | None
) -> Iterator[Store]:
    yield from _make_store("postgresql", tmp_path, sqlite_template, postgres_databases)


def schema_of(store: Store) -> list[tuple[object, ...]]:
    """Every index and constraint of the loaded tables, as the database describes them."""
    with store.engine.connect() as connection:
        if store.backend == "sqlite":
            query = (
                "SELECT type, name, sql FROM sqlite_master "
                "WHERE tbl_name IN ('person', 'missing_episode') ORDER BY name"
            )
        else:
            query = (
                "SELECT 'index', indexname, indexdef FROM pg_indexes WHERE tablename IN ('person', 'missing_episode') "
                "UNION ALL SELECT 'constraint', conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid IN ('person'::regclass, 'missing_episode'::regclass) ORDER BY 2, 1, 3"
            )
        return [tuple(row) for row in connection.execute(text(query))]


def rows_in(store: Store, name: str) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(metadata.tables[name])).scalar_one())


def load(store: Store, path: Path) -> None:
    ingest_file(path, agency="police", mapping=str(MISSING_MAPPING), settings=store.settings, engine=store.engine)


class Spy:
    """Records what DeferredIndexes.defer decided, table by table."""

    def __init__(self) -> None:
        self.deferred: dict[str, bool] = {}
        self.real = DeferredIndexes.defer

    def __call__(self, connection: Connection, table):  # type: ignore[no-untyped-def]
        outcome = self.real(connection, table)
        self.deferred[table.name] = outcome is not None
        return outcome


def test_load_into_empty_tables_rebuilds_every_index_and_constraint(store: Store, tmp_path: Path) -> None:
    before = schema_of(store)
    spy = Spy()
    path = write_csv(tmp_path / "missing.csv", [missing_row(n) for n in range(40)])
    with (
        mock.patch.object(versioned_writer, "DEFER_INDEXES_FROM_ROWS", 1),
        mock.patch.object(DeferredIndexes, "defer", spy),
    ):
        load(store, path)
    assert spy.deferred == {"person": True, "missing_episode": True}
    assert schema_of(store) == before
    assert rows_in(store, "person") == 50 - 10 and rows_in(store, "missing_episode") == 40


def test_small_load_keeps_the_indexes(store: Store, tmp_path: Path) -> None:
    spy = Spy()
    with mock.patch.object(DeferredIndexes, "defer", spy):
        load(store, write_csv(tmp_path / "missing.csv", [missing_row(n) for n in range(40)]))
    assert spy.deferred == {}


def test_load_into_a_table_with_rows_keeps_its_indexes(store: Store, tmp_path: Path) -> None:
    load(store, write_csv(tmp_path / "first.csv", [missing_row(n) for n in range(3)]))
    spy = Spy()
    with (
        mock.patch.object(versioned_writer, "DEFER_INDEXES_FROM_ROWS", 1),
        mock.patch.object(DeferredIndexes, "defer", spy),
    ):
        load(store, write_csv(tmp_path / "second.csv", [missing_row(n) for n in range(5, 40)]))
    assert spy.deferred == {}
    assert rows_in(store, "missing_episode") == 38


def test_a_load_that_fails_after_dropping_indexes_leaves_them_in_place(store: Store, tmp_path: Path) -> None:
    before = schema_of(store)
    path = write_csv(tmp_path / "missing.csv", [missing_row(n) for n in range(40)])
    with (
        mock.patch.object(versioned_writer, "DEFER_INDEXES_FROM_ROWS", 1),
        mock.patch.object(versioned_writer.VersionedWriter, "finish", side_effect=RuntimeError("power cut")),
        pytest.raises(RuntimeError, match="power cut"),
    ):
        load(store, path)
    assert schema_of(store) == before
    assert rows_in(store, "person") == rows_in(store, "missing_episode") == rows_in(store, "feed") == 0


@pytest.mark.postgres
def test_a_table_in_use_elsewhere_is_loaded_without_waiting_for_it(postgres_store: Store, tmp_path: Path) -> None:
    before = schema_of(postgres_store)
    spy = Spy()
    reader = psycopg.connect(
        postgres_store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    )
    try:
        reader.execute("SELECT count(*) FROM person")  # holds a lock on person until it ends its transaction
        with (
            mock.patch.object(versioned_writer, "DEFER_INDEXES_FROM_ROWS", 1),
            mock.patch.object(DeferredIndexes, "defer", spy),
        ):
            load(postgres_store, write_csv(tmp_path / "missing.csv", [missing_row(n) for n in range(40)]))
    finally:
        reader.close()
    assert spy.deferred == {"person": False, "missing_episode": True}
    assert schema_of(postgres_store) == before
    assert rows_in(postgres_store, "missing_episode") == 40


@pytest.mark.postgres
def test_a_copy_that_fails_in_the_background_fails_the_load(postgres_store: Store) -> None:
    with postgres_store.engine.connect() as connection:
        stream = CopyStream(connection)
        stream.send('COPY "feed" (id) FROM STDIN', b"not a number\n")
        with pytest.raises(psycopg.errors.InvalidTextRepresentation):
            stream.drain()
        stream.close()  # the error was reported once; closing does not raise it again


@pytest.mark.postgres
def test_after_a_failed_copy_the_rest_is_skipped_and_the_connection_is_usable(postgres_store: Store) -> None:
    with postgres_store.engine.connect() as connection:
        transaction = connection.begin()  # as a load runs: in its own transaction
        stream = CopyStream(connection)
        with pytest.raises(psycopg.errors.InvalidTextRepresentation):
            stream.send('COPY "feed" (id) FROM STDIN', b"not a number\n")
            for _ in range(5):  # queued behind the failure, or refused once it is known
                stream.send('COPY "feed" (id) FROM STDIN', b"1\n")
            stream.drain()
        stream.close()  # nothing queued after the failure was tried on the lost transaction
        transaction.rollback()
        assert connection.exec_driver_sql("SELECT count(*) FROM feed").scalar() == 0

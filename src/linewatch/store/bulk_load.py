"""What makes a large load fast on the database side, all inside the load's own transaction so
that a failure or a kill -9 still leaves nothing behind.

* `TableInserter` puts rows into a table the fastest way each database takes them: COPY on
  PostgreSQL, the DB-API's executemany on SQLite.
* `CopyStream` sends COPY data to PostgreSQL from a background thread: the server stores one
  chunk while this process converts the next, instead of each waiting for the other.
* `DeferredIndexes`: a load into an **empty** table drops the table's secondary indexes, unique
  and foreign-key constraints, and builds them again at the end, as PostgreSQL's "Populating a
  Database" advises: one sort per index instead of a b-tree insertion per row and index, and
  one join instead of a foreign-key look-up per row. The rebuilt constraints check every row,
  so nothing is taken on trust.

  The price is locking. PostgreSQL needs an ACCESS EXCLUSIVE lock on the table (and on `feed`,
  which the foreign key refers to) until the load commits, so readers of those tables wait for
  it. The locks are only tried for (NOWAIT: a load never queues for them, so it cannot deadlock)
  and only taken when the table is empty, which in practice is the first load into a new store.
  SQLite writers hold the whole database already; its readers, in WAL mode, are not blocked.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, text
from sqlalchemy.exc import DBAPIError

from linewatch.store.row_text import sqlite_value


class TableInserter:
    """Rows into one table, in the caller's transaction: COPY on PostgreSQL (several times faster
    than INSERT; sent from `stream`'s thread when there is one), and on SQLite the DB-API's
    executemany, which skips SQLAlchemy's per-row parameter processing (also several times faster).
    """

    def __init__(self, connection: Connection, table: Table, columns: Sequence[str], stream: CopyStream | None):
        self.connection = connection
        self.stream = stream
        self.postgres = connection.dialect.name == "postgresql"
        # Read now: once COPY data is in flight the connection belongs to the stream's thread.
        self.encoding = connection.connection.driver_connection.info.encoding if self.postgres else "utf-8"  # type: ignore[union-attr]
        column_list = ", ".join(f'"{name}"' for name in columns)
        self.copy_statement = f'COPY "{table.name}" ({column_list}) FROM STDIN'
        placeholders = ", ".join("?" for _ in columns)
        self.insert_statement = f'INSERT INTO "{table.name}" ({column_list}) VALUES ({placeholders})'

    def drain(self) -> None:
        """Wait for the rows in flight: call it before using the connection for anything else."""
        if self.stream is not None:
            self.stream.drain()

    def insert_rows(self, rows: list[list[object]], temporal: Sequence[int]) -> None:
        """Rows of Python values in column order; `temporal` are the positions of dates and
        date-times, which SQLite is given as the text SQLAlchemy's types store and read."""
        if not rows:
            return
        self.drain()
        if self.postgres:
            with self._raw.cursor() as cursor, cursor.copy(self.copy_statement) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for row in rows:
            for index in temporal:
                row[index] = sqlite_value(row[index])
        self.insert_parameters(rows)

    def copy_lines(self, lines: list[str]) -> None:
        """Rows already as lines of COPY text (PostgreSQL)."""
        payload = "".join(lines).encode(self.encoding)
        if self.stream is not None:
            self.stream.send(self.copy_statement, payload)
            return
        with self._raw.cursor() as cursor, cursor.copy(self.copy_statement) as copy:
            copy.write(payload)

    def insert_parameters(self, rows: Iterable[Sequence[object]]) -> None:
        """Rows already as the parameters SQLite binds."""
        cursor = self._raw.cursor()
        try:
            cursor.executemany(self.insert_statement, rows)
        finally:
            cursor.close()

    @property
    def _raw(self) -> Any:
        return self.connection.connection.driver_connection


class CopyStream:
    """COPY payloads for one PostgreSQL connection, sent in order from a background thread.

    While a payload is in flight the connection belongs to the thread: call `drain()` before
    using the connection for anything else, and `close()` before commit or rollback.
    """

    def __init__(self, connection: Connection, depth: int = 2):
        self._connection = connection
        self._raw: Any = None  # the DB-API connection, taken in the loading thread
        self._queue: queue.Queue[tuple[str, bytes] | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None  # raised once, in the loading thread
        self._failed = False  # stays set: after a failure the transaction is lost
        self._thread: threading.Thread | None = None

    def __enter__(self) -> CopyStream:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc is None:
            self.close()
            return
        with contextlib.suppress(Exception):  # the error already on its way up is the one to report
            self.close()

    def send(self, statement: str, payload: bytes) -> None:
        self._raise_if_failed()
        if self._thread is None:
            self._raw = self._connection.connection.driver_connection
            self._thread = threading.Thread(target=self._run, name="linewatch-copy", daemon=True)
            self._thread.start()
        self._queue.put((statement, payload))

    def drain(self) -> None:
        """Wait until everything sent is stored; raise the error that stopped it, if any."""
        if self._thread is not None:
            self._queue.join()
        self._raise_if_failed()

    def close(self) -> None:
        """Stop the thread once it has stored what it was given (or failed)."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        self._raise_if_failed()

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                if not self._failed:  # after a failure the transaction is lost: skip the rest
                    statement, payload = item
                    # psycopg ends the COPY (CopyFail) when the block is left by an error, so
                    # the connection is never left in the middle of one.
                    with self._raw.cursor() as cursor, cursor.copy(statement) as copy:
                        copy.write(payload)
            except BaseException as error:  # handed to the loading thread
                self._failed = True
                self._error = error
            finally:
                self._queue.task_done()


@dataclass
class DeferredIndexes:
    """A table's indexes and constraints, dropped for the load and rebuilt by `restore()`."""

    connection: Connection
    table: Table
    statements: list[str] = field(default_factory=list)  # rebuild, in order

    @classmethod
    def defer(cls, connection: Connection, table: Table) -> DeferredIndexes | None:
        """Drop the indexes if `table` is empty and the locks can be had at once; else None."""
        savepoint = connection.begin_nested()
        try:
            if connection.dialect.name == "postgresql":
                deferred = cls._defer_postgres(connection, table)
            else:
                deferred = cls._defer_sqlite(connection, table)
        except DBAPIError:
            deferred = None  # a lock held elsewhere, or a constraint something depends on
        if deferred is None:
            savepoint.rollback()
        else:
            savepoint.commit()
        return deferred

    @classmethod
    def _defer_postgres(cls, connection: Connection, table: Table) -> DeferredIndexes | None:
        name = connection.dialect.identifier_preparer.format_table(table)
        oid = {"table": name}
        referenced = connection.execute(
            text(
                "SELECT DISTINCT confrelid::regclass::text FROM pg_constraint "
                "WHERE conrelid = CAST(:table AS regclass) AND contype = 'f' AND confrelid <> conrelid"
            ),
            oid,
        ).scalars()
        connection.exec_driver_sql(f"LOCK TABLE {', '.join([name, *referenced])} IN ACCESS EXCLUSIVE MODE NOWAIT")
        if connection.execute(text(f"SELECT EXISTS (SELECT 1 FROM {name})")).scalar():
            return None
        # Unique and foreign-key constraints are dropped and added back as constraints; the plain
        # indexes (those no constraint of the table owns) as indexes. The primary key stays.
        constraints = connection.execute(
            text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = CAST(:table AS regclass) AND contype IN ('u', 'f') ORDER BY contype DESC, conname"
            ),
            oid,
        ).all()
        indexes = connection.execute(
            text(
                "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = CAST(:table AS regclass) AND NOT EXISTS ("
                "  SELECT 1 FROM pg_constraint c WHERE c.conrelid = x.indrelid AND c.conindid = x.indexrelid"
                ") ORDER BY i.relname"
            ),
            oid,
        ).all()
        quote = connection.dialect.identifier_preparer.quote
        deferred = cls(connection, table)
        for constraint, definition in constraints:
            connection.exec_driver_sql(f"ALTER TABLE {name} DROP CONSTRAINT {quote(constraint)}")
            deferred.statements.append(f"ALTER TABLE {name} ADD CONSTRAINT {quote(constraint)} {definition}")
        for index, definition in indexes:
            connection.exec_driver_sql(f"DROP INDEX {quote(index)}")
            deferred.statements.insert(0, definition)  # indexes before the constraints' checks
        return deferred

    @classmethod
    def _defer_sqlite(cls, connection: Connection, table: Table) -> DeferredIndexes | None:
        name = connection.dialect.identifier_preparer.format_table(table)
        if connection.execute(text(f"SELECT EXISTS (SELECT 1 FROM {name})")).scalar():
            return None
        # Indexes SQLite made for UNIQUE constraints have no SQL and cannot be dropped: they stay.
        indexes = connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :table AND sql IS NOT NULL"),
            {"table": table.name},
        ).all()
        quote = connection.dialect.identifier_preparer.quote
        deferred = cls(connection, table)
        for index, definition in indexes:
            connection.exec_driver_sql(f"DROP INDEX {quote(index)}")
            deferred.statements.append(definition)
        return deferred

    def restore(self) -> None:
        for statement in self.statements:
            self.connection.exec_driver_sql(statement)
        self.statements = []

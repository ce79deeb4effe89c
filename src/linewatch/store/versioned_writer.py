"""Write entities and records with history: a changed record becomes a new version, an
unchanged one is left alone, and nothing is ever overwritten in place.

A feed supplies only some properties of a record (a police missing report says nothing of the
person's NHS number), so a new version is the current one overlaid with what the feed supplies.

Rows arrive as columns (see feeds/chunk_mapper.py). A record seen for the first time, the
common case, takes a fast path: one tuple, one digest, one COPY/INSERT row. Only records that
may already have a version are looked up and merged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Connection, Table, select, update

from linewatch.model import PropertyType, Schema
from linewatch.store.tables import metadata, stored_names

# SQLite allows up to 32,766 bound parameters; stay well below it for the IN (...) look-ups.
LOOKUP_BATCH = 5_000
PROVENANCE = ("agency", "source_id", "version", "is_current", "feed_id", "source_row", "ingested_at", "content_hash")
VERSION, IS_CURRENT, CONTENT_HASH = 2, 3, 7  # positions in an insert row
TEMPORAL_TYPES = (PropertyType.date, PropertyType.datetime)


@dataclass(slots=True)
class WriteCounts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"new": self.new, "changed": self.changed, "unchanged": self.unchanged}


@dataclass(slots=True)
class Batch:
    """One schema's records from a chunk of rows, as columns."""

    source_ids: Sequence[str | None]  # None: the row does not produce this record
    source_rows: Sequence[int]
    names: Sequence[str]  # the stored columns the feed supplies
    columns: Sequence[Sequence[object]]
    skip: set[int] = field(default_factory=set)  # rows rejected for a problem elsewhere in the row


@dataclass(slots=True)
class _Current:
    version: int
    content_hash: str
    values: tuple[object, ...]  # in table order
    row_id: int | None = None  # stored row to supersede
    pending: list[object] | None = None  # row of this chunk not yet written


def digest_of(values: tuple[object, ...]) -> str:
    """A stable digest of a record's values in table order (repr of dates etc. is stable)."""
    return hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()


def _sqlite_value(value: object) -> object:
    # The text forms SQLAlchemy's SQLite Date and DateTime types store and read back.
    if isinstance(value, datetime):
        return value.isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass
class VersionedWriter:
    """Writes one schema's rows for one agency and feed, inside the caller's transaction."""

    connection: Connection
    schema: Schema
    agency: str
    feed_id: int
    ingested_at: datetime
    counts: WriteCounts = field(default_factory=WriteCounts)

    def __post_init__(self) -> None:
        self.table: Table = metadata.tables[self.schema.table_name]
        self.names = stored_names(self.schema)
        self.insert_columns = [*PROVENANCE, *self.names]
        self.temporal = [
            index
            for index, name in enumerate(self.insert_columns)
            if name == "ingested_at"
            or (name in self.schema.properties and self.schema.properties[name].type in TEMPORAL_TYPES)
        ]
        # Only keys that may already have a version need looking up: on a first load of an
        # agency's records that is just the keys repeated within this feed.
        self.agency_had_rows = (
            self.connection.execute(select(self.table.c.id).where(self.table.c.agency == self.agency).limit(1)).first()
            is not None
        )
        self.written: set[str] = set()

    def _current_versions(self, source_ids: Iterable[str]) -> dict[str, _Current]:
        wanted = sorted(set(source_ids))
        found: dict[str, _Current] = {}
        t = self.table
        columns = [t.c.id, t.c.source_id, t.c.version, t.c.content_hash, *(t.c[name] for name in self.names)]
        for start in range(0, len(wanted), LOOKUP_BATCH):
            query = select(*columns).where(
                t.c.agency == self.agency,
                t.c.is_current.is_(True),
                t.c.source_id.in_(wanted[start : start + LOOKUP_BATCH]),
            )
            for row in self.connection.execute(query):
                found[row[1]] = _Current(row[2], row[3], tuple(row[4:]), row_id=row[0])
        return found

    def write(self, batch: Batch) -> None:
        size = len(batch.source_rows)
        if size == 0:
            return
        supplied = dict(zip(batch.names, batch.columns, strict=True))
        nothing = [None] * size
        full_rows = list(zip(*(supplied.get(name, nothing) for name in self.names), strict=True))
        positions = [self.names.index(name) for name in batch.names]
        live = [i for i in range(size) if i not in batch.skip and batch.source_ids[i] is not None]
        keys = {batch.source_ids[i] for i in live}
        maybe_stored = keys if self.agency_had_rows else keys & self.written
        current = self._current_versions(maybe_stored) if maybe_stored else {}  # type: ignore[arg-type]

        superseded: list[int] = []
        inserts: list[list[object]] = []
        fixed = (self.agency, None, 1, True, self.feed_id, None, self.ingested_at, None)
        for i in live:
            source_id = batch.source_ids[i]
            assert source_id is not None
            before = current.get(source_id)
            if before is None:
                values = full_rows[i]
                digest = digest_of(values)
                row = [*fixed, *values]
                row[1], row[5], row[CONTENT_HASH] = source_id, batch.source_rows[i], digest
                self.counts.new += 1
            else:
                merged = list(before.values)
                for position in positions:
                    merged[position] = full_rows[i][position]
                values = tuple(merged)
                # Comparing values first spares a digest for the common case of a record repeated
                # unchanged (the same child on every row of an attendance return).
                if values == before.values:
                    self.counts.unchanged += 1
                    continue
                digest = digest_of(values)
                if digest == before.content_hash:
                    self.counts.unchanged += 1
                    continue
                self.counts.changed += 1
                if before.pending is not None:
                    before.pending[IS_CURRENT] = False
                elif before.row_id is not None:
                    superseded.append(before.row_id)
                row = [*fixed, *values]
                row[1], row[5], row[CONTENT_HASH] = source_id, batch.source_rows[i], digest
                row[VERSION] = before.version + 1
            inserts.append(row)
            current[source_id] = _Current(int(row[VERSION]), digest, values, pending=row)
        for start in range(0, len(superseded), LOOKUP_BATCH):
            self.connection.execute(
                update(self.table)
                .where(self.table.c.id.in_(superseded[start : start + LOOKUP_BATCH]))
                .values(is_current=False)
            )
        self._insert(inserts)
        self.written.update(keys)  # type: ignore[arg-type]

    def _insert(self, rows: list[list[object]]) -> None:
        if not rows:
            return
        if self.connection.dialect.name == "postgresql":
            self._copy_postgres(rows)
        else:
            self._insert_sqlite(rows)

    def _insert_sqlite(self, rows: list[list[object]]) -> None:
        # The DB-API's executemany skips SQLAlchemy's per-row parameter processing (several
        # times faster); dates are converted to the text forms SQLAlchemy's types read back.
        placeholders = ", ".join("?" for _ in self.insert_columns)
        column_list = ", ".join(f'"{name}"' for name in self.insert_columns)
        statement = f'INSERT INTO "{self.table.name}" ({column_list}) VALUES ({placeholders})'
        temporal = self.temporal
        for row in rows:
            for index in temporal:
                row[index] = _sqlite_value(row[index])
        cursor = self.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(statement, rows)
        finally:
            cursor.close()

    def _copy_postgres(self, rows: list[list[object]]) -> None:
        # COPY is several times faster than INSERT for bulk loads, and runs in the same transaction.
        raw = self.connection.connection.driver_connection
        column_list = ", ".join(f'"{name}"' for name in self.insert_columns)
        statement = f'COPY "{self.table.name}" ({column_list}) FROM STDIN'
        with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)

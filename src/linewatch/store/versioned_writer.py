"""Write entities and records with history: a changed record becomes a new version, an
unchanged one is left alone, and nothing is ever overwritten in place.

A feed supplies only some properties of a record (a police missing report says nothing of the
person's NHS number), so a new version is the current one overlaid with what the feed supplies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Table, select, update

from linewatch.model import Schema
from linewatch.store.tables import metadata, stored_names

# SQLite allows up to 32,766 bound parameters; stay well below it for the IN (...) look-ups.
LOOKUP_BATCH = 5_000


@dataclass(slots=True)
class WriteCounts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"new": self.new, "changed": self.changed, "unchanged": self.unchanged}


@dataclass(slots=True)
class _Current:
    row_id: int | None  # None when the current version was made in this batch and is not yet written
    version: int
    content_hash: str
    values: dict[str, object]
    pending: dict[str, object] | None = None


def content_hash(names: Sequence[str], values: dict[str, object]) -> str:
    canonical = repr(tuple(values.get(name) for name in names)).encode()
    return hashlib.md5(canonical, usedforsecurity=False).hexdigest()


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
        self.insert_columns = [
            "agency", "source_id", "version", "is_current", "feed_id", "source_row",
            "ingested_at", "content_hash", *self.names,
        ]  # fmt: skip

    def _current_versions(self, source_ids: Iterable[str]) -> dict[str, _Current]:
        wanted = sorted(set(source_ids))
        found: dict[str, _Current] = {}
        columns = [
            self.table.c.id,
            self.table.c.source_id,
            self.table.c.version,
            self.table.c.content_hash,
        ]
        columns += [self.table.c[name] for name in self.names]
        for start in range(0, len(wanted), LOOKUP_BATCH):
            query = select(*columns).where(
                self.table.c.agency == self.agency,
                self.table.c.is_current.is_(True),
                self.table.c.source_id.in_(wanted[start : start + LOOKUP_BATCH]),
            )
            for row in self.connection.execute(query):
                values = {name: row[4 + index] for index, name in enumerate(self.names)}
                found[row[1]] = _Current(row[0], row[2], row[3], values)
        return found

    def write(self, batch: Sequence[tuple[str, dict[str, object], int]]) -> None:
        """Write (source id, supplied values, source row) triples, in file order."""
        if not batch:
            return
        current = self._current_versions(source_id for source_id, _, _ in batch)
        superseded: list[int] = []
        inserts: list[dict[str, object]] = []
        for source_id, supplied, source_row in batch:
            before = current.get(source_id)
            merged = dict(before.values) if before else dict.fromkeys(self.names)
            merged.update(supplied)
            digest = content_hash(self.names, merged)
            if before is not None and before.content_hash == digest:
                self.counts.unchanged += 1
                continue
            if before is None:
                self.counts.new += 1
            else:
                self.counts.changed += 1
                if before.pending is not None:
                    before.pending["is_current"] = False
                elif before.row_id is not None:
                    superseded.append(before.row_id)
            row = {
                "agency": self.agency,
                "source_id": source_id,
                "version": before.version + 1 if before else 1,
                "is_current": True,
                "feed_id": self.feed_id,
                "source_row": source_row,
                "ingested_at": self.ingested_at,
                "content_hash": digest,
                **merged,
            }
            inserts.append(row)
            version = before.version + 1 if before else 1
            current[source_id] = _Current(None, version, digest, merged, pending=row)
        for start in range(0, len(superseded), LOOKUP_BATCH):
            self.connection.execute(
                update(self.table)
                .where(self.table.c.id.in_(superseded[start : start + LOOKUP_BATCH]))
                .values(is_current=False)
            )
        self._insert(inserts)

    def _insert(self, rows: list[dict[str, object]]) -> None:
        if not rows:
            return
        if self.connection.dialect.name == "postgresql":
            self._copy_postgres(rows)
        else:
            self.connection.execute(self.table.insert(), rows)

    def _copy_postgres(self, rows: list[dict[str, object]]) -> None:
        # COPY is several times faster than INSERT for bulk loads, and runs in the same transaction.
        raw = self.connection.connection.driver_connection
        column_list = ", ".join(f'"{name}"' for name in self.insert_columns)
        statement = f'COPY "{self.table.name}" ({column_list}) FROM STDIN'
        with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row([row[name] for name in self.insert_columns])

"""Write entities and records with history: a changed record becomes a new version, an
unchanged one is left alone, and nothing is ever overwritten in place.

A feed supplies only some properties of a record (a police missing report says nothing of the
person's NHS number), so a new version is the current one overlaid with what the feed supplies.

Rows arrive as columns (see feeds/chunk_mapper.py) and, in the common case, stay columns: the
`repr` each content hash is taken of, and the COPY text (or SQLite parameters) of each row, are
put together from the memoised text of each column's distinct values (store/row_text.py), and a
whole chunk goes to the database in one COPY, sent from a background thread (store/bulk_load.py).
Only records an earlier feed may have a version of are looked up and merged, a row at a time.

While an agency has no records of this schema yet (its first load), every version of its
records is written by this load, so no look-up is needed at all: the writer remembers the
content hash of each record it wrote, and marks superseded versions at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from sqlalchemy import Connection, Table, bindparam, select, update

from linewatch.model import PropertyType, Schema
from linewatch.store.bulk_load import CopyStream, DeferredIndexes, TableInserter
from linewatch.store.content_hash import digest_of, digest_of_repr, digests_of_reprs
from linewatch.store.row_text import (
    ColumnText,
    Provenance,
    copy_lines,
    copy_text,
    plain_text,
    row_reprs,
    sqlite_rows,
    sqlite_value,
)
from linewatch.store.tables import metadata, stored_names

# SQLite allows up to 32,766 bound parameters; stay well below it for the IN (...) look-ups.
LOOKUP_BATCH = 5_000
PROVENANCE = ("agency", "source_id", "version", "is_current", "feed_id", "source_row", "ingested_at", "content_hash")
VERSION, IS_CURRENT, CONTENT_HASH = 2, 3, 7  # positions in an insert row
TEMPORAL_TYPES = (PropertyType.date, PropertyType.datetime)
FLOAT_TYPES = (PropertyType.number, PropertyType.latitude, PropertyType.longitude)
TEXT_TYPES = (PropertyType.text, PropertyType.name, PropertyType.enum, PropertyType.ref)
# Rebuilding a table's indexes pays off over inserting into them once a load is this big.
DEFER_INDEXES_FROM_ROWS = 10_000


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


@dataclass
class VersionedWriter:
    """Writes one schema's rows for one agency and feed, inside the caller's transaction.

    Call `finish()` after the last `write()`. With a `stream`, the connection is shared with the
    stream's thread: the writer drains it before using the connection itself.
    """

    connection: Connection
    schema: Schema
    agency: str
    feed_id: int
    ingested_at: datetime
    counts: WriteCounts = field(default_factory=WriteCounts)
    stream: CopyStream | None = None
    fast: bool = True  # False: every record a row at a time (the reference the fast path is tested against)
    defer_indexes: bool = True

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
        self.temporal_names = {self.insert_columns[index] for index in self.temporal}
        # Only keys that may already have a version need looking up: on a first load of an
        # agency's records that is just the keys repeated within this feed.
        self.agency_had_rows = (
            self.connection.execute(select(self.table.c.id).where(self.table.c.agency == self.agency).limit(1)).first()
            is not None
        )
        self.written: set[str] = set()
        self.inserter = TableInserter(self.connection, self.table, self.insert_columns, self.stream)
        self.postgres = self.inserter.postgres
        # The first load of the agency's records: this load writes every version there is.
        self.fresh = self.fast and not self.agency_had_rows
        self.known: dict[str, str] = {}  # fresh: source id -> content hash of its current version
        self.later_versions: dict[str, int] = {}  # fresh: source id -> current version, if above 1
        self.superseded_later: list[tuple[str, int]] = []  # fresh: (source id, version) to mark
        float_names = {
            name for name, prop in self.schema.properties.items() if prop.type in FLOAT_TYPES and name in self.names
        }
        # 0.0 == -0.0 although their reprs (and so hashes) differ. Where floats are stored, a record
        # is also remembered by a digest of its values with -0.0 written as 0.0: equal digests
        # mean equal values, the test the row-at-a-time path applies before comparing hashes.
        self.float_names = float_names
        self.known_values: dict[str, str] | None = {} if float_names else None
        self.text = {name: ColumnText(remember=name not in float_names) for name in self.names}
        # Columns whose values are text (or None): a chunk of them may need no formatting at all.
        self.text_names = {
            name
            for name, prop in self.schema.properties.items()
            if name in self.names and (prop.is_identifier or prop.type in TEXT_TYPES)
        }
        self.deferred: DeferredIndexes | None = None
        self._started = False

    # -- the row-at-a-time path: records that may already have versions stored -----------------

    def _current_versions(self, source_ids: Iterable[str]) -> dict[str, _Current]:
        self._drain()
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
        ids = batch.source_ids
        every_row = not batch.skip and None not in ids  # the usual case: every row has this record
        live = (
            list(range(size)) if every_row else [i for i in range(size) if i not in batch.skip and ids[i] is not None]
        )
        if not self._started:
            self._started = True
            if self.fresh and self.defer_indexes and len(live) >= DEFER_INDEXES_FROM_ROWS:
                self._drain()
                self.deferred = DeferredIndexes.defer(self.connection, self.table)
        keys = set(ids) if every_row else {ids[i] for i in live}
        if not self.fast:
            maybe_stored = keys if self.agency_had_rows else keys & self.written
            current = self._current_versions(maybe_stored) if maybe_stored else {}  # type: ignore[arg-type]
            self._write_rows(batch, live, current)
            self.written.update(keys)  # type: ignore[arg-type]
        elif self.fresh:
            self._write_columns(batch, live)
        else:
            current = self._current_versions(keys) if keys else {}  # type: ignore[arg-type]
            if current:
                self._write_rows(batch, live, current)
            else:
                self._write_columns(batch, live)

    def _write_rows(self, batch: Batch, live: list[int], current: dict[str, _Current]) -> None:
        size = len(batch.source_rows)
        supplied = dict(zip(batch.names, batch.columns, strict=True))
        nothing = [None] * size
        full_rows = list(zip(*(supplied.get(name, nothing) for name in self.names), strict=True))
        positions = [self.names.index(name) for name in batch.names]
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
        self.inserter.insert_rows(inserts, self.temporal)

    # -- the column path: records with no stored version ----------------------------------------

    def _write_columns(self, batch: Batch, live: list[int]) -> None:
        """Write records no earlier feed has a version of. Within the chunk (and, on a fresh
        load, across this load) a repeated record is compared with its last version: the same
        repr, or equal values, is unchanged; anything else is a new version."""
        size = len(batch.source_rows)
        supplied = dict(zip(batch.names, batch.columns, strict=True))
        # Each supplied column as the text its values take in the repr, and as the database
        # takes them (COPY text, or SQLite parameters).
        reprs_of: dict[str, Sequence[object]] = {}
        stored_of: dict[str, Sequence[object]] = {}
        quoted: set[str] = set()  # columns whose repr is the text itself in quotes
        for name, column in supplied.items():
            if name in self.text_names and plain_text(column):
                reprs_of[name] = stored_of[name] = column
                quoted.add(name)
                continue
            form = copy_text if self.postgres else (sqlite_value if name in self.temporal_names else None)
            if form is None:
                (reprs_of[name],) = self.text[name].apply_all((repr,), column)
                stored_of[name] = column
            else:
                reprs_of[name], stored_of[name] = self.text[name].apply_all((repr, form), column)
        reprs = row_reprs(self.names, reprs_of, quoted, size)
        value_reprs = self._value_reprs(reprs_of, quoted, supplied, size) if self.known_values is not None else None
        ids = cast(Sequence[str], batch.source_ids)  # live rows all have one
        live_ids = ids if len(live) == size else [ids[i] for i in live]
        inserted: list[int]
        versions: list[int] | None
        current: list[bool] | None = None  # None: all true
        distinct_ids = dict.fromkeys(live_ids)
        first_rows: list[int] | None = None  # each record's first row, when the others repeat it exactly
        if len(distinct_ids) == len(live_ids):  # every record once
            first_rows = live
        elif len(set(zip(live_ids, reprs if len(live) == size else [reprs[i] for i in live], strict=True))) == len(
            distinct_ids
        ):
            # Repeated records, each repeat exactly like its first row (a pupil on every row of an
            # attendance return): the repeats are unchanged.
            first_rows = sorted(dict(zip(reversed(live_ids), reversed(live), strict=True)).values())
        if first_rows is None:
            inserted, versions, current = self._versions(batch, live, reprs, value_reprs, supplied)
        else:
            self.counts.unchanged += len(live) - len(first_rows)
            # Records an earlier chunk of this load wrote (on a fresh load; a pupil whose rows
            # straddle two chunks) are compared with what it wrote; the others are new.
            earlier = self.known.keys() & distinct_ids
            if earlier:
                inserted, versions = self._against_earlier_chunks(first_rows, ids, earlier, reprs, value_reprs)
                current = [True] * len(inserted)
            else:
                inserted, versions = first_rows, None
                self.counts.new += len(first_rows)
        digests = digests_of_reprs(reprs if len(inserted) == size else [reprs[i] for i in inserted])
        if self.fresh:
            self._remember(ids, value_reprs, inserted, versions, digests)
        if not inserted:
            return
        every = len(inserted) == size

        def pick(column: Sequence[object]) -> Sequence[object]:
            return column if every else [column[i] for i in inserted]

        provenance: Provenance = (
            self.agency, pick(ids), versions, current, self.feed_id, pick(batch.source_rows), self.ingested_at, digests
        )  # fmt: skip
        stored = {name: pick(column) for name, column in stored_of.items()}
        if self.postgres:
            self.inserter.copy_lines(copy_lines(provenance, self.names, stored))
        else:
            self.inserter.insert_parameters(sqlite_rows(provenance, self.names, stored))

    def _remember(
        self,
        ids: Sequence[str],
        value_reprs: list[str] | None,
        inserted: list[int],
        versions: list[int] | None,
        digests: list[str],
    ) -> None:
        """On a fresh load: what a later chunk needs to compare a repeated record with."""
        self.known.update(zip((ids[i] for i in inserted), digests, strict=True))
        if self.known_values is not None and value_reprs is not None:
            self.known_values.update(
                zip([ids[i] for i in inserted], digests_of_reprs([value_reprs[i] for i in inserted]), strict=True)
            )
        if versions is not None:
            for i, version in zip(inserted, versions, strict=True):
                if version > 1:
                    self.later_versions[ids[i]] = version

    def _unchanged_since_earlier_chunk(
        self, source_id: str, index: int, reprs: list[str], value_reprs: list[str] | None
    ) -> bool:
        """Whether row `index` of a record an earlier chunk wrote equals its version from then:
        the same repr, or (where floats are stored) equal values."""
        return digest_of_repr(reprs[index]) == self.known[source_id] or (
            self.known_values is not None
            and value_reprs is not None
            and digest_of_repr(value_reprs[index]) == self.known_values[source_id]
        )

    def _against_earlier_chunks(
        self,
        first_rows: list[int],
        ids: Sequence[str],
        earlier: set[str],
        reprs: list[str],
        value_reprs: list[str] | None,
    ) -> tuple[list[int], list[int]]:
        """Which of the records' first rows are inserted, and as which version, when the rows in
        `earlier` belong to records an earlier chunk wrote; counts them new, changed or unchanged."""
        inserted: list[int] = []
        versions: list[int] = []
        counts = self.counts
        for i in first_rows:
            source_id = ids[i]
            if source_id not in earlier:
                version = 1
                counts.new += 1
            elif self._unchanged_since_earlier_chunk(source_id, i, reprs, value_reprs):
                counts.unchanged += 1
                continue
            else:
                version = self.later_versions.get(source_id, 1)
                self.superseded_later.append((source_id, version))
                version += 1
                counts.changed += 1
            inserted.append(i)
            versions.append(version)
        return inserted, versions

    def _versions(
        self,
        batch: Batch,
        live: list[int],
        reprs: list[str],
        value_reprs: list[str] | None,
        supplied: dict[str, Sequence[object]],
    ) -> tuple[list[int], list[int], list[bool]]:
        """Which rows are inserted, as which version, and whether each is still current at the
        end of the chunk; counts new, changed and unchanged records."""
        ids = batch.source_ids
        latest: dict[str, int] = {}  # source id -> position in `inserted` of its last version
        inserted: list[int] = []
        versions: list[int] = []
        current: list[bool] = []
        counts = self.counts
        for i in live:
            source_id = ids[i]
            assert source_id is not None
            at = latest.get(source_id)
            if at is not None:
                earlier = inserted[at]
                if reprs[earlier] == reprs[i] or self._values_of(supplied, earlier) == self._values_of(supplied, i):
                    counts.unchanged += 1
                    continue
                current[at] = False
                version = versions[at] + 1
                counts.changed += 1
            elif source_id in self.known:  # written by an earlier chunk
                if self._unchanged_since_earlier_chunk(source_id, i, reprs, value_reprs):
                    counts.unchanged += 1
                    continue
                version = self.later_versions.get(source_id, 1)
                self.superseded_later.append((source_id, version))
                version += 1
                counts.changed += 1
            else:
                version = 1
                counts.new += 1
            latest[source_id] = len(inserted)
            inserted.append(i)
            versions.append(version)
            current.append(True)
        return inserted, versions, current

    def _values_of(self, supplied: dict[str, Sequence[object]], index: int) -> tuple[object, ...]:
        return tuple(supplied[name][index] if name in supplied else None for name in self.names)

    def _value_reprs(
        self,
        reprs_of: dict[str, Sequence[object]],
        quoted: set[str],
        supplied: dict[str, Sequence[object]],
        size: int,
    ) -> list[str]:
        """Like _reprs, with -0.0 written as 0.0: equal for exactly the rows with equal values."""
        unsigned = dict(reprs_of)
        for name in self.float_names & supplied.keys():
            unsigned[name] = [repr(value + 0.0) if value is not None else "None" for value in supplied[name]]  # type: ignore[operator]
        return row_reprs(self.names, unsigned, quoted, size)

    # -- the end of the load ---------------------------------------------------------------------

    def finish(self) -> None:
        """Store everything still in flight, rebuild deferred indexes and mark the versions a
        later chunk of this load superseded. Call it once, after the last write."""
        self._drain()
        if self.deferred is not None:
            self.deferred.restore()
            self.deferred = None
        t = self.table
        for start in range(0, len(self.superseded_later), LOOKUP_BATCH):
            self.connection.execute(
                update(t)
                .where(t.c.agency == self.agency, t.c.source_id == bindparam("sid"), t.c.version == bindparam("ver"))
                .values(is_current=False),
                [{"sid": sid, "ver": ver} for sid, ver in self.superseded_later[start : start + LOOKUP_BATCH]],
            )
        self.superseded_later = []

    def _drain(self) -> None:
        self.inserter.drain()

"""Load one agency file through its mapping: all or nothing, idempotent, with history.

The whole file is read in one transaction. Rows are validated and written in chunks so memory
stays bounded; if any row has a problem the transaction is rolled back (unless the caller
accepts the valid rows) and every problem is reported with file, row, column and value.
"""

from __future__ import annotations

import gc
import getpass
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Literal

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from linewatch.agencies import load_agencies
from linewatch.audit import hooks as audit_hooks
from linewatch.feeds.chunk_mapper import ChunkMapper
from linewatch.feeds.errors import FeedRejected, IngestError, UnknownAgency
from linewatch.feeds.mapped_chunks import MappedChunk, mapped_chunks, second_process_helps
from linewatch.feeds.mapping import Mapping, find_mapping, load_mapping
from linewatch.feeds.readers import FeedFileError, ReadOptions, open_rows
from linewatch.feeds.rows import RowError
from linewatch.model import SchemaKind
from linewatch.settings import Settings
from linewatch.store.analytics import BulkWriter, sweep_orphans
from linewatch.store.bulk_load import CopyStream
from linewatch.store.statistics import refresh_statistics
from linewatch.store.tables import metadata
from linewatch.store.versioned_writer import VersionedWriter
from linewatch.util.safe_csv import SafeCsvWriter, open_safe_csv

FIRST_ERRORS_SHOWN = 20
feed_table = metadata.tables["feed"]

Progress = Callable[[int], None]


@dataclass
class IngestResult:
    status: Literal["loaded", "partial", "already_loaded"]
    feed_id: int
    file_name: str
    agency: str
    mapping: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    records: dict[str, dict[str, int]] = field(default_factory=dict)
    rejects_path: Path | None = None
    seconds: float = 0.0
    encoding: str | None = None

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds else 0.0


def _read_options(mapping: Mapping) -> ReadOptions:
    d = mapping.definition
    return ReadOptions(
        format=d.format,
        delimiter=d.delimiter,
        encoding=d.encoding,
        sheet=d.sheet,
        header_row=d.header_row,
        json_records_path=d.records_path,
    )


def resolve(agency: str, mapping_name: str, settings: Settings) -> Mapping:
    """Check the agency is known and the mapping is valid and belongs to it."""
    agencies = load_agencies(settings.data_dir)
    if agency not in agencies:
        raise UnknownAgency(f"unknown agency {agency!r} (known: {', '.join(sorted(agencies))})")
    mapping = load_mapping(find_mapping(mapping_name, [settings.data_dir / "mappings"]))
    if mapping.agency != agency:
        raise IngestError(f"mapping {mapping.name!r} is for agency {mapping.agency!r}, not {agency!r}")
    return mapping


class _ProblemLog:
    """Every row problem goes to a CSV report; the first few are kept for the message."""

    def __init__(self, path: Path):
        self.path = path
        self.first: list[RowError] = []
        self.count = 0
        self.bad_rows = 0
        self._handle: IO[str] | None = None
        self._writer: SafeCsvWriter | None = None

    def add(self, errors: list[RowError]) -> None:
        if self._writer is None:
            self._handle, self._writer = open_safe_csv(self.path)
            self._writer.writerow(["row", "column", "value", "problem"])
        self.bad_rows += 1
        for error in errors:
            self.count += 1
            if len(self.first) < FIRST_ERRORS_SHOWN:
                self.first.append(error)
            self._writer.writerow([error.row, error.column, error.value, error.problem])

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


class _RejectsFile:
    """With --accept-valid: the rejected rows as they were, with their problems, to fix and resend."""

    def __init__(self, path: Path, columns: list[str]):
        self.path = path
        self.columns = columns
        self._handle: IO[str] | None = None
        self._writer: SafeCsvWriter | None = None

    def add(self, row: int, cells: dict[str, str | None], errors: list[RowError]) -> None:
        if self._writer is None:
            self._handle, self._writer = open_safe_csv(self.path)
            self._writer.writerow(["source_row", *self.columns, "problems"])
        problems = "; ".join(f"{e.column or 'row'}: {e.problem}" for e in errors)
        self._writer.writerow([row, *(cells.get(c) for c in self.columns), problems])

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


def ingest_file(
    path: Path,
    *,
    agency: str,
    mapping: str,
    settings: Settings,
    engine: Engine,
    accept_valid: bool = False,
    progress: Progress | None = None,
    chunk_rows: int = 20_000,
) -> IngestResult:
    """Load one file (see the module docstring); raises IngestError or FeedFileError, having
    written nothing, when the file or a row is bad."""
    # A load allocates millions of small objects and no reference cycles; the cyclic collector
    # would rescan the growing conversion caches again and again (about a quarter of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _ingest_file(
            path, agency=agency, mapping=mapping, settings=settings, engine=engine,
            accept_valid=accept_valid, progress=progress, chunk_rows=chunk_rows,
        )  # fmt: skip
    finally:
        if collecting:
            gc.enable()


def _ingest_file(
    path: Path,
    *,
    agency: str,
    mapping: str,
    settings: Settings,
    engine: Engine,
    accept_valid: bool = False,
    progress: Progress | None = None,
    chunk_rows: int = 20_000,
) -> IngestResult:
    started = time.perf_counter()
    checked = resolve(agency, mapping, settings)
    chunk_mapper = ChunkMapper(checked)
    with open_rows(path, _read_options(checked)) as source:
        required, _ = checked.columns_needed()
        missing = sorted(required - set(source.columns))
        if missing:
            raise FeedFileError(
                path,
                f"is missing required column(s) {', '.join(map(repr, missing))} for mapping {checked.name!r} "
                f"(the file has: {', '.join(map(repr, source.columns)) or 'no columns'})",
            )
        chunk_mapper.restrict_to(source.columns)
        with engine.connect() as connection:
            existing = connection.execute(
                select(feed_table.c.id).where(
                    feed_table.c.agency == agency,
                    feed_table.c.mapping == checked.name,
                    feed_table.c.content_sha256 == source.content_sha256,
                )
            ).scalar()
            committed = set(connection.execute(select(feed_table.c.id)).scalars())
        if existing is not None:
            return IngestResult(
                "already_loaded",
                existing,
                path.name,
                agency,
                checked.name,
                encoding=source.encoding,
            )
        sweep_orphans(settings.analytics_dir, committed)

        tag = f"{path.stem}-{source.content_sha256[:8]}"
        problems = _ProblemLog(settings.rejects_dir / f"{tag}.errors.csv")
        rejects = _RejectsFile(settings.rejects_dir / f"{tag}.rejects.csv", source.columns) if accept_valid else None
        now = datetime.now().replace(microsecond=0)
        result = IngestResult("loaded", 0, path.name, agency, checked.name, encoding=source.encoding)
        bulk_writers: dict[str, BulkWriter] = {}
        try:
            # PostgreSQL stores one chunk while the next is converted (see store/bulk_load.py); the
            # stream stops before the transaction commits or rolls back.
            with engine.begin() as connection, CopyStream(connection) as stream:
                feed_id = connection.execute(
                    insert(feed_table).values(
                        agency=agency,
                        mapping=checked.name,
                        file_name=str(path.name),
                        content_sha256=source.content_sha256,
                        encoding=source.encoding,
                        status="loading",
                        rows_read=0,
                        rows_loaded=0,
                        rows_rejected=0,
                        records={},
                        loaded_at=now,
                        loaded_by=os.environ.get("LINEWATCH_USER") or getpass.getuser(),
                        seconds=0.0,
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
                result.feed_id = int(feed_id)
                writers: dict[str, VersionedWriter | BulkWriter] = {}
                for entity in checked.definition.entities:
                    schema = checked.schema_of(entity)
                    if schema.name in writers:
                        continue
                    if schema.kind is SchemaKind.bulk:
                        bulk_writers[schema.name] = BulkWriter(settings.analytics_dir, schema, agency, result.feed_id)
                        writers[schema.name] = bulk_writers[schema.name]
                    else:
                        writers[schema.name] = VersionedWriter(
                            connection, schema, agency, result.feed_id, now, stream=stream
                        )

                def process(chunk: MappedChunk) -> None:
                    for number, errors in chunk.bad.items():
                        problems.add(errors)
                        if rejects is not None:
                            rejects.add(number, chunk.bad_cells[number], errors)
                    result.rows_loaded += chunk.rows - len(chunk.bad)
                    if problems.count and not accept_valid:
                        return  # the feed will be rejected: keep validating, stop writing
                    for schema_name, batch in chunk.batches:
                        writers[schema_name].write(batch)

                # A large file is read and mapped in a second process while this one writes.
                with mapped_chunks(
                    source, chunk_mapper, chunk_rows, keep_bad_cells=accept_valid,
                    second_process=second_process_helps(path),
                ) as chunks:  # fmt: skip
                    for chunk in chunks:
                        process(chunk)
                        result.rows_read += chunk.rows
                        if progress:
                            progress(result.rows_read)
                if progress and not result.rows_read:
                    progress(0)
                problems.close()
                if rejects is not None:
                    rejects.close()
                if problems.count and not accept_valid:
                    raise FeedRejected(path.name, problems.first, problems.count, problems.bad_rows, problems.path)
                for writer in writers.values():
                    if isinstance(writer, VersionedWriter):
                        writer.finish()
                stream.close()
                result.rows_rejected = problems.bad_rows
                result.status = "partial" if problems.bad_rows else "loaded"
                result.rejects_path = rejects.path if rejects is not None and problems.bad_rows else None
                result.records = _record_counts(writers)
                result.seconds = time.perf_counter() - started
                connection.execute(
                    update(feed_table)
                    .where(feed_table.c.id == result.feed_id)
                    .values(
                        status=result.status,
                        rows_read=result.rows_read,
                        rows_loaded=result.rows_loaded,
                        rows_rejected=result.rows_rejected,
                        records=result.records,
                        rejects_path=str(result.rejects_path) if result.rejects_path else None,
                        seconds=round(result.seconds, 3),
                    )
                )
                audit_hooks.feed_loaded(connection, result.feed_id, agency, path.name, result.records)
                for writer in bulk_writers.values():
                    writer.publish()
        except IntegrityError as error:
            for writer in bulk_writers.values():
                writer.discard()
            raise IngestError(
                f"{path.name} could not be loaded because another load changed the same records at the same "
                f"time; nothing was written. Load it again. ({error.orig})"
            ) from None
        except BaseException:
            for writer in bulk_writers.values():
                writer.discard()
            raise
        finally:
            problems.close()
            if rejects is not None:
                rejects.close()
    if not problems.count:
        problems.path.unlink(missing_ok=True)
    written = [
        writer.table.name
        for writer in writers.values()
        if isinstance(writer, VersionedWriter) and (writer.counts.new or writer.counts.changed)
    ]
    refresh_statistics(engine, written)
    return result


def _record_counts(writers: dict[str, VersionedWriter | BulkWriter]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for name, writer in writers.items():
        if isinstance(writer, BulkWriter):
            counts[name] = {"new": writer.rows, "changed": 0, "unchanged": 0}
        else:
            counts[name] = writer.counts.as_dict()
    return counts

"""The analytics workspace: bulk records (calls, sightings) as Parquet files, one per feed,
read with DuckDB. Readers only open files of committed feeds, so a crash mid-load leaves
nothing half-visible."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from linewatch.model import Property, PropertyType, Schema
from linewatch.store.versioned_writer import Batch

ROW_GROUP = 250_000


def arrow_type(prop: Property) -> pa.DataType:
    types: dict[PropertyType, pa.DataType] = {
        PropertyType.date: pa.date32(),
        PropertyType.datetime: pa.timestamp("us"),
        PropertyType.integer: pa.int64(),
        PropertyType.number: pa.float64(),
        PropertyType.latitude: pa.float64(),
        PropertyType.longitude: pa.float64(),
        PropertyType.boolean: pa.bool_(),
    }
    return types.get(prop.type, pa.string())


def arrow_schema(schema: Schema) -> pa.Schema:
    fields = [
        pa.field("agency", pa.string()),
        pa.field("source_id", pa.string()),
        pa.field("feed_id", pa.int64()),
        pa.field("source_row", pa.int64()),
    ]
    for prop in schema.properties.values():
        fields.append(pa.field(prop.name, arrow_type(prop)))
        if prop.is_identifier:
            fields.append(pa.field(f"{prop.name}_valid", pa.bool_()))
    return pa.schema(fields)


def schema_dir(analytics_dir: Path, schema: Schema) -> Path:
    return analytics_dir / schema.table_name


def feed_file(analytics_dir: Path, schema: Schema, feed_id: int) -> Path:
    return schema_dir(analytics_dir, schema) / f"feed-{feed_id:08d}.parquet"


class BulkWriter:
    """Streams one schema's rows of one feed to a temporary Parquet file."""

    def __init__(self, analytics_dir: Path, schema: Schema, agency: str, feed_id: int):
        self.schema = schema
        self.agency = agency
        self.feed_id = feed_id
        self.final_path = feed_file(analytics_dir, schema, feed_id)
        self.final_path.parent.mkdir(parents=True, exist_ok=True)
        self.temp_path = self.final_path.with_suffix(".parquet.partial")
        self.arrow = arrow_schema(schema)
        self.writer: pq.ParquetWriter | None = None
        self.rows = 0

    def write(self, batch: Batch) -> None:
        live = [i for i in range(len(batch.source_rows)) if i not in batch.skip and batch.source_ids[i] is not None]
        if not live:
            return
        supplied = dict(zip(batch.names, batch.columns, strict=True))
        columns: dict[str, list[object]] = {
            "agency": [self.agency] * len(live),
            "source_id": [batch.source_ids[i] for i in live],
            "feed_id": [self.feed_id] * len(live),
            "source_row": [batch.source_rows[i] for i in live],
        }
        for name in self.arrow.names[4:]:
            values = supplied.get(name)
            columns[name] = [values[i] for i in live] if values is not None else [None] * len(live)
        table = pa.table(columns, schema=self.arrow)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.temp_path, self.arrow, compression="zstd")
        self.writer.write_table(table, row_group_size=ROW_GROUP)
        self.rows += len(live)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def publish(self) -> None:
        """Move the finished file into place; called just before the feed's transaction commits.

        If the commit then fails the caller discards it; if the process dies in between, the
        file names a feed that never committed and sweep_orphans removes it."""
        self.close()
        if self.temp_path.exists():
            with open(self.temp_path, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(self.temp_path, self.final_path)

    def discard(self) -> None:
        self.close()
        self.temp_path.unlink(missing_ok=True)
        self.final_path.unlink(missing_ok=True)


def sweep_orphans(analytics_dir: Path, committed_feed_ids: set[int]) -> list[Path]:
    """Remove Parquet files whose feed never committed (a crash between commit steps)."""
    removed: list[Path] = []
    if not analytics_dir.exists():
        return removed
    for path in analytics_dir.glob("*/feed-*.parquet*"):
        stem = path.name.split(".")[0]
        feed_id = int(stem.removeprefix("feed-"))
        if path.name.endswith(".partial") or feed_id not in committed_feed_ids:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed

"""Writing call records as an operator-style export in numbered parts (Parquet or CSV).

Parts hold a fixed number of rows and Parquet row groups a fixed number too, however the rows
arrive, so the files depend only on the rows: the same spec gives byte-identical files.
Encoding and compression run on one background thread (Arrow releases the GIL), overlapping
with the generation of the next day's records; at most a few blocks wait, so memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

ExportFormat = Literal["parquet", "csv"]

CALL_RECORD_SCHEMA = pa.schema(
    [
        pa.field("a_number", pa.string(), nullable=False),
        pa.field("b_number", pa.string(), nullable=False),
        pa.field("start_time", pa.timestamp("ms", tz="UTC"), nullable=False),
        pa.field("duration_s", pa.int32(), nullable=False),
        pa.field("event_type", pa.string(), nullable=False),
        pa.field("cell_id", pa.string(), nullable=False),
        pa.field("imei", pa.string(), nullable=False),
    ]
)


class CallRecordWriter:
    """Appends time-ordered record tables to comms/calls/part-NNNNN.{parquet,csv}."""

    def __init__(
        self,
        directory: Path,
        export_format: ExportFormat = "parquet",
        rows_per_part: int = 1_500_000,
        row_group_rows: int = 250_000,
    ) -> None:
        if export_format not in ("parquet", "csv"):
            raise ValueError(f"format must be 'parquet' or 'csv', got {export_format!r}")
        if rows_per_part < 1 or row_group_rows < 1:
            raise ValueError("rows_per_part and row_group_rows must be positive")
        self.directory = directory
        self.export_format: ExportFormat = export_format
        self.rows_per_part = rows_per_part
        self.row_group_rows = min(row_group_rows, rows_per_part)
        self.parts: list[Path] = []
        self.rows_written = 0
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        self._part_rows = 0
        self._parquet: pq.ParquetWriter | None = None
        self._csv: pacsv.CSVWriter | None = None
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="call-records")
        self._queued: list[Future[None]] = []
        directory.mkdir(parents=True, exist_ok=True)
        # A previous run may have written more parts; they must not mix with this one.
        for old in sorted(directory.glob("part-*.*")):
            if old.suffix in (".parquet", ".csv"):
                old.unlink()

    def write(self, table: pa.Table) -> None:
        offset = 0
        while offset < table.num_rows:
            space = self.rows_per_part - self._part_rows
            chunk = table.slice(offset, space)
            offset += chunk.num_rows
            self._pending.append(chunk)
            self._pending_rows += chunk.num_rows
            self._part_rows += chunk.num_rows
            if self._part_rows == self.rows_per_part:
                self._flush(final=True)
                self._submit(self._close_part)
                self._part_rows = 0
            elif self._pending_rows >= self.row_group_rows:
                self._flush(final=False)

    def close(self) -> list[Path]:
        if self._part_rows:
            self._flush(final=True)
            self._submit(self._close_part)
            self._part_rows = 0
        while self._queued:
            self._queued.pop(0).result()
        self._worker.shutdown()
        return self.parts

    def _submit(self, job: Callable[[], None]) -> None:
        # Jobs run in order on the one worker; waiting for the oldest bounds the queue and
        # brings any write error back to the caller.
        self._queued.append(self._worker.submit(job))
        while len(self._queued) > 3:
            self._queued.pop(0).result()

    def _flush(self, final: bool) -> None:
        """Write whole row groups; at the end of a part, the remainder too."""
        table = pa.concat_tables(self._pending)
        whole = table.num_rows if final else table.num_rows // self.row_group_rows * self.row_group_rows
        if whole == 0:
            return
        rows = table.slice(0, whole)
        self._submit(lambda: self._write_rows(rows))
        rest = table.slice(whole)
        self._pending = [rest] if rest.num_rows else []
        self._pending_rows = rest.num_rows
        self.rows_written += whole

    def _write_rows(self, table: pa.Table) -> None:
        if self.export_format == "parquet":
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(
                    self._next_path(),
                    CALL_RECORD_SCHEMA,
                    compression="zstd",
                    use_dictionary=True,
                    write_statistics=True,
                )
            self._parquet.write_table(table, row_group_size=self.row_group_rows)
        else:
            text = _csv_view(table)
            if self._csv is None:
                self._csv = pacsv.CSVWriter(self._next_path(), text.schema)
            self._csv.write_table(text)

    def _next_path(self) -> Path:
        path = self.directory / f"part-{len(self.parts):05d}.{self.export_format}"
        self.parts.append(path)
        return path

    def _close_part(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None
        if self._csv is not None:
            self._csv.close()
            self._csv = None


def _csv_view(table: pa.Table) -> pa.Table:
    """start_time as ISO 8601 text in UTC ("2025-01-06T18:42:07Z"), as exports print it."""
    seconds = table["start_time"].cast(pa.timestamp("s", tz="UTC"))
    text = pc.strftime(seconds, format="%Y-%m-%dT%H:%M:%SZ")
    return table.set_column(table.schema.get_field_index("start_time"), "start_time", text)

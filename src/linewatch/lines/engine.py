"""The seam between the lines pipeline and the engine that runs its SQL: DuckDB by default,
Spark (`--engine spark`) for data that outgrows one machine.

The pipeline is a sequence of SQL steps written in the subset both engines read the same way;
everything that differs (registering files, materialising a step, fetching a result, turning a
timestamp into epoch seconds) lives in one adapter class per engine, here.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from linewatch.spark import spark_session


class LinesEngine(Protocol):
    name: str

    def register_parquet(self, name: str, paths: list[Path]) -> None: ...

    def register_arrow(self, name: str, table: pa.Table) -> None: ...

    def view(self, name: str, sql: str) -> None:
        """Name `sql` for later steps without running it (each use runs it again)."""

    def materialise(self, name: str, sql: str) -> None:
        """Run `sql` once and keep its result as table `name` for later steps."""

    def fetch(self, sql: str) -> pa.Table: ...

    def epoch_seconds(self, column: str) -> str:
        """SQL for a naive UTC TIMESTAMP column as whole seconds since 1970 (BIGINT)."""

    def bit(self, position: str) -> str:
        """SQL for the BIGINT with only bit `position` set (for day masks)."""

    def close(self) -> None: ...


# DuckDB's defaults are every core and 80% of the machine's memory, spilling to ./.tmp; the
# pipeline runs beside other work, so it takes a bounded share and spills to the system's
# temporary folder. LINEWATCH_DUCKDB_THREADS and LINEWATCH_DUCKDB_MEMORY change them.
DEFAULT_MEMORY_LIMIT = "6GiB"


def duckdb_connection(threads: int | None = None, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the pipeline's settings (see DEFAULT_MEMORY_LIMIT)."""
    connection = duckdb.connect()
    threads = threads or int(os.environ.get("LINEWATCH_DUCKDB_THREADS") or 0) or os.cpu_count() or 1
    memory_limit = memory_limit or os.environ.get("LINEWATCH_DUCKDB_MEMORY") or DEFAULT_MEMORY_LIMIT
    connection.execute(f"SET threads = {int(threads)}")
    connection.execute(f"SET memory_limit = '{memory_limit.replace(chr(39), '')}'")
    connection.execute(f"SET temp_directory = '{_spill_directory()}'")
    # Row order inside a step never matters (results are sorted where it does), and keeping
    # it costs DuckDB parallelism in aggregations and writes.
    connection.execute("SET preserve_insertion_order = false")
    connection.execute("SET TimeZone = 'UTC'")
    return connection


def _spill_directory() -> str:
    return str(Path(tempfile.gettempdir()) / "linewatch-duckdb").replace("'", "''")


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str | None = None):
        self.connection = duckdb_connection(threads, memory_limit)

    def register_parquet(self, name: str, paths: list[Path]) -> None:
        listed = ", ".join("'" + str(path).replace("'", "''") + "'" for path in paths)
        self.connection.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM read_parquet([{listed}])")

    def register_arrow(self, name: str, table: pa.Table) -> None:
        self.connection.register(f"{name}_arrow", table)
        self.connection.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {name}_arrow")

    def view(self, name: str, sql: str) -> None:
        self.connection.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")

    def materialise(self, name: str, sql: str) -> None:
        self.connection.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def fetch(self, sql: str) -> pa.Table:
        return self.connection.sql(sql).to_arrow_table()

    def epoch_seconds(self, column: str) -> str:
        return f"CAST(epoch({column}) AS BIGINT)"

    def bit(self, position: str) -> str:
        return f"(CAST(1 AS BIGINT) << CAST({position} AS INTEGER))"

    def close(self) -> None:
        self.connection.close()


class SparkEngine:
    """Local Spark by default; LINEWATCH_SPARK_MASTER names a cluster (spark://host:7077)."""

    name = "spark"

    def __init__(self, master: str | None = None):
        self.scratch = Path(tempfile.mkdtemp(prefix="linewatch-spark-"))
        self.spark: Any = spark_session("linewatch-lines", self.scratch, master)
        self._cached: list[Any] = []

    def register_parquet(self, name: str, paths: list[Path]) -> None:
        self.spark.read.parquet(*[str(path) for path in paths]).createOrReplaceTempView(name)

    def register_arrow(self, name: str, table: pa.Table) -> None:
        frame = self.spark.createDataFrame(table.to_pandas(), schema=_spark_schema(table.schema))
        frame.createOrReplaceTempView(name)

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(sql).createOrReplaceTempView(name)

    def materialise(self, name: str, sql: str) -> None:
        frame = self.spark.sql(sql).cache()
        frame.count()
        self._cached.append(frame)
        frame.createOrReplaceTempView(name)

    def fetch(self, sql: str) -> pa.Table:
        return self.spark.sql(sql).toArrow()

    def epoch_seconds(self, column: str) -> str:
        return f"CAST(unix_timestamp({column}) AS BIGINT)"

    def bit(self, position: str) -> str:
        return f"shiftleft(CAST(1 AS BIGINT), CAST({position} AS INT))"

    def close(self) -> None:
        for frame in self._cached:
            frame.unpersist()
        self.spark.stop()


def _spark_schema(schema: pa.Schema) -> Any:
    from pyspark.sql import types as T

    mapping = {
        pa.string(): T.StringType(),
        pa.int64(): T.LongType(),
        pa.int32(): T.IntegerType(),
        pa.float64(): T.DoubleType(),
        pa.bool_(): T.BooleanType(),
    }
    fields = [T.StructField(field.name, mapping.get(field.type, T.StringType()), True) for field in schema]
    return T.StructType(fields)


ENGINES = ("duckdb", "spark")


def make_engine(name: str) -> LinesEngine:
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine()
    raise ValueError(f"unknown engine {name!r} (expected one of {', '.join(ENGINES)})")


@contextmanager
def open_engine(name: str) -> Iterator[LinesEngine]:
    engine = make_engine(name)
    try:
        yield engine
    finally:
        engine.close()

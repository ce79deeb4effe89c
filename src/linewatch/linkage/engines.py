"""The one place DuckDB and Spark differ: how a Splink database API is made, how tables go in
and come out, and how it is shut down. Everything else in linkage is written against
``LinkageEngine`` and runs unchanged on either.

DuckDB (the default) runs in process. Spark runs locally with ``local[2]`` unless
LINEWATCH_SPARK_MASTER names a cluster; Splink's similarity-function jar (Jaro-Winkler and
friends, shipped inside the splink package) goes on ``spark.jars`` and a checkpoint directory
is set, without which Splink on Spark fails.
"""

from __future__ import annotations

import tempfile
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa
from splink import DuckDBAPI
from splink.internals.splink_dataframe import SplinkDataFrame

from linewatch.linkage.errors import LinkageError
from linewatch.spark import spark_session

EngineName = Literal["duckdb", "spark"]
ENGINE_NAMES: tuple[EngineName, ...] = ("duckdb", "spark")


class LinkageEngine(ABC):
    """A Splink database API with the few operations linkage needs around it."""

    name: EngineName
    db_api: Any  # splink DatabaseAPI subclass

    def __init__(self) -> None:
        self._serial = 0

    def register(self, table: pa.Table, label: str) -> SplinkDataFrame:
        """Hand a table to the engine; ``label`` names it in Splink's output (source_dataset)."""
        self._serial += 1
        return self.db_api.register(
            self._native(table), dataset_display_name=label, table_name=f"lw_{label}_{self._serial}"
        )

    @abstractmethod
    def _native(self, table: pa.Table) -> Any: ...

    def to_arrow(self, frame: SplinkDataFrame) -> pa.Table:
        table: pa.Table = frame.as_pyarrow_table()
        return table

    def close(self) -> None:  # noqa: B027 - engines with nothing to release need not override
        pass

    def __enter__(self) -> LinkageEngine:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class DuckDBEngine(LinkageEngine):
    name: EngineName = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str | None = None) -> None:
        super().__init__()
        self.connection = duckdb.connect()
        if threads:
            self.connection.execute(f"set threads = {int(threads)}")
        if memory_limit:
            self.connection.execute("set memory_limit = ?", [memory_limit])
        self.db_api = DuckDBAPI(connection=self.connection)

    def _native(self, table: pa.Table) -> Any:
        return table

    def close(self) -> None:
        self.connection.close()


class SparkEngine(LinkageEngine):
    name: EngineName = "spark"

    def __init__(self, master: str | None = None, checkpoint_dir: Path | None = None) -> None:
        super().__init__()
        try:
            from splink import SparkAPI
        except ImportError as error:  # pragma: no cover - pyspark is a dependency
            raise LinkageError(f"--engine spark needs pyspark installed ({error})") from error
        self._own_checkpoint = checkpoint_dir is None
        self.checkpoint_dir = checkpoint_dir or Path(tempfile.mkdtemp(prefix="linewatch-spark-"))
        self.spark = spark_session("linewatch-linkage", self.checkpoint_dir, master)
        self.spark.sparkContext.setCheckpointDir(str(self.checkpoint_dir))
        self.db_api = SparkAPI(spark_session=self.spark, num_partitions_on_repartition=4)

    def _native(self, table: pa.Table) -> Any:
        return self.spark.createDataFrame(table)

    def close(self) -> None:
        self.spark.stop()
        if self._own_checkpoint:
            import shutil

            shutil.rmtree(self.checkpoint_dir, ignore_errors=True)


def open_engine(name: str, **options: Any) -> LinkageEngine:
    """The engine called ``name`` (duckdb or spark)."""
    if name == "duckdb":
        return DuckDBEngine(**options)
    if name == "spark":
        return SparkEngine(**options)
    raise LinkageError(f"unknown linkage engine {name!r}: choose one of {', '.join(ENGINE_NAMES)}")

"""The one place a Spark session is made, so that every capability's Spark engine gets the same
JVM settings. Spark keeps one session per process and applies `spark.jars` only when its JVM
starts, so a session made elsewhere without Splink's similarity jar would break linkage."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

SPARK_MASTER_ENV = "LINEWATCH_SPARK_MASTER"


def spark_session(app_name: str, scratch: Path, master: str | None = None) -> Any:
    """Local Spark (`local[2]`) unless `master` or LINEWATCH_SPARK_MASTER names a cluster."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    master = master or os.environ.get(SPARK_MASTER_ENV) or "local[2]"
    session = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.jars", similarity_jar_location())  # Jaro-Winkler and friends for Splink
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", os.environ.get("LINEWATCH_SPARK_PARTITIONS", "4"))
        .config("spark.default.parallelism", "4")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.parquet.inferTimestampNTZ.enabled", "false")
        .config("spark.driver.memory", os.environ.get("LINEWATCH_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.local.dir", str(scratch))
        .config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session

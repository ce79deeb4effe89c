"""The same model gives the same subjects on DuckDB and on Spark (Spark is for data that outgrows
one machine; it must not change the answer)."""

from __future__ import annotations

import pytest

from linewatch.linkage.engines import DuckDBEngine, SparkEngine
from linewatch.linkage.model_store import prior_model
from linewatch.linkage.people import link_people
from linewatch.linkage.practice_data import practice_people


def partition(group_of: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for record, group in group_of.items():
        groups.setdefault(group, set()).add(record)
    return {frozenset(members) for members in groups.values()}


@pytest.mark.slow
def test_duckdb_and_spark_give_the_same_subjects() -> None:
    records = practice_people(40, seed=8).records
    model = prior_model()
    with DuckDBEngine() as duckdb_engine:
        on_duckdb = link_people(records, duckdb_engine, model=model)
    with SparkEngine() as spark_engine:
        on_spark = link_people(records, spark_engine, model=model)
    assert partition(on_spark.grouping.group_of()) == partition(on_duckdb.grouping.group_of())
    duckdb_scores = dict(
        zip(
            zip(on_duckdb.pairs["record_id_l"].to_pylist(), on_duckdb.pairs["record_id_r"].to_pylist(), strict=True),
            on_duckdb.pairs["match_probability"].to_pylist(),
            strict=True,
        )
    )
    spark_scores = dict(
        zip(
            zip(on_spark.pairs["record_id_l"].to_pylist(), on_spark.pairs["record_id_r"].to_pylist(), strict=True),
            on_spark.pairs["match_probability"].to_pylist(),
            strict=True,
        )
    )
    assert duckdb_scores.keys() == spark_scores.keys()
    assert all(abs(duckdb_scores[pair] - spark_scores[pair]) < 1e-9 for pair in duckdb_scores)

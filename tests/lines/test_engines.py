"""The pipeline gives identical results on DuckDB and Spark (on the small county)."""

from __future__ import annotations

import pytest

from linewatch.lines.pipeline import run_lines
from linewatch.settings import Settings


@pytest.mark.slow
def test_spark_and_duckdb_find_the_same_lines_members_and_scores(county_workspace: Settings) -> None:
    duck = run_lines(county_workspace, "duckdb", write=False)
    spark = run_lines(county_workspace, "spark", write=False)
    assert spark.scores.to_pylist() == duck.scores.to_pylist()
    assert [[n.number for n in line.numbers] for line in spark.lines] == [
        [n.number for n in line.numbers] for line in duck.lines
    ]
    assert spark.members == duck.members
    assert spark.handsets == duck.handsets
    assert spark.contact_edges.equals(duck.contact_edges)

"""Network analytics on any edge list, and `linewatch network`."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linewatch.cli.main import app
from linewatch.lines.network import Edge, EdgeListError, analyse_edges, key_players, read_edge_list

# Two triangles joined through "bridge": the bridge is the broker between them.
EDGES = [
    Edge(a, b)
    for a, b in [
        ("a1", "a2"),
        ("a2", "a3"),
        ("a1", "a3"),
        ("a3", "bridge"),
        ("bridge", "b1"),
        ("b1", "b2"),
        ("b2", "b3"),
        ("b1", "b3"),
    ]
]


def test_bridge_between_two_groups_has_the_highest_betweenness_and_groups_are_communities() -> None:
    metrics, summary = analyse_edges(EDGES)
    by_node = {m.node: m for m in metrics}
    assert max(metrics, key=lambda m: m.betweenness).node == "bridge"
    assert by_node["a1"].community == by_node["a2"].community != by_node["b2"].community
    assert summary.nodes == 7 and summary.edges == 8 and summary.betweenness == "exact"
    assert sum(m.pagerank for m in metrics) == pytest.approx(1.0)


def test_key_players_leave_out_customers() -> None:
    metrics, _ = analyse_edges(EDGES)
    assert [m.node for m in key_players(metrics, exclude={"bridge"}, top=2)] == ["a3", "b1"]


def test_edge_list_with_a_bad_weight_names_the_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "edges.csv"
    path.write_text("source,target,calls\nx,y,3\nx,z,lots\n", encoding="utf-8")
    with pytest.raises(EdgeListError, match=r"edges.csv row 3, column 'calls': 'lots' is not a number"):
        read_edge_list(path, "source", "target", "calls", None)


def test_network_command_writes_formula_safe_node_metrics_and_communities(tmp_path: Path) -> None:
    path = tmp_path / "edges.csv"
    rows = [("=cmd", "b", "2", "2025-01-01"), ("b", "c", "1", "2025-02-01"), ("c", "=cmd", "1", "2025-03-01")]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([("source", "target", "weight", "when"), *rows])
    result = CliRunner().invoke(
        app,
        [
            "network",
            "--edges",
            str(path),
            "--weight",
            "weight",
            "--time",
            "when",
            "--directed",
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 0, result.output
    metrics = list(csv.DictReader((tmp_path / "out" / "node_metrics.csv").open(encoding="utf-8")))
    nodes = {row["node"]: row for row in metrics}
    assert set(nodes) == {"'=cmd", "b", "c"}
    assert nodes["b"]["first_seen"] == "2025-01-01" and nodes["b"]["last_seen"] == "2025-02-01"
    assert (tmp_path / "out" / "communities.csv").exists()

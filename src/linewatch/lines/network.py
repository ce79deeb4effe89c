"""Network analytics on a contact graph with python-igraph and leidenalg: degree, strength,
betweenness (approximate, with a path-length cutoff, on large graphs), PageRank, Leiden
communities, and the key players of each line.

`analyse_edges` works on any edge list, so `linewatch network --edges FILE.csv` serves
networks from elsewhere too; `key_players` ranks a line's members by brokerage and influence.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import igraph as ig
import leidenalg

from linewatch.util.safe_csv import open_safe_csv

EXACT_BETWEENNESS_UP_TO = 5_000  # nodes; above this, betweenness counts paths up to CUTOFF
BETWEENNESS_CUTOFF = 4
LEIDEN_SEED = 42


class EdgeListError(ValueError):
    """An edge-list file that cannot be analysed; str() names the file, row and column."""


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    weight: float = 1.0
    time: str | None = None


@dataclass(frozen=True, slots=True)
class NodeMetrics:
    node: str
    degree: int
    strength: float
    betweenness: float
    pagerank: float
    community: int
    first_seen: str | None
    last_seen: str | None


@dataclass(frozen=True, slots=True)
class NetworkSummary:
    nodes: int
    edges: int
    communities: int
    modularity: float
    betweenness: str  # "exact" or "approximate (paths up to N steps)"


def build_graph(edges: list[Edge], directed: bool) -> ig.Graph:
    """One graph edge per node pair (per direction if directed), weights summed."""
    names: dict[str, int] = {}
    weights: dict[tuple[int, int], float] = {}
    for edge in edges:
        source = names.setdefault(edge.source, len(names))
        target = names.setdefault(edge.target, len(names))
        if source == target:
            continue
        key = (source, target) if directed or source < target else (target, source)
        weights[key] = weights.get(key, 0.0) + edge.weight
    keys = sorted(weights)
    graph = ig.Graph(n=len(names), edges=keys, directed=directed)
    graph.vs["name"] = list(names)
    graph.es["weight"] = [weights[key] for key in keys]
    return graph


def analyse_edges(edges: list[Edge], directed: bool = False) -> tuple[list[NodeMetrics], NetworkSummary]:
    graph = build_graph(edges, directed)
    seen: dict[str, list[str]] = {}
    for edge in edges:
        if edge.time is None:
            continue
        for node in (edge.source, edge.target):
            span = seen.setdefault(node, [edge.time, edge.time])
            span[0], span[1] = min(span[0], edge.time), max(span[1], edge.time)
    weights = graph.es["weight"] if graph.ecount() else None
    # Betweenness treats weights as distances: a strong tie is a short one.
    distances = [1.0 / w for w in weights] if weights else None
    exact = graph.vcount() <= EXACT_BETWEENNESS_UP_TO
    cutoff = None if exact else BETWEENNESS_CUTOFF
    betweenness = graph.betweenness(weights=distances, cutoff=cutoff, directed=directed)
    pagerank = graph.pagerank(weights=weights, directed=directed)
    undirected = graph.as_undirected(combine_edges="sum") if directed else graph
    partition = leidenalg.find_partition(
        undirected,
        leidenalg.ModularityVertexPartition,
        weights=undirected.es["weight"] if undirected.ecount() else None,
        seed=LEIDEN_SEED,
    )
    degree = graph.degree()
    strength = graph.strength(weights=weights) if weights else degree
    nodes = [
        NodeMetrics(
            node=name,
            degree=int(degree[i]),
            strength=round(float(strength[i]), 6),
            betweenness=round(float(betweenness[i]), 6),
            pagerank=round(float(pagerank[i]), 8),
            community=int(partition.membership[i]),
            first_seen=seen.get(name, [None, None])[0],
            last_seen=seen.get(name, [None, None])[1],
        )
        for i, name in enumerate(graph.vs["name"])
    ]
    how = "exact" if exact else f"approximate (paths up to {BETWEENNESS_CUTOFF} steps)"
    summary = NetworkSummary(graph.vcount(), graph.ecount(), len(partition), round(float(partition.modularity), 6), how)
    return nodes, summary


def key_players(metrics: list[NodeMetrics], exclude: set[str], top: int = 5) -> list[NodeMetrics]:
    """The members most central to a line: highest betweenness (brokers between the line phone,
    controller and runners), then PageRank; customers are left out with `exclude`."""
    candidates = [m for m in metrics if m.node not in exclude]
    return sorted(candidates, key=lambda m: (-m.betweenness, -m.pagerank, m.node))[:top]


def read_edge_list(path: Path, source: str, target: str, weight: str | None, time: str | None) -> list[Edge]:
    """Edges from a CSV file with a header; errors name the file, row and column."""
    try:
        handle = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115 - closed below
    except OSError as error:
        raise EdgeListError(f"{path}: cannot be read: {error}") from None
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        for column in [source, target, *(c for c in (weight, time) if c)]:
            if column not in header:
                raise EdgeListError(f"{path.name}: no column {column!r} (columns: {', '.join(header)})")
        edges = []
        for row_number, row in enumerate(reader, start=2):
            a, b = (row.get(source) or "").strip(), (row.get(target) or "").strip()
            if not a or not b:
                raise EdgeListError(f"{path.name} row {row_number}, column {source if not a else target!r}: is empty")
            value = 1.0
            if weight:
                text = (row.get(weight) or "").strip()
                try:
                    value = float(text)
                except ValueError:
                    raise EdgeListError(
                        f"{path.name} row {row_number}, column {weight!r}: {text!r} is not a number"
                    ) from None
                if value <= 0:
                    raise EdgeListError(f"{path.name} row {row_number}, column {weight!r}: {text!r} must be above 0")
            when = (row.get(time) or "").strip() or None if time else None
            edges.append(Edge(a, b, value, when))
    return edges


def write_node_metrics(path: Path, metrics: list[NodeMetrics]) -> None:
    handle, writer = open_safe_csv(path)
    with handle:
        writer.writerow(
            ["node", "degree", "strength", "betweenness", "pagerank", "community", "first_seen", "last_seen"]
        )
        for m in sorted(metrics, key=lambda m: (-m.pagerank, m.node)):
            writer.writerow(
                [
                    m.node,
                    m.degree,
                    m.strength,
                    m.betweenness,
                    m.pagerank,
                    m.community,
                    m.first_seen or "",
                    m.last_seen or "",
                ]
            )


def write_communities(path: Path, metrics: list[NodeMetrics]) -> None:
    groups: dict[int, list[NodeMetrics]] = {}
    for m in metrics:
        groups.setdefault(m.community, []).append(m)
    handle, writer = open_safe_csv(path)
    with handle:
        writer.writerow(["community", "size", "members", "most_central"])
        for community in sorted(groups, key=lambda c: (-len(groups[c]), c)):
            members = sorted(groups[community], key=lambda m: (-m.pagerank, m.node))
            writer.writerow([community, len(members), " ".join(m.node for m in members), members[0].node])

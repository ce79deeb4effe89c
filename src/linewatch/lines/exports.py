"""Exports of the lines' network for analysts' tools: GraphML and GEXF (Gephi), entity and link
CSV files that i2 Analyst's Notebook imports, and node metrics with key players per line.

The graph holds the lines' members (line numbers, controllers, runners, customers) and their
handsets, with contact edges weighted by the number of calls and texts.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import igraph as ig

from linewatch.lines.network import Edge, NodeMetrics, analyse_edges, key_players
from linewatch.lines.pipeline import LinesOutcome, e164
from linewatch.lines.roles import Role
from linewatch.util.safe_csv import open_safe_csv


@dataclass(frozen=True, slots=True)
class ExportFiles:
    graphml: Path
    gexf: Path
    i2_entities: Path
    i2_links: Path
    node_metrics: Path
    key_players: Path


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _nodes_and_links(outcome: LinesOutcome) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    nodes: dict[str, dict[str, Any]] = {}
    for member in outcome.members:
        key = e164(member.number)
        node = nodes.setdefault(
            key, {"id": key, "type": "Phone", "label": key, "roles": set(), "lines": set(), "town": member.town or ""}
        )
        node["roles"].add(member.role.value)
        node["lines"].add(member.line_id)
    links = []
    for row in outcome.contact_edges.to_pylist():
        links.append(
            {
                "from": e164(row["a"]),
                "to": e164(row["b"]),
                "type": "Calls/texts",
                "events": row["events"],
                "texts": row["texts"],
                "calls": row["calls"],
                "first": _iso(row["first_t"]),
                "last": _iso(row["last_t"]),
            }
        )
    line_of = {e164(n.number): line.line_id for line in outcome.lines for n in line.numbers}
    for handset in outcome.handsets:
        number = e164(handset["number"])
        if number not in line_of:
            continue
        key = f"IMEI {handset['imei']}"
        nodes.setdefault(
            key,
            {
                "id": key,
                "type": "Handset",
                "label": handset["imei"],
                "roles": {"handset"},
                "lines": {line_of[number]},
                "town": "",
            },
        )
        links.append(
            {
                "from": number,
                "to": key,
                "type": "Used in handset",
                "events": handset["records"],
                "texts": 0,
                "calls": 0,
                "first": _iso(handset["first_t"]),
                "last": _iso(handset["last_t"]),
            }
        )
    return nodes, links


def _role_of(node: dict[str, Any]) -> str:
    for role in ("line", "controller", "runner", "customer", "handset"):
        if role in node["roles"]:
            return role
    return "contact"


def export_network(outcome: LinesOutcome, out_dir: Path) -> ExportFiles:
    out_dir.mkdir(parents=True, exist_ok=True)
    nodes, links = _nodes_and_links(outcome)
    files = ExportFiles(
        out_dir / "lines.graphml",
        out_dir / "lines.gexf",
        out_dir / "i2_entities.csv",
        out_dir / "i2_links.csv",
        out_dir / "node_metrics.csv",
        out_dir / "key_players.csv",
    )
    metrics, _ = analyse_edges(
        [Edge(link["from"], link["to"], float(link["events"])) for link in links if link["type"] == "Calls/texts"]
    )
    by_node = {m.node: m for m in metrics}
    ids = sorted(nodes)
    graph = ig.Graph(n=len(ids), directed=False)
    index = {node: i for i, node in enumerate(ids)}
    graph.vs["name"] = ids
    graph.vs["label"] = [nodes[n]["label"] for n in ids]
    graph.vs["type"] = [nodes[n]["type"] for n in ids]
    graph.vs["role"] = [_role_of(nodes[n]) for n in ids]
    graph.vs["lines"] = [" ".join(sorted(nodes[n]["lines"])) for n in ids]
    graph.vs["town"] = [nodes[n]["town"] for n in ids]
    graph.vs["pagerank"] = [by_node[n].pagerank if n in by_node else 0.0 for n in ids]
    graph.vs["betweenness"] = [by_node[n].betweenness if n in by_node else 0.0 for n in ids]
    graph.vs["community"] = [by_node[n].community if n in by_node else -1 for n in ids]
    graph.add_edges([(index[link["from"]], index[link["to"]]) for link in links])
    for attribute in ("type", "events", "texts", "calls", "first", "last"):
        graph.es[attribute] = [link[attribute] for link in links]
    graph.es["weight"] = [float(link["events"]) for link in links]
    graph.write_graphml(str(files.graphml))
    _write_gexf(files.gexf, graph)
    _write_i2(files, nodes, links, by_node)
    _write_metrics(files, outcome, metrics)
    return files


def _write_gexf(path: Path, graph: ig.Graph) -> None:
    """GEXF 1.3 as Gephi reads it: node attributes declared once, then nodes and edges."""
    root = ET.Element("gexf", {"xmlns": "http://gexf.net/1.3", "version": "1.3"})
    ET.SubElement(ET.SubElement(root, "meta"), "creator").text = "Linewatch"
    body = ET.SubElement(root, "graph", {"defaultedgetype": "undirected", "mode": "static"})
    node_attributes = [
        ("type", "string"),
        ("role", "string"),
        ("lines", "string"),
        ("town", "string"),
        ("pagerank", "double"),
        ("betweenness", "double"),
        ("community", "integer"),
    ]
    declared = ET.SubElement(body, "attributes", {"class": "node"})
    for i, (name, kind) in enumerate(node_attributes):
        ET.SubElement(declared, "attribute", {"id": str(i), "title": name, "type": kind})
    edge_declared = ET.SubElement(body, "attributes", {"class": "edge"})
    for i, name in enumerate(("type", "first", "last")):
        ET.SubElement(edge_declared, "attribute", {"id": str(i), "title": name, "type": "string"})
    nodes = ET.SubElement(body, "nodes")
    for vertex in graph.vs:
        node = ET.SubElement(nodes, "node", {"id": vertex["name"], "label": vertex["label"]})
        values = ET.SubElement(node, "attvalues")
        for i, (name, _) in enumerate(node_attributes):
            ET.SubElement(values, "attvalue", {"for": str(i), "value": str(vertex[name])})
    edges = ET.SubElement(body, "edges")
    for edge in graph.es:
        element = ET.SubElement(
            edges,
            "edge",
            {
                "id": str(edge.index),
                "source": graph.vs[edge.source]["name"],
                "target": graph.vs[edge.target]["name"],
                "weight": str(edge["weight"]),
            },
        )
        values = ET.SubElement(element, "attvalues")
        for i, name in enumerate(("type", "first", "last")):
            ET.SubElement(values, "attvalue", {"for": str(i), "value": str(edge[name])})
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _write_i2(
    files: ExportFiles, nodes: dict[str, dict[str, Any]], links: list[dict[str, Any]], by_node: dict[str, NodeMetrics]
) -> None:
    """Two CSV files for i2 Analyst's Notebook's importer: one row per entity (identity, type,
    label and attributes), one row per link (both ends' identities, type and attributes)."""
    handle, writer = open_safe_csv(files.i2_entities)
    with handle:
        writer.writerow(["Entity ID", "Entity Type", "Label", "Role", "Lines", "Town", "PageRank", "Community"])
        for key in sorted(nodes):
            node = nodes[key]
            metric = by_node.get(key)
            writer.writerow(
                [
                    key,
                    node["type"],
                    node["label"],
                    _role_of(node),
                    " ".join(sorted(node["lines"])),
                    node["town"],
                    metric.pagerank if metric else "",
                    metric.community if metric else "",
                ]
            )
    handle, writer = open_safe_csv(files.i2_links)
    with handle:
        writer.writerow(
            ["From Entity ID", "To Entity ID", "Link Type", "Events", "Texts", "Calls", "First Seen", "Last Seen"]
        )
        for link in links:
            writer.writerow(
                [
                    link["from"],
                    link["to"],
                    link["type"],
                    link["events"],
                    link["texts"],
                    link["calls"],
                    link["first"],
                    link["last"],
                ]
            )


def _write_metrics(files: ExportFiles, outcome: LinesOutcome, metrics: list[NodeMetrics]) -> None:
    role_of: dict[str, str] = {}
    for member in outcome.members:
        role_of.setdefault(e164(member.number), member.role.value)
    handle, writer = open_safe_csv(files.node_metrics)
    with handle:
        writer.writerow(["node", "role", "degree", "strength", "betweenness", "pagerank", "community"])
        for m in sorted(metrics, key=lambda m: (-m.pagerank, m.node)):
            writer.writerow(
                [m.node, role_of.get(m.node, ""), m.degree, m.strength, m.betweenness, m.pagerank, m.community]
            )
    handle, writer = open_safe_csv(files.key_players)
    with handle:
        writer.writerow(["line_id", "rank", "number", "role", "betweenness", "pagerank"])
        for line in outcome.lines:
            members = {e164(m.number) for m in outcome.members if m.line_id == line.line_id}
            customers = {
                e164(m.number) for m in outcome.members if m.line_id == line.line_id and m.role is Role.customer
            }
            own = [m for m in metrics if m.node in members]
            for rank, player in enumerate(key_players(own, customers), start=1):
                writer.writerow(
                    [line.line_id, rank, player.node, role_of.get(player.node, ""), player.betweenness, player.pagerank]
                )

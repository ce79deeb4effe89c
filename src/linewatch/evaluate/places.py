"""Places metrics: cuckooing (average precision, precision and recall at the flagging level, the
best precision at recall >= 0.8, look-alike homes flagged, signal records found as evidence) and
route recovery (true line routes found among the top corridors, with their stations and lines),
against truth/cuckooed_addresses.csv, lookalike_addresses.csv, signals.csv and routes.csv."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from linewatch.evaluate.registry import Figure, MetricUnavailable, metric
from linewatch.places.definition import load_places_definition
from linewatch.settings import load_settings

RECALL_FOR_PRECISION = 0.8


def _truth(county: Path, name: str) -> list[dict[str, str]]:
    path = county / "truth" / name
    if not path.exists():
        raise MetricUnavailable(f"{path} is missing: not a synthetic county")
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _output(workspace: Path, folder: str, name: str) -> list[dict[str, Any]]:
    path = load_settings(workspace).analytics_dir / folder / name
    if not path.exists():
        command = "linewatch places run" if folder == "places" else "linewatch comms lines"
        raise MetricUnavailable(f"{path} is missing: run `{command}` (or the demo) first")
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    return rows


def precision_recall_points(ranked: list[str], positives: set[str]) -> list[tuple[float, float]]:
    """(precision, recall) after each ranked item."""
    points = []
    hits = 0
    for rank, item in enumerate(ranked, start=1):
        hits += item in positives
        points.append((hits / rank, hits / len(positives) if positives else 0.0))
    return points


def average_precision(ranked: list[str], positives: set[str]) -> float:
    """Mean over positives of the precision where each is found; a positive never ranked adds 0."""
    if not positives:
        return 0.0
    hits = 0
    total = 0.0
    for rank, item in enumerate(ranked, start=1):
        if item in positives:
            hits += 1
            total += hits / rank
    return total / len(positives)


@metric("cuckooing", "places")
def cuckooing(county: Path, workspace: Path) -> list[Figure]:
    truth = {row["uprn"] for row in _truth(county, "cuckooed_addresses.csv")}
    lookalikes = {row["uprn"] for row in _truth(county, "lookalike_addresses.csv")} - truth
    scored = _output(workspace, "places", "cuckooing.parquet")
    ranked = [row["uprn"] for row in sorted(scored, key=lambda r: r["rank"]) if row["uprn"]]
    flagged = {row["uprn"] for row in scored if row["flagged"] and row["uprn"]}
    ap = average_precision(ranked, truth)
    precision = len(flagged & truth) / len(flagged) if flagged else 0.0
    recall = len(flagged & truth) / len(truth) if truth else 0.0
    curve = precision_recall_points(ranked, truth)
    best, cut = max(((p, rank) for rank, (p, r) in enumerate(curve, start=1) if r >= RECALL_FOR_PRECISION),
                    key=lambda pr: (pr[0], -pr[1]), default=(0.0, 0))  # fmt: skip
    weakest = min((row["score"] for row in scored if row["uprn"] in truth), default=0.0)
    strongest_other = max((row["score"] for row in scored if row["uprn"] not in truth), default=0.0)
    level = load_places_definition().cuckooing.flag_level.value
    return [
        Figure(
            "cuckooing average precision",
            ap,
            "average precision of every address ranked by cuckooing score, truly cuckooed addresses "
            "(truth/cuckooed_addresses.csv, by UPRN) positive",
            None,
            f"{len(truth)} cuckooed addresses among {len(scored):,} scored; weakest cuckooed {weakest:.3f}, "
            f"strongest other {strongest_other:.3f}",
        ),
        Figure(
            "cuckooing precision at the flag level",
            precision,
            f"share of addresses flagged (level {level} or above) that are truly cuckooed",
            ">= 0.5",
            f"{len(flagged & truth)} of {len(flagged)}",
        ),
        Figure(
            "cuckooing recall at the flag level",
            recall,
            f"share of cuckooed addresses flagged (level {level} or above)",
            ">= 0.8",
            f"{len(flagged & truth)} of {len(truth)}",
        ),
        Figure(
            "cuckooing precision at recall 0.8",
            best,
            "the best precision over the ranking at any cut-off that recalls at least 80% of cuckooed addresses",
            ">= 0.5",
            f"cut after rank {cut}" if cut else "80% recall never reached",
        ),
        Figure(
            "look-alike homes flagged",
            len(flagged & lookalikes) / len(lookalikes) if lookalikes else 0.0,
            "share of look-alike addresses (noise, drug litter or visitor reports, not cuckooed; "
            "truth/lookalike_addresses.csv) flagged",
            None,
            f"{len(flagged & lookalikes)} of {len(lookalikes)}",
        ),
        *_signal_coverage(county, workspace, flagged),
    ]


def _signal_coverage(county: Path, workspace: Path, flagged: set[str]) -> list[Figure]:
    """How many of the records the truth marks as cuckooing signals are listed as evidence of a
    flagged address: does the list show housing and police the records behind it?"""
    signals = {
        (row["agency"], row["record_id"]) for row in _truth(county, "signals.csv") if row["signal"] == "cuckooing"
    }
    if not signals:
        return []
    flagged_ids = {f"uprn-{uprn}" for uprn in flagged}
    evidence = {
        (row["agency"], row["source_id"])
        for row in _output(workspace, "places", "cuckooing_evidence.parquet")
        if row["finding_id"] in flagged_ids
    }
    found = signals & evidence
    return [
        Figure(
            "cuckooing signal records shown as evidence",
            len(found) / len(signals),
            "share of the records truth marks as cuckooing signals (truth/signals.csv: housing reports, police "
            "incidents, intelligence) listed as evidence of a flagged address",
            None,
            f"{len(found)} of {len(signals)}",
        )
    ]


def _line_names(workspace: Path, county: Path) -> dict[str, str]:
    """Detected line id -> true line id, by the numbers they share (most shared wins)."""
    true_line = {row["number"]: row["line_id"] for row in _truth(county, "line_numbers.csv")}
    votes: dict[str, dict[str, int]] = {}
    try:
        rows = _output(workspace, "lines", "line_numbers.parquet")
    except MetricUnavailable:
        return {}
    for row in rows:
        truth_id = true_line.get(row["number"])
        if truth_id:
            votes.setdefault(row["line_id"], {}).setdefault(truth_id, 0)
            votes[row["line_id"]][truth_id] += 1
    return {line: max(v.items(), key=lambda kv: (kv[1], kv[0]))[0] for line, v in votes.items()}


@metric("route recovery", "places")
def route_recovery(county: Path, workspace: Path) -> list[Figure]:
    routes = _truth(county, "routes.csv")
    top = load_places_definition().routes.top
    corridors = [row for row in _output(workspace, "places", "corridors.parquet") if row["rank"] <= top]
    names = _line_names(workspace, county)
    towns = stations = lines = 0
    for route in routes:
        match = next(
            (c for c in corridors
             if c["origin_town"] == route["origin_town"] and c["destination_town"] == route["destination_town"]),
            None,
        )  # fmt: skip
        if match is None:
            continue
        towns += 1
        stations += (match["origin_station"], match["destination_station"]) == (
            route["origin_station"],
            route["destination_station"],
        )
        lines += route["line_id"] in {names.get(line) for line in match["lines"] or []}
    pairs = {(r["origin_town"], r["destination_town"]) for r in routes}
    ranked = sorted(_output(workspace, "places", "corridors.parquet"), key=lambda r: r["rank"])[: len(pairs)]
    true_first = sum((c["origin_town"], c["destination_town"]) in pairs for c in ranked)
    n = len(routes) or 1
    return [
        Figure(
            "routes recovered (towns)",
            towns / n,
            f"share of true line routes (truth/routes.csv: line, origin town -> destination town) whose towns, "
            f"in that direction, are a corridor among the top {top}",
            ">= 0.8",
            f"{towns} of {len(routes)}",
        ),
        Figure(
            "routes recovered (stations)",
            stations / n,
            f"share of true line routes whose corridor (top {top}) has the true origin and destination "
            "stations as its most used pair",
            None,
            f"{stations} of {len(routes)}",
        ),
        Figure(
            "routes recovered (line on the corridor)",
            lines / n,
            f"share of true line routes whose corridor (top {top}) names the detected line that is the true line "
            "(matched by shared numbers)",
            None,
            f"{lines} of {len(routes)}",
        ),
        Figure(
            "top corridors that are true routes",
            true_first / len(pairs) if pairs else 0.0,
            "share of the N highest-ranked corridors that are true line routes, N the number of distinct true "
            "origin -> destination town pairs",
            None,
            f"{true_first} of {len(pairs)}",
        ),
    ]

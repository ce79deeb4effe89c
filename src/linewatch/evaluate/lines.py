"""Lines metrics: deal-line detection (average precision of the number ranking), line
continuity (true number changes recovered), roles and geography, against truth/comms_*.csv."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from linewatch.evaluate.registry import Figure, MetricUnavailable, metric
from linewatch.settings import load_settings


def _truth(county: Path, name: str) -> list[dict[str, str]]:
    path = county / "truth" / name
    if not path.exists():
        raise MetricUnavailable(f"{path} is missing: not a county with communications data")
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _output(workspace: Path, name: str) -> list[dict[str, Any]]:
    path = load_settings(workspace).analytics_dir / "lines" / name
    if not path.exists():
        raise MetricUnavailable(f"{path} is missing: run `linewatch comms lines` (or the demo) first")
    return pq.read_table(path).to_pylist()


def average_precision(ranked: list[str], positives: set[str]) -> float:
    """Mean over positives of the precision at the rank where each is found; a positive never
    ranked counts as precision 0."""
    if not positives:
        return 0.0
    hits = 0
    total = 0.0
    for rank, number in enumerate(ranked, start=1):
        if number in positives:
            hits += 1
            total += hits / rank
    return total / len(positives)


@metric("deal-line detection", "lines")
def deal_line_detection(county: Path, workspace: Path) -> list[Figure]:
    truth_numbers = {row["number"] for row in _truth(county, "comms_lines.csv")}
    scores = _output(workspace, "number_scores.parquet")
    ranked = [row["number"] for row in sorted(scores, key=lambda r: (-r["line_score"], r["number"]))]
    ap = average_precision(ranked, truth_numbers)
    found = {row["number"] for row in _output(workspace, "line_numbers.parquet")}
    recall = len(found & truth_numbers) / len(truth_numbers) if truth_numbers else 0.0
    precision = len(found & truth_numbers) / len(found) if found else 0.0
    lookalike = max((r["line_score"] for r in scores if r["number"] not in truth_numbers), default=0.0)
    weakest = min((r["line_score"] for r in scores if r["number"] in truth_numbers), default=0.0)
    return [
        Figure(
            "line-number average precision",
            ap,
            "average precision of all numbers ranked by line score, true line numbers (truth/comms_lines.csv) positive",
            ">= 0.95",
            f"{len(truth_numbers)} true line numbers among {len(scores):,} scored; weakest true line number "
            f"{weakest:.3f}, strongest other number {lookalike:.3f}",
        ),
        Figure(
            "line numbers found (recall)",
            recall,
            "share of true line numbers placed in a detected line",
            None,
            f"{len(found & truth_numbers)} of {len(truth_numbers)}",
        ),
        Figure(
            "line numbers found (precision)",
            precision,
            "share of numbers placed in detected lines that are true line numbers",
            None,
            f"{len(found & truth_numbers)} of {len(found)}",
        ),
    ]


@metric("line continuity", "lines")
def line_continuity(county: Path, workspace: Path) -> list[Figure]:
    by_line: dict[str, list[str]] = {}
    for row in _truth(county, "comms_lines.csv"):
        by_line.setdefault(row["line_id"], []).append(row["number"])
    true_changes = {(a, b) for numbers in by_line.values() for a, b in itertools.pairwise(numbers)}
    line_of = {row["number"]: row["line_id"] for row in _output(workspace, "line_numbers.parquet")}
    recovered = {(a, b) for a, b in true_changes if a in line_of and line_of[a] == line_of.get(b)}
    found = {(row["old_number"], row["new_number"]) for row in _output(workspace, "number_changes.parquet")}
    recall = len(recovered) / len(true_changes) if true_changes else 1.0
    precision = len(found & true_changes) / len(found) if found else 1.0
    return [
        Figure(
            "number changes recovered",
            recall,
            "share of true number changes (consecutive numbers of one line) whose two numbers are in the "
            "same detected line",
            ">= 0.9",
            f"{len(recovered)} of {len(true_changes)}",
        ),
        Figure(
            "number changes correct",
            precision,
            "share of detected number changes (old -> new) that are true changes",
            None,
            f"{len(found & true_changes)} of {len(found)}",
        ),
    ]


@metric("line roles and geography", "lines")
def line_roles(county: Path, workspace: Path) -> list[Figure]:
    truth_roles = {(row["number"], row["role"]) for row in _truth(county, "comms_roles.csv")}
    gang_truth = {(n, r) for n, r in truth_roles if r in {"controller", "runner"}}
    members = _output(workspace, "line_members.parquet")
    found = {(row["number"], row["role"]) for row in members if row["role"] in {"controller", "runner"}}
    numbers_found = {n for n, _ in found}
    right = found & gang_truth
    recall = len({n for n, _ in right}) / len({n for n, _ in gang_truth}) if gang_truth else 0.0
    precision = len(right) / len(found) if found else 0.0
    true_numbers = {n for n, _ in truth_roles}
    customers = {row["number"] for row in members if row["role"] == "customer"}
    true_customers = {n for n, r in truth_roles if r == "customer"}
    return [
        Figure(
            "controllers and runners found",
            recall,
            "share of true controller and runner numbers given that role",
            None,
            f"{len({n for n, _ in right})} of {len({n for n, _ in gang_truth})}",
        ),
        Figure(
            "controller and runner roles correct",
            precision,
            "share of numbers given a controller or runner role whose truth role is the same",
            None,
            f"{len(right)} of {len(found)}; {len(numbers_found - true_numbers)} not in the truth",
        ),
        Figure(
            "customers correct",
            len(customers & true_customers) / len(customers) if customers else 0.0,
            "share of numbers given the customer role that are true customers",
            None,
            f"{len(customers & true_customers)} of {len(customers)}; {len(true_customers):,} true customers",
        ),
    ]

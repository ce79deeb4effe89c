"""`linewatch comms lines`: from ingested call records to scored numbers, lines with their
history of numbers and handsets, members with roles, geography and linked person records.

The heavy steps are SQL on the chosen engine (features.py, scoring.py, and the queries below);
what comes back is small (line numbers and their contacts) and is handled by the pure
functions of continuity.py, roles.py and geography.py. Outputs go to <analytics_dir>/lines/.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine

from linewatch.lines.continuity import Line, LineNumber, continuity_scores, link_lines
from linewatch.lines.engine import LinesEngine, open_engine
from linewatch.lines.features import (
    FIRST_MONDAY,
    FeatureSteps,
    compute_features,
    compute_neighbourhood,
    day_bit_sql,
)
from linewatch.lines.geography import LineGeography, line_geography, usual_towns
from linewatch.lines.ingest import CommsIngestError
from linewatch.lines.mapping import RecordKind
from linewatch.lines.roles import Contact, Member, Role, RoleRules, assign_roles
from linewatch.lines.scoring import ScoreDefinition, load_score_definition, number_scores_sql, score_steps
from linewatch.lines.workspace import CommsWorkspace
from linewatch.settings import Settings


def e164(number: int) -> str:
    return f"+{number}"


@dataclass(slots=True)
class LinesOutcome:
    """Everything `comms lines` found, kept in memory for the CLI, exports and tests."""

    engine: str
    records: int
    numbers_scored: int
    scores: pa.Table  # one row per number: its best week's features, evidence and score
    lines: list[Line]
    geography: dict[str, LineGeography]
    members: list[Member]
    handsets: list[dict[str, Any]]
    contact_edges: pa.Table  # a, b, events, texts, calls among the lines' members
    people: list[dict[str, str]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    out_dir: Path | None = None


def _in_list(numbers: list[int]) -> pa.Table:
    return pa.table({"number": pa.array(sorted(set(numbers)), pa.int64())})


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    return table.to_pylist()


def run_lines(
    settings: Settings,
    engine_name: str = "duckdb",
    definition: ScoreDefinition | None = None,
    store: Engine | None = None,
    write: bool = True,
) -> LinesOutcome:
    """Score every number, find the lines and describe them; see the module docstring."""
    definition = definition or load_score_definition()
    workspace = CommsWorkspace(settings.analytics_dir)
    calls = workspace.files(RecordKind.calls)
    if not calls:
        raise CommsIngestError(
            f"no call records in {workspace.root}: load some first with `linewatch comms ingest FILES`"
        )
    cell_files = workspace.files(RecordKind.cell_sites)
    seconds: dict[str, float] = {}
    with open_engine(engine_name) as engine:
        started = time.perf_counter()
        engine.register_parquet("calls", calls)
        if cell_files:
            engine.register_parquet("cell_sites", cell_files)
        span = _span(calls)
        if span is None:  # no statistics in the files: one scan of the start times instead
            epoch = engine.epoch_seconds("started_at")
            span = engine.fetch(f"SELECT count(*) AS n, min({epoch}) AS lo, max({epoch}) AS hi FROM calls").to_pylist()[
                0
            ]
        first_year = datetime.fromtimestamp(span["lo"], UTC).year
        last_year = datetime.fromtimestamp(span["hi"], UTC).year
        steps = compute_features(engine, definition, first_year, last_year)
        for name, sql in score_steps(definition):
            engine.materialise(name, sql)
        scores = engine.fetch(f"SELECT * FROM ({number_scores_sql(definition)}) scored ORDER BY score DESC, number")
        seconds["features and scores"] = time.perf_counter() - started
        started = time.perf_counter()
        ranked = scores.select(["number", "score", "burst_days"]).to_pylist()
        line_numbers = [row["number"] for row in ranked if row["score"] >= definition.line_threshold]
        flaring = [
            row["number"] for row in ranked if row["score"] < definition.line_threshold and row["burst_days"] > 0
        ]
        details = _candidate_details(steps, line_numbers + flaring, bool(cell_files))
        seconds["line details"] = time.perf_counter() - started
        started = time.perf_counter()
        lines = _link_lines(scores, line_numbers, flaring, details)
        seconds["continuity, roles, geography"] = time.perf_counter() - started
        started = time.perf_counter()
        _add_town_usage(engine, details, lines, bool(cell_files))
        seconds["line details"] += time.perf_counter() - started
    started = time.perf_counter()
    geography, members = _describe_lines(lines, details)
    scores = _with_line_scores(scores, lines)
    outcome = LinesOutcome(
        engine=engine_name,
        records=int(span["n"]),
        numbers_scored=scores.num_rows,
        scores=scores,
        lines=lines,
        geography=geography,
        members=members,
        handsets=details["handsets"],
        contact_edges=_member_edges(details["pairs"], members),
        seconds=seconds,
    )
    if store is not None:
        from linewatch.lines.people import linked_people

        roles = {(m.number): m for m in members if m.role is not Role.customer}
        outcome.people = [
            {
                "line_id": roles[int(link.number[1:])].line_id,
                "number": link.number,
                "role": roles[int(link.number[1:])].role.value,
                "agency": link.agency,
                "source_id": link.source_id,
                "via": link.via,
            }
            for link in linked_people(store, [e164(n) for n in roles])
        ]
    seconds["continuity, roles, geography"] += time.perf_counter() - started
    if write:
        outcome.out_dir = write_outcome(outcome, workspace.lines_dir, definition)
    return outcome


def _span(files: list[Path]) -> dict[str, int] | None:
    """Records and first/last start time (epoch seconds) from the Parquet footers' statistics,
    without reading the data; None when a file has no statistics for started_at."""
    rows, lo, hi = 0, None, None
    for path in files:
        metadata = pq.ParquetFile(path).metadata
        column = metadata.schema.names.index("started_at")
        rows += metadata.num_rows
        for group in range(metadata.num_row_groups):
            statistics = metadata.row_group(group).column(column).statistics
            if statistics is None or not statistics.has_min_max:
                return None
            low, high = statistics.min, statistics.max
            low = low if isinstance(low, datetime) else None
            high = high if isinstance(high, datetime) else None
            if low is None or high is None:
                return None
            lo = low if lo is None else min(lo, low)
            hi = high if hi is None else max(hi, high)
    if lo is None or hi is None:
        return None
    return {"n": rows, "lo": int(lo.replace(tzinfo=UTC).timestamp()), "hi": int(hi.replace(tzinfo=UTC).timestamp())}


def _usage_sql(source: str, has_cells: bool) -> str:
    """Per number, handset and town: records and first/last time, from `source` (columns
    number, imei, cell_id, t). The records are aggregated first, then the (few) cells named."""
    if has_cells:
        town = "s.town"
        join = (
            "LEFT JOIN (SELECT cell_id, min(town) AS town FROM cell_sites GROUP BY cell_id) s ON s.cell_id = u.cell_id"
        )
    else:
        town, join = "CAST(NULL AS VARCHAR)", ""
    return f"""
    SELECT u.number, u.imei, {town} AS town, CAST(sum(u.records) AS BIGINT) AS records,
           min(u.first_t) AS first_t, max(u.last_t) AS last_t
    FROM (
        SELECT number, imei, cell_id, count(*) AS records, min(t) AS first_t, max(t) AS last_t
        FROM ({source}) own
        GROUP BY number, imei, cell_id
    ) u {join}
    GROUP BY u.number, u.imei, {town}
    ORDER BY number, imei, town
    """


def _candidate_details(steps: FeatureSteps, candidates: list[int], has_cells: bool) -> dict[str, Any]:
    """What continuity and roles need about the candidate numbers (scored lines and other
    flaring numbers) and the people around them. Everything about the candidates comes from
    flare_events and flare_pairs (their own records, kept by compute_features); only the
    strong ties of their possible controllers and runners need another pass over the records."""
    engine, definition = steps.engine, steps.definition
    busy = {row["number"] for row in engine.fetch("SELECT number FROM busy_senders").to_pylist()}
    engine.register_arrow("line_numbers", _in_list(candidates))
    if not set(candidates) <= busy:
        # Only with a score definition under which a number that never sent a burst of texts
        # can score as a line: widen the kept records to those numbers too.
        engine.register_arrow("detail_numbers", _in_list([*busy, *candidates]))
        compute_neighbourhood(steps, "detail_numbers")
    pairs = engine.fetch(
        """
        SELECT a, b, CAST(sum(events) AS BIGINT) AS events, CAST(sum(texts) AS BIGINT) AS texts,
               CAST(sum(answered_calls) AS BIGINT) AS calls,
               CAST(sum(short_calls) AS BIGINT) AS short_calls, min(first_t) AS first_t, max(last_t) AS last_t,
               CAST(sum(bit_count(day_mask)) AS BIGINT) AS days
        FROM flare_pairs
        WHERE a IN (SELECT number FROM line_numbers) OR b IN (SELECT number FROM line_numbers)
        GROUP BY a, b ORDER BY a, b
        """
    )
    flares = engine.fetch(
        """
        SELECT a, b, count(*) AS flare_texts
        FROM busy_texts
        WHERE a IN (SELECT number FROM line_numbers)
        GROUP BY a, b ORDER BY a, b
        """
    )
    line_set = set(candidates)
    pair_rows = _rows(pairs)
    flare_recipients = {row["b"] for row in flares.to_pylist()}
    contacts = {r["a"] if r["b"] in line_set else r["b"] for r in pair_rows} - line_set
    # Possible controllers: contacts off the flare list; their own contacts may be runners.
    gang = sorted(contacts - flare_recipients)
    engine.register_arrow("gang_candidates", _in_list(gang))
    rules = RoleRules()
    # Only ties strong enough to make a runner matter (both directions counted together).
    second_hop = engine.fetch(
        f"""
        SELECT least(a, b) AS a, greatest(a, b) AS b, CAST(sum(events) AS BIGINT) AS events,
               CAST(sum(bit_count(day_mask)) AS BIGINT) AS days
        FROM (
            SELECT a, b, w, count(*) AS events, bit_or({day_bit_sql(engine, definition)}) AS day_mask
            FROM ({steps.neighbourhood("gang_candidates")}) gang_events
            GROUP BY a, b, w
        ) p
        GROUP BY least(a, b), greatest(a, b)
        HAVING sum(events) >= {rules.min_gang_events} AND sum(bit_count(day_mask)) >= {rules.min_gang_days}
        ORDER BY a, b
        """
    )
    usage_rows = _rows(
        engine.fetch(
            _usage_sql(
                "SELECT a AS number, imei, cell_id, t FROM flare_events WHERE a IN (SELECT number FROM line_numbers)",
                has_cells,
            )
        )
    )
    handsets: dict[tuple[int, str], dict[str, Any]] = {}
    for row in usage_rows:
        if row["number"] not in line_set or row["imei"] is None:
            continue
        key = (row["number"], row["imei"])
        seen = handsets.setdefault(
            key,
            {
                "number": row["number"],
                "imei": row["imei"],
                "records": 0,
                "first_t": row["first_t"],
                "last_t": row["last_t"],
            },
        )
        seen["records"] += row["records"]
        seen["first_t"] = min(seen["first_t"], row["first_t"])
        seen["last_t"] = max(seen["last_t"], row["last_t"])
    return {
        "candidates": candidates,
        "pairs": pairs,
        "pair_rows": pair_rows,
        "flares": flares,
        "second_hop": second_hop,
        "usage": usage_rows,
        "handsets": sorted(handsets.values(), key=lambda h: (h["number"], h["first_t"], h["imei"])),
    }


def _add_town_usage(engine: LinesEngine, details: dict[str, Any], lines: list[Line], has_cells: bool) -> None:
    """Adds to details["usage"] the records per town of every number whose usual town the roles
    and geography of `lines` look up: the lines' contacts and their controllers' strong ties.
    (The lines' own numbers are candidates, already there.) One pass over the records, for a
    few thousand numbers."""
    own = {n.number for line in lines for n in line.numbers}
    contacts = {other for mine, other, _ in _directed(details["pair_rows"]) if mine in own} - own
    ties = {other for mine, other in _tie_ends(details["second_hop"]) if mine in contacts}
    wanted = (contacts | ties) - set(details["candidates"])
    if not wanted:
        return
    engine.register_arrow("town_numbers", _in_list(list(wanted)))
    epoch = engine.epoch_seconds("started_at")
    usage = engine.fetch(
        _usage_sql(
            f"SELECT a_number AS number, imei, cell_id, {epoch} AS t FROM calls "
            "WHERE a_number IN (SELECT number FROM town_numbers)",
            has_cells,
        )
    )
    details["usage"] = details["usage"] + _rows(usage)


def _directed(pair_rows: list[dict[str, Any]]) -> list[tuple[int, int, dict[str, Any]]]:
    """Each pair row seen from both ends: (mine, other, row)."""
    return [(row[x], row[y], row) for row in pair_rows for x, y in (("a", "b"), ("b", "a"))]


def _tie_ends(second_hop: pa.Table) -> list[tuple[int, int]]:
    return [(row[x], row[y]) for row in _rows(second_hop) for x, y in (("a", "b"), ("b", "a"))]


def _with_line_scores(scores: pa.Table, lines: list[Line]) -> pa.Table:
    """Adds line_score (the number's own score, or what it inherits by continuity) and the
    continuity reason; the ranking of numbers is by line_score."""
    inherited = continuity_scores(lines)
    numbers = scores.column("number").to_pylist()
    own = scores.column("score").to_pylist()
    line_score = [inherited[n][0] if n in inherited else s for n, s in zip(numbers, own, strict=True)]
    reason = [inherited[n][1] if n in inherited else None for n in numbers]
    return scores.append_column("line_score", pa.array(line_score, pa.float64())).append_column(
        "continuity", pa.array(reason, pa.string())
    )


def _flare_texts(details: dict[str, Any]) -> dict[tuple[int, int], int]:
    return {(r["a"], r["b"]): r["flare_texts"] for r in _rows(details["flares"])}


def _link_lines(scores: pa.Table, scored: list[int], flaring: list[int], details: dict[str, Any]) -> list[Line]:
    """The candidates' activity, customers and handsets, joined into lines by continuity."""
    line_numbers = scored + flaring
    line_set = set(line_numbers)
    score_of = {
        row["number"]: row["score"]
        for row in scores.select(["number", "score"]).to_pylist()
        if row["number"] in line_set
    }
    scored_set = set(scored)
    customers: dict[int, set[int]] = {n: set() for n in line_numbers}
    active: dict[int, list[int]] = {n: [2**62, 0] for n in line_numbers}
    flare_texts = _flare_texts(details)
    for line, other, row in _directed(details["pair_rows"]):
        if line not in line_set:
            continue
        span = active[line]
        span[0], span[1] = min(span[0], row["first_t"]), max(span[1], row["last_t"])
        if other not in line_set and (flare_texts.get((line, other), 0) > 0 or row["short_calls"] > 0):
            customers[line].add(other)
    handsets: dict[int, set[str]] = {}
    for handset in details["handsets"]:
        handsets.setdefault(handset["number"], set()).add(handset["imei"])
    numbers = [
        LineNumber(
            n,
            float(score_of[n]),
            active[n][0],
            active[n][1],
            frozenset(customers[n]),
            frozenset(handsets.get(n, set())),
            scored_line=n in scored_set,
        )
        for n in sorted(line_numbers)
    ]
    return link_lines(numbers)


def _describe_lines(lines: list[Line], details: dict[str, Any]) -> tuple[dict[str, LineGeography], list[Member]]:
    """Each line's geography and members (customers, controllers, runners) with their roles."""
    line_set = {n.number for line in lines for n in line.numbers}
    cell_counts: dict[int, Counter[str]] = {}
    for row in details["usage"]:
        if row["town"] is not None:
            cell_counts.setdefault(row["number"], Counter())[row["town"]] += row["records"]
    towns = usual_towns([(n, town, count) for n, counter in cell_counts.items() for town, count in counter.items()])
    second: dict[int, dict[int, Contact]] = {}
    for row in _rows(details["second_hop"]):
        for mine, other in ((row["a"], row["b"]), (row["b"], row["a"])):
            bucket = second.setdefault(mine, {})
            previous = bucket.get(other)
            bucket[other] = Contact(
                other,
                0,
                row["events"] + (previous.events if previous else 0),
                row["days"] + (previous.days if previous else 0),
            )
    flare_texts = _flare_texts(details)
    pairs_of: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    for mine, other, row in _directed(details["pair_rows"]):
        if mine in line_set and other not in line_set:
            pairs_of.setdefault(mine, []).append((other, row))
    geography: dict[str, LineGeography] = {}
    members: list[Member] = []
    for line in lines:
        own = [n.number for n in line.numbers]
        merged: dict[int, Contact] = {}
        for mine in own:
            for other, row in pairs_of.get(mine, []):
                before = merged.get(other, Contact(other, 0, 0, 0))
                sent = row["texts"] if row["a"] == mine else 0
                merged[other] = Contact(
                    other,
                    before.flare_texts + flare_texts.get((mine, other), 0),
                    before.events + row["events"],
                    before.days + row["days"],
                    before.texts_from_line + sent,
                )
        line_customers = sorted(c.number for c in merged.values() if c.flare_texts >= 2)
        place = line_geography(own, line_customers, cell_counts, towns)
        geography[line.line_id] = place
        controller_contacts = {n: list(second.get(n, {}).values()) for n in merged}
        members.extend(assign_roles(line.line_id, own, list(merged.values()), controller_contacts, towns, place.origin))
    return geography, members


def _member_edges(pairs: pa.Table, members: list[Member]) -> pa.Table:
    wanted = {m.number for m in members}
    rows = [r for r in _rows(pairs) if r["a"] in wanted and r["b"] in wanted]
    return pa.table(
        {
            "a": pa.array([r["a"] for r in rows], pa.int64()),
            "b": pa.array([r["b"] for r in rows], pa.int64()),
            "events": pa.array([r["events"] for r in rows], pa.int64()),
            "texts": pa.array([r["texts"] for r in rows], pa.int64()),
            "calls": pa.array([r["calls"] for r in rows], pa.int64()),
            "first_t": pa.array([r["first_t"] for r in rows], pa.int64()),
            "last_t": pa.array([r["last_t"] for r in rows], pa.int64()),
        }
    )


def week_start(week: int, window_days: int) -> str:
    day = FIRST_MONDAY + week * window_days
    return datetime.fromtimestamp(day * 86_400, UTC).date().isoformat()


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def outcome_tables(outcome: LinesOutcome, definition: ScoreDefinition) -> dict[str, pa.Table]:
    """The outputs as tables with numbers in E.164 and times in ISO 8601 (UTC)."""
    scores = outcome.scores
    number_text = pa.array([e164(n) for n in scores.column("number").to_pylist()], pa.string())
    week_text = pa.array(
        [week_start(w, definition.window_days) for w in scores.column("week").to_pylist()], pa.string()
    )
    keep = [c for c in scores.column_names if c not in {"number", "week", "best"}]
    number_scores = pa.table({"number": number_text, "week_start": week_text, **{c: scores.column(c) for c in keep}})
    line_of = {n.number: line.line_id for line in outcome.lines for n in line.numbers}
    tables = {
        "number_scores": number_scores,
        "line_numbers": pa.Table.from_pylist(
            [
                {
                    "line_id": line.line_id,
                    "position": i + 1,
                    "number": e164(n.number),
                    "score": n.score,
                    "first_seen": _iso(n.first_t),
                    "last_seen": _iso(n.last_t),
                    "customers": len(n.customers),
                }
                for line in outcome.lines
                for i, n in enumerate(line.numbers)
            ]
        ),
        "number_changes": pa.Table.from_pylist(
            [
                {
                    "line_id": line.line_id,
                    "old_number": e164(c.old),
                    "new_number": e164(c.new),
                    "customer_overlap": c.overlap,
                    "gap_days": c.gap_days,
                    "same_handset": c.same_handset,
                }
                for line in outcome.lines
                for c in line.changes
            ]
        ),
        "line_handsets": pa.Table.from_pylist(
            [
                {
                    "line_id": line_of[h["number"]],
                    "number": e164(h["number"]),
                    "imei": h["imei"],
                    "records": h["records"],
                    "first_seen": _iso(h["first_t"]),
                    "last_seen": _iso(h["last_t"]),
                }
                for h in outcome.handsets
                if h["number"] in line_of
            ]
        ),
        "line_members": pa.Table.from_pylist(
            [
                {
                    "line_id": m.line_id,
                    "number": e164(m.number),
                    "role": m.role.value,
                    "town": m.town,
                    "events": m.events,
                    "reason": m.reason,
                }
                for m in outcome.members
            ]
        ),
        "line_people": pa.Table.from_pylist(outcome.people)
        if outcome.people
        else pa.table({"line_id": pa.array([], pa.string())}),
    }
    return tables


def line_profiles(outcome: LinesOutcome) -> list[dict[str, Any]]:
    """One JSON-ready profile per line: numbers, handsets, geography, members by role."""
    profiles = []
    for line in outcome.lines:
        own = {n.number for n in line.numbers}
        members = [m for m in outcome.members if m.line_id == line.line_id]
        place = outcome.geography[line.line_id]
        profiles.append(
            {
                "line_id": line.line_id,
                "summary": place.describe(),
                "origin": place.origin,
                "market_towns": list(place.market_towns),
                "score": max(n.score for n in line.numbers),
                "numbers": [
                    {
                        "number": e164(n.number),
                        "first_seen": _iso(n.first_t),
                        "last_seen": _iso(n.last_t),
                        "score": n.score,
                        "customers": len(n.customers),
                    }
                    for n in line.numbers
                ],
                "number_changes": [
                    {
                        "old": e164(c.old),
                        "new": e164(c.new),
                        "customer_overlap": c.overlap,
                        "gap_days": c.gap_days,
                        "same_handset": c.same_handset,
                    }
                    for c in line.changes
                ],
                "handsets": [
                    {
                        "number": e164(h["number"]),
                        "imei": h["imei"],
                        "first_seen": _iso(h["first_t"]),
                        "last_seen": _iso(h["last_t"]),
                    }
                    for h in outcome.handsets
                    if h["number"] in own
                ],
                "controllers": [e164(m.number) for m in members if m.role is Role.controller],
                "runners": [{"number": e164(m.number), "town": m.town} for m in members if m.role is Role.runner],
                "customers": len([m for m in members if m.role is Role.customer]),
                "linked_records": [p for p in outcome.people if p["line_id"] == line.line_id],
            }
        )
    return profiles


def write_outcome(outcome: LinesOutcome, lines_dir: Path, definition: ScoreDefinition) -> Path:
    """Write every output to a fresh folder, then swap it in, so readers never see a mix."""
    partial = lines_dir.with_name(lines_dir.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for name, table in outcome_tables(outcome, definition).items():
        pq.write_table(table, partial / f"{name}.parquet", compression="zstd")
    (partial / "line_profiles.json").write_text(json.dumps(line_profiles(outcome), indent=2), encoding="utf-8")
    (partial / "run.json").write_text(
        json.dumps(
            {
                "engine": outcome.engine,
                "records": outcome.records,
                "numbers_scored": outcome.numbers_scored,
                "lines": len(outcome.lines),
                "seconds": {k: round(v, 2) for k, v in outcome.seconds.items()},
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    old = lines_dir.with_name(lines_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if lines_dir.exists():
        os.replace(lines_dir, old)
    os.replace(partial, lines_dir)
    shutil.rmtree(old, ignore_errors=True)
    return lines_dir

"""The places outputs in the analytics workspace, and the one file screening reads.

    <analytics_dir>/places/cuckooing.parquet           one row per address with any signal, ranked
    <analytics_dir>/places/hotspots.parquet            one row per hotspot, ranked
    <analytics_dir>/places/peer_groups.parquet         one row per peer group; peer_members.parquet
    <analytics_dir>/places/corridors.parquet           one row per corridor, ranked
    <analytics_dir>/places/stations.parquet            stations and their towns (for maps)
    <analytics_dir>/places/*_evidence.parquet          the records behind each finding
    <analytics_dir>/places/flagged_places.parquet      addresses and hotspots at their flagging level
    <analytics_dir>/places/geojson/*.geojson           map layers (geojson.py)
    <analytics_dir>/places/run.json                    when, as of what, from what, how long

Results are rebuilt whole from the store and the comms workspace on every run, so they live as
Parquet beside the lines outputs (read by DuckDB, screening and exports) rather than as store
tables: nothing here is edited or versioned. Each file is written under a temporary name and
moved into place, so a reader never sees half a file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from linewatch.places.cuckooing import CuckooingAssessment
from linewatch.places.definition import CuckooingSignal
from linewatch.places.findings import LinkedEvidence, Reason
from linewatch.places.gazetteer import Gazetteer
from linewatch.places.geo import distance_m
from linewatch.places.hotspots import Hotspot
from linewatch.places.peers import PeerGroup
from linewatch.places.routes import Corridor
from linewatch.settings import Settings

FLAGGED_SCHEMA = pa.schema(
    [
        pa.field("place_id", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),  # cuckooing | hotspot
        pa.field("uprn", pa.string()),
        pa.field("postcode", pa.string()),
        pa.field("latitude", pa.float64()),
        pa.field("longitude", pa.float64()),
        pa.field("radius_m", pa.float64()),
        pa.field("level", pa.string(), nullable=False),
        pa.field("score", pa.float64(), nullable=False),
        pa.field("label", pa.string(), nullable=False),
        pa.field("reasons", pa.string(), nullable=False),
    ]
)

EVIDENCE_SCHEMA = pa.schema(
    [
        pa.field("finding_id", pa.string()),
        pa.field("signal", pa.string()),
        pa.field("schema", pa.string()),
        pa.field("agency", pa.string()),
        pa.field("source_id", pa.string()),
        pa.field("date", pa.timestamp("us")),
        pa.field("description", pa.string()),
    ]
)


def places_dir(settings: Settings) -> Path:
    return settings.analytics_dir / "places"


def write_table(path: Path, table: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(path.suffix + ".partial")
    pq.write_table(table, temp, compression="zstd")
    os.replace(temp, path)


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(path.suffix + ".partial")
    temp.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    os.replace(temp, path)


def reasons_json(reasons: list[Reason]) -> str:
    return json.dumps(
        [
            {"signal": r.signal, "label": r.label, "value": r.value, "evidence": r.evidence, "points": r.points,
             "text": r.text, "schemas": list(r.schemas)}
            for r in reasons
        ]
    )  # fmt: skip


def evidence_table(items: list[LinkedEvidence]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {"finding_id": i.finding_id, "signal": i.signal, "schema": i.evidence.schema, "agency": i.evidence.agency,
             "source_id": i.evidence.source_id, "date": i.evidence.date, "description": i.evidence.description}
            for i in items
        ],
        schema=EVIDENCE_SCHEMA,
    )  # fmt: skip


def write_cuckooing(directory: Path, assessments: list[CuckooingAssessment]) -> None:
    rows = []
    for a in assessments:
        points = {r.signal: r.points for r in a.reasons}
        rows.append(
            {
                "place_id": a.place_id, "rank": a.rank, "uprn": a.uprn, "address": a.address, "town": a.town,
                "postcode": a.postcode, "latitude": a.point.latitude if a.point else None,
                "longitude": a.point.longitude if a.point else None, "point_source": a.point_source,
                "score": a.score, "level": a.level.value, "flagged": a.flagged, "status": a.status,
                "action": a.action, "reasons": a.reasons_text(), "reasons_json": reasons_json(a.reasons),
                **{f"points_{s.value}": float(points.get(s.value, 0.0)) for s in CuckooingSignal},
                "tenant_subject": a.tenant_subject, "lines": a.lines, "young_people": a.young_people,
                "first_signal": a.first_signal, "last_signal": a.last_signal, "months_json": json.dumps(a.months),
            }
        )  # fmt: skip
    write_table(directory / "cuckooing.parquet", _table(rows, CUCKOOING_SCHEMA))
    write_table(directory / "cuckooing_evidence.parquet", evidence_table([e for a in assessments for e in a.evidence]))


CUCKOOING_SCHEMA = pa.schema(
    [
        ("place_id", pa.string()), ("rank", pa.int64()), ("uprn", pa.string()), ("address", pa.string()),
        ("town", pa.string()), ("postcode", pa.string()), ("latitude", pa.float64()), ("longitude", pa.float64()),
        ("point_source", pa.string()), ("score", pa.float64()), ("level", pa.string()), ("flagged", pa.bool_()),
        ("status", pa.string()), ("action", pa.string()), ("reasons", pa.string()), ("reasons_json", pa.string()),
        *[(f"points_{s.value}", pa.float64()) for s in CuckooingSignal],
        ("tenant_subject", pa.string()), ("lines", pa.list_(pa.string())), ("young_people", pa.list_(pa.string())),
        ("first_signal", pa.timestamp("us")), ("last_signal", pa.timestamp("us")), ("months_json", pa.string()),
    ]
)  # fmt: skip

HOTSPOT_SCHEMA = pa.schema(
    [
        ("hotspot_id", pa.string()), ("rank", pa.int64()), ("label", pa.string()), ("town", pa.string()),
        ("latitude", pa.float64()), ("longitude", pa.float64()), ("radius_m", pa.float64()), ("uprn", pa.string()),
        ("postcode", pa.string()), ("score", pa.float64()), ("level", pa.string()), ("flagged", pa.bool_()),
        ("events", pa.int64()), ("young_people", pa.int64()), ("children", pa.int64()), ("out_of_area", pa.int64()),
        ("line_linked", pa.int64()), ("by_source_json", pa.string()), ("first_seen", pa.timestamp("us")),
        ("last_seen", pa.timestamp("us")), ("recent", pa.int64()), ("previous", pa.int64()), ("trend", pa.string()),
        ("months_json", pa.string()), ("lines", pa.list_(pa.string())), ("subjects", pa.list_(pa.string())),
        ("reasons", pa.string()), ("reasons_json", pa.string()),
    ]
)  # fmt: skip


def write_hotspots(directory: Path, hotspots: list[Hotspot]) -> None:
    rows = [
        {
            "hotspot_id": h.hotspot_id, "rank": h.rank, "label": h.label, "town": h.town,
            "latitude": h.point.latitude if h.point else None, "longitude": h.point.longitude if h.point else None,
            "radius_m": h.radius_m, "uprn": h.uprn, "postcode": h.postcode, "score": h.score, "level": h.level.value,
            "flagged": h.flagged, "events": h.events, "young_people": h.young_people, "children": h.children,
            "out_of_area": h.out_of_area, "line_linked": h.line_linked, "by_source_json": json.dumps(h.by_source),
            "first_seen": h.first_seen, "last_seen": h.last_seen, "recent": h.recent, "previous": h.previous,
            "trend": h.trend(), "months_json": json.dumps(h.months), "lines": h.lines, "subjects": h.subjects,
            "reasons": h.reasons_text(), "reasons_json": reasons_json(h.reasons),
        }
        for h in hotspots
    ]  # fmt: skip
    write_table(directory / "hotspots.parquet", _table(rows, HOTSPOT_SCHEMA))
    write_table(directory / "hotspot_evidence.parquet", evidence_table([e for h in hotspots for e in h.evidence]))


GROUP_SCHEMA = pa.schema(
    [
        ("group_id", pa.string()), ("rank", pa.int64()), ("members", pa.int64()), ("children", pa.int64()),
        ("adults", pa.int64()), ("ties", pa.int64()), ("shared_incidents", pa.int64()),
        ("towns", pa.list_(pa.string())), ("lines", pa.list_(pa.string())), ("places", pa.list_(pa.string())),
        ("first_seen", pa.timestamp("us")), ("last_seen", pa.timestamp("us")), ("by_kind_json", pa.string()),
        ("summary", pa.string()),
    ]
)  # fmt: skip

MEMBER_SCHEMA = pa.schema(
    [
        ("group_id", pa.string()), ("subject_id", pa.string()), ("age", pa.int64()), ("child", pa.bool_()),
        ("home_town", pa.string()), ("lines", pa.list_(pa.string())), ("ties", pa.int64()),
    ]
)  # fmt: skip


def write_peer_groups(directory: Path, groups: list[PeerGroup]) -> None:
    rows = [
        {
            "group_id": g.group_id, "rank": g.rank, "members": len(g.members), "children": g.children,
            "adults": g.adults, "ties": g.ties, "shared_incidents": g.shared_incidents, "towns": g.towns,
            "lines": g.lines, "places": g.places, "first_seen": g.first_seen, "last_seen": g.last_seen,
            "by_kind_json": json.dumps(g.by_kind), "summary": g.summary(),
        }
        for g in groups
    ]  # fmt: skip
    members = [
        {"group_id": g.group_id, "subject_id": m.subject_id, "age": m.age, "child": m.child,
         "home_town": m.home_town, "lines": list(m.lines), "ties": m.ties}
        for g in groups
        for m in g.members
    ]  # fmt: skip
    write_table(directory / "peer_groups.parquet", _table(rows, GROUP_SCHEMA))
    write_table(directory / "peer_members.parquet", _table(members, MEMBER_SCHEMA))
    write_table(directory / "peer_evidence.parquet", evidence_table([e for g in groups for e in g.evidence]))


CORRIDOR_SCHEMA = pa.schema(
    [
        ("corridor_id", pa.string()), ("rank", pa.int64()), ("origin_town", pa.string()),
        ("destination_town", pa.string()), ("origin_station", pa.string()), ("destination_station", pa.string()),
        ("origin_latitude", pa.float64()), ("origin_longitude", pa.float64()),
        ("destination_latitude", pa.float64()), ("destination_longitude", pa.float64()),
        ("distance_km", pa.float64()), ("score", pa.float64()),
        ("trips", pa.int64()), ("travellers", pa.int64()), ("outward", pa.int64()), ("inward", pa.int64()),
        ("by_source_json", pa.string()), ("travellers_by_source_json", pa.string()), ("lines_json", pa.string()),
        ("lines", pa.list_(pa.string())), ("children", pa.int64()), ("children_subjects", pa.list_(pa.string())),
        ("young_people_of_concern", pa.list_(pa.string())), ("stations_json", pa.string()),
        ("first_seen", pa.timestamp("us")), ("last_seen", pa.timestamp("us")), ("months_json", pa.string()),
        ("description", pa.string()), ("reasons", pa.string()), ("reasons_json", pa.string()),
    ]
)  # fmt: skip


def write_corridors(directory: Path, corridors: list[Corridor], gazetteer: Gazetteer) -> None:
    rows = []
    for c in corridors:
        stations = c.main_stations()
        ends = []
        for town, code in ((c.origin_town, stations[0] if stations else None),
                           (c.destination_town, stations[1] if stations else None)):  # fmt: skip
            station = gazetteer.stations.get(code or "")
            point = station.point if station and station.point else gazetteer.towns.get(town)
            ends.append(point)
        rows.append(
            {
                "corridor_id": c.corridor_id, "rank": c.rank, "origin_town": c.origin_town,
                "destination_town": c.destination_town, "origin_station": stations[0] if stations else None,
                "destination_station": stations[1] if stations else None,
                "origin_latitude": ends[0].latitude if ends[0] else None,
                "origin_longitude": ends[0].longitude if ends[0] else None,
                "destination_latitude": ends[1].latitude if ends[1] else None,
                "destination_longitude": ends[1].longitude if ends[1] else None,
                "distance_km": round(distance_m(ends[0], ends[1]) / 1000, 2) if ends[0] and ends[1] else None,
                "score": c.score, "trips": c.trips, "travellers": c.travellers, "outward": c.outward,
                "inward": c.inward, "by_source_json": json.dumps(c.by_source),
                "travellers_by_source_json": json.dumps(c.travellers_by_source), "lines_json": json.dumps(c.lines),
                "lines": list(c.lines), "children": len(c.children), "children_subjects": c.children,
                "young_people_of_concern": c.young_people_of_concern,
                "stations_json": json.dumps([list(s) for s in c.stations]), "first_seen": c.first_seen,
                "last_seen": c.last_seen, "months_json": json.dumps(c.months), "description": c.describe(),
                "reasons": "; ".join(r.text for r in c.reasons), "reasons_json": reasons_json(c.reasons),
            }
        )  # fmt: skip
    write_table(directory / "corridors.parquet", _table(rows, CORRIDOR_SCHEMA))
    write_table(directory / "corridor_evidence.parquet", evidence_table([e for c in corridors for e in c.evidence]))


STATION_SCHEMA = pa.schema(
    [("code", pa.string()), ("name", pa.string()), ("town", pa.string()), ("latitude", pa.float64()),
     ("longitude", pa.float64())]
)  # fmt: skip


def write_stations(directory: Path, gazetteer: Gazetteer) -> None:
    rows = [
        {"code": s.code, "name": s.name, "town": s.town, "latitude": s.point.latitude if s.point else None,
         "longitude": s.point.longitude if s.point else None}
        for s in gazetteer.stations.values()
    ]  # fmt: skip
    write_table(directory / "stations.parquet", _table(rows, STATION_SCHEMA))


def write_flagged_places(directory: Path, cuckooing_radius_m: float) -> int:
    """flagged_places.parquet from the flagged rows of cuckooing.parquet and hotspots.parquet
    (whichever exist), for screening: a child found at one of these raises an indicator."""
    rows: list[dict[str, Any]] = []
    # The reasons here travel to screening and to whoever sees a child's indicators, so an
    # address's reasons name the kinds of signal only; the detail (a tenant's vulnerability,
    # intelligence) stays in cuckooing.parquet, where the service hands it out with the schemas
    # it draws on. A hotspot's reasons are counts and name no one.
    cuckooing = directory / "cuckooing.parquet"
    if cuckooing.exists():
        for r in pq.read_table(cuckooing).to_pylist():
            if r["flagged"]:
                rows.append({"place_id": r["place_id"], "kind": "cuckooing", "uprn": r["uprn"],
                             "postcode": r["postcode"], "latitude": r["latitude"], "longitude": r["longitude"],
                             "radius_m": cuckooing_radius_m if r["latitude"] is not None else None,
                             "level": r["level"], "score": r["score"], "label": r["address"],
                             "reasons": shareable_reasons("cuckooing risk", r["reasons_json"])})  # fmt: skip
    hotspots = directory / "hotspots.parquet"
    if hotspots.exists():
        for r in pq.read_table(hotspots).to_pylist():
            if r["flagged"]:
                rows.append(
                    {
                        "place_id": r["hotspot_id"],
                        "kind": "hotspot",
                        "uprn": r["uprn"],
                        "postcode": r["postcode"],
                        "latitude": r["latitude"],
                        "longitude": r["longitude"],
                        "radius_m": r["radius_m"],
                        "level": r["level"],
                        "score": r["score"],
                        "label": r["label"],
                        "reasons": r["reasons"],
                    }
                )
    write_table(directory / "flagged_places.parquet", pa.Table.from_pylist(rows, schema=FLAGGED_SCHEMA))
    return len(rows)


def shareable_reasons(kind: str, reasons: str | None) -> str:
    """ "cuckooing risk: <signal> (+19), <signal> (+15) ...": each signal by its general label."""
    parts = [f"{r['label']} (+{r['points']:.0f})" for r in json.loads(reasons or "[]") if r["points"] > 0]
    return f"{kind}: {', '.join(parts)}" if parts else kind


def _table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)

"""What the web API (and anything else) reads of the places results: the cuckooing list with
reasons and evidence records, hotspots, peer groups, corridors, flagged places and map layers,
as frozen dataclasses, from the outputs of the last `linewatch places run`.

Evidence comes as (schema, agency, source_id, date, description) and each reason names the
schemas it draws on, so the caller can drop what a user may not see (health, intelligence)
before showing the rest; this module does no access control of its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq

from linewatch.places.context import PlacesError
from linewatch.places.geo import distance_m, point_or_none
from linewatch.places.geojson import ExportError, layer
from linewatch.places.outputs import places_dir
from linewatch.settings import Settings


class PlacesNotRun(PlacesError):
    """The places outputs asked for do not exist yet."""


@dataclass(frozen=True, slots=True)
class ReasonItem:
    signal: str
    label: str
    points: float
    text: str
    schemas: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    schema: str
    agency: str
    source_id: str
    date: datetime | None
    description: str
    signal: str


@dataclass(frozen=True, slots=True)
class CuckooingItem:
    place_id: str
    rank: int
    uprn: str | None
    address: str
    town: str | None
    postcode: str | None
    latitude: float | None
    longitude: float | None
    score: float
    level: str
    flagged: bool
    status: str
    action: str
    reasons: tuple[ReasonItem, ...]
    lines: tuple[str, ...]
    young_people: tuple[str, ...]
    tenant_subject: str | None
    first_signal: datetime | None
    last_signal: datetime | None
    months: dict[str, int]
    evidence: tuple[EvidenceItem, ...] = ()


@dataclass(frozen=True, slots=True)
class HotspotItem:
    hotspot_id: str
    rank: int
    label: str
    town: str | None
    latitude: float | None
    longitude: float | None
    radius_m: float
    uprn: str | None
    score: float
    level: str
    flagged: bool
    events: int
    young_people: int
    children: int
    out_of_area: int
    recent: int
    previous: int
    trend: str
    first_seen: datetime
    last_seen: datetime
    months: dict[str, int]
    by_source: dict[str, int]
    lines: tuple[str, ...]
    subjects: tuple[str, ...]
    reasons: tuple[ReasonItem, ...]
    evidence: tuple[EvidenceItem, ...] = ()


@dataclass(frozen=True, slots=True)
class PeerMemberItem:
    subject_id: str
    age: int | None
    child: bool
    home_town: str | None
    lines: tuple[str, ...]
    ties: int


@dataclass(frozen=True, slots=True)
class PeerGroupItem:
    group_id: str
    rank: int
    summary: str
    children: int
    adults: int
    ties: int
    shared_incidents: int
    towns: tuple[str, ...]
    lines: tuple[str, ...]
    places: tuple[str, ...]  # hotspot ids
    first_seen: datetime | None
    last_seen: datetime | None
    members: tuple[PeerMemberItem, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()


@dataclass(frozen=True, slots=True)
class CorridorItem:
    corridor_id: str
    rank: int
    origin_town: str
    destination_town: str
    origin_station: str | None
    destination_station: str | None
    distance_km: float | None
    score: float
    trips: int
    outward: int
    inward: int
    lines: dict[str, int]
    children: tuple[str, ...]
    stations: tuple[tuple[str, str, int], ...]
    by_source: dict[str, int]
    travellers_by_source: dict[str, int]
    months: dict[str, int]
    description: str
    reasons: tuple[ReasonItem, ...]
    evidence: tuple[EvidenceItem, ...] = ()


@dataclass(frozen=True, slots=True)
class FlaggedPlace:
    """A row of flagged_places.parquet (the file screening reads)."""

    place_id: str
    kind: str  # cuckooing | hotspot
    uprn: str | None
    postcode: str | None
    latitude: float | None
    longitude: float | None
    radius_m: float | None
    level: str
    score: float
    label: str
    reasons: str


@dataclass(frozen=True, slots=True)
class PlacesRun:
    as_of: str
    ran_at: str
    counts: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _read(settings: Settings, name: str, key: str | None = None, value: str | None = None) -> list[dict[str, Any]]:
    path = places_dir(settings) / f"{name}.parquet"
    if not path.exists():
        raise PlacesNotRun(f"{path} is missing: run `linewatch places run` first")
    table = pq.read_table(path)
    if key is not None:
        table = table.filter(pc.equal(table[key], value))
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows


def _reasons(text: str | None) -> tuple[ReasonItem, ...]:
    return tuple(
        ReasonItem(r["signal"], r["label"], float(r["points"]), r["text"], tuple(r["schemas"]))
        for r in json.loads(text or "[]")
    )


def _evidence_items(rows: list[dict[str, Any]]) -> tuple[EvidenceItem, ...]:
    return tuple(
        EvidenceItem(r["schema"], r["agency"], r["source_id"], r["date"], r["description"], r["signal"])
        for r in sorted(rows, key=lambda r: (r["date"] or datetime.min, r["source_id"]))
    )


def _evidence(settings: Settings, name: str, finding_id: str) -> tuple[EvidenceItem, ...]:
    return _evidence_items(_read(settings, name, "finding_id", finding_id))


def evidence_by_finding(settings: Settings, name: str) -> dict[str, tuple[EvidenceItem, ...]]:
    """Every finding's evidence records from one evidence table (`cuckooing_evidence`,
    `hotspot_evidence`, `corridor_evidence`, `peer_evidence`), in one read."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in _read(settings, name):
        grouped.setdefault(row["finding_id"], []).append(row)
    return {finding_id: _evidence_items(rows) for finding_id, rows in grouped.items()}


def _cuckooing(row: dict[str, Any], evidence: tuple[EvidenceItem, ...] = ()) -> CuckooingItem:
    return CuckooingItem(
        row["place_id"], row["rank"], row["uprn"], row["address"], row["town"], row["postcode"], row["latitude"],
        row["longitude"], row["score"], row["level"], row["flagged"], row["status"], row["action"],
        _reasons(row["reasons_json"]), tuple(row["lines"] or ()), tuple(row["young_people"] or ()),
        row["tenant_subject"], row["first_signal"], row["last_signal"], json.loads(row["months_json"] or "{}"),
        evidence,
    )  # fmt: skip


def cuckooing_list(settings: Settings, flagged_only: bool = True, limit: int | None = None) -> list[CuckooingItem]:
    """Addresses by cuckooing risk, highest first; by default only those at the flagging level."""
    rows = sorted(_read(settings, "cuckooing"), key=lambda r: r["rank"])
    rows = [r for r in rows if r["flagged"] or not flagged_only]
    return [_cuckooing(r) for r in rows[:limit]]


def cuckooing_item(settings: Settings, place_id: str) -> CuckooingItem | None:
    """One address with every evidence record behind its score."""
    rows = _read(settings, "cuckooing", "place_id", place_id)
    if not rows:
        return None
    return _cuckooing(rows[0], _evidence(settings, "cuckooing_evidence", place_id))


def _hotspot(row: dict[str, Any], evidence: tuple[EvidenceItem, ...] = ()) -> HotspotItem:
    return HotspotItem(
        row["hotspot_id"], row["rank"], row["label"], row["town"], row["latitude"], row["longitude"],
        row["radius_m"], row["uprn"], row["score"], row["level"], row["flagged"], row["events"],
        row["young_people"], row["children"], row["out_of_area"], row["recent"], row["previous"], row["trend"],
        row["first_seen"], row["last_seen"], json.loads(row["months_json"] or "{}"),
        json.loads(row["by_source_json"] or "{}"), tuple(row["lines"] or ()), tuple(row["subjects"] or ()),
        _reasons(row["reasons_json"]), evidence,
    )  # fmt: skip


def hotspot_list(settings: Settings, flagged_only: bool = False, limit: int | None = None) -> list[HotspotItem]:
    rows = sorted(_read(settings, "hotspots"), key=lambda r: r["rank"])
    rows = [r for r in rows if r["flagged"] or not flagged_only]
    return [_hotspot(r) for r in rows[:limit]]


def hotspot_item(settings: Settings, hotspot_id: str) -> HotspotItem | None:
    rows = _read(settings, "hotspots", "hotspot_id", hotspot_id)
    if not rows:
        return None
    return _hotspot(rows[0], _evidence(settings, "hotspot_evidence", hotspot_id))


def _group(
    row: dict[str, Any], members: tuple[PeerMemberItem, ...] = (), evidence: tuple[EvidenceItem, ...] = ()
) -> PeerGroupItem:
    return PeerGroupItem(
        row["group_id"], row["rank"], row["summary"], row["children"], row["adults"], row["ties"],
        row["shared_incidents"], tuple(row["towns"] or ()), tuple(row["lines"] or ()), tuple(row["places"] or ()),
        row["first_seen"], row["last_seen"], members, evidence,
    )  # fmt: skip


def peer_group_list(settings: Settings, limit: int | None = None) -> list[PeerGroupItem]:
    rows = sorted(_read(settings, "peer_groups"), key=lambda r: r["rank"])
    return [_group(r) for r in rows[:limit]]


def peer_group_item(settings: Settings, group_id: str) -> PeerGroupItem | None:
    rows = _read(settings, "peer_groups", "group_id", group_id)
    if not rows:
        return None
    members = tuple(
        PeerMemberItem(m["subject_id"], m["age"], m["child"], m["home_town"], tuple(m["lines"] or ()), m["ties"])
        for m in _read(settings, "peer_members", "group_id", group_id)
    )
    return _group(rows[0], members, _evidence(settings, "peer_evidence", group_id))


def _corridor(row: dict[str, Any], evidence: tuple[EvidenceItem, ...] = ()) -> CorridorItem:
    return CorridorItem(
        row["corridor_id"], row["rank"], row["origin_town"], row["destination_town"], row["origin_station"],
        row["destination_station"], row["distance_km"], row["score"], row["trips"], row["outward"], row["inward"],
        json.loads(row["lines_json"] or "{}"), tuple(row["children_subjects"] or ()),
        tuple((a, b, int(n)) for a, b, n in json.loads(row["stations_json"] or "[]")),
        json.loads(row["by_source_json"] or "{}"), json.loads(row["travellers_by_source_json"] or "{}"),
        json.loads(row["months_json"] or "{}"), row["description"], _reasons(row["reasons_json"]), evidence,
    )  # fmt: skip


def corridor_list(settings: Settings, limit: int | None = None) -> list[CorridorItem]:
    rows = sorted(_read(settings, "corridors"), key=lambda r: r["rank"])
    return [_corridor(r) for r in rows[:limit]]


def corridor_item(settings: Settings, corridor_id: str) -> CorridorItem | None:
    rows = _read(settings, "corridors", "corridor_id", corridor_id)
    if not rows:
        return None
    return _corridor(rows[0], _evidence(settings, "corridor_evidence", corridor_id))


def flagged_places(settings: Settings) -> list[FlaggedPlace]:
    return [FlaggedPlace(**row) for row in _read(settings, "flagged_places")]


def geojson_layer(settings: Settings, name: str) -> dict[str, Any]:
    """One map layer as a GeoJSON FeatureCollection (cuckooing, hotspots, routes, stations, peer_groups)."""
    try:
        return layer(places_dir(settings), name)
    except ExportError as error:
        raise PlacesNotRun(str(error)) from None


def last_run(settings: Settings) -> PlacesRun | None:
    path: Path = places_dir(settings) / "run.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return PlacesRun(data["as_of"], data["ran_at"], data.get("counts", {}), data.get("seconds", {}))


def places_matching(
    flagged: list[FlaggedPlace], uprn: str | None = None, latitude: float | None = None, longitude: float | None = None
) -> list[FlaggedPlace]:
    """The flagged places a sighting is at: the same UPRN, or within the place's radius. The rule
    screening is asked to apply to flagged_places.parquet, here for anyone who needs it."""
    point = point_or_none(latitude, longitude)
    found = []
    for place in flagged:
        if uprn and place.uprn and uprn == place.uprn:
            found.append(place)
            continue
        centre = point_or_none(place.latitude, place.longitude)
        if point and centre and place.radius_m is not None and distance_m(point, centre) <= place.radius_m:
            found.append(place)
    return found

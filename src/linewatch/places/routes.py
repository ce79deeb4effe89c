"""Corridors: the town-to-town routes lines run on, from every trip the records show, ranked.

A corridor joins two towns whatever the direction of each trip. Each source of trips adds its
weight once per distinct traveller (a child, a runner's phone, a vehicle), so one commuter making
forty journeys counts once, and `trip_weight` per trip on top. A corridor runs from the origin of
the lines on it (the hub they are run from); without lines, from the town most trips leave.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from linewatch.places.context import PlaceContext
from linewatch.places.definition import RouteDefinition, RouteSource
from linewatch.places.findings import LinkedEvidence, Reason, month_counts, plural
from linewatch.places.trips import Trip, find_trips


@dataclass
class Corridor:
    corridor_id: str
    origin_town: str
    destination_town: str
    score: float
    trips: int
    travellers: int
    by_source: dict[str, int]  # trips per source
    travellers_by_source: dict[str, int]
    lines: dict[str, int]  # line id -> trips linked to it
    children: list[str]  # subject ids of children of concern travelling it
    young_people_of_concern: list[str]
    stations: list[tuple[str, str, int]]  # (origin station, destination station, journeys), most used first
    outward: int  # trips origin -> destination
    inward: int
    first_seen: datetime
    last_seen: datetime
    months: dict[str, int]
    reasons: list[Reason] = field(default_factory=list)
    evidence: list[LinkedEvidence] = field(default_factory=list)
    rank: int = 0

    def main_stations(self) -> tuple[str, str] | None:
        return (self.stations[0][0], self.stations[0][1]) if self.stations else None

    def describe(self) -> str:
        lines = f"; lines {', '.join(self.lines)}" if self.lines else ""
        stations = self.main_stations()
        by = f" ({stations[0]} to {stations[1]})" if stations else ""
        return f"{self.origin_town} to {self.destination_town}{by}: {plural(self.trips, 'trip')}{lines}"


def find_corridors(ctx: PlaceContext, definition: RouteDefinition) -> list[Corridor]:
    """Every corridor with at least one trip, highest score first."""
    trips = find_trips(ctx, definition)
    by_pair: dict[tuple[str, str], list[Trip]] = defaultdict(list)
    for trip in trips:
        key = tuple(sorted((trip.origin_town, trip.destination_town)))
        by_pair[(key[0], key[1])].append(trip)
    line_origins = {p.line_id: p.origin for p in ctx.inputs.line_profiles if p.origin}
    corridors = [_describe(pair, members, line_origins, definition) for pair, members in sorted(by_pair.items())]
    corridors.sort(key=lambda c: (-c.score, -c.trips, c.corridor_id))
    for rank, corridor in enumerate(corridors, start=1):
        corridor.rank = rank
    return corridors


def _orientation(pair: tuple[str, str], trips: list[Trip], line_origins: dict[str, str]) -> tuple[str, str]:
    votes: Counter[str] = Counter()
    for trip in trips:
        for line in trip.lines:
            if line_origins.get(line) in pair:
                votes[line_origins[line]] += 1
    if not votes:
        votes = Counter(trip.origin_town for trip in trips)
    origin = min(pair, key=lambda town: (-votes[town], town))
    destination = pair[1] if origin == pair[0] else pair[0]
    return origin, destination


def _describe(
    pair: tuple[str, str], trips: list[Trip], line_origins: dict[str, str], definition: RouteDefinition
) -> Corridor:
    origin, destination = _orientation(pair, trips, line_origins)
    travellers: dict[RouteSource, set[str]] = defaultdict(set)
    for trip in trips:
        travellers[trip.source].add(trip.traveller)
    score = sum(definition.sources[source].weight * len(who) for source, who in travellers.items())
    score += definition.trip_weight * len(trips)
    lines: Counter[str] = Counter(line for trip in trips for line in trip.lines)
    stations: Counter[tuple[str, str]] = Counter()
    for trip in trips:
        if trip.origin_station and trip.destination_station:
            if trip.origin_town == origin:
                stations[(trip.origin_station, trip.destination_station)] += 1
            else:
                stations[(trip.destination_station, trip.origin_station)] += 1
    corridor_id = "corridor-" + hashlib.sha1(f"{pair[0]}|{pair[1]}".encode()).hexdigest()[:12]
    by_source = {source.value: sum(1 for t in trips if t.source is source) for source in sorted(travellers)}
    counted = {source.value: len(who) for source, who in sorted(travellers.items())}
    times = sorted(trip.when for trip in trips)
    reasons = []
    for source, who in sorted(travellers.items(), key=lambda kv: -definition.sources[kv[0]].weight * len(kv[1])):
        spec = definition.sources[source]
        text = f"{spec.label}: {plural(len(who), 'traveller')}, {plural(by_source[source.value], 'trip')}"
        points = round(spec.weight * len(who), 2)
        reasons.append(Reason(source.value, spec.label, len(who), 0.0, points, text, _schemas(source)))
    evidence = [
        LinkedEvidence(corridor_id, trip.source.value, trip.evidence)
        for trip in trips
        if trip.evidence is not None and trip.source not in (RouteSource.rail_other, RouteSource.other_vehicles)
    ]
    subjects_of_concern = {t.traveller for t in trips if t.of_concern and t.source not in _NOT_PEOPLE}
    return Corridor(
        corridor_id=corridor_id,
        origin_town=origin,
        destination_town=destination,
        score=round(score, 3),
        trips=len(trips),
        travellers=len({(t.source in _NOT_PEOPLE, t.traveller) for t in trips}),
        by_source=by_source,
        travellers_by_source=counted,
        lines=dict(sorted(lines.items(), key=lambda kv: (-kv[1], kv[0]))),
        children=sorted({t.traveller for t in trips if t.child and t.of_concern and t.source not in _NOT_PEOPLE}),
        young_people_of_concern=sorted(subjects_of_concern),
        stations=[(a, b, n) for (a, b), n in sorted(stations.items(), key=lambda kv: (-kv[1], kv[0]))],
        outward=sum(1 for t in trips if t.origin_town == origin),
        inward=sum(1 for t in trips if t.origin_town == destination),
        first_seen=times[0],
        last_seen=times[-1],
        months=month_counts(times),
        reasons=reasons,
        evidence=evidence,
    )


_NOT_PEOPLE = (RouteSource.runner_phones, RouteSource.line_vehicles, RouteSource.other_vehicles)


def _schemas(source: RouteSource) -> tuple[str, ...]:
    return {
        RouteSource.missing_found: ("missing_episode",),
        RouteSource.runner_phones: ("call_record",),
    }.get(source, ("sighting",))

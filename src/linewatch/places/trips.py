"""Trips from one town to another, from every record that shows a journey: a child missing from
home and found in another town, a transport police stop away from home, a rail journey, a runner
or line phone seen in one town and then another, a vehicle read by ANPR cameras in two towns.

`routes.py` adds trips up into corridors. A trip keeps who travelled (a subject, a phone number
or a vehicle), whether they are of concern, the lines they are linked to and the record behind it.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from linewatch.places.context import PlaceContext
from linewatch.places.definition import RouteDefinition, RouteSource
from linewatch.places.geo import point_or_none
from linewatch.places.records import Evidence, Sighting

LINE_VEHICLE_LINKS = ("drives", "passenger_in")


@dataclass(frozen=True, slots=True)
class Trip:
    source: RouteSource
    traveller: str  # subject id, phone number (E.164) or vehicle registration
    origin_town: str
    destination_town: str
    when: datetime
    of_concern: bool
    child: bool
    lines: tuple[str, ...] = ()
    origin_station: str | None = None
    destination_station: str | None = None
    evidence: Evidence | None = None


def subjects_of_concern(ctx: PlaceContext) -> set[str]:
    """Subjects police have met (missing, an incident, a transport police stop) or whose phone is
    linked to a deal line: their journeys say more than a commuter's."""
    people = ctx.people
    concern = {people.subject(r.agency, r.person) for r in ctx.inputs.missing}
    concern |= {
        people.subject(r.agency, r.person) for r in ctx.inputs.incidents if r.role not in ("witness", "reporting")
    }
    concern |= {
        people.subject(r.agency, r.person)
        for r in ctx.inputs.sightings
        if r.sighting_type == "transport_police" and r.person
    }
    concern |= {people.subject(r.agency, r.source_id) for r in ctx.inputs.line_people}
    return concern


def find_trips(ctx: PlaceContext, definition: RouteDefinition) -> list[Trip]:
    concern = subjects_of_concern(ctx)
    trips = _missing_trips(ctx, concern)
    trips += _rail_trips(ctx, concern)
    trips += _phone_trips(ctx)
    trips += _vehicle_trips(ctx, definition)
    return sorted(trips, key=lambda t: (t.when, t.source.value, t.traveller))


def _missing_trips(ctx: PlaceContext, concern: set[str]) -> list[Trip]:
    trips = []
    for episode in ctx.inputs.missing:
        subject = ctx.people.subject(episode.agency, episode.person)
        home = ctx.people.profile(subject).home_town
        point = point_or_none(episode.found_latitude, episode.found_longitude)
        found = ctx.gazetteer.town_of(episode.found_postcode, episode.found_location, point)
        if not home or not found or home == found:
            continue
        trips.append(
            Trip(RouteSource.missing_found, subject, home, found, episode.reported_at, subject in concern,
                 ctx.people.is_child(subject, episode.reported_at), tuple(sorted(ctx.people.profile(subject).lines)),
                 evidence=Evidence("missing_episode", episode.agency, episode.source_id, episode.reported_at,
                                   f"missing from {home}, found in {found}"))
        )  # fmt: skip
    return trips


def _rail_trips(ctx: PlaceContext, concern: set[str]) -> list[Trip]:
    trips = []
    for sighting in ctx.inputs.sightings:
        if not sighting.person or sighting.sighting_type not in ("rail_journey", "transport_police"):
            continue
        subject = ctx.people.subject(sighting.agency, sighting.person)
        lines = tuple(sorted(ctx.people.profile(subject).lines))
        child = ctx.people.is_child(subject, sighting.seen_at)
        if sighting.sighting_type == "rail_journey":
            origin = ctx.gazetteer.station_town(sighting.origin_station)
            destination = ctx.gazetteer.station_town(sighting.destination_station)
            source = RouteSource.rail_of_concern if subject in concern else RouteSource.rail_other
            what = f"rail journey {sighting.origin_station} to {sighting.destination_station}"
        else:
            origin = ctx.people.profile(subject).home_town
            destination = _station_town(ctx, sighting)
            source = RouteSource.transport_police
            what = f"transport police stop at {sighting.location or sighting.station_code}, away from {origin}"
        if not origin or not destination or origin == destination:
            continue
        trips.append(
            Trip(source, subject, origin, destination, sighting.seen_at, subject in concern, child, lines,
                 sighting.origin_station, sighting.destination_station or sighting.station_code,
                 Evidence("sighting", sighting.agency, sighting.source_id, sighting.seen_at, what))
        )  # fmt: skip
    return trips


def _station_town(ctx: PlaceContext, sighting: Sighting) -> str | None:
    return ctx.gazetteer.station_town(sighting.station_code) or ctx.gazetteer.town_of(
        None, sighting.location, point_or_none(sighting.latitude, sighting.longitude)
    )


def _phone_trips(ctx: PlaceContext) -> list[Trip]:
    trips = []
    for move in ctx.inputs.phone_moves:
        what = f"{move.role} phone {move.number} moved {move.from_town} to {move.to_town}"
        evidence = Evidence("call_record", "comms", move.number, move.arrived_at, what)
        trips.append(
            Trip(RouteSource.runner_phones, move.number, move.from_town, move.to_town, move.arrived_at, True, False,
                 (move.line_id,), evidence=evidence)
        )  # fmt: skip
    return trips


def line_vehicles(ctx: PlaceContext) -> dict[str, set[str]]:
    """Vehicles linked to a deal line: named in intelligence with a line's number, or driven by
    (or carrying) someone whose phone is linked to a line."""
    number_line = {m.number: m.line_id for m in ctx.inputs.line_members if m.role in ("line", "runner", "controller")}
    vehicles: dict[str, set[str]] = defaultdict(set)
    for log in ctx.inputs.intelligence:
        if log.vrm and log.phone and log.phone in number_line:
            vehicles[_vrm(log.vrm)].add(number_line[log.phone])
    for link in ctx.inputs.associations:
        if link.vrm and link.association_type in LINE_VEHICLE_LINKS:
            lines = ctx.people.profile(ctx.people.subject(link.agency, link.person)).lines
            if lines:
                vehicles[_vrm(link.vrm)] |= lines
    return dict(vehicles)


def _vrm(value: str) -> str:
    return "".join(value.split()).upper()


def _vehicle_trips(ctx: PlaceContext, definition: RouteDefinition) -> list[Trip]:
    linked = line_vehicles(ctx)
    reads: dict[str, list[tuple[datetime, str, Sighting]]] = defaultdict(list)
    for sighting in ctx.inputs.sightings:
        if sighting.sighting_type != "anpr" or not sighting.vrm:
            continue
        town = ctx.gazetteer.town_named_in(sighting.location) or ctx.gazetteer.town_of_point(
            point_or_none(sighting.latitude, sighting.longitude)
        )
        if town:
            reads[_vrm(sighting.vrm)].append((sighting.seen_at, town, sighting))
    within = timedelta(hours=definition.vehicle_move_within_hours)
    trips = []
    for vrm, seen in sorted(reads.items()):
        seen.sort(key=lambda item: (item[0], item[2].source_id))
        lines = tuple(sorted(linked.get(vrm, set())))
        source = RouteSource.line_vehicles if lines else RouteSource.other_vehicles
        for (before, town_before, _), (after, town_after, read) in itertools.pairwise(seen):
            if town_before != town_after and after - before <= within:
                trips.append(
                    Trip(source, vrm, town_before, town_after, after, bool(lines), False, lines,
                         evidence=Evidence("sighting", read.agency, read.source_id, after,
                                           f"ANPR: {vrm} in {town_before} then {town_after}"))
                )  # fmt: skip
    return trips

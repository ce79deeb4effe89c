"""Hotspots: places where young people are seen again and again (found when missing, stopped,
present at police incidents, stopped by transport police), ranked, with counts over time.

Records name a place in their own way ("Warwick station, Warwick" in a police incident, "Warwick"
with code WRW from transport police), so events are first grouped by the address they resolve to
or their location text, and then groups within `merge_within_m` of a larger group join it (each
group joins the largest one near it, so a chain of nearby groups never grows into a whole town).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from linewatch.linkage.entities import address_line_key
from linewatch.places.context import PlaceContext
from linewatch.places.definition import LEVEL_ORDER, HotspotDefinition, Level
from linewatch.places.findings import LinkedEvidence, Reason, month_counts, plural
from linewatch.places.geo import Point, centre, distance_m, point_or_none, spread_m
from linewatch.places.records import Evidence

INCIDENT_ROLES = (None, "subject", "present", "victim")


@dataclass(frozen=True, slots=True)
class PlaceEvent:
    """A young person at a place: one record of them there."""

    subject_id: str
    when: datetime
    source: str  # missing_found | police_incident | transport_police ...
    point: Point | None
    location: str | None
    dwelling: str | None  # place id of the address, when the record resolves to one
    evidence: Evidence


@dataclass
class Hotspot:
    hotspot_id: str
    label: str
    town: str | None
    point: Point | None
    radius_m: float
    uprn: str | None
    postcode: str | None
    score: float
    level: Level
    flagged: bool
    events: int
    young_people: int
    children: int
    out_of_area: int
    line_linked: int
    by_source: dict[str, int]
    first_seen: datetime
    last_seen: datetime
    recent: int  # events in the last `recent_days`
    previous: int  # events in the `recent_days` before that
    months: dict[str, int]
    lines: list[str]
    subjects: list[str]
    reasons: list[Reason] = field(default_factory=list)
    evidence: list[LinkedEvidence] = field(default_factory=list)
    rank: int = 0

    def trend(self) -> str:
        if self.recent > self.previous:
            return "rising"
        if self.recent < self.previous:
            return "falling"
        return "steady"

    def reasons_text(self) -> str:
        return "; ".join(reason.text for reason in self.reasons)


def place_events(ctx: PlaceContext, definition: HotspotDefinition) -> list[PlaceEvent]:
    """Every record that puts a young person at a place."""
    people = ctx.people
    events: list[PlaceEvent] = []
    if definition.events.missing_found:
        for episode in ctx.inputs.missing:
            point = point_or_none(episode.found_latitude, episode.found_longitude)
            if point is None and not episode.found_location:
                continue
            subject = people.subject(episode.agency, episode.person)
            events.append(
                PlaceEvent(
                    subject, episode.reported_at, "missing_found", point, episode.found_location,
                    ctx.book.match(episode.found_uprn, episode.found_location, episode.found_postcode),
                    Evidence("missing_episode", episode.agency, episode.source_id, episode.reported_at,
                             f"found here when missing: {episode.found_location or 'location not recorded'}"),
                )
            )  # fmt: skip
    wanted_types = set(definition.events.police_incidents)
    for incident in ctx.inputs.incidents:
        if incident.incident_type not in wanted_types or incident.role not in INCIDENT_ROLES:
            continue
        point = point_or_none(incident.latitude, incident.longitude)
        if point is None and not incident.location:
            continue
        subject = people.subject(incident.agency, incident.person)
        events.append(
            PlaceEvent(
                subject, incident.occurred_at, "police_incident", point, incident.location,
                ctx.book.match(text=incident.location, postcode=incident.postcode),
                Evidence("police_incident", incident.agency, incident.source_id, incident.occurred_at,
                         f"{incident.incident_type.replace('_', ' ')} ({incident.role or 'role not recorded'})"),
            )
        )  # fmt: skip
    wanted_sightings = set(definition.events.sightings)
    for sighting in ctx.inputs.sightings:
        if sighting.sighting_type not in wanted_sightings or not sighting.person:
            continue
        point = point_or_none(sighting.latitude, sighting.longitude)
        station = ctx.gazetteer.stations.get(sighting.station_code or "")
        if point is None and station is not None:
            point = station.point
        if point is None and not sighting.location:
            continue
        subject = people.subject(sighting.agency, sighting.person)
        label = sighting.location
        if station is not None:
            label = station.name if "station" in station.name.casefold() else f"{station.name} station"
        events.append(
            PlaceEvent(
                subject, sighting.seen_at, sighting.sighting_type, point, label, None,
                Evidence("sighting", sighting.agency, sighting.source_id, sighting.seen_at,
                         f"{sighting.sighting_type.replace('_', ' ')} at {sighting.location or sighting.station_code}"),
            )
        )  # fmt: skip
    return [event for event in events if people.is_young(event.subject_id, event.when)]


def _group_key(event: PlaceEvent) -> str:
    if event.dwelling:
        return f"dwelling:{event.dwelling}"
    if event.location and address_line_key(event.location):
        return f"text:{address_line_key(event.location)}"
    if event.point is not None:
        return f"point:{event.point.latitude:.4f},{event.point.longitude:.4f}"
    return f"text:{(event.location or '').casefold()}"


@dataclass
class _Group:
    key: str
    events: list[PlaceEvent]
    point: Point | None


def cluster_events(events: list[PlaceEvent], merge_within_m: float) -> list[list[PlaceEvent]]:
    """Events grouped into places: by address or location text first, then each group joins
    the largest group whose centre is within `merge_within_m` (largest first, never chained)."""
    grouped: dict[str, list[PlaceEvent]] = defaultdict(list)
    for event in events:
        grouped[_group_key(event)].append(event)
    groups = [
        _Group(key, members, centre(e.point for e in members if e.point is not None))
        for key, members in grouped.items()
    ]
    groups.sort(key=lambda g: (-len(g.events), g.key))
    seeds: list[_Group] = []
    for group in groups:
        home = None
        if group.point is not None:
            home = next(
                (s for s in seeds if s.point is not None and distance_m(s.point, group.point) <= merge_within_m), None
            )
        if home is None:
            seeds.append(_Group(group.key, list(group.events), group.point))
        else:
            home.events.extend(group.events)
    return [seed.events for seed in seeds]


def find_hotspots(ctx: PlaceContext, definition: HotspotDefinition) -> list[Hotspot]:
    """Places with at least `min_young_people` distinct young people, highest score first."""
    events = place_events(ctx, definition)
    hotspots = []
    for members in cluster_events(events, definition.merge_within_m):
        if len({e.subject_id for e in members}) < definition.min_young_people:
            continue
        hotspots.append(_describe(members, ctx, definition))
    hotspots.sort(key=lambda h: (-h.score, -h.events, h.hotspot_id))
    for rank, hotspot in enumerate(hotspots, start=1):
        hotspot.rank = rank
    return hotspots


def _describe(members: list[PlaceEvent], ctx: PlaceContext, definition: HotspotDefinition) -> Hotspot:
    people = ctx.people
    points = [e.point for e in members if e.point is not None]
    middle = centre(points)
    radius = spread_m(points, middle) if middle else 0.0
    radius = min(max(radius, definition.min_radius_m), definition.max_radius_m)
    dwellings = Counter(e.dwelling for e in members if e.dwelling)
    dwelling = ctx.book.dwellings.get(dwellings.most_common(1)[0][0]) if dwellings else None
    labels = Counter(e.location for e in members if e.location)
    label = dwelling.label() if dwelling else (min(labels.items(), key=lambda kv: (-kv[1], kv[0]))[0] if labels else "")
    town = (ctx.town_of_dwelling(dwelling) if dwelling else None) or ctx.gazetteer.town_of(None, label, middle)
    visits: Counter[str] = Counter(e.subject_id for e in members)
    weighted = 0.0
    out_of_area = line_linked = children = 0
    lines: set[str] = set()
    for subject_id, count in visits.items():
        profile = people.profile(subject_id)
        weight = 1.0 + definition.repeat_bonus * min(count - 1, 4)
        if profile.home_town and town and profile.home_town != town:
            weight *= definition.out_of_area_factor
            out_of_area += 1
        if profile.lines:
            weight *= definition.line_factor
            line_linked += 1
            lines |= profile.lines
        weighted += weight
        first_seen = min(e.when for e in members if e.subject_id == subject_id)
        children += 1 if people.is_child(subject_id, first_seen) else 0
    score = round(1.0 - math.exp(-weighted / definition.scale), 4)
    level = definition.levels.of(score)
    times = sorted(e.when for e in members)
    recent_from = ctx.as_of - timedelta(days=definition.recent_days)
    previous_from = recent_from - timedelta(days=definition.recent_days)
    recent = sum(1 for t in times if recent_from < t <= ctx.as_of)
    previous = sum(1 for t in times if previous_from < t <= recent_from)
    by_source = dict(sorted(Counter(e.source for e in members).items()))
    key = f"dwelling:{dwelling.place_id}" if dwelling else address_line_key(label) or str(middle)
    hotspot_id = "hotspot-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
    repeat = sum(1 for n in visits.values() if n > 1)
    sources = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in by_source.items())
    reasons = [
        Reason("young_people", "young people seen here", len(visits), score, weighted,
               f"{plural(len(visits), 'young person', 'young people')} ({children} under 18) seen here "
               f"{plural(len(members), 'time')} ({sources}); {repeat} more than once", ("missing_episode",
               "police_incident", "sighting")),
        Reason("out_of_area", "from other towns", out_of_area, 0.0, 0.0,
               f"{out_of_area} from other towns", ()),
        Reason("over_time", "counts over time", recent, 0.0, 0.0,
               f"{recent} in the last {definition.recent_days} days, {previous} in the {definition.recent_days} "
               f"before; first {times[0]:%d %b %Y}, last {times[-1]:%d %b %Y}", ()),
    ]  # fmt: skip
    if line_linked:
        reasons.append(Reason("lines", "linked to deal lines", line_linked, 0.0, 0.0,
                              f"{line_linked} with a phone linked to {', '.join(sorted(lines))}", ()))  # fmt: skip
    return Hotspot(
        hotspot_id=hotspot_id,
        label=label,
        town=town,
        point=middle,
        radius_m=round(radius, 1),
        uprn=dwelling.uprn if dwelling else None,
        postcode=dwelling.postcode if dwelling else None,
        score=score,
        level=level,
        flagged=LEVEL_ORDER[level] >= LEVEL_ORDER[definition.flag_level],
        events=len(members),
        young_people=len(visits),
        children=children,
        out_of_area=out_of_area,
        line_linked=line_linked,
        by_source=by_source,
        first_seen=times[0],
        last_seen=times[-1],
        recent=recent,
        previous=previous,
        months=month_counts(times),
        lines=sorted(lines),
        subjects=sorted(visits),
        reasons=reasons,
        evidence=[LinkedEvidence(hotspot_id, e.source, e.evidence) for e in sorted(members, key=lambda e: e.when)],
    )

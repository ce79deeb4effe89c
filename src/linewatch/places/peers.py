"""Peer groups: young people seen together (present at the same police incident, recorded by
police as peers or associates, stopped together by transport police, found missing at the same
place on the same day), as clusters of a graph found with Leiden (python-igraph + leidenalg).

Contextual safeguarding works with the group, not only the child: the group's members, the
places they are seen, the lines any of them are linked to, and the records that tie them.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import combinations

import igraph as ig
import leidenalg

from linewatch.lines.network import LEIDEN_SEED
from linewatch.places.context import PlaceContext
from linewatch.places.definition import PeerDefinition
from linewatch.places.findings import LinkedEvidence
from linewatch.places.records import Evidence, Incident

PEER_ASSOCIATIONS = ("peer", "associate", "older_associate")
TOGETHER_AT_STATION = timedelta(minutes=30)
FOUND_TOGETHER = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Tie:
    a: str
    b: str
    how: str  # incident | association | transport_police | found_together
    occasion: str  # the incident reference, association id, or place and time
    when: datetime | None
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class PeerMember:
    subject_id: str
    age: int | None
    child: bool
    home_town: str | None
    lines: tuple[str, ...]
    ties: int  # ties to other members


@dataclass
class PeerGroup:
    group_id: str
    members: list[PeerMember]
    children: int
    adults: int
    ties: int  # occasions on which members were together (an incident, a recorded link, a stop)
    shared_incidents: int
    towns: list[str]
    lines: list[str]
    first_seen: datetime | None
    last_seen: datetime | None
    by_kind: dict[str, int]
    evidence: list[LinkedEvidence] = field(default_factory=list)
    places: list[str] = field(default_factory=list)  # hotspot ids where members are seen (filled later)
    rank: int = 0

    def summary(self) -> str:
        kinds = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in self.by_kind.items())
        lines = f"; linked to {', '.join(self.lines)}" if self.lines else ""
        return (
            f"{len(self.members)} people ({self.children} under 18) seen together {self.ties} times ({kinds}); "
            f"home towns {', '.join(self.towns) or 'unknown'}{lines}"
        )


def peer_ties(ctx: PlaceContext) -> list[Tie]:
    """Every recorded occasion on which two people were together."""
    people = ctx.people
    ties: list[Tie] = []
    present: dict[str, dict[str, Incident]] = defaultdict(dict)
    for incident in ctx.inputs.incidents:
        if incident.role in (None, "subject", "present"):
            subject = people.subject(incident.agency, incident.person)
            present[incident.reference].setdefault(subject, incident)
    for reference, members in sorted(present.items()):
        if len(members) < 2:
            continue
        for a, b in combinations(sorted(members), 2):
            evidence = tuple(
                Evidence("police_incident", row.agency, row.source_id, row.occurred_at,
                         f"{reference}: {row.incident_type.replace('_', ' ')}, {len(members)} people present")
                for row in (members[a], members[b])
            )  # fmt: skip
            ties.append(Tie(a, b, "incident", reference, members[a].occurred_at, evidence))
    for link in ctx.inputs.associations:
        if link.association_type not in PEER_ASSOCIATIONS or not link.other_person:
            continue
        a = people.subject(link.agency, link.person)
        b = people.subject(link.agency, link.other_person)
        if a != b:
            when = datetime.combine(link.observed_at, datetime.min.time()) if link.observed_at else None
            recorded = Evidence("association", link.agency, link.source_id, when,
                                f"recorded as {link.association_type.replace('_', ' ')}")  # fmt: skip
            first, second = sorted((a, b))
            ties.append(Tie(first, second, "association", link.source_id, when, (recorded,)))
    ties += _together_in_time(ctx)
    return ties


def _together_in_time(ctx: PlaceContext) -> list[Tie]:
    """Stopped by transport police at the same station within 30 minutes; found missing at the
    same place within a day."""
    people = ctx.people
    occasions: list[tuple[str, str, datetime, str, Evidence]] = []  # (kind, place, when, subject, evidence)
    for sighting in ctx.inputs.sightings:
        if sighting.sighting_type == "transport_police" and sighting.person and sighting.station_code:
            where = sighting.location or sighting.station_code
            evidence = Evidence("sighting", sighting.agency, sighting.source_id, sighting.seen_at,
                                f"transport police stop at {where}")  # fmt: skip
            subject = people.subject(sighting.agency, sighting.person)
            occasions.append(("transport_police", sighting.station_code, sighting.seen_at, subject, evidence))
    for episode in ctx.inputs.missing:
        place = ctx.book.match(episode.found_uprn, episode.found_location, episode.found_postcode) or (
            (episode.found_location or "").casefold() or None
        )
        if place:
            occasions.append(("found_together", place, episode.reported_at,
                              people.subject(episode.agency, episode.person),
                              Evidence("missing_episode", episode.agency, episode.source_id, episode.reported_at,
                                       f"found at {episode.found_location or place} when missing")))  # fmt: skip
    by_place: dict[tuple[str, str], list[tuple[datetime, str, Evidence]]] = defaultdict(list)
    for kind, place, when, subject, evidence in occasions:
        by_place[(kind, place)].append((when, subject, evidence))
    ties: list[Tie] = []
    for (kind, place), seen in sorted(by_place.items()):
        window = TOGETHER_AT_STATION if kind == "transport_police" else FOUND_TOGETHER
        seen.sort(key=lambda item: (item[0], item[1]))
        for i, (when, subject, evidence) in enumerate(seen):
            for later, other, other_evidence in seen[i + 1 :]:
                if later - when > window:
                    break
                if other != subject:
                    a, b = sorted((subject, other))
                    ties.append(Tie(a, b, kind, f"{place} {when:%Y-%m-%d %H:%M}", when, (evidence, other_evidence)))
    return ties


def find_peer_groups(ctx: PlaceContext, definition: PeerDefinition) -> list[PeerGroup]:
    """Clusters of people tied together, each with at least `min_members` members and a child or
    young person; largest and most tied first."""
    people = ctx.people
    ties = peer_ties(ctx)
    weights: Counter[tuple[str, str]] = Counter()
    for tie in ties:
        weights[(tie.a, tie.b)] += 1
    strong = {pair: w for pair, w in weights.items() if w >= definition.min_shared_events}

    def young(subject_id: str, when: datetime | None) -> bool:
        return people.is_young(subject_id, when or ctx.as_of)

    if not definition.include_adults:
        strong = {(a, b): w for (a, b), w in strong.items() if young(a, None) and young(b, None)}
    if not strong:
        return []
    names = sorted({node for pair in strong for node in pair})
    index = {name: i for i, name in enumerate(names)}
    pairs = sorted(strong)
    graph = ig.Graph(n=len(names), edges=[(index[a], index[b]) for a, b in pairs])
    graph.es["weight"] = [float(strong[pair]) for pair in pairs]
    partition = leidenalg.find_partition(graph, leidenalg.ModularityVertexPartition, weights="weight", seed=LEIDEN_SEED)
    ties_of: dict[tuple[str, str], list[Tie]] = defaultdict(list)
    for tie in ties:
        ties_of[(tie.a, tie.b)].append(tie)
    groups: list[PeerGroup] = []
    for community in partition:
        members = sorted(names[i] for i in community)
        if len(members) < definition.min_members:
            continue
        if not any(young(m, None) for m in members):
            continue
        groups.append(_describe(members, ties_of, ctx))
    groups.sort(key=lambda g: (-len(g.members), -g.ties, g.group_id))
    for rank, group in enumerate(groups, start=1):
        group.rank = rank
    return groups


def _describe(members: list[str], ties_of: dict[tuple[str, str], list[Tie]], ctx: PlaceContext) -> PeerGroup:
    people = ctx.people
    inside = set(members)
    group_ties = [t for (a, b), ts in ties_of.items() if a in inside and b in inside for t in ts]
    degree: Counter[str] = Counter()
    for tie in group_ties:
        degree[tie.a] += 1
        degree[tie.b] += 1
    listed = []
    for subject_id in members:
        profile = people.profile(subject_id)
        listed.append(
            PeerMember(subject_id, profile.age_on(ctx.as_of), people.is_child(subject_id, ctx.as_of),
                       profile.home_town, tuple(sorted(profile.lines)), degree[subject_id])
        )  # fmt: skip
    listed.sort(key=lambda m: (-m.ties, m.subject_id))
    group_id = "peers-" + hashlib.sha1("|".join(members).encode("utf-8")).hexdigest()[:12]
    times = sorted(t.when for t in group_ties if t.when is not None)
    evidence: dict[tuple[str, str, str], LinkedEvidence] = {}
    for tie in group_ties:
        for item in tie.evidence:
            evidence.setdefault((item.schema, item.agency, item.source_id), LinkedEvidence(group_id, tie.how, item))
    children = sum(1 for m in listed if m.child)
    return PeerGroup(
        group_id=group_id,
        members=listed,
        children=children,
        adults=sum(1 for m in listed if m.age is not None and m.age >= 18),
        ties=len({(t.how, t.occasion) for t in group_ties}),
        shared_incidents=len({t.occasion for t in group_ties if t.how == "incident"}),
        towns=sorted({m.home_town for m in listed if m.home_town}),
        lines=sorted({line for m in listed for line in m.lines}),
        first_seen=times[0] if times else None,
        last_seen=times[-1] if times else None,
        by_kind=dict(sorted(Counter(how for how, _ in {(t.how, t.occasion) for t in group_ties}).items())),
        evidence=sorted(evidence.values(), key=lambda e: (e.evidence.date or datetime.min, e.evidence.source_id)),
    )

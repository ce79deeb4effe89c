"""What the records say about each dwelling, gathered once for all dwellings: its tenant and their
vulnerability, the anti-social behaviour reports, police incidents and intelligence about it, the
young people from other towns linked to it, and the line or runner phones on its cell at night.

`cuckooing.py` turns these facts into a score with reasons; keeping the gathering apart keeps the
score a small pure function that tests can drive with hand-made facts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from linewatch.linkage.entities import address_line_key
from linewatch.places.addresses import Dwelling
from linewatch.places.context import PlaceContext
from linewatch.places.definition import CuckooingDefinition
from linewatch.places.geo import GridIndex, nearest, point_or_none
from linewatch.places.records import (
    AsbReport,
    Evidence,
    Incident,
    IntelligenceLog,
    NightPresence,
    RegisteredPhone,
    Tenancy,
    VulnerabilityRecord,
)

STOP_TYPES = ("stop_and_search", "arrest", "found_in_other_area", "seizure")
PRESENT_ROLES = (None, "subject", "present")  # a victim at a cuckooed address is usually the tenant


@dataclass(frozen=True, slots=True)
class YoungPersonLink:
    """A young person from another town linked to the dwelling, and how."""

    subject_id: str
    home_town: str
    how: str  # found here when missing | present at an incident here | stopped nearby | phone registered here
    when: datetime | None
    evidence: Evidence


@dataclass
class DwellingFacts:
    dwelling: Dwelling
    town: str | None
    tenancy: Tenancy | None = None
    tenant_subject: str | None = None
    tenant_vulnerability: list[VulnerabilityRecord] = field(default_factory=list)
    asb: list[AsbReport] = field(default_factory=list)
    incidents: dict[str, list[Incident]] = field(default_factory=dict)  # reference -> one row per person
    intel_exact: list[IntelligenceLog] = field(default_factory=list)
    intel_postcode: list[tuple[IntelligenceLog, int]] = field(default_factory=list)  # with dwellings sharing it
    young: list[YoungPersonLink] = field(default_factory=list)
    serving_cell: str | None = None
    night: list[NightPresence] = field(default_factory=list)
    registered: list[RegisteredPhone] = field(default_factory=list)  # line/runner phones registered here
    lines: set[str] = field(default_factory=set)


def gather_facts(ctx: PlaceContext, definition: CuckooingDefinition) -> dict[str, DwellingFacts]:
    """Facts for every dwelling in the address book, keyed by place id."""
    facts = {
        place_id: DwellingFacts(dwelling, ctx.town_of_dwelling(dwelling))
        for place_id, dwelling in ctx.book.dwellings.items()
    }
    _tenants(ctx, facts)
    _asb(ctx, facts)
    _incidents(ctx, facts, definition)
    _intelligence(ctx, facts)
    _missing(ctx, facts)
    _night_phones(ctx, facts, definition)
    for phone in ctx.inputs.registered_phones:
        place = ctx.book.match_line_and_town(phone.address)
        if place is not None:
            facts[place].registered.append(phone)
            facts[place].lines.add(phone.line_id)
    for fact in facts.values():
        for link in fact.young:
            fact.lines |= ctx.people.profile(link.subject_id).lines
    return facts


def _tenants(ctx: PlaceContext, facts: dict[str, DwellingFacts]) -> None:
    """The tenancy in force at the as-of date (else the latest) and the tenant's vulnerability."""
    vulnerability: dict[str, list[VulnerabilityRecord]] = defaultdict(list)
    for record in ctx.inputs.vulnerability:
        vulnerability[ctx.people.subject(record.agency, record.person)].append(record)
    as_of = ctx.as_of.date()
    for tenancy in ctx.inputs.tenancies:
        place = ctx.book.match(tenancy.uprn)
        if place is None:
            continue
        fact = facts[place]
        if fact.tenancy is None or _tenancy_order(tenancy, as_of) > _tenancy_order(fact.tenancy, as_of):
            fact.tenancy = tenancy
    for fact in facts.values():
        if fact.tenancy is not None:
            fact.tenant_subject = ctx.people.subject(fact.tenancy.agency, fact.tenancy.person)
            fact.tenant_vulnerability = vulnerability.get(fact.tenant_subject, [])


def _tenancy_order(tenancy: Tenancy, as_of: date) -> tuple[int, str]:
    """In force first, then the latest start."""
    in_force = tenancy.end_date is None or tenancy.end_date >= as_of
    return (1 if in_force else 0, str(tenancy.start_date or ""))


def _asb(ctx: PlaceContext, facts: dict[str, DwellingFacts]) -> None:
    for report in ctx.inputs.asb_reports:
        place = ctx.book.match(report.uprn)
        if place is not None:
            facts[place].asb.append(report)


def _young_link(
    ctx: PlaceContext, fact: DwellingFacts, agency: str, person: str, when: datetime, how: str, evidence: Evidence
) -> None:
    subject_id = ctx.people.subject(agency, person)
    if subject_id == fact.tenant_subject or not ctx.people.is_young(subject_id, when):
        return
    home = ctx.people.profile(subject_id).home_town
    if home is None or fact.town is None or home == fact.town:
        return
    fact.young.append(YoungPersonLink(subject_id, home, how, when, evidence))


def _incident_evidence(incident: Incident, what: str) -> Evidence:
    offence = f" ({incident.offence})" if incident.offence else ""
    return Evidence(
        "police_incident",
        incident.agency,
        incident.source_id,
        incident.occurred_at,
        f"{what}: {incident.incident_type.replace('_', ' ')}{offence}",
    )


def _incidents(ctx: PlaceContext, facts: dict[str, DwellingFacts], definition: CuckooingDefinition) -> None:
    stops: GridIndex[Incident] = GridIndex(cell_m=max(definition.nearby_m, 100.0))
    for incident in ctx.inputs.incidents:
        place = ctx.book.match(text=incident.location, postcode=incident.postcode)
        if place is not None:
            fact = facts[place]
            fact.incidents.setdefault(incident.reference, []).append(incident)
            if incident.role in PRESENT_ROLES:
                evidence = _incident_evidence(incident, "present at an incident at the address")
                _young_link(ctx, fact, incident.agency, incident.person, incident.occurred_at,
                            "present at an incident here", evidence)  # fmt: skip
            continue
        point = point_or_none(incident.latitude, incident.longitude)
        if point is not None and incident.incident_type in STOP_TYPES:
            stops.add(incident, point)
    for fact in facts.values():
        if fact.dwelling.point is None or fact.dwelling.point_source == "postcode centre":
            continue  # "nearby" needs the address's own position, not its postcode's
        for incident, distance in stops.within(fact.dwelling.point, definition.nearby_m):
            evidence = _incident_evidence(incident, f"stopped {distance:.0f} m from the address")
            _young_link(ctx, fact, incident.agency, incident.person, incident.occurred_at, "stopped nearby", evidence)


def _intelligence(ctx: PlaceContext, facts: dict[str, DwellingFacts]) -> None:
    line_of_number = {m.number: m.line_id for m in ctx.inputs.line_members if m.role in ("line", "runner")}
    for log in ctx.inputs.intelligence:
        text = address_line_key(log.text or "")
        named: list[str] = []
        if log.postcode:
            at_postcode = ctx.book.at_postcode(log.postcode)
            named = [p for p in at_postcode if _mentions(text, facts[p].dwelling.line1)]
            if named:
                for place in named:
                    facts[place].intel_exact.append(log)
            else:
                for place in at_postcode:
                    facts[place].intel_postcode.append((log, len(at_postcode)))
            named = named or at_postcode
        line = line_of_number.get(log.phone or "")
        if line:
            for place in named:
                facts[place].lines.add(line)


def _mentions(text: str, line1: str | None) -> bool:
    if not line1:
        return False
    key = address_line_key(line1)
    return bool(key) and f" {key} " in f" {text} "


def _missing(ctx: PlaceContext, facts: dict[str, DwellingFacts]) -> None:
    for episode in ctx.inputs.missing:
        place = ctx.book.match(episode.found_uprn, episode.found_location, episode.found_postcode)
        if place is None:
            continue
        evidence = Evidence(
            "missing_episode", episode.agency, episode.source_id, episode.reported_at,
            "found at the address while missing",
        )  # fmt: skip
        _young_link(ctx, facts[place], episode.agency, episode.person, episode.reported_at,
                    "found here when missing", evidence)  # fmt: skip


def _night_phones(ctx: PlaceContext, facts: dict[str, DwellingFacts], definition: CuckooingDefinition) -> None:
    cells = [
        (cell.cell_id, point) for cell in ctx.inputs.cells if (point := point_or_none(cell.latitude, cell.longitude))
    ]
    if not cells:
        return
    by_cell: dict[str, list[NightPresence]] = defaultdict(list)
    for presence in ctx.inputs.night_presence:
        if presence.nights >= definition.night_min_nights:
            by_cell[presence.cell_id].append(presence)
    for fact in facts.values():
        if fact.dwelling.point is None:
            continue
        fact.serving_cell = nearest(fact.dwelling.point, cells, within_m=definition.serving_cell_within_m)
        if fact.serving_cell is None:
            continue
        # Lines seen on the cell are kept apart from `lines`: a cell serves many homes.
        fact.night = by_cell.get(fact.serving_cell, [])

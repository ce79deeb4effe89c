"""The records the places analyses read, as plain typed rows.

`sources.py` fills a `PlaceInputs` from the store and the analytics workspace; tests build one by
hand. Every row keeps the (agency, source_id) of the record it came from, so each score, hotspot
and corridor can name its evidence. A person is referred to as the record does: the agency and the
agency's own person id; `PlaceInputs.subject_of` turns that into the linked subject.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

PersonKey = tuple[str, str]  # (agency, the agency's person id)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One record behind a finding, as the API lists it (and redacts it by `schema`)."""

    schema: str  # the record's table, e.g. "asb_report", "police_incident"
    agency: str
    source_id: str
    date: datetime | None
    description: str


@dataclass(frozen=True, slots=True)
class PersonRecord:
    agency: str
    source_id: str
    date_of_birth: date | None = None
    sex: str | None = None
    address: str | None = None  # as recorded, e.g. "12 High Street, Warwick"
    postcode: str | None = None
    uprn: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class AddressRecord:
    """A property as an agency records it (housing's property list, mostly)."""

    agency: str
    source_id: str
    uprn: str | None
    line1: str | None
    town: str | None
    postcode: str | None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class Tenancy:
    agency: str
    source_id: str
    person: str  # the tenant's person id at `agency`
    uprn: str | None
    start_date: date | None
    end_date: date | None = None
    tenure: str | None = None
    vulnerability_flags: str | None = None  # "drug_use; mental_ill_health"


@dataclass(frozen=True, slots=True)
class AsbReport:
    agency: str
    source_id: str
    uprn: str | None
    postcode: str | None
    reported_at: datetime
    category: str
    description: str | None = None
    person: str | None = None


@dataclass(frozen=True, slots=True)
class Incident:
    """One person's part in a police incident (the feed has one row per person present)."""

    agency: str
    source_id: str
    reference: str
    person: str
    role: str | None
    incident_type: str
    occurred_at: datetime
    location: str | None = None
    postcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    offence: str | None = None
    drugs_found: bool | None = None
    outcome: str | None = None


@dataclass(frozen=True, slots=True)
class MissingEpisode:
    agency: str
    source_id: str
    person: str
    reported_at: datetime
    returned_at: datetime | None = None
    found_location: str | None = None
    found_postcode: str | None = None
    found_uprn: str | None = None
    found_latitude: float | None = None
    found_longitude: float | None = None
    found_with: str | None = None


@dataclass(frozen=True, slots=True)
class IntelligenceLog:
    agency: str
    source_id: str
    recorded_at: datetime
    person: str | None = None
    topic: str | None = None
    text: str | None = None
    phone: str | None = None
    postcode: str | None = None
    vrm: str | None = None


@dataclass(frozen=True, slots=True)
class Association:
    agency: str
    source_id: str
    person: str
    association_type: str
    other_person: str | None = None
    phone: str | None = None
    vrm: str | None = None
    observed_at: date | None = None


@dataclass(frozen=True, slots=True)
class VulnerabilityRecord:
    """A health or social care record that shows an adult is vulnerable (an overdose, a drug
    service, a care leaver status); only which kind, never clinical detail."""

    schema: str  # health_attendance | substance_misuse | social_care_status
    agency: str
    source_id: str
    person: str
    at: datetime | None
    kind: str  # e.g. "overdose", "substance misuse service", "care_leaver"


@dataclass(frozen=True, slots=True)
class Sighting:
    """A rail journey, a transport police stop or an ANPR read (bulk records in Parquet)."""

    agency: str
    source_id: str
    sighting_type: str  # anpr | rail_journey | rail_stop | transport_police | cctv | other
    seen_at: datetime
    person: str | None = None
    vrm: str | None = None
    location: str | None = None
    station_code: str | None = None
    origin_station: str | None = None
    destination_station: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class CellSite:
    cell_id: str
    town: str | None
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class LineMember:
    """A number around a deal line, from `linewatch comms lines` (role: line | controller |
    runner | customer)."""

    line_id: str
    number: str  # E.164
    role: str
    town: str | None = None


@dataclass(frozen=True, slots=True)
class LinePerson:
    """A line, controller or runner number found in an agency person record."""

    line_id: str
    number: str
    role: str
    agency: str
    source_id: str


@dataclass(frozen=True, slots=True)
class LineProfile:
    line_id: str
    origin: str | None
    market_towns: tuple[str, ...]
    numbers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NightPresence:
    """A line or runner number seen on a cell at night (22:00-06:00 UK time) on `nights` nights."""

    number: str
    line_id: str
    role: str
    cell_id: str
    nights: int
    events: int
    first_night: date
    last_night: date


@dataclass(frozen=True, slots=True)
class RegisteredPhone:
    """A line or runner number whose subscriber record gives an address."""

    number: str
    line_id: str
    role: str
    address: str  # as the operator holds it, e.g. "12 Castle Street, Warwick"


@dataclass(frozen=True, slots=True)
class PhoneMove:
    """A runner or line number seen in one town and then in another within a few hours."""

    number: str
    line_id: str
    role: str
    from_town: str
    to_town: str
    left_at: datetime
    arrived_at: datetime


@dataclass
class PlaceInputs:
    """Everything the places analyses read. Collections may be empty: each analysis uses what
    there is and says which sources it had."""

    persons: list[PersonRecord] = field(default_factory=list)
    subjects: dict[PersonKey, str] = field(default_factory=dict)  # from linkage; absent = unlinked
    addresses: list[AddressRecord] = field(default_factory=list)
    tenancies: list[Tenancy] = field(default_factory=list)
    asb_reports: list[AsbReport] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    missing: list[MissingEpisode] = field(default_factory=list)
    intelligence: list[IntelligenceLog] = field(default_factory=list)
    associations: list[Association] = field(default_factory=list)
    vulnerability: list[VulnerabilityRecord] = field(default_factory=list)
    sightings: list[Sighting] = field(default_factory=list)
    cells: list[CellSite] = field(default_factory=list)
    line_members: list[LineMember] = field(default_factory=list)
    line_people: list[LinePerson] = field(default_factory=list)
    line_profiles: list[LineProfile] = field(default_factory=list)
    night_presence: list[NightPresence] = field(default_factory=list)
    phone_moves: list[PhoneMove] = field(default_factory=list)
    registered_phones: list[RegisteredPhone] = field(default_factory=list)
    sources: dict[str, int] = field(default_factory=dict)  # what was read: name -> rows

    def subject_of(self, agency: str, source_id: str) -> str:
        """The subject a person record belongs to; an unlinked record stands for itself."""
        return self.subjects.get((agency, source_id), f"{agency}:{source_id}")

    def latest(self) -> datetime | None:
        """The newest event time in the inputs: the 'as of' moment when none is given."""
        times: list[datetime] = []
        times += [r.reported_at for r in self.asb_reports]
        times += [r.occurred_at for r in self.incidents]
        times += [r.reported_at for r in self.missing]
        times += [r.recorded_at for r in self.intelligence]
        times += [r.seen_at for r in self.sightings]
        times += [r.arrived_at for r in self.phone_moves]
        return max(times, default=None)

    def up_to(self, moment: datetime) -> PlaceInputs:
        """The inputs as they stood at `moment`: records dated after it are left out, so an
        analysis "as of" an earlier date never counts what happened later. Undated records stay.
        Night-time presence is counted over the whole call history in one DuckDB pass, so a
        number is kept when its first night is on or before `moment` (its count may include later
        nights)."""
        day = moment.date()
        return replace(
            self,
            tenancies=[t for t in self.tenancies if t.start_date is None or t.start_date <= day],
            asb_reports=[r for r in self.asb_reports if r.reported_at <= moment],
            incidents=[r for r in self.incidents if r.occurred_at <= moment],
            missing=[r for r in self.missing if r.reported_at <= moment],
            intelligence=[r for r in self.intelligence if r.recorded_at <= moment],
            associations=[r for r in self.associations if r.observed_at is None or r.observed_at <= day],
            vulnerability=[r for r in self.vulnerability if r.at is None or r.at <= moment],
            sightings=[r for r in self.sightings if r.seen_at <= moment],
            night_presence=[r for r in self.night_presence if r.first_night <= day],
            phone_moves=[r for r in self.phone_moves if r.arrived_at <= moment],
        )

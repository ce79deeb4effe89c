"""Hand-made records for the places tests: a small two-town world (a hub, Coventry, and a market
town, Warwick) with named people, addresses and stations, built record by record so each test
shows exactly what it relies on."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from linewatch.places.context import PlaceContext, build_context
from linewatch.places.records import (
    AddressRecord,
    AsbReport,
    CellSite,
    Incident,
    IntelligenceLog,
    MissingEpisode,
    PersonRecord,
    PlaceInputs,
    Sighting,
    Tenancy,
)

AS_OF = datetime(2026, 6, 1, 12, 0)
HISTORY_START = datetime(2025, 6, 1, 9, 0)

COVENTRY = (52.4080, -1.5106)
WARWICK = (52.2819, -1.5849)
WARWICK_STATION = (52.2867, -1.5820)
COVENTRY_STATION = (52.4008, -1.5136)


def days_ago(days: float, hour: int = 23) -> datetime:
    return (AS_OF - timedelta(days=days)).replace(hour=hour, minute=30)


def world() -> PlaceInputs:
    """Two towns the gazetteer learns from cell sites and housing's property list, and a history
    that starts a year before the as-of date (an everyday report in Coventry)."""
    inputs = PlaceInputs()
    inputs.cells = [
        CellSite("COV001", "Coventry", *COVENTRY),
        CellSite("WRW001", "Warwick", *WARWICK),
        CellSite("WRW002", "Warwick", WARWICK[0] + 0.02, WARWICK[1] + 0.02),
    ]
    inputs.addresses = [AddressRecord("housing", "10000000099", "10000000099", "1 Hub Road", "Coventry", "CV1 1AA")]
    inputs.asb_reports = [
        AsbReport("housing", "ASB-OLD", "10000000099", "CV1 1AA", HISTORY_START, "damage", "Communal door damaged")
    ]
    inputs.incidents = [
        # Gives the gazetteer a Coventry point so "nearest town" works for points too.
        Incident("police", "INC-0|NOM0", "INC-0", "NOM0", "subject", "arrest", HISTORY_START, "2 Hub Road, Coventry",
                 "CV1 1AA", *COVENTRY)
    ]  # fmt: skip
    return inputs


def add_home(
    inputs: PlaceInputs,
    uprn: str,
    line1: str,
    postcode: str = "CV34 4AA",
    town: str = "Warwick",
    flags: str | None = None,
    tenant: str | None = None,
    point: tuple[float, float] | None = None,
) -> None:
    """A social housing property with its tenant (a housing person record and a tenancy)."""
    tenant = tenant or f"TEN-{uprn}"
    inputs.addresses.append(
        AddressRecord("housing", uprn, uprn, line1, town, postcode, *(point if point else (None, None)))
    )
    inputs.persons.append(
        PersonRecord("housing", tenant, date(1960, 1, 1), "female", f"{line1}, {town}", postcode, uprn)
    )
    inputs.tenancies.append(Tenancy("housing", f"TNC-{uprn}", tenant, uprn, date(2015, 1, 1), None, "secure", flags))


def add_child(
    inputs: PlaceInputs, person_id: str, home: str = "Coventry", born: date = date(2010, 5, 1), agency: str = "police"
) -> None:
    postcode = "CV1 1AA" if home == "Coventry" else "CV34 4AA"
    inputs.persons.append(PersonRecord(agency, person_id, born, "male", f"3 Any Street, {home}", postcode))


def report(
    inputs: PlaceInputs, uprn: str, category: str, when: datetime, postcode: str = "CV34 4AA", ref: str | None = None
) -> None:
    ref = ref or f"ASB-{uprn}-{len(inputs.asb_reports)}"
    inputs.asb_reports.append(AsbReport("housing", ref, uprn, postcode, when, category, category))


def incident(
    inputs: PlaceInputs,
    reference: str,
    person: str,
    when: datetime,
    location: str,
    postcode: str,
    point: tuple[float, float] | None,
    incident_type: str = "incident",
    role: str = "present",
    offence: str = "Concern for welfare of tenant",
    outcome: str | None = None,
) -> None:
    lat, lon = point if point else (None, None)
    inputs.incidents.append(
        Incident("police", f"{reference}|{person}", reference, person, role, incident_type, when, location, postcode,
                 lat, lon, offence, False, outcome)
    )  # fmt: skip


def found(
    inputs: PlaceInputs,
    ref: str,
    person: str,
    when: datetime,
    location: str,
    point: tuple[float, float] | None,
    uprn: str | None = None,
    postcode: str | None = None,
) -> None:
    lat, lon = point if point else (None, None)
    inputs.missing.append(
        MissingEpisode("police", ref, person, when, when + timedelta(hours=8), location, postcode, uprn, lat, lon)
    )


def intel(
    inputs: PlaceInputs, ref: str, when: datetime, text: str, postcode: str | None, phone: str | None = None
) -> None:
    inputs.intelligence.append(IntelligenceLog("police", ref, when, None, "Cuckooing", text, phone, postcode))


def rail(
    inputs: PlaceInputs,
    ref: str,
    person: str,
    when: datetime,
    origin: str,
    destination: str,
    kind: str = "rail_journey",
) -> None:
    stations = {"COV": ("Coventry", COVENTRY_STATION), "WRW": ("Warwick", WARWICK_STATION)}
    at = origin if kind == "rail_journey" else destination
    name, point = stations[at]
    inputs.sightings.append(Sighting("transport", ref, kind, when, person, None, name, at, origin, destination, *point))


def context(inputs: PlaceInputs) -> PlaceContext:
    return build_context(inputs, AS_OF)

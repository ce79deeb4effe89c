"""Read what the places analyses need: current record versions from the store (SQLite or
PostgreSQL, through SQLAlchemy), sightings of committed feeds from the analytics workspace, and
the deal-line outputs and call records of `linewatch comms`.

Everything else in this package is pure over the `PlaceInputs` built here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import Connection, Engine, inspect, select

from linewatch.lines.mapping import RecordKind
from linewatch.lines.workspace import CommsWorkspace
from linewatch.model import default_model
from linewatch.places.phones import phone_places, registered_phones
from linewatch.places.records import (
    AddressRecord,
    AsbReport,
    Association,
    CellSite,
    Incident,
    IntelligenceLog,
    LineMember,
    LinePerson,
    LineProfile,
    MissingEpisode,
    PersonRecord,
    PlaceInputs,
    Sighting,
    Tenancy,
    VulnerabilityRecord,
)
from linewatch.settings import Settings
from linewatch.store.analytics import feed_file
from linewatch.store.tables import metadata

Progress = Callable[[str], None]

# Health attendances that show an adult is vulnerable to having their home taken over.
VULNERABLE_HEALTH_REASONS = ("overdose", "alcohol", "self_harm", "mental_health")
VULNERABLE_CARE_STATUSES = ("care_leaver",)


def _current(connection: Connection, table_name: str, *columns: str) -> Iterator[Any]:
    table = metadata.tables[table_name]
    query = select(table.c.agency, table.c.source_id, *[table.c[name] for name in columns]).where(
        table.c.is_current.is_(True)
    )
    yield from connection.execute(query)


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def read_store(connection: Connection) -> PlaceInputs:
    """Current versions of every record type the places analyses use, and linkage's subjects."""
    inputs = PlaceInputs()
    inputs.persons = [
        PersonRecord(r.agency, r.source_id, _date(r.date_of_birth), _text(r.sex), _text(r.address),
                     _text(r.postcode), _text(r.uprn), _text(r.phone))
        for r in _current(connection, "person", "date_of_birth", "sex", "address", "postcode", "uprn", "phone")
    ]  # fmt: skip
    inputs.addresses = [
        AddressRecord(r.agency, r.source_id, _text(r.uprn), _text(r.line1), _text(r.town), _text(r.postcode),
                      r.latitude, r.longitude)
        for r in _current(connection, "address", "uprn", "line1", "town", "postcode", "latitude", "longitude")
    ]  # fmt: skip
    inputs.tenancies = [
        Tenancy(r.agency, r.source_id, str(r.person), _text(r.uprn), _date(r.start_date), _date(r.end_date),
                _text(r.tenure), _text(r.vulnerability_flags))
        for r in _current(connection, "housing_tenancy", "person", "uprn", "start_date", "end_date", "tenure",
                          "vulnerability_flags")
    ]  # fmt: skip
    inputs.asb_reports = [
        AsbReport(r.agency, r.source_id, _text(r.uprn), _text(r.postcode), r.reported_at, str(r.category),
                  _text(r.description), _text(r.person))
        for r in _current(connection, "asb_report", "uprn", "postcode", "reported_at", "category", "description",
                          "person")
        if r.reported_at is not None
    ]  # fmt: skip
    inputs.incidents = [
        Incident(r.agency, r.source_id, str(r.incident_reference), str(r.person), _text(r.role),
                 str(r.incident_type), r.occurred_at, _text(r.location), _text(r.postcode), r.latitude,
                 r.longitude, _text(r.offence), r.drugs_found, _text(r.outcome))
        for r in _current(connection, "police_incident", "incident_reference", "person", "role", "incident_type",
                          "occurred_at", "location", "postcode", "latitude", "longitude", "offence",
                          "drugs_found", "outcome")
        if r.occurred_at is not None
    ]  # fmt: skip
    inputs.missing = [
        MissingEpisode(r.agency, r.source_id, str(r.person), r.reported_at, r.returned_at, _text(r.found_location),
                       _text(r.found_postcode), _text(r.found_uprn), r.found_latitude, r.found_longitude,
                       _text(r.found_with))
        for r in _current(connection, "missing_episode", "person", "reported_at", "returned_at", "found_location",
                          "found_postcode", "found_uprn", "found_latitude", "found_longitude", "found_with")
        if r.reported_at is not None
    ]  # fmt: skip
    inputs.intelligence = [
        IntelligenceLog(r.agency, r.source_id, r.recorded_at, _text(r.person), _text(r.topic), _text(r.text),
                        _text(r.phone), _text(r.postcode), _text(r.vrm))
        for r in _current(connection, "intelligence_log", "recorded_at", "person", "topic", "text", "phone",
                          "postcode", "vrm")
        if r.recorded_at is not None
    ]  # fmt: skip
    inputs.associations = [
        Association(r.agency, r.source_id, str(r.person), str(r.association_type), _text(r.other_person),
                    _text(r.phone), _text(r.vrm), _date(r.observed_at))
        for r in _current(connection, "association", "person", "association_type", "other_person", "phone", "vrm",
                          "observed_at")
    ]  # fmt: skip
    inputs.vulnerability = _vulnerability(connection)
    inputs.subjects = _subjects(connection)
    inputs.sources = {
        "person records": len(inputs.persons),
        "addresses": len(inputs.addresses),
        "tenancies": len(inputs.tenancies),
        "anti-social behaviour reports": len(inputs.asb_reports),
        "police incident rows": len(inputs.incidents),
        "missing episodes": len(inputs.missing),
        "intelligence logs": len(inputs.intelligence),
        "associations": len(inputs.associations),
        "health and social care vulnerability records": len(inputs.vulnerability),
        "person records in subjects": len(inputs.subjects),
    }
    return inputs


def _vulnerability(connection: Connection) -> list[VulnerabilityRecord]:
    found: list[VulnerabilityRecord] = []
    health = metadata.tables["health_attendance"]
    for r in connection.execute(
        select(health.c.agency, health.c.source_id, health.c.person, health.c.attended_at, health.c.reason).where(
            health.c.is_current.is_(True), health.c.reason.in_(VULNERABLE_HEALTH_REASONS)
        )
    ):
        found.append(
            VulnerabilityRecord("health_attendance", r.agency, r.source_id, str(r.person), r.attended_at, str(r.reason))
        )
    for r in _current(connection, "substance_misuse", "person", "referred_at"):
        when = datetime.combine(r.referred_at, datetime.min.time()) if r.referred_at else None
        found.append(
            VulnerabilityRecord("substance_misuse", r.agency, r.source_id, str(r.person), when, "substance_misuse")
        )
    care = metadata.tables["social_care_status"]
    for r in connection.execute(
        select(care.c.agency, care.c.source_id, care.c.person, care.c.start_date, care.c.status).where(
            care.c.is_current.is_(True), care.c.status.in_(VULNERABLE_CARE_STATUSES)
        )
    ):
        when = datetime.combine(r.start_date, datetime.min.time()) if r.start_date else None
        found.append(VulnerabilityRecord("social_care_status", r.agency, r.source_id, str(r.person), when, r.status))
    return found


def _subjects(connection: Connection) -> dict[tuple[str, str], str]:
    if not inspect(connection).has_table("subject_member"):
        return {}
    member = metadata.tables["subject_member"]
    rows = connection.execute(select(member.c.agency, member.c.source_id, member.c.subject_id))
    return {(r.agency, r.source_id): r.subject_id for r in rows}


def committed_sighting_files(connection: Connection, analytics_dir: Path) -> list[Path]:
    """Sighting Parquet files of feeds that committed (a crashed load leaves a file no feed names)."""
    feed = metadata.tables["feed"]
    schema = default_model()["Sighting"]
    feed_ids = [int(row[0]) for row in connection.execute(select(feed.c.id))]
    return [path for feed_id in sorted(feed_ids) if (path := feed_file(analytics_dir, schema, feed_id)).exists()]


def read_sightings(paths: list[Path]) -> list[Sighting]:
    if not paths:
        return []
    listed = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
    with duckdb.connect() as connection:
        rows = connection.execute(
            f"""
            SELECT agency, source_id, sighting_type, seen_at, person, vrm, location, station_code,
                   origin_station, destination_station, latitude, longitude
            FROM read_parquet([{listed}], union_by_name = true)
            WHERE seen_at IS NOT NULL AND sighting_type IS NOT NULL
            ORDER BY seen_at, agency, source_id
            """
        ).fetchall()
    return [
        Sighting(r[0], r[1], r[2], r[3], _text(r[4]), _text(r[5]), _text(r[6]), _text(r[7]), _text(r[8]),
                 _text(r[9]), r[10], r[11])
        for r in rows
    ]  # fmt: skip


def read_cells(workspace: CommsWorkspace) -> list[CellSite]:
    files = workspace.files(RecordKind.cell_sites)
    if not files:
        return []
    listed = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
    with duckdb.connect() as connection:
        rows = connection.execute(
            f"SELECT DISTINCT cell_id, town, latitude, longitude FROM read_parquet([{listed}], union_by_name = true) "
            "WHERE latitude IS NOT NULL AND longitude IS NOT NULL ORDER BY cell_id"
        ).fetchall()
    return [CellSite(str(r[0]), _text(r[1]), float(r[2]), float(r[3])) for r in rows]


def read_lines(lines_dir: Path) -> tuple[list[LineMember], list[LinePerson], list[LineProfile]]:
    """The deal lines `linewatch comms lines` found; empty when it has not run."""
    members: list[LineMember] = []
    people: list[LinePerson] = []
    profiles: list[LineProfile] = []
    with duckdb.connect() as connection:
        if (lines_dir / "line_members.parquet").exists():
            rows = connection.execute(
                "SELECT line_id, number, role, town FROM read_parquet(?) ORDER BY line_id, number",
                [str(lines_dir / "line_members.parquet")],
            ).fetchall()
            members = [LineMember(str(r[0]), str(r[1]), str(r[2]), _text(r[3])) for r in rows]
        if (lines_dir / "line_people.parquet").exists():
            rows = connection.execute(
                "SELECT line_id, number, role, agency, source_id FROM read_parquet(?) ORDER BY ALL",
                [str(lines_dir / "line_people.parquet")],
            ).fetchall()
            people = [LinePerson(*(str(v) for v in r)) for r in rows]
    profile_file = lines_dir / "line_profiles.json"
    if profile_file.exists():
        for profile in json.loads(profile_file.read_text(encoding="utf-8")):
            profiles.append(
                LineProfile(
                    line_id=str(profile["line_id"]),
                    origin=profile.get("origin"),
                    market_towns=tuple(profile.get("market_towns") or ()),
                    numbers=tuple(n["number"] for n in profile.get("numbers") or ()),
                )
            )
    return members, people, profiles


def read_inputs(settings: Settings, engine: Engine, progress: Progress = lambda _: None) -> PlaceInputs:
    """Everything the places analyses read, from the store and the analytics workspace."""
    progress("Reading records from the store")
    with engine.connect() as connection:
        inputs = read_store(connection)
        sighting_files = committed_sighting_files(connection, settings.analytics_dir)
    progress("Reading sightings (rail, transport police, ANPR)")
    inputs.sightings = read_sightings(sighting_files)
    inputs.sources["sightings"] = len(inputs.sightings)
    comms = CommsWorkspace(settings.analytics_dir)
    inputs.cells = read_cells(comms)
    inputs.line_members, inputs.line_people, inputs.line_profiles = read_lines(comms.lines_dir)
    inputs.sources["cell sites"] = len(inputs.cells)
    inputs.sources["deal lines"] = len(inputs.line_profiles)
    progress("Finding line and runner phones at night and on the move")
    inputs.night_presence, inputs.phone_moves = phone_places(
        comms.files(RecordKind.calls), inputs.cells, inputs.line_members
    )
    inputs.registered_phones = registered_phones(comms.files(RecordKind.subscribers), inputs.line_members)
    inputs.sources["line/runner number-cell nights"] = len(inputs.night_presence)
    inputs.sources["line/runner phones with a subscriber address"] = len(inputs.registered_phones)
    inputs.sources["line/runner phone moves"] = len(inputs.phone_moves)
    return inputs

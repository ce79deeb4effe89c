"""A cuckooed flat, a station hotspot and a rail route written into a real store (SQLite or
PostgreSQL) and analytics workspace, as feeds would have left them, for end-to-end tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Connection, insert

from linewatch.model import default_model
from linewatch.store.analytics import arrow_schema, feed_file
from linewatch.store.tables import metadata
from tests.conftest import Store
from tests.feed_rows import insert_feed

NOW = datetime(2026, 6, 1, 12, 0)
UPRN = "10000000001"
POSTCODE = "CV34 4AB"
FLAT = (52.2839, -1.5829)
STATION = (52.2867, -1.5820)


def _feed(connection: Connection, agency: str, name: str) -> int:
    return insert_feed(connection, agency, loaded_at=NOW, digest=name.ljust(64, "0")[:64])


def _rows(connection: Connection, table_name: str, feed_id: int, agency: str, rows: list[dict[str, Any]]) -> None:
    table = metadata.tables[table_name]
    full = []
    for n, row in enumerate(rows):
        values = {"agency": agency, "version": 1, "is_current": True, "feed_id": feed_id, "source_row": n + 2,
                  "ingested_at": NOW, "content_hash": "0" * 32, **row}  # fmt: skip
        for name in list(values):
            if f"{name}_valid" in table.c and values[name] is not None:
                values[f"{name}_valid"] = True
        full.append(values)
    names = {name for values in full for name in values}  # executemany needs the same keys in every row
    connection.execute(insert(table), [{name: values.get(name) for name in names} for values in full])


def ago(days: float, hour: int = 23) -> datetime:
    return (NOW - timedelta(days=days)).replace(hour=hour, minute=15)


def write_scene(store: Store) -> None:
    with store.engine.begin() as connection:
        housing = _feed(connection, "housing", "housing")
        police = _feed(connection, "police", "police")
        transport = _feed(connection, "transport", "transport")
        _rows(connection, "address", housing, "housing", [
            {"source_id": UPRN, "uprn": UPRN, "line1": "Flat 2, 12 Castle Street", "town": "Warwick",
             "postcode": POSTCODE},
            {"source_id": "10000000099", "uprn": "10000000099", "line1": "1 Hub Road", "town": "Coventry",
             "postcode": "CV1 1AA"},
        ])  # fmt: skip
        _rows(connection, "person", housing, "housing", [
            {"source_id": "TEN1", "given_name": "Ann", "surname": "Tenant", "date_of_birth": date(1958, 2, 1),
             "address": "Flat 2, 12 Castle Street, Warwick", "postcode": POSTCODE, "uprn": UPRN},
        ])  # fmt: skip
        _rows(connection, "housing_tenancy", housing, "housing", [
            {"source_id": "TNC1", "person": "TEN1", "tenancy_reference": "TNC1", "uprn": UPRN,
             "start_date": date(2014, 3, 1), "tenure": "secure", "vulnerability_flags": "learning_disability"},
        ])  # fmt: skip
        categories = ["visitors_at_all_hours", "drug_dealing", "visitors_at_all_hours", "drug_litter", "intimidation"]
        _rows(connection, "asb_report", housing, "housing", [
            {"source_id": f"ASB{n}", "report_reference": f"ASB{n}", "uprn": UPRN, "postcode": POSTCODE,
             "reported_at": ago(50 - 9 * n), "category": category, "description": "Reported by a neighbour"}
            for n, category in enumerate(categories)
        ] + [{"source_id": "ASB-OLD", "report_reference": "ASB-OLD", "uprn": "10000000099", "postcode": "CV1 1AA",
              "reported_at": datetime(2025, 6, 1, 10), "category": "damage"}])  # fmt: skip
        children = [f"NOM{n}" for n in range(4)]
        _rows(connection, "person", police, "police", [
            {"source_id": child, "surname": "CHILD", "given_name": child, "date_of_birth": date(2010, 1, 1 + n),
             "address": f"{n} Hub Road, Coventry", "postcode": "CV1 1AA"}
            for n, child in enumerate(children)
        ])  # fmt: skip
        _rows(connection, "missing_episode", police, "police", [
            {"source_id": f"MIS{n}", "person": child, "reported_at": ago(20 + n), "found_location":
             "Flat 2, 12 Castle Street, Warwick", "found_postcode": POSTCODE, "found_uprn": UPRN,
             "found_latitude": FLAT[0], "found_longitude": FLAT[1]}
            for n, child in enumerate(children[:2])
        ] + [
            {"source_id": f"MIS-S{n}-{k}", "person": child, "reported_at": ago(10 + n + 30 * k), "found_location":
             "Warwick station, Warwick", "found_latitude": STATION[0], "found_longitude": STATION[1]}
            for n, child in enumerate(children)
            for k in range(2)  # each child found there twice
        ])  # fmt: skip
        _rows(connection, "police_incident", police, "police", [
            {"source_id": "INC1|NOM0", "person": "NOM0", "incident_reference": "INC1", "role": "present",
             "incident_type": "incident", "occurred_at": ago(15), "location": "Flat 2, 12 Castle Street, Warwick",
             "postcode": POSTCODE, "latitude": FLAT[0], "longitude": FLAT[1], "offence": "Drugs supply concern"},
            {"source_id": "INC1|NOM1", "person": "NOM1", "incident_reference": "INC1", "role": "present",
             "incident_type": "incident", "occurred_at": ago(15), "location": "Flat 2, 12 Castle Street, Warwick",
             "postcode": POSTCODE, "latitude": FLAT[0], "longitude": FLAT[1], "offence": "Drugs supply concern"},
            {"source_id": "INC0|NOM3", "person": "NOM3", "incident_reference": "INC0", "role": "subject",
             "incident_type": "arrest", "occurred_at": datetime(2025, 6, 2, 10), "location": "1 Hub Road, Coventry",
             "postcode": "CV1 1AA", "latitude": 52.408, "longitude": -1.5106, "offence": "Shoplifting"},
        ])  # fmt: skip
        _rows(connection, "intelligence_log", police, "police", [
            {"source_id": "INT1", "intelligence_reference": "INT1", "recorded_at": ago(12), "topic": "Cuckooing",
             "text": "Address Flat 2, 12 Castle Street believed taken over", "postcode": POSTCODE},
        ])  # fmt: skip
        _rows(connection, "person", transport, "transport", [
            {"source_id": "RC0", "given_name": "NOM0", "surname": "Child", "date_of_birth": date(2010, 1, 1)}
        ])  # fmt: skip
    _write_sightings(store.settings.analytics_dir, transport)


def _write_sightings(analytics_dir: Path, feed_id: int) -> None:
    schema = default_model()["Sighting"]
    rows = [
        {"agency": "transport", "source_id": f"J{n}", "feed_id": feed_id, "source_row": n + 2, "person": "RC0",
         "sighting_type": "rail_journey", "seen_at": ago(30 - n, hour=9), "location": "Coventry",
         "station_code": "COV", "origin_station": "COV", "destination_station": "WRW", "latitude": 52.4008,
         "longitude": -1.5136}
        for n in range(3)
    ] + [
        {"agency": "transport", "source_id": "J-W", "feed_id": feed_id, "source_row": 9, "person": "RC0",
         "sighting_type": "rail_journey", "seen_at": ago(25, hour=9), "location": "Warwick", "station_code": "WRW",
         "origin_station": "WRW", "destination_station": "COV", "latitude": STATION[0], "longitude": STATION[1]}
    ]  # fmt: skip
    path = feed_file(analytics_dir, schema, feed_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=arrow_schema(schema)), path)
    # A file left by a load that never committed: it names no feed and must be ignored.
    orphan = [{**rows[0], "source_id": "ORPHAN", "feed_id": 999, "origin_station": "COV", "destination_station": "LCN"}]
    pq.write_table(pa.Table.from_pylist(orphan, schema=arrow_schema(schema)), feed_file(analytics_dir, schema, 999))

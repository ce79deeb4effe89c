"""Hand-built records for screening tests: children known to agencies, their records of any type,
linked into subjects, and the lines and places outputs written as those capabilities write them.

    county = County()
    county.child("S1", dob=date(2010, 5, 1), sex="female")
    county.record("MissingEpisode", "S1", "police", reported_at=..., returned_at=...)
    county.write(store.engine, store.settings)
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine, insert

from linewatch.model import SchemaKind, default_model
from linewatch.settings import Settings
from linewatch.store.analytics import arrow_schema, feed_file
from linewatch.store.tables import metadata
from linewatch.store.tables_linkage import linkage_run, subject, subject_member
from tests.feed_rows import insert_feed

LOADED_AT = datetime(2026, 9, 1, 12, 0)


@dataclass
class Child:
    subject_id: str
    dob: date | None
    sex: str | None
    ethnicity: str | None
    postcode: str | None
    upn: str | None = None


@dataclass
class County:
    children: dict[str, Child] = field(default_factory=dict)
    people: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (agency, source_id) -> row
    members: dict[tuple[str, str], str] = field(default_factory=dict)  # person record -> subject
    records: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def child(
        self,
        subject_id: str,
        dob: date | None = date(2011, 3, 1),
        sex: str | None = "male",
        ethnicity: str | None = "white_british",
        postcode: str | None = "CV1 2AB",
        upn: str | None = None,
    ) -> Child:
        found = Child(subject_id, dob, sex, ethnicity, postcode, upn)
        self.children[subject_id] = found
        return found

    def person(self, subject_id: str, agency: str, **fields: Any) -> str:
        """The subject's person record at an agency (made on first use); fields override the child's."""
        source_id = f"{agency.upper()}-{subject_id}"
        key = (agency, source_id)
        if key not in self.people:
            child = self.children[subject_id]
            self.people[key] = {
                "date_of_birth": child.dob,
                "sex": child.sex,
                "ethnicity": child.ethnicity,
                "postcode": child.postcode,
                "upn": child.upn,
                "given_name": "Test",
                "surname": subject_id,
            }
            self.members[key] = subject_id
        self.people[key].update(fields)
        return source_id

    def record(
        self, schema: str, subject_id: str | None, agency: str, source_id: str | None = None, **fields: Any
    ) -> str:
        """A record of any type about the subject (person ref filled in), returning its source id."""
        source_id = source_id or f"{schema[:3].upper()}{next(self.numbers):05d}"
        row = {"agency": agency, "source_id": source_id, **fields}
        if subject_id is not None:
            row["person"] = self.person(subject_id, agency)
        self.records[schema].append(row)
        return source_id

    def write(self, engine: Engine, settings: Settings) -> None:
        model = default_model()
        feeds: dict[str, int] = {}
        with engine.begin() as connection:

            def feed_of(agency: str) -> int:
                if agency not in feeds:
                    feeds[agency] = insert_feed(connection, agency, loaded_at=LOADED_AT, digest=f"{agency:0<64}"[:64])
                return feeds[agency]

            def stored(schema_name: str, rows: list[dict[str, Any]]) -> None:
                schema = model[schema_name]
                if schema.kind is SchemaKind.bulk:
                    self._bulk(settings, schema_name, rows, feed_of)
                    return
                table = metadata.tables[schema.table_name]
                values = []
                for number, row in enumerate(rows, start=1):
                    item = {
                        "version": 1,
                        "is_current": True,
                        "feed_id": feed_of(row["agency"]),
                        "source_row": number,
                        "ingested_at": LOADED_AT,
                        "content_hash": "0" * 32,
                        **row,
                    }
                    for prop in schema.properties.values():
                        if prop.is_identifier and item.get(prop.name) is not None:
                            item.setdefault(f"{prop.name}_valid", True)
                    values.append(item)
                if values:
                    columns = set().union(*(v.keys() for v in values))
                    connection.execute(insert(table), [{c: v.get(c) for c in columns} for v in values])

            stored("Person", [{"agency": a, "source_id": s, **row} for (a, s), row in self.people.items()])
            for schema_name, rows in self.records.items():
                stored(schema_name, rows)
            run_id = int(
                connection.execute(
                    insert(linkage_run).values(
                        kind="full",
                        engine="duckdb",
                        model_version=1,
                        threshold=0.9,
                        review_from=0.5,
                        started_at=LOADED_AT,
                        finished_at=LOADED_AT,
                        run_by="test",
                        records=len(self.members),
                        records_linked=len(self.members),
                        pairs_scored=0,
                        subjects=len(self.children),
                        subjects_new=len(self.children),
                        subjects_retired=0,
                        review_pending=0,
                        seconds=0.0,
                        report={},
                    )
                ).inserted_primary_key[0]
            )  # type: ignore[index]
            by_subject: dict[str, list[tuple[str, str]]] = defaultdict(list)
            for record, subject_id in self.members.items():
                by_subject[subject_id].append(record)
            for subject_id in self.children:
                records = by_subject.get(subject_id) or []
                if not records:  # a child with no record yet is known to one agency
                    self.person(subject_id, "education")
                    records = [("education", f"EDUCATION-{subject_id}")]
                    stored(
                        "Person",
                        [
                            {
                                "agency": "education",
                                "source_id": records[0][1],
                                **self.people[("education", records[0][1])],
                            }
                        ],
                    )
                connection.execute(
                    insert(subject).values(
                        id=subject_id,
                        created_run=run_id,
                        updated_run=run_id,
                        members=len(records),
                        agencies=len({agency for agency, _ in records}),
                    )
                )
                connection.execute(
                    insert(subject_member),
                    [
                        {
                            "subject_id": subject_id,
                            "agency": agency,
                            "source_id": source_id,
                            "evidence": "model",
                            "content_hash": "0" * 32,
                            "run_id": run_id,
                        }
                        for agency, source_id in records
                    ],
                )

    @staticmethod
    def _bulk(settings: Settings, schema_name: str, rows: list[dict[str, Any]], feed_of: Any) -> None:
        schema = default_model()[schema_name]
        by_agency: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_agency[row["agency"]].append(row)
        for agency, agency_rows in by_agency.items():
            feed_id = feed_of(agency)
            target = arrow_schema(schema)
            table = pa.table(
                {
                    name: [
                        feed_id if name == "feed_id" else number if name == "source_row" else row.get(name)
                        for number, row in enumerate(agency_rows, start=1)
                    ]
                    for name in target.names
                },
                schema=target,
            )
            path = feed_file(settings.analytics_dir, schema, feed_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(table, path)


def write_places(settings: Settings, places: list[dict[str, Any]]) -> Path:
    """flagged_places.parquet as the places capability writes it."""
    columns = {
        "place_id": pa.string(),
        "kind": pa.string(),
        "uprn": pa.string(),
        "postcode": pa.string(),
        "latitude": pa.float64(),
        "longitude": pa.float64(),
        "radius_m": pa.float64(),
        "level": pa.string(),
        "score": pa.float64(),
        "label": pa.string(),
        "reasons": pa.string(),
    }
    path = settings.analytics_dir / "places" / "flagged_places.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.table({name: [place.get(name) for place in places] for name in columns}, schema=pa.schema(columns))
    pq.write_table(table, path)
    return path


def write_lines(
    settings: Settings,
    people: list[dict[str, Any]],
    numbers: list[dict[str, Any]],
    members: list[dict[str, Any]],
    markets: dict[str, list[str]] | None = None,
) -> Path:
    """The lines capability's outputs: line_people, line_numbers, line_members and line profiles."""
    folder = settings.analytics_dir / "lines"
    folder.mkdir(parents=True, exist_ok=True)
    schemas = {
        "line_people": {
            "line_id": pa.string(),
            "number": pa.string(),
            "role": pa.string(),
            "agency": pa.string(),
            "source_id": pa.string(),
            "via": pa.string(),
        },
        "line_numbers": {
            "line_id": pa.string(),
            "position": pa.int64(),
            "number": pa.string(),
            "score": pa.float64(),
            "first_seen": pa.string(),
            "last_seen": pa.string(),
            "customers": pa.int64(),
        },
        "line_members": {
            "line_id": pa.string(),
            "number": pa.string(),
            "role": pa.string(),
            "town": pa.string(),
            "events": pa.int64(),
            "reason": pa.string(),
        },
    }
    for name, rows in (("line_people", people), ("line_numbers", numbers), ("line_members", members)):
        columns = schemas[name]
        pq.write_table(
            pa.table({c: [row.get(c) for row in rows] for c in columns}, schema=pa.schema(columns)),
            folder / f"{name}.parquet",
        )
    profiles = [
        {"line_id": line_id, "summary": f"a line from Coventry into {' and '.join(towns)}", "market_towns": towns}
        for line_id, towns in (markets or {}).items()
    ]
    (folder / "line_profiles.json").write_text(json.dumps(profiles), encoding="utf-8")
    return folder

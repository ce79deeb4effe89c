"""A small hand-made world for API tests: one child known to four agencies, with a marker string
planted in fields of every sensitivity class, so a test can say exactly which markers a user
may see; plus a review pair, a deal line, and throwaway subjects to erase."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Connection, Engine, insert, select

from linewatch.identifiers import make_nhs_number, make_pnc_id
from linewatch.store.tables import metadata
from linewatch.store.tables_linkage import linkage_review, linkage_run, subject, subject_member
from tests.api.screening_world import write_screening
from tests.feed_rows import insert_feed

NOW = datetime(2026, 6, 1, 12, 0)
CHILD = "S0000001"
LINE_ID = "line-447000000001"


@dataclass
class World:
    engine: Engine
    feeds: dict[str, int] = field(default_factory=dict)
    run_id: int = 0
    review_id: int = 0
    spare: int = 0

    def feed(self, connection: Connection, agency: str) -> int:
        if agency not in self.feeds:
            self.feeds[agency] = insert_feed(connection, agency, loaded_at=NOW, digest=uuid.uuid4().hex * 2)
        return self.feeds[agency]

    def record(self, connection: Connection, table: str, agency: str, source_id: str, **values: Any) -> None:
        connection.execute(
            insert(metadata.tables[table]).values(
                agency=agency,
                source_id=source_id,
                version=1,
                is_current=True,
                feed_id=self.feed(connection, agency),
                source_row=1,
                ingested_at=NOW,
                content_hash=hashlib.md5(repr(sorted(values.items())).encode()).hexdigest(),
                **values,
            )
        )

    def subject(self, connection: Connection, subject_id: str, members: list[tuple[str, str]]) -> None:
        connection.execute(
            insert(subject).values(
                id=subject_id,
                created_run=self.run_id,
                updated_run=self.run_id,
                members=len(members),
                agencies=len({a for a, _ in members}),
            )
        )
        for agency, source_id in members:
            connection.execute(
                insert(subject_member).values(
                    subject_id=subject_id,
                    agency=agency,
                    source_id=source_id,
                    match_probability=0.99,
                    evidence="model",
                    content_hash="0" * 32,
                    run_id=self.run_id,
                )
            )

    def throwaway_subject(self) -> str:
        """A fresh subject with one education record, for erasure tests."""
        self.spare += 1
        subject_id = f"S09{self.spare:05d}"
        with self.engine.begin() as connection:
            self.record(connection, "person", "education", f"SPARE{self.spare}", given_name="Spare", surname="Child")
            self.record(
                connection,
                "attendance",
                "education",
                f"SPAREATT{self.spare}",
                person=f"SPARE{self.spare}",
                term="2026-SUM",
                term_start=date(2026, 4, 13),
                sessions_possible=100,
                sessions_missed=3,
            )
            self.subject(connection, subject_id, [("education", f"SPARE{self.spare}")])
        return subject_id

    def throwaway_record(self) -> str:
        self.spare += 1
        with self.engine.begin() as connection:
            self.record(
                connection,
                "attendance",
                "education",
                f"LOOSE{self.spare}",
                person="NOBODY",
                term="2026-SUM",
                term_start=date(2026, 4, 13),
                sessions_possible=100,
                sessions_missed=3,
            )
        return f"Attendance/education/LOOSE{self.spare}"


def build_world(engine: Engine, analytics_dir: Path) -> World:
    world = World(engine)
    with engine.begin() as c:
        world.run_id = int(
            c.execute(
                insert(linkage_run).values(
                    kind="full",
                    engine="duckdb",
                    model_version=1,
                    threshold=0.9,
                    review_from=0.5,
                    started_at=NOW,
                    run_by="test",
                    records=5,
                    records_linked=5,
                    pairs_scored=5,
                    subjects=1,
                    subjects_new=1,
                    subjects_retired=0,
                    review_pending=1,
                    seconds=1.0,
                    report={},
                )
            ).inserted_primary_key[0]
        )  # type: ignore[index]
        dob = date(2010, 3, 4)
        world.record(
            c,
            "person",
            "health",
            "H1",
            given_name="Kacey",
            surname="MKHEALTHNAME",
            date_of_birth=dob,
            nhs_number=make_nhs_number(999_000_001),
            nhs_number_valid=True,
            vulnerability="MKHEALTHVULN",
        )
        world.record(
            c,
            "health_attendance",
            "health",
            "HA1",
            person="H1",
            attended_at=datetime(2026, 5, 1, 23, 10),
            reason="assault",
            hospital="MKHEALTHHOSPITAL",
            clinical_detail="MKHEALTHCLINICAL",
        )
        world.record(
            c,
            "person",
            "police",
            "P1",
            given_name="Kacey",
            surname="MKPOLICENAME",
            date_of_birth=dob,
            pnc_id=make_pnc_id(10, 123),
            pnc_id_valid=True,
        )
        world.record(c, "person", "police", "P2", given_name="Kacie", surname="MKPOLICENAME", date_of_birth=dob)
        world.record(
            c,
            "missing_episode",
            "police",
            "M1",
            person="P1",
            reported_at=datetime(2026, 5, 2, 21, 0),
            found_location="MKPOLICEFOUND",
        )
        world.record(
            c,
            "intelligence_log",
            "police",
            "I1",
            person="P1",
            intelligence_reference="INT-1",
            recorded_at=datetime(2026, 5, 3, 9, 0),
            text="MKPOLICEINTEL",
        )
        world.record(c, "person", "education", "E1", given_name="Kacey", surname="MKEDUNAME", date_of_birth=dob)
        world.record(
            c,
            "attendance",
            "education",
            "A1",
            person="E1",
            term="MKEDUTERM",
            term_start=date(2026, 4, 13),
            sessions_possible=100,
            sessions_missed=40,
        )
        world.record(
            c,
            "person",
            "social_care",
            "C1",
            given_name="Kacey",
            surname="MKCARENAME",
            date_of_birth=dob,
            vulnerability="MKCAREVULN",
        )
        world.record(
            c,
            "referral",
            "social_care",
            "R1",
            person="C1",
            referral_reference="REF-1",
            referred_at=datetime(2026, 5, 4, 10, 0),
            referred_to="mash",
            reason="MKCAREREASON",
        )
        world.subject(c, CHILD, [("health", "H1"), ("police", "P1"), ("education", "E1"), ("social_care", "C1")])
        world.subject(c, "S0000002", [("police", "P2")])
        write_screening(c, CHILD)
        world.review_id = int(
            c.execute(
                insert(linkage_review).values(
                    agency_l="police",
                    source_id_l="P1",
                    agency_r="police",
                    source_id_r="P2",
                    match_probability=0.8,
                    match_weight=2.0,
                    reasons="given_name: nickname",
                    status="pending",
                    created_run=world.run_id,
                    updated_run=world.run_id,
                )
            ).inserted_primary_key[0]
        )  # type: ignore[index]
    write_line(analytics_dir)
    return world


def write_line(analytics_dir: Path) -> None:
    """One deal line's outputs, as `linewatch comms lines` writes them, linked to police P1."""
    folder = analytics_dir / "lines"
    (folder / "exports").mkdir(parents=True, exist_ok=True)
    profile = {
        "line_id": LINE_ID,
        "summary": "a line from Coventry into Warwick",
        "origin": "Coventry",
        "market_towns": ["Warwick"],
        "score": 0.95,
        "numbers": [
            {
                "number": "+447000000001",
                "first_seen": "2026-05-01T00:00:00Z",
                "last_seen": "2026-05-30T00:00:00Z",
                "score": 0.95,
                "customers": 2,
            }
        ],
        "number_changes": [],
        "handsets": [],
        "controllers": ["+447000000002"],
        "runners": [{"number": "+447000000003", "town": "Warwick"}],
        "customers": 2,
        "linked_records": [
            {
                "line_id": LINE_ID,
                "number": "+447000000003",
                "role": "runner",
                "agency": "police",
                "source_id": "P1",
                "via": "person.phone",
            },
            {
                "line_id": LINE_ID,
                "number": "+447000000003",
                "role": "runner",
                "agency": "health",
                "source_id": "H1",
                "via": "person.phone",
            },
        ],
    }
    (folder / "line_profiles.json").write_text(json.dumps([profile]), encoding="utf-8")
    members = [
        (LINE_ID, "+447000000001", "line", "Coventry", 0, "scored as a line number"),
        (LINE_ID, "+447000000002", "controller", "Coventry", 40, "calls the line"),
        (LINE_ID, "+447000000003", "runner", "Warwick", 30, "calls the line"),
        (LINE_ID, "+447000000004", "customer", "Warwick", 5, "receives flares"),
    ]
    names = ["line_id", "number", "role", "town", "events", "reason"]
    pq.write_table(pa.table({n: [m[i] for m in members] for i, n in enumerate(names)}), folder / "line_members.parquet")
    (folder / "exports" / "i2_links.csv").write_text(
        "From Entity ID,To Entity ID,Link Type,Events,Texts,Calls,First Seen,Last Seen\n"
        "'+447000000001,'+447000000002,Calls/texts,40,20,20,2026-05-01T00:00:00Z,2026-05-30T00:00:00Z\n"
        "'+447000000001,'+447000000003,Calls/texts,30,10,20,2026-05-01T00:00:00Z,2026-05-30T00:00:00Z\n",
        encoding="utf-8",
    )


def markers_in(text: str) -> set[str]:
    import re

    return set(re.findall(r"MK(?:HEALTH|POLICE|EDU|CARE)[A-Z]+", text))


def person_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return len(connection.execute(select(metadata.tables["person"].c.id)).all())

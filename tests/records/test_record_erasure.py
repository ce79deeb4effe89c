"""Erasing chosen records (not a whole subject) takes with it the screening evidence that names
them, in the same transaction, and the rows naming them in the places evidence files; the
subject's kept screening result stays, with the other records behind it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import select

from linewatch.audit.context import operator
from linewatch.places.findings import LinkedEvidence
from linewatch.places.outputs import evidence_table, places_dir, write_table
from linewatch.places.records import Evidence
from linewatch.records.erasure import erase_records
from linewatch.store.tables_access import audit_event
from linewatch.store.tables_screening import screening_evidence, screening_result
from tests.api.conftest import Api
from tests.api.world import CHILD
from tests.records.test_erasure import _plant_sighting

NOW = datetime(2026, 6, 1, 12, 0)


def _evidence_named(api: Api) -> set[tuple[str, str, str]]:
    with api.store.engine.connect() as connection:
        rows = connection.execute(select(screening_evidence).where(screening_evidence.c.subject_id == CHILD))
        return {(r.record_schema, r.agency, r.source_id) for r in rows}


def _plant_places_evidence(api: Api) -> Path:
    """A cuckooing finding resting on the child's missing episode M1, on another incident, and on
    a sighting of the child (police P1), as `places run` writes them."""
    items = [
        LinkedEvidence("uprn-1", "young_people", Evidence("missing_episode", "police", "M1", NOW, "MKPLACESFOUND")),
        LinkedEvidence("uprn-1", "police_incidents", Evidence("police_incident", "police", "PI9", NOW, "kept")),
        LinkedEvidence("uprn-1", "young_people", Evidence("sighting", "police", "SG1", NOW, "MKPLACESSEEN")),
    ]
    path = places_dir(api.store.settings) / "cuckooing_evidence.parquet"
    write_table(path, evidence_table(items))
    return path


def test_erasing_a_record_deletes_the_screening_evidence_naming_it(api: Api) -> None:
    assert ("IntelligenceLog", "police", "I1") in _evidence_named(api)
    response = api.as_user("dpo", "police").post(
        "/records/erasure",
        json={"records": ["IntelligenceLog/police/I1"], "reason": "retention period ended (RR-2026-4)"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["records"] == 1 and response.json()["versions"] == 1
    assert _evidence_named(api) == {
        ("MissingEpisode", "police", "M1"),
        ("Attendance", "education", "A1"),
        ("Referral", "social_care", "R1"),
        ("HealthAttendance", "health", "HA1"),
    }
    with api.store.engine.connect() as connection:
        kept = connection.execute(select(screening_result).where(screening_result.c.subject_id == CHILD)).one()
        entry = connection.execute(select(audit_event).where(audit_event.c.operation == "erasure")).mappings().one()
        descriptions = connection.execute(select(screening_evidence.c.description)).scalars().all()
    assert kept.score == 10.0 and kept.level == "significant"  # the panel's history is kept
    assert entry["records"] == ["IntelligenceLog/police/I1"]
    assert entry["detail"] == {"versions": 1, "screening_evidence": 1}
    assert "MKPOLICEINTEL" not in descriptions


def test_a_failed_erasure_leaves_the_screening_evidence(api: Api) -> None:
    response = api.as_user("dpo", "police").post(
        "/records/erasure",
        json={"records": ["IntelligenceLog/police/I1", "Referral/social_care/NOSUCH"], "reason": "retention ended"},
    )
    assert response.status_code == 404 and "no such record: Referral/social_care/NOSUCH" in response.text
    assert ("IntelligenceLog", "police", "I1") in _evidence_named(api)  # one transaction: nothing erased


def test_erasing_a_record_removes_it_from_the_places_evidence(api: Api) -> None:
    path = _plant_places_evidence(api)
    result = erase_records(
        api.store.engine,
        api.store.settings,
        [("MissingEpisode", "police", "M1")],
        principal=operator(),
        reason="retention period ended (RR-2026-4)",
        now=NOW,
    )
    assert (result.versions, result.screening_evidence, result.analytics_rows) == (1, 1, 1)
    assert result.line() == (
        "erased 1 record(s), 1 stored version(s), 1 screening evidence row(s), 1 analytics row(s); "
        f"audit entry {result.audit_seq}"
    )
    rows = pq.read_table(path).to_pylist()
    assert [(r["schema"], r["source_id"], r["description"]) for r in rows] == [
        ("police_incident", "PI9", "kept"),
        ("sighting", "SG1", "MKPLACESSEEN"),
    ]


def test_erasing_a_person_removes_the_places_evidence_of_their_sightings(api: Api) -> None:
    _plant_sighting(api)  # SG1 is a sighting of police P1, SG2 of P2
    path = _plant_places_evidence(api)
    result = erase_records(
        api.store.engine,
        api.store.settings,
        [("Person", "police", "P1")],
        principal=operator(),
        reason="erasure request ER-2026-9 upheld",
        now=NOW,
    )
    # Analytics rows: the sighting SG1, the line link to P1, and the places evidence row of SG1.
    assert result.analytics_rows == 3
    assert [r["source_id"] for r in pq.read_table(path).to_pylist()] == ["M1", "PI9"]

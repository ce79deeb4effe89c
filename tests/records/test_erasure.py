"""Erasure leaves nothing behind: plant markers, erase the subject through the API, then search
every table and every analytics file for them. The erasure is audited, ledgered without content,
and re-applied after a restore."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import select

from linewatch.audit.context import operator
from linewatch.audit.verify import verify_chain
from linewatch.records.erasure import reapply_ledger
from linewatch.store.tables import metadata
from linewatch.store.tables_access import audit_event, erasure_ledger
from tests.api.conftest import Api
from tests.api.world import CHILD, World

# Markers of the child's own records (the review pair's P2 shares MKPOLICENAME, so it is left out).
ERASED = re.compile(r"MK(HEALTH|EDU|CARE)[A-Z]+|MKPOLICE(FOUND|INTEL)|MKSIGHTING")


def _plant_sighting(api: Api) -> Path:
    path = api.store.settings.analytics_dir / "sighting" / "feed-00000099.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.table(
        {
            "agency": ["police", "police"],
            "source_id": ["SG1", "SG2"],
            "person": ["P1", "P2"],
            "location": ["MKSIGHTING Coventry station", "Warwick station"],
        }
    )
    pq.write_table(table, path)
    return path


def _everything_stored(api: Api) -> str:
    texts = []
    with api.store.engine.connect() as connection:
        for table in metadata.sorted_tables:
            texts += [repr(tuple(row)) for row in connection.execute(select(table))]
    for path in api.store.settings.data_dir.rglob("*"):
        if path.suffix == ".parquet":
            texts.append(repr(pq.read_table(path).to_pylist()))
        elif path.is_file() and path.suffix in {".json", ".csv", ".jsonl"}:
            texts.append(path.read_text(encoding="utf-8"))
    return "\n".join(texts)


def test_erasing_a_subject_leaves_no_trace_of_its_records(api: Api) -> None:
    sighting = _plant_sighting(api)
    assert ERASED.search(_everything_stored(api))
    response = api.as_user("dpo", "social_care").post(
        f"/subjects/{CHILD}/erasure", json={"reason": "erasure request ER-2026-7 upheld"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["records"] == 9 and response.json()["analytics_rows"] >= 2
    left = _everything_stored(api)
    assert not ERASED.search(left), ERASED.findall(left)
    assert pq.read_table(sighting).column("source_id").to_pylist() == ["SG2"]  # another person's row stays
    profiles = json.loads((api.store.settings.analytics_dir / "lines" / "line_profiles.json").read_text())
    assert profiles[0]["linked_records"] == []
    assert (
        api.as_user("panel_chair", "social_care")
        .get(f"/subjects/{CHILD}", params={"purpose": "safeguarding"})
        .status_code
        == 404
    )


def test_the_erasure_is_audited_and_ledgered_by_reference_only(api: Api) -> None:
    api.as_user("dpo", "police").post(f"/subjects/{CHILD}/erasure", json={"reason": "erasure request ER-2026-7 upheld"})
    with api.store.engine.connect() as connection:
        entry = connection.execute(select(audit_event).where(audit_event.c.operation == "erasure")).mappings().one()
        ledger = connection.execute(select(erasure_ledger)).mappings().all()
    assert entry["subjects"] == [CHILD] and "HealthAttendance/health/HA1" in entry["records"]
    assert entry["actor"] == "dpo.police" and entry["reason"] == "erasure request ER-2026-7 upheld"
    assert {(r["record_schema"], r["agency"], r["source_id"]) for r in ledger} >= {
        ("Person", "health", "H1"),
        ("Referral", "social_care", "R1"),
    }
    assert not re.search("MK[A-Z]+", repr([dict(r) for r in ledger]) + repr(dict(entry)))
    assert verify_chain(api.store.engine).ok


def test_a_restored_backup_is_erased_again_from_the_ledger(api: Api, tmp_path: Path) -> None:
    world: World = api.world
    api.as_user("dpo", "police").post(f"/subjects/{CHILD}/erasure", json={"reason": "erasure request ER-2026-7 upheld"})
    with api.store.engine.begin() as connection:  # the backup brings the health records back
        world.record(connection, "person", "health", "H1", given_name="Kacey", surname="MKHEALTHNAME")
        world.record(
            connection,
            "health_attendance",
            "health",
            "HA1",
            person="H1",
            attended_at=datetime(2026, 5, 1),
            reason="assault",
            clinical_detail="MKHEALTHCLINICAL",
        )
    assert ERASED.search(_everything_stored(api))
    result = reapply_ledger(api.store.engine, api.store.settings, principal=operator())
    assert result.versions == 2
    assert not ERASED.search(_everything_stored(api))


def test_subject_access_export_holds_everything_and_is_a_recorded_disclosure(api: Api) -> None:
    response = api.as_user("dpo", "social_care").get(
        f"/subjects/{CHILD}/export", params={"reason": "subject access request SAR-2026-3"}
    )
    assert response.status_code == 200
    export = response.json()
    text = json.dumps(export)
    for marker in ("MKHEALTHCLINICAL", "MKPOLICEINTEL", "MKCAREREASON", "MKEDUTERM", "MKCAREVULN"):
        assert marker in text  # nothing is redacted from the data subject's own export
    assert {r["source_id"] for r in export["person_records"]} == {"H1", "P1", "E1", "C1"}
    with api.store.engine.connect() as connection:
        entry = connection.execute(select(audit_event).where(audit_event.c.operation == "disclosure")).mappings().one()
    assert entry["detail"]["recipients"] == ["the data subject"] and entry["subjects"] == [CHILD]


def test_retention_review_counts_records_past_their_review_date(api: Api) -> None:
    from datetime import timedelta

    api.clock.advance(timedelta(days=365 * 3 + 30))  # attendance is kept 3 years from its term start
    due = api.as_user("dpo", "police").get("/records/retention").json()["due"]
    attendance = [d for d in due if d["record_type"] == "Attendance"]
    assert attendance and attendance[0]["agency"] == "education" and attendance[0]["action"] == "erase"
    assert not [d for d in due if d["record_type"] == "Referral"]  # kept 25 years
    own = api.as_user("manager", "police").get("/records/retention").json()["due"]
    assert all(d["agency"] == "police" for d in own)

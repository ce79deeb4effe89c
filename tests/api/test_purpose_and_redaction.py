"""Opening a profile asks for a purpose, which is recorded with the records shown; redaction by
sensitivity class, as a user would see it."""

from __future__ import annotations

from sqlalchemy import select

from linewatch.store.tables_access import audit_event
from tests.api.conftest import Api
from tests.api.world import CHILD


def test_a_profile_without_a_purpose_is_refused(api: Api) -> None:
    response = api.as_user("practitioner", "social_care").get(f"/subjects/{CHILD}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "query.purpose"


def test_the_purpose_reason_and_records_shown_are_recorded(api: Api) -> None:
    client = api.as_user("practitioner", "social_care")
    response = client.get(f"/subjects/{CHILD}", params={"purpose": "safeguarding", "reason": "strategy meeting today"})
    assert response.status_code == 200
    with api.store.engine.connect() as connection:
        entry = (
            connection.execute(select(audit_event).where(audit_event.c.action == "GET /subjects/{subject_id}"))
            .mappings()
            .one()
        )
    assert entry["actor"] == "practitioner.social-care" and entry["agency"] == "social_care"
    assert entry["role"] == "practitioner" and entry["operation"] == "consultation"
    assert entry["purpose"] == "safeguarding" and entry["reason"] == "strategy meeting today"
    assert entry["subjects"] == [CHILD]
    assert "HealthAttendance/health/HA1" in entry["records"]
    assert "IntelligenceLog/police/I1" not in entry["records"]  # not shown, so not recorded as consulted


def test_a_purpose_the_role_may_not_use_is_refused_and_the_refusal_audited(api: Api) -> None:
    response = api.as_user("practitioner", "social_care").get(f"/subjects/{CHILD}", params={"purpose": "disruption"})
    assert response.status_code == 403
    with api.store.engine.connect() as connection:
        outcome = connection.execute(select(audit_event.c.outcome, audit_event.c.purpose)).all()
    assert ("denied", "disruption") in [tuple(row) for row in outcome]


def test_practitioner_from_school_cannot_see_health_records_at_all(api: Api) -> None:
    profile = api.as_user("practitioner", "education").get(f"/subjects/{CHILD}", params={"purpose": "safeguarding"})
    assert profile.status_code == 200
    types = {(item["agency"], item["record_type"]) for item in profile.json()["chronology"]}
    assert ("health", "HealthAttendance") not in types and ("police", "MissingEpisode") in types


def test_social_care_sees_the_health_attendance_with_clinical_detail_redacted(api: Api) -> None:
    profile = api.as_user("practitioner", "social_care").get(f"/subjects/{CHILD}", params={"purpose": "safeguarding"})
    attendance = next(i for i in profile.json()["chronology"] if i["record_type"] == "HealthAttendance")
    assert attendance["fields"]["hospital"] == "MKHEALTHHOSPITAL"
    assert attendance["fields"]["clinical_detail"] is None
    assert attendance["redacted"] == ["clinical_detail"]


def test_the_panel_chair_sees_clinical_detail(api: Api) -> None:
    profile = api.as_user("panel_chair", "social_care").get(f"/subjects/{CHILD}", params={"purpose": "safeguarding"})
    attendance = next(i for i in profile.json()["chronology"] if i["record_type"] == "HealthAttendance")
    assert attendance["fields"]["clinical_detail"] == "MKHEALTHCLINICAL" and attendance["redacted"] == []


def test_a_user_who_may_see_nothing_of_a_subject_gets_not_found(api: Api) -> None:
    response = api.as_user("practitioner", "housing").get(f"/subjects/{CHILD}", params={"purpose": "safeguarding"})
    assert response.status_code == 404


def test_search_finds_only_among_records_the_user_may_see(api: Api) -> None:
    police = api.as_user("practitioner", "police").get("/subjects", params={"name": "Kasey"}).json()
    housing = api.as_user("practitioner", "housing").get("/subjects", params={"name": "Kasey"}).json()
    assert CHILD in {hit["subject_id"] for hit in police["items"]}
    hit = next(h for h in police["items"] if h["subject_id"] == CHILD)
    assert {r["agency"] for r in hit["records"]} == {"police", "health"}  # own, and health through A2
    assert housing["items"] == []


def test_search_by_identifier_and_by_date_of_birth_with_day_and_month_swapped(api: Api) -> None:
    from linewatch.identifiers import make_nhs_number

    client = api.as_user("practitioner", "social_care")
    by_nhs = client.get("/subjects", params={"identifier": str(make_nhs_number(999_000_001))}).json()
    assert [h["subject_id"] for h in by_nhs["items"]] == [CHILD]
    by_dob = client.get("/subjects", params={"name": "Kacey", "date_of_birth": "2010-04-03"}).json()
    assert CHILD in [h["subject_id"] for h in by_dob["items"]]

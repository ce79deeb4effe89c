"""The screening routes: who may read them, which evidence each user is shown (stated by hand from
the test agreements in fixtures/sharing.yaml), what is audited, and the problem when nothing has
been screened. The world's child has five reasons, one per record (tests/api/screening_world.py)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from linewatch.api.app import create_app
from linewatch.api.services.screening import screening_indicators
from linewatch.store.tables_access import audit_event
from linewatch.store.tables_screening import screening_evidence, screening_result, screening_run
from tests.api.conftest import Api
from tests.api.world import CHILD

SAFEGUARDING = {"purpose": "safeguarding"}


def _get(api: Api, role: str, agency: str, url: str, **params: Any) -> Any:
    return api.as_user(role, agency).get(url, params={**SAFEGUARDING, **params})


def _evidence(body: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(e["record_schema"], e["agency"], e["source_id"]) for r in body["reasons"] for e in r["evidence"]}


def _last_consultation(api: Api, action: str) -> dict[str, Any]:
    with api.store.engine.connect() as connection:
        return dict(
            connection.execute(
                select(audit_event)
                .where(audit_event.c.action == action, audit_event.c.outcome == "allowed")
                .order_by(audit_event.c.seq.desc())
            )
            .mappings()
            .first()
            or {}
        )


def test_an_education_practitioner_sees_only_the_evidence_the_agreements_open(api: Api) -> None:
    response = _get(api, "practitioner", "education", f"/screening/subjects/{CHILD}")
    assert response.status_code == 200, response.text
    body = response.json()
    # own attendance; police missing episode through A1; not the intelligence (class closed to
    # practitioners), the referral (A4 is for the panel) or the health attendance (A2 not education)
    assert _evidence(body) == {("Attendance", "education", "A1"), ("MissingEpisode", "police", "M1")}
    assert body["level"] == "significant" and body["reasons_withheld"] == 3
    assert "MKPOLICEINTEL" not in response.text and "MKHEALTHHOSPITAL" not in response.text
    entry = _last_consultation(api, "GET /screening/subjects/{subject_id}")
    assert entry["actor"] == "practitioner.education" and entry["subjects"] == [CHILD]
    assert sorted(entry["records"]) == ["Attendance/education/A1", "MissingEpisode/police/M1"]


def test_a_social_care_analyst_sees_police_intelligence_but_not_health(api: Api) -> None:
    body = _get(api, "analyst", "social_care", f"/screening/subjects/{CHILD}").json()
    assert _evidence(body) == {
        ("MissingEpisode", "police", "M1"),
        ("IntelligenceLog", "police", "I1"),
        ("Referral", "social_care", "R1"),
    }


def test_roles_without_triage_are_refused_and_the_refusal_is_audited(api: Api) -> None:
    for role in ("dpo", "admin"):
        assert _get(api, role, "police", "/screening/triage").status_code == 403
    with api.store.engine.connect() as connection:
        denied = connection.execute(
            select(audit_event.c.actor).where(
                audit_event.c.action == "GET /screening/triage", audit_event.c.outcome == "denied"
            )
        ).all()
    assert {row.actor for row in denied} == {"dpo.police", "admin.police"}


def test_a_user_seeing_none_of_the_childs_records_gets_not_found(api: Api) -> None:
    response = _get(api, "practitioner", "housing", f"/screening/subjects/{CHILD}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_the_triage_list_cuts_each_rows_reasons_to_the_visible_ones(api: Api) -> None:
    response = _get(api, "practitioner", "education", "/screening/triage", level=["significant"])
    assert response.status_code == 200, response.text
    body = response.json()
    (row,) = body["rows"]
    assert row["subject_id"] == CHILD and row["level"] == "significant"
    assert sorted(row["reasons"]) == ["Found away from home", "Persistent absence"]
    assert row["reasons_withheld"] == 3
    assert _last_consultation(api, "GET /screening/triage")["subjects"] == [CHILD]
    assert _get(api, "practitioner", "education", "/screening/triage", level=["emerging"]).json()["rows"] == []
    assert _get(api, "practitioner", "housing", "/screening/triage").json()["rows_withheld"] == 1


def test_a_bad_level_is_a_problem_not_a_crash(api: Api) -> None:
    response = _get(api, "analyst", "police", "/screening/triage", level=["dire"])
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


def test_changes_since_show_only_visible_new_records(api: Api) -> None:
    response = _get(api, "practitioner", "education", f"/screening/subjects/{CHILD}/changes", since="2026-05-01")
    assert response.status_code == 200, response.text
    body = response.json()
    shown = {(e["record_schema"], e["source_id"]) for e in body["new_evidence"]}
    assert shown <= {("MissingEpisode", "M1"), ("Attendance", "A1")}
    assert ("MissingEpisode", "M1") in shown  # dated 2 May, after the date asked
    assert {r["indicator"] for r in body["new_reasons"]} <= {"missing_found_away", "persistent_absence"}


def test_missing_lists_only_episodes_of_agencies_the_user_may_see(api: Api) -> None:
    seen = _get(api, "practitioner", "education", "/screening/missing")
    assert seen.status_code == 200, seen.text
    assert [e["source_id"] for e in seen.json()["still_missing"]] == ["M1"]
    hidden = _get(api, "practitioner", "housing", "/screening/missing")
    assert hidden.status_code == 200
    assert hidden.json()["still_missing"] == [] and "M1" not in hidden.text
    assert hidden.json()["episodes_withheld_from"] == ["police"]


def test_without_a_screening_run_the_routes_answer_a_conflict_problem(api: Api) -> None:
    with api.store.engine.begin() as connection:
        for table in (screening_evidence, screening_result, screening_run):
            connection.execute(delete(table))
    for url in ("/screening/triage", f"/screening/subjects/{CHILD}"):
        response = _get(api, "analyst", "police", url)
        assert response.status_code == 409, response.text
        assert response.json()["type"] == "urn:linewatch:problem:not-screened"


def test_the_subject_profile_shows_indicators_with_the_visible_evidence_only(api: Api) -> None:
    app = create_app(api.store.settings, policy=api.policy, clock=api.clock, indicator_source=screening_indicators)
    with TestClient(app, raise_server_exceptions=False) as client:
        client.headers.update(api.headers("practitioner", "education"))
        response = client.get(f"/subjects/{CHILD}", params=SAFEGUARDING)
    app.state.linewatch.engine.dispose()
    assert response.status_code == 200, response.text
    indicators = response.json()["indicators"]
    assert {i["indicator"] for i in indicators} == {"missing_found_away", "persistent_absence"}
    assert all(i["level"] == "significant" for i in indicators)
    assert "MKPOLICEINTEL" not in response.text

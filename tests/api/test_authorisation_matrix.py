"""Every route x every role x every agency: the expected allow or deny, and no field leaks.

Routes are enumerated from the app itself, so a new router is covered the moment it is mounted:
the test fails until its expected cells are written in EXPECTED below. Only the allowed cells
are written down (as rules over role and agency); every other cell must be refused. Responses
are scanned for the marker strings planted in the world (tests/api/world.py), and each marker a
user may see is stated here by hand from the test agreements (fixtures/sharing.yaml), not
computed by the code under test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from linewatch.agencies import load_agencies
from linewatch.api.app import api_routes
from linewatch.api.security import route_permission
from tests.api.conftest import PASSWORD, Api
from tests.api.world import CHILD, LINE_ID, markers_in
from tests.conftest import POSTGRES_URL

ROLES = ["practitioner", "analyst", "panel_member", "panel_chair", "manager", "dpo", "admin"]
AGENCIES = sorted(load_agencies())
DATA_ROLES = {"practitioner", "analyst", "panel_member", "panel_chair", "manager"}


# --- what each user may see of the planted child, stated from fixtures/sharing.yaml -----------


def sees_types(role: str, agency: str) -> set[tuple[str, str]]:
    """(owning agency, record type) open to the user for the purpose 'safeguarding'."""
    seen = {
        (agency, t)
        for t in (
            "Person",
            "HealthAttendance",
            "MissingEpisode",
            "IntelligenceLog",
            "Attendance",
            "Referral",
            "CallRecord",
        )
    }  # own agency: everything
    if agency in {"social_care", "education", "health"} and role in DATA_ROLES:  # A1
        seen |= {("police", "Person"), ("police", "MissingEpisode"), ("police", "IntelligenceLog")}
    if agency in {"social_care", "police"} and role in {"practitioner", "panel_chair"}:  # A2
        seen |= {("health", "Person"), ("health", "HealthAttendance")}
    # A3 (education) expired in 2020: nothing.
    if agency in {"police", "education"} and role in {"panel_chair", "panel_member"}:  # A4
        seen |= {("social_care", "Person"), ("social_care", "Referral")}
    return seen


def sees_class(role: str, agency: str, owner: str, sensitivity: str) -> bool:
    if owner == agency or sensitivity in {"personal", "health", "police", "education", "standard"}:
        return True
    if sensitivity == "health_clinical":
        return agency == "health" or role == "panel_chair"
    if sensitivity == "social_care_sensitive":
        return agency == "social_care" or role == "panel_chair"
    return sensitivity == "police_intelligence" and (agency == "police" or role == "analyst")


# marker -> (owner, record type, class of the record, class of the property)
MARKERS = {
    "MKHEALTHNAME": ("health", "Person", "personal", "personal"),
    "MKHEALTHVULN": ("health", "Person", "personal", "social_care_sensitive"),
    "MKHEALTHHOSPITAL": ("health", "HealthAttendance", "health", "health"),
    "MKHEALTHCLINICAL": ("health", "HealthAttendance", "health", "health_clinical"),
    "MKPOLICENAME": ("police", "Person", "personal", "personal"),
    "MKPOLICEFOUND": ("police", "MissingEpisode", "personal", "personal"),
    "MKPOLICEINTEL": ("police", "IntelligenceLog", "police_intelligence", "police_intelligence"),
    "MKEDUNAME": ("education", "Person", "personal", "personal"),
    "MKEDUTERM": ("education", "Attendance", "education", "education"),
    "MKCARENAME": ("social_care", "Person", "personal", "personal"),
    "MKCAREVULN": ("social_care", "Person", "personal", "social_care_sensitive"),
    "MKCAREREASON": ("social_care", "Referral", "social_care_sensitive", "social_care_sensitive"),
}
NAMES = {m for m in MARKERS if m.endswith("NAME")}


def visible_markers(role: str, agency: str) -> set[str]:
    if role == "dpo":  # subject access: everything held
        return set(MARKERS)
    types = sees_types(role, agency)
    return {
        marker
        for marker, (owner, record_type, record_class, property_class) in MARKERS.items()
        if (owner, record_type) in types
        and sees_class(role, agency, owner, record_class)
        and sees_class(role, agency, owner, property_class)
    }


def sees_lines(role: str, agency: str) -> bool:
    """Lines are police communications data (class police_intelligence): the police's own, or
    through A5 where the class is open too (analysts, not the chair)."""
    return role in {"analyst", "panel_member", "panel_chair"} and (
        agency == "police" or (agency == "social_care" and role == "analyst")
    )


def review_sides_visible(role: str, agency: str) -> bool:
    """The review pair is two police person records; data_quality opens them through A1."""
    return role == "analyst" and agency in {"police", "social_care", "education", "health"}


# --- the allowed cells ---------------------------------------------------------------------

Rule = Callable[[str, str], int]  # (role, agency) -> expected status
ANYONE: Rule = lambda role, agency: 200  # noqa: E731


def only(roles: set[str], status: int = 200) -> Rule:
    return lambda role, agency: status if role in roles else 403


def profile_status(role: str, agency: str) -> int:
    if role not in DATA_ROLES:
        return 403
    return 200 if visible_markers(role, agency) else 404


def screening_status(role: str, agency: str) -> int:
    """A subject's screening is shown to triage roles who see one of the child's person records."""
    if role not in TRIAGE_ROLES:
        return 403
    return 200 if visible_markers(role, agency) & NAMES else 404


TRIAGE_ROLES = DATA_ROLES
PLACE_ROLES = {"analyst", "panel_member", "panel_chair", "manager"}
PLACES_NOT_RUN = 409  # the world has no places outputs: allowed users get the problem, others 403

EXPECTED: dict[tuple[str, str], Rule] = {
    ("GET", "/health"): ANYONE,
    ("GET", "/docs"): ANYONE,
    ("POST", "/auth/login"): ANYONE,
    ("POST", "/auth/logout"): lambda r, a: 204,
    ("GET", "/auth/me"): ANYONE,
    ("POST", "/auth/password"): lambda r, a: 204,
    ("POST", "/auth/totp/start"): ANYONE,
    ("POST", "/auth/totp/confirm"): lambda r, a: 422,  # allowed; the code sent is wrong
    ("GET", "/subjects"): only(DATA_ROLES | {"dpo"}),
    ("GET", "/subjects/{subject_id}"): profile_status,
    ("GET", "/subjects/{subject_id}/export"): only({"dpo"}),
    ("POST", "/subjects/{subject_id}/erasure"): only({"dpo"}),
    ("GET", "/reviews"): only({"analyst"}),
    ("GET", "/reviews/{review_id}"): only({"analyst"}),
    ("POST", "/reviews/{review_id}/decision"): lambda r, a: 204 if review_sides_visible(r, a) else 403,
    ("POST", "/feeds"): only({"manager"}, 422),  # allowed; the file sent is not a feed
    ("GET", "/feeds"): only({"manager", "dpo"}),
    ("GET", "/lines"): lambda r, a: 200 if sees_lines(r, a) else 403,
    ("GET", "/lines/{line_id}"): lambda r, a: 200 if sees_lines(r, a) else 403,
    ("GET", "/audit/events"): only({"dpo"}),
    ("GET", "/audit/subjects/{subject_id}"): only({"dpo"}),
    ("GET", "/audit/verify"): only({"dpo"}),
    ("GET", "/records/retention"): only({"manager", "dpo"}),
    ("POST", "/records/erasure"): only({"dpo"}),
    ("GET", "/accounts"): only({"admin"}),
    ("POST", "/accounts"): only({"admin"}, 201),
    ("PATCH", "/accounts/{username}"): only({"admin"}),
    ("POST", "/accounts/{username}/password-reset"): only({"admin"}),
    ("GET", "/policy"): only({"admin"}),
    ("GET", "/screening/triage"): only(TRIAGE_ROLES),
    ("GET", "/screening/missing"): only(TRIAGE_ROLES),
    ("GET", "/screening/subjects/{subject_id}"): screening_status,
    ("GET", "/screening/subjects/{subject_id}/changes"): screening_status,
    ("GET", "/places/cuckooing"): only(PLACE_ROLES, PLACES_NOT_RUN),
    ("GET", "/places/cuckooing/{place_id}"): only(PLACE_ROLES, PLACES_NOT_RUN),
    ("GET", "/places/hotspots"): only(PLACE_ROLES, PLACES_NOT_RUN),
    ("GET", "/places/hotspots/{hotspot_id}"): only(PLACE_ROLES, PLACES_NOT_RUN),
    ("GET", "/places/peer-groups"): only(PLACE_ROLES, PLACES_NOT_RUN),
    ("GET", "/places/peer-groups/{group_id}"): only(PLACE_ROLES, PLACES_NOT_RUN),
    ("GET", "/places/routes"): only(PLACE_ROLES, PLACES_NOT_RUN),
    ("GET", "/places/routes/{corridor_id}"): only(PLACE_ROLES, PLACES_NOT_RUN),
    ("GET", "/places/layers/{layer}"): only(PLACE_ROLES, PLACES_NOT_RUN),
}
PUBLIC_ROUTES = {("GET", "/health"), ("GET", "/docs"), ("POST", "/auth/login")}


def purpose_for(role: str, path: str) -> tuple[str, str | None]:
    if path.startswith("/reviews"):
        return "data_quality", None
    if role == "dpo":
        return "subject_access", "subject access request SAR-2026-001"
    return "safeguarding", None


def request_for(api: Api, method: str, path: str, role: str, agency: str, cell: int) -> tuple[str, dict[str, Any]]:
    """One valid request to the route for this user (fresh targets for the routes that change state)."""
    subject_id = api.world.throwaway_subject() if path.endswith("/erasure") and role == "dpo" else CHILD
    url = (
        path.replace("{subject_id}", subject_id)
        .replace("{review_id}", str(api.world.review_id))
        .replace("{line_id}", LINE_ID)
        .replace("{username}", "target.account")
        .replace("{place_id}", "uprn-10000000001")
        .replace("{hotspot_id}", "hotspot-1")
        .replace("{group_id}", "group-1")
        .replace("{corridor_id}", "corridor-1")
        .replace("{layer}", "cuckooing")
    )
    purpose, reason = purpose_for(role, path)
    params: dict[str, Any] = {}
    route_params = {p for p in ("purpose", "reason", "name") if p in _query_names(api, method, path)}
    if "purpose" in route_params:
        params["purpose"] = purpose
    if "reason" in route_params:
        params["reason"] = reason or "matrix test reason"
    if path == "/subjects":
        params["name"] = "Kacey"
    if "since" in _query_names(api, method, path):
        params["since"] = "2026-01-01"
    request: dict[str, Any] = {"params": params}
    bodies: dict[tuple[str, str], Callable[[], Any]] = {
        ("POST", "/auth/login"): lambda: {"username": api.account(role, agency), "password": PASSWORD},
        ("POST", "/auth/password"): lambda: {"current_password": PASSWORD, "new_password": PASSWORD},
        ("POST", "/auth/totp/confirm"): lambda: {"code": "000000"},
        ("POST", "/subjects/{subject_id}/erasure"): lambda: {"reason": "erasure requested by the data subject"},
        ("POST", "/reviews/{review_id}/decision"): lambda: {"decision": "accept", "note": "same child"},
        ("POST", "/records/erasure"): lambda: {
            "records": [api.world.throwaway_record() if role == "dpo" else "Attendance/education/X"],
            "reason": "retention period ended",
        },
        ("POST", "/accounts"): lambda: {
            "username": f"new.{cell}",
            "display_name": "New",
            "agency": "police",
            "role": "practitioner",
        },
        ("PATCH", "/accounts/{username}"): lambda: {"disabled": False},
    }
    if (method, path) in bodies:
        request["json"] = bodies[(method, path)]()
    if (method, path) == ("POST", "/feeds"):
        request["files"] = {"file": ("missing.csv", b"not,a\nfeed,at all\n", "text/csv")}
        request["data"] = {"mapping": "police_missing"}
    return url, request


def _query_names(api: Api, method: str, path: str) -> set[str]:
    operation = api.app.openapi()["paths"][path][method.lower()] if path in api.app.openapi()["paths"] else {}
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}


def app_routes(api: Api) -> list[tuple[str, str]]:
    return [(method, route.path) for route in api_routes(api.app) for method in sorted(route.methods - {"HEAD"})]


def test_every_route_declares_its_permission_and_is_in_the_expected_table(api: Api) -> None:
    routes = api_routes(api.app)
    assert len(routes) >= 25
    assert all(route_permission(route) for route in routes)
    missing = [route for route in app_routes(api) if route not in EXPECTED]
    assert missing == [], f"routes with no expected cells (add them to EXPECTED): {missing}"
    stale = [route for route in EXPECTED if route not in app_routes(api)]
    assert stale == [], f"EXPECTED names routes the app does not have: {stale}"


def test_every_route_role_and_agency_gets_the_expected_answer_and_no_field_leaks(api: Api) -> None:
    if POSTGRES_URL and api.store.backend == "sqlite":
        pytest.skip("run once, on PostgreSQL, where CI has it (the store fixture runs SQLite otherwise)")
    api.account("practitioner", "police")
    with api.store.engine.begin() as connection:
        from linewatch.access import accounts

        accounts.create_account(
            connection,
            api.policy,
            username="target.account",
            password=PASSWORD,
            agency="police",
            role="practitioner",
            now=api.clock.now(),
        )
    failures: list[str] = []
    leaks: list[str] = []
    cells = 0
    for method, path in app_routes(api):
        rule = EXPECTED[(method, path)]
        for role in ROLES:
            for agency in AGENCIES:
                cells += 1
                url, request = request_for(api, method, path, role, agency, cells)
                signed_in = (method, path) not in PUBLIC_ROUTES
                headers = api.headers(role, agency, fresh=method != "GET") if signed_in else {}
                response = api.client.request(method, url, headers=headers, **request)
                api.client.cookies.clear()
                if method != "GET":  # a password change or logout may have ended the user's sessions
                    api.forget_session(role, agency)
                expected = rule(role, agency)
                if response.status_code != expected:
                    failures.append(
                        f"{method} {path} as {role}@{agency}: {response.status_code}, expected {expected}"
                        f" ({response.text[:120]})"
                    )
                    continue
                if response.status_code >= 400:
                    assert response.headers["content-type"].startswith("application/problem+json"), (method, path)
                found = markers_in(response.text)
                allowed = visible_markers(role, agency)
                if path == "/subjects" and role != "dpo":
                    allowed &= NAMES
                if not found <= allowed:
                    leaks.append(f"{method} {path} as {role}@{agency} showed {sorted(found - allowed)}")
                if path == "/subjects/{subject_id}" and response.status_code == 200 and found != allowed:
                    failures.append(f"profile as {role}@{agency} showed {sorted(found)}, expected {sorted(allowed)}")
    assert cells == len(app_routes(api)) * len(ROLES) * len(AGENCIES)
    assert leaks == [], f"{len(leaks)} leak(s):\n" + "\n".join(leaks[:30])
    assert failures == [], f"{len(failures)} of {cells} cells wrong:\n" + "\n".join(failures[:30])


def test_the_expectations_are_not_vacuous() -> None:
    """Some users see each marker and some do not: the matrix tests something."""
    for marker in MARKERS:
        seeing = [(r, a) for r in DATA_ROLES for a in AGENCIES if marker in visible_markers(r, a)]
        assert seeing, marker
        assert len(seeing) < len(DATA_ROLES) * len(AGENCIES), marker

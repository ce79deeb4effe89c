"""The places routes on a real places run (tests/places/store_scene.py: a flat cuckooed in Warwick
with housing ASB reports, a police intelligence log and police incidents). Which evidence each
user sees is stated by hand from the test agreements (fixtures/sharing.yaml): none of them shares
housing or police intelligence records with the other agency."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from linewatch.places.pipeline import run_places
from linewatch.store.tables_access import audit_event
from tests.api.conftest import Api
from tests.places.store_scene import UPRN, write_scene

SAFEGUARDING = {"purpose": "safeguarding"}


def _run(api: Api) -> None:
    write_scene(api.store)
    run_places(api.store.settings, api.store.engine)


def _get(api: Api, role: str, agency: str, url: str) -> Any:
    return api.as_user(role, agency).get(url, params=SAFEGUARDING)


def _records(body: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["agency"], e["source_id"]) for e in body["evidence"]}


def test_before_a_places_run_allowed_users_get_a_conflict_problem(api: Api) -> None:
    response = _get(api, "analyst", "police", "/places/cuckooing")
    assert response.status_code == 409
    assert response.json()["type"] == "urn:linewatch:problem:places-not-run"


def test_practitioners_and_the_dpo_may_not_read_places(api: Api) -> None:
    _run(api)
    for role, agency in (("practitioner", "police"), ("practitioner", "housing"), ("dpo", "police")):
        assert _get(api, role, agency, "/places/cuckooing").status_code == 403, (role, agency)


def test_each_agency_sees_its_own_evidence_behind_the_flat_and_not_the_others(api: Api) -> None:
    _run(api)
    listed = _get(api, "analyst", "police", "/places/cuckooing")
    assert listed.status_code == 200, listed.text
    (flat,) = listed.json()["items"]
    assert flat["uprn"] == UPRN and isinstance(flat["young_people"], int)  # counted in a list, never named
    police = _get(api, "analyst", "police", f"/places/cuckooing/{flat['place_id']}").json()
    housing = _get(api, "manager", "housing", f"/places/cuckooing/{flat['place_id']}").json()
    assert ("police", "INT1") in _records(police) and not any(a == "housing" for a, _ in _records(police))
    assert ("housing", "ASB0") in _records(housing) and not any(a == "police" for a, _ in _records(housing))
    assert police["reasons_withheld"] > 0 and housing["reasons_withheld"] > 0
    with api.store.engine.connect() as connection:
        entry = dict(
            connection.execute(
                select(audit_event)
                .where(
                    audit_event.c.action == "GET /places/cuckooing/{place_id}", audit_event.c.actor == "manager.housing"
                )
                .order_by(audit_event.c.seq.desc())
            )
            .mappings()
            .first()
            or {}
        )
    assert f"place_id:{flat['place_id']}" in entry["records"]
    assert "ASBReport/housing/ASB0" in entry["records"] and "IntelligenceLog/police/INT1" not in entry["records"]


def test_the_places_run_is_audited_as_a_combination(api: Api) -> None:
    _run(api)
    with api.store.engine.connect() as connection:
        actions = [
            row.action
            for row in connection.execute(select(audit_event).where(audit_event.c.operation == "combination"))
        ]
    assert actions == ["places run"]


def test_hotspots_routes_and_layers_answer_and_unknown_items_are_not_found(api: Api) -> None:
    _run(api)
    hotspots = _get(api, "panel_member", "police", "/places/hotspots").json()["items"]
    assert hotspots and all(isinstance(h["subjects"], int) for h in hotspots)
    detail = _get(api, "panel_member", "police", f"/places/hotspots/{hotspots[0]['hotspot_id']}")
    assert detail.status_code == 200 and isinstance(detail.json()["subjects"], list)
    (route,) = _get(api, "panel_member", "police", "/places/routes").json()["items"]
    assert (route["origin_town"], route["destination_town"]) == ("Coventry", "Warwick")
    layer = _get(api, "panel_member", "police", "/places/layers/cuckooing").json()
    assert layer["type"] == "FeatureCollection" and layer["features"]
    assert _get(api, "panel_member", "police", "/places/cuckooing/uprn-none").status_code == 404
    assert _get(api, "panel_member", "police", "/places/layers/nothing").status_code == 404


def test_map_layers_show_each_caller_only_the_reasons_their_agreements_open(api: Api) -> None:
    _run(api)
    police = _get(api, "analyst", "police", "/places/layers/cuckooing").json()
    housing = _get(api, "manager", "housing", "/places/layers/cuckooing").json()
    ((flat_police,), (flat_housing,)) = (police["features"], housing["features"])
    seen_by_police, seen_by_housing = flat_police["properties"], flat_housing["properties"]
    # Police intelligence is not shared with housing; housing's ASB reports and tenancy
    # vulnerability are not shared with police (fixtures/sharing.yaml).
    assert "intelligence log" in seen_by_police["reasons"] and "intelligence log" not in seen_by_housing["reasons"]
    assert "anti-social behaviour" in seen_by_housing["reasons"] and "anti-social" not in seen_by_police["reasons"]
    assert "vulnerable" in seen_by_housing["reasons"] and "vulnerable" not in seen_by_police["reasons"]
    assert seen_by_police["reasons_withheld"] > 0 and seen_by_housing["reasons_withheld"] > 0
    listed = _get(api, "analyst", "police", "/places/cuckooing").json()["items"][0]
    assert seen_by_police["reasons_withheld"] >= listed["reasons_withheld"]

"""Feed upload through the API (collection audited in the feed's transaction), the review queue,
and deal lines as each user may see them."""

from __future__ import annotations

import shutil

from sqlalchemy import select

from linewatch.audit.verify import verify_chain
from linewatch.store.tables_access import audit_event
from linewatch.store.tables_linkage import linkage_review
from tests.api.conftest import Api
from tests.api.world import LINE_ID
from tests.feeds.helpers import MISSING_MAPPING, missing_row, write_csv


def _upload(api: Api, role: str, agency: str, rows: int = 3, mapping: str = "police_missing_mini") -> object:
    mappings = api.store.settings.data_dir / "mappings"
    mappings.mkdir(exist_ok=True)
    shutil.copy(MISSING_MAPPING, mappings / MISSING_MAPPING.name)
    path = write_csv(api.store.settings.data_dir / "upload.csv", [missing_row(n) for n in range(rows)])
    with open(path, "rb") as handle:
        return api.as_user(role, agency).post(
            "/feeds", files={"file": ("missing.csv", handle, "text/csv")}, data={"mapping": mapping}
        )


def test_a_manager_loads_their_agencys_feed_and_the_collection_is_audited(api: Api) -> None:
    response = _upload(api, "manager", "police")
    assert response.status_code == 201, response.text  # type: ignore[attr-defined]
    loaded = response.json()  # type: ignore[attr-defined]
    assert loaded["agency"] == "police" and loaded["rows_loaded"] == 3
    with api.store.engine.connect() as connection:
        entry = connection.execute(select(audit_event).where(audit_event.c.operation == "collection")).mappings().one()
    assert entry["actor"] == "manager.police" and entry["records"] == [f"feed:{loaded['feed_id']}"]
    assert entry["detail"]["records"]["MissingEpisode"] == 3
    assert not list((api.store.settings.data_dir / "uploads").rglob("*.csv"))  # the upload is not kept
    assert verify_chain(api.store.engine).ok


def test_a_manager_cannot_load_a_feed_as_another_agency(api: Api) -> None:
    response = _upload(api, "manager", "health")  # the mapping is a police format
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "is for agency 'police'" in response.json()["detail"]  # type: ignore[attr-defined]


def test_a_mapping_given_as_a_path_is_refused(api: Api) -> None:
    assert _upload(api, "manager", "police", mapping="../../etc/passwd").status_code == 422  # type: ignore[attr-defined]


def test_an_analyst_decides_a_review_pair_and_the_decision_is_audited(api: Api) -> None:
    client = api.as_user("analyst", "police")
    pending = client.get("/reviews").json()
    assert pending["total"] == 1 and pending["items"][0]["left"]["withheld"] is False
    response = client.post(f"/reviews/{api.world.review_id}/decision", json={"decision": "reject", "note": "twins"})
    assert response.status_code == 204
    with api.store.engine.connect() as connection:
        row = connection.execute(select(linkage_review)).mappings().one()
        entry = connection.execute(select(audit_event).where(audit_event.c.operation == "alteration")).mappings().one()
    assert (row["status"], row["decided_by"], row["note"]) == ("rejected", "analyst.police", "twins")
    assert entry["detail"] == {"review_id": api.world.review_id, "decision": "reject"}


def test_an_analyst_who_cannot_see_the_pair_sees_it_withheld(api: Api) -> None:
    item = api.as_user("analyst", "housing").get(f"/reviews/{api.world.review_id}").json()
    assert item["left"] == {"agency": "police", "withheld": True}


def test_a_line_shows_its_network_and_only_the_linked_records_the_user_may_see(api: Api) -> None:
    police = api.as_user("analyst", "police").get(f"/lines/{LINE_ID}").json()
    assert {n["role"] for n in police["network"]["nodes"]} == {"line", "controller", "runner", "customer"}
    assert len(police["network"]["edges"]) == 2
    assert [(r["agency"], r["subject_id"]) for r in police["linked_records"]] == [("police", "S0000001")]
    social_care = api.as_user("analyst", "social_care").get(f"/lines/{LINE_ID}").json()
    assert {r["agency"] for r in social_care["linked_records"]} == {"police"}  # no agreement opens health to analysts
    assert api.as_user("practitioner", "education").get("/lines").status_code == 403

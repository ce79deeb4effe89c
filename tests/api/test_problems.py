"""Bad input gets a 4xx problem details answer, never a crash."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/subjects/not-an-id?purpose=safeguarding", 422),
        ("/subjects/S9999999?purpose=safeguarding", 404),
        ("/subjects?limit=100000&name=Kacey", 422),
        ("/subjects", 422),
        ("/subjects?date_of_birth=31-02-2010", 422),
        ("/lines/line-1", 422),
        ("/nowhere", 404),
    ],
)
def test_bad_requests_get_problem_details(api: Api, path: str, status: int) -> None:
    response = api.as_user("panel_chair", "police").get(path)
    assert response.status_code == status
    body = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert body["status"] == status and body["type"].startswith("urn:linewatch:problem:") and body["title"]


def test_an_unsigned_request_gets_401_problem(api: Api) -> None:
    response = api.client.get("/subjects?name=Kacey")
    assert response.status_code == 401 and response.json()["type"] == "urn:linewatch:problem:unauthenticated"


def test_a_body_too_large_is_refused_before_it_is_read(api: Api) -> None:
    response = api.as_user("admin", "police").post(
        "/accounts", content=b"x" * (2 * 1024 * 1024), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_the_documentation_page_is_served_without_any_cdn(api: Api) -> None:
    page = api.client.get("/docs")
    assert page.status_code == 200 and "/subjects/{subject_id}" in page.text
    assert "http://" not in page.text.replace("http://127.0.0.1", "") and "https://" not in page.text
    assert "<script" not in page.text
    spec = api.client.get("/openapi.json").json()
    assert spec["paths"]["/subjects/{subject_id}"]["get"]["x-linewatch-permission"] == "subject.profile"

"""Signing in through the API: cookies, CSRF, expiry, throttling, lockout and the second factor."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from linewatch.access import accounts, totp
from linewatch.access.sessions import IDLE_TIMEOUT
from linewatch.store.tables_access import audit_event
from tests.api.conftest import PASSWORD, Api


def _client(api: Api) -> TestClient:
    return TestClient(api.app, raise_server_exceptions=False)


def _sign_in(api: Api, client: TestClient, username: str, password: str = PASSWORD, code: str | None = None) -> int:
    response = client.post("/auth/login", json={"username": username, "password": password, "totp_code": code})
    if response.status_code == 200:
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return response.status_code


def test_sign_in_sets_an_httponly_samesite_cookie_and_returns_the_csrf_token(api: Api) -> None:
    username = api.account("practitioner", "police")
    response = _client(api).post("/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert "lw_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "Secure" not in cookie  # plain http on loopback; --secure-cookies behind TLS
    assert response.json()["csrf_token"]


def test_a_wrong_password_gets_one_generic_answer_and_is_audited(api: Api) -> None:
    api.account("practitioner", "police")
    client = _client(api)
    wrong = client.post("/auth/login", json={"username": "practitioner.police", "password": "not the password"})
    unknown = client.post("/auth/login", json={"username": "nobody.at.all", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]
    assert wrong.headers["content-type"] == "application/problem+json"
    with api.store.engine.connect() as connection:
        denied = (
            connection.execute(select(audit_event.c.actor).where(audit_event.c.outcome == "denied")).scalars().all()
        )
    assert "practitioner.police" in denied and "nobody.at.all" in denied


def test_a_post_without_the_csrf_token_is_refused(api: Api) -> None:
    username = api.account("practitioner", "police")
    client = _client(api)
    assert _sign_in(api, client, username) == 200
    token = client.headers.pop("X-CSRF-Token")
    assert client.post("/auth/logout").status_code == 403
    assert client.post("/auth/logout", headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert client.post("/auth/logout", headers={"X-CSRF-Token": token}).status_code == 204
    assert client.get("/auth/me").status_code == 401  # signed out


def test_an_idle_session_expires(api: Api) -> None:
    username = api.account("analyst", "police")
    client = _client(api)
    _sign_in(api, client, username)
    assert client.get("/auth/me").status_code == 200
    api.clock.advance(IDLE_TIMEOUT + timedelta(minutes=1))
    expired = client.get("/auth/me")
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]


def test_repeated_failures_lock_the_account(api: Api) -> None:
    username = api.account("analyst", "police")
    client = _client(api)
    for _ in range(accounts.MAX_FAILURES):
        assert _sign_in(api, client, username, "not the password") == 401
    assert _sign_in(api, client, username) == 401  # locked, even with the right password
    api.clock.advance(accounts.LOCKOUT + timedelta(seconds=1))
    assert _sign_in(api, client, username) == 200


def test_one_client_failing_too_often_is_throttled(api: Api) -> None:
    client = _client(api)
    limit = api.app.state.linewatch.throttle.max_failures
    for number in range(limit):
        assert _sign_in(api, client, f"guess{number}", "not the password") == 401
    throttled = client.post("/auth/login", json={"username": "guess", "password": "x"})
    assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) > 0


def test_with_the_second_factor_on_a_code_is_needed(api: Api) -> None:
    username = api.account("panel_chair", "social_care")
    client = _client(api)
    _sign_in(api, client, username)
    secret = client.post("/auth/totp/start").json()["secret"]
    assert (
        client.post("/auth/totp/confirm", json={"code": totp.code_at(secret, totp.current_step() - 1)}).status_code
        == 204
    )
    other = _client(api)
    needs = other.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert needs.status_code == 401 and needs.json()["type"].endswith("second-factor-required")
    assert _sign_in(api, other, username, code=totp.code_at(secret, totp.current_step())) == 200


def test_changing_the_password_signs_out_other_sessions(api: Api) -> None:
    username = api.account("manager", "health")
    first, second = _client(api), _client(api)
    _sign_in(api, first, username)
    _sign_in(api, second, username)
    new = "another long passphrase"
    response = first.post("/auth/password", json={"current_password": PASSWORD, "new_password": new})
    assert response.status_code == 204
    assert second.get("/auth/me").status_code == 401
    assert _sign_in(api, _client(api), username, new) == 200


def test_security_headers_are_on_every_response(api: Api) -> None:
    response = _client(api).get("/health")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert "default-src 'none'" in response.headers["content-security-policy"]

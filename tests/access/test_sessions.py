"""Sessions: idle and absolute expiry, sign-out, and no token stored in clear."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from linewatch.access import accounts, sessions
from linewatch.access.policy import Policy
from linewatch.access.throttle import LoginThrottle
from linewatch.store.tables_access import access_session
from tests.conftest import Store

NOW = datetime(2026, 6, 1, 9, 0)


def _session(store: Store) -> tuple[int, sessions.NewSession]:
    with store.engine.begin() as connection:
        found = accounts.create_account(
            connection,
            Policy.load(),
            username="kim",
            password="a long enough passphrase",
            agency="police",
            role="analyst",
            now=NOW,
        )
        return found.id, sessions.start_session(connection, found.id, now=NOW, client="test")


def _resolve(store: Store, token: str, now: datetime) -> sessions.ActiveSession | None:
    with store.engine.begin() as connection:
        return sessions.resolve_session(connection, token, now=now)


def test_the_token_is_stored_only_as_its_hash(store: Store) -> None:
    _, new = _session(store)
    with store.engine.connect() as connection:
        stored = connection.execute(select(access_session.c.id, access_session.c.csrf_hash)).one()
    assert new.token not in stored and new.csrf_token not in stored


def test_a_session_expires_after_thirty_idle_minutes(store: Store) -> None:
    _, new = _session(store)
    assert _resolve(store, new.token, NOW + timedelta(minutes=29)) is not None
    assert _resolve(store, new.token, NOW + timedelta(minutes=29 + 29)) is not None  # activity kept it alive
    assert _resolve(store, new.token, NOW + timedelta(minutes=29 + 29 + 31)) is None


def test_a_session_ends_after_eight_hours_however_active(store: Store) -> None:
    _, new = _session(store)
    moment = NOW
    while moment < NOW + sessions.ABSOLUTE_TIMEOUT - timedelta(minutes=20):
        moment += timedelta(minutes=20)
        assert _resolve(store, new.token, moment) is not None
    assert _resolve(store, new.token, NOW + sessions.ABSOLUTE_TIMEOUT) is None


def test_signing_out_everywhere_ends_the_session(store: Store) -> None:
    account_id, new = _session(store)
    with store.engine.begin() as connection:
        assert sessions.end_all_sessions(connection, account_id, now=NOW) == 1
    assert _resolve(store, new.token, NOW) is None


def test_csrf_token_must_match(store: Store) -> None:
    _, new = _session(store)
    active = _resolve(store, new.token, NOW)
    assert active is not None
    assert active.csrf_matches(new.csrf_token)
    assert not active.csrf_matches("forged") and not active.csrf_matches(None)


def test_throttle_blocks_a_client_after_too_many_failures_then_forgets() -> None:
    throttle = LoginThrottle(max_failures=3, window_seconds=60)
    for moment in (0.0, 1.0, 2.0):
        assert throttle.retry_after("10.0.0.1", now=moment) == 0
        throttle.failed("10.0.0.1", now=moment)
    assert throttle.retry_after("10.0.0.1", now=3.0) > 0
    assert throttle.retry_after("10.0.0.2", now=3.0) == 0
    assert throttle.retry_after("10.0.0.1", now=61.0) == 0

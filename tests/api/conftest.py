"""The API under test: a migrated store (SQLite and PostgreSQL) with the hand-made world, the
test data-sharing agreements, a clock the test can move, and signed-in clients for any role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from linewatch.access import accounts, sessions
from linewatch.access.clock import Clock
from linewatch.access.definitions import SHIPPED_ROLES
from linewatch.access.policy import Policy
from linewatch.api.app import create_app
from linewatch.api.security import CSRF_HEADER, SESSION_COOKIE
from tests.access.cheap_hashing import cheap_hashing  # noqa: F401
from tests.api.world import World, build_world
from tests.conftest import Store

TEST_SHARING = Path(__file__).parent / "fixtures" / "sharing.yaml"
PASSWORD = "correct horse battery staple"


@dataclass
class Api:
    app: FastAPI
    store: Store
    world: World
    clock: Clock
    policy: Policy
    client: TestClient
    _sessions: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    def account(self, role: str, agency: str) -> str:
        username = f"{role}.{agency}".replace("_", "-")
        with self.store.engine.begin() as connection:
            if accounts.find_account(connection, username) is None:
                accounts.create_account(
                    connection,
                    self.policy,
                    username=username,
                    password=PASSWORD,
                    agency=agency,
                    role=role,
                    now=self.clock.now(),
                )
        return username

    def headers(self, role: str, agency: str, *, fresh: bool = False) -> dict[str, str]:
        """Cookie and CSRF headers of a signed-in session (made directly, not through /auth/login)."""
        key = (role, agency)
        if fresh or key not in self._sessions:
            username = self.account(role, agency)
            with self.store.engine.begin() as connection:
                found = accounts.require_account(connection, username)
                new = sessions.start_session(connection, found.id, now=self.clock.now(), client="test")
            self._sessions[key] = (new.token, new.csrf_token)
        token, csrf = self._sessions[key]
        return {"Cookie": f"{SESSION_COOKIE}={token}", CSRF_HEADER: csrf}

    def forget_session(self, role: str, agency: str) -> None:
        self._sessions.pop((role, agency), None)

    def as_user(self, role: str, agency: str) -> TestClient:
        client = TestClient(self.app, raise_server_exceptions=False)
        client.headers.update(self.headers(role, agency))
        return client


@pytest.fixture
def api(store: Store) -> Iterator[Api]:
    world = build_world(store.engine, store.settings.analytics_dir)
    policy = Policy.from_files(SHIPPED_ROLES, TEST_SHARING)
    clock = Clock()
    app = create_app(store.settings, policy=policy, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:  # one event loop thread for all requests
        yield Api(app, store, world, clock, policy, client)
    app.state.linewatch.engine.dispose()

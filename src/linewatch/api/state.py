"""What the app holds for its lifetime: settings, the store, the access policy, the clock, the
login throttle, and the hooks other capabilities plug in (indicators)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from sqlalchemy import Connection, Engine, create_engine

from linewatch.access.clock import Clock
from linewatch.access.policy import Policy, Scope
from linewatch.access.throttle import LoginThrottle
from linewatch.settings import Settings
from linewatch.store.engine import check_durability, make_engine

# Screening plugs its indicators into the subject profile through one function: given a read
# connection, a subject id and the caller's scope, the indicators with their reasons, citing only
# evidence the scope may see (``scope.sees_record(agency, schema)``).
IndicatorSource = Callable[[Connection, str, Scope], list[dict[str, Any]]]


@dataclass
class ApiState:
    settings: Settings
    engine: Engine
    policy: Policy
    clock: Clock = field(default_factory=Clock)
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    indicator_source: IndicatorSource | None = None
    secure_cookies: bool = False  # set when served behind TLS
    max_upload_bytes: int = 512 * 1024 * 1024
    extras: dict[str, Any] = field(default_factory=dict)


def api_engine(settings: Settings) -> Engine:
    """The store, with a connection pool sized for the web server's worker threads."""
    engine = make_engine(settings.database_url)  # durability checks, SQLite pragmas
    if engine.dialect.name == "postgresql":
        url = engine.url
        engine.dispose()
        # No pre-ping: it costs a round trip per checkout; pool_recycle retires stale connections instead.
        engine = create_engine(url, pool_size=20, max_overflow=20, pool_recycle=1800)
        check_durability(engine)
    return engine


def state_of(request: Request) -> ApiState:
    state: ApiState = request.app.state.linewatch
    return state

"""Signed-in sessions: a random token in an HttpOnly cookie, stored only as its SHA-256, with an
idle expiry, an absolute expiry and a CSRF token bound to the session."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, insert, select, update

from linewatch.access.policy import Principal
from linewatch.store.tables_access import access_session, account

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=8)
TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most once a minute per session


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ActiveSession:
    id: str
    principal: Principal
    csrf_hash: str
    expires_at: datetime

    def csrf_matches(self, presented: str | None) -> bool:
        return bool(presented) and hmac.compare_digest(_digest(presented or ""), self.csrf_hash)


def start_session(connection: Connection, account_id: int, *, now: datetime, client: str | None) -> NewSession:
    token = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    expires_at = now + ABSOLUTE_TIMEOUT
    connection.execute(
        insert(access_session).values(
            id=_digest(token),
            account_id=account_id,
            csrf_hash=_digest(csrf_token),
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
            client=(client or "")[:200] or None,
        )
    )
    return NewSession(token, csrf_token, expires_at)


_LOOKUP = (
    select(
        access_session.c.id,
        access_session.c.csrf_hash,
        access_session.c.expires_at,
        access_session.c.last_seen_at,
        access_session.c.revoked_at,
        account.c.id.label("account_id"),
        account.c.username,
        account.c.agency,
        account.c.role,
        account.c.disabled_at,
    )
    .join(account, account.c.id == access_session.c.account_id)
    .where(access_session.c.id == bindparam("session_id"))
)


def resolve_session(connection: Connection, token: str, *, now: datetime) -> ActiveSession | None:
    """The live session of a token, or None when unknown, revoked, idle too long, past its absolute
    expiry, or its account is disabled or locked."""
    if not token or len(token) > 128:
        return None
    row = connection.execute(_LOOKUP, {"session_id": _digest(token)}).first()
    if row is None or row.revoked_at is not None or row.disabled_at is not None:
        return None
    if now >= row.expires_at or now - row.last_seen_at >= IDLE_TIMEOUT:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        connection.execute(update(access_session).where(access_session.c.id == row.id).values(last_seen_at=now))
    principal = Principal(row.username, row.agency, row.role, row.account_id)
    return ActiveSession(row.id, principal, row.csrf_hash, row.expires_at)


def end_session(connection: Connection, session_id: str, *, now: datetime) -> None:
    connection.execute(update(access_session).where(access_session.c.id == session_id).values(revoked_at=now))


def end_all_sessions(connection: Connection, account_id: int, *, now: datetime) -> int:
    """Sign an account out everywhere (after a password reset, a role change or disabling)."""
    result = connection.execute(
        update(access_session)
        .where(access_session.c.account_id == account_id, access_session.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)

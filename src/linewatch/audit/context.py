"""Who the audit trail names when code below the web layer (feed ingest, linkage) records what it
did: the signed-in user when the API called it, else the operator at the command line."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from linewatch.access.policy import Principal

OPERATOR_ROLE = "operator"

_acting: ContextVar[Principal | None] = ContextVar("linewatch_audit_actor", default=None)
_purpose: ContextVar[str | None] = ContextVar("linewatch_audit_purpose", default=None)


def operator() -> Principal:
    """The command-line user: LINEWATCH_USER or the OS user, agency LINEWATCH_AGENCY or 'local'."""
    return Principal(
        os.environ.get("LINEWATCH_USER") or getpass.getuser(),
        os.environ.get("LINEWATCH_AGENCY") or "local",
        OPERATOR_ROLE,
    )


def current_actor() -> Principal:
    return _acting.get() or operator()


def current_purpose() -> str | None:
    return _purpose.get()


@contextmanager
def acting_as(principal: Principal, purpose: str | None = None) -> Iterator[None]:
    token = _acting.set(principal)
    purpose_token = _purpose.set(purpose)
    try:
        yield
    finally:
        _acting.reset(token)
        _purpose.reset(purpose_token)

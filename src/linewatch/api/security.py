"""Every route passes through here: the session cookie is resolved, CSRF is checked on anything
that writes, and the route's permission is checked against the caller's role (deny by default).
Denials are written to the audit trail in a transaction of their own.

Routes declare what they need with ``access(permission, operation)``, which also records both in
the OpenAPI document (``x-linewatch-permission``, ``x-linewatch-operation``) for docs and tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from fastapi import Depends, Request

from linewatch.access.policy import AccessDenied, Principal, Scope
from linewatch.access.sessions import ActiveSession, resolve_session
from linewatch.api.problems import Problem, forbidden
from linewatch.api.state import ApiState, state_of
from linewatch.audit.chain import append_now
from linewatch.audit.events import AuditEvent, Operation, Outcome

SESSION_COOKIE = "lw_session"
CSRF_COOKIE = "lw_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC = "public"
SIGNED_IN = "signed_in"


@dataclass(frozen=True, slots=True)
class Caller:
    principal: Principal
    session: ActiveSession
    state: ApiState
    action: str  # "GET /subjects/{subject_id}"

    def scope(self, purpose: str, reason: str | None = None, operation: Operation = Operation.consultation) -> Scope:
        """The caller's scope for a purpose; a refused purpose is audited and answered 403."""
        try:
            return self.state.policy.scope(self.principal, purpose, self.today, reason)
        except AccessDenied as error:
            self.deny(str(error), operation, purpose=purpose, reason=reason)

    def consulted(
        self,
        purpose: str,
        *,
        reason: str | None = None,
        subjects: Iterable[str] = (),
        records: Iterable[str] = (),
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Audit what this request showed (s.62 consultation), in a transaction of its own."""
        append_now(
            self.state.engine,
            AuditEvent(
                Operation.consultation,
                self.action,
                self.principal,
                purpose=purpose,
                reason=reason,
                subjects=tuple(subjects),
                records=tuple(records),
                detail=detail or {},
            ),
        )

    @property
    def today(self) -> date:
        return self.state.clock.now().date()

    def deny(self, why: str, operation: Operation | None, **fields: Any) -> NoReturn:
        """Audit the refusal, then answer 403."""
        audit_denial(self.state, self.principal, self.action, operation, why, **fields)
        raise forbidden(why)


def action_of(request: Request) -> str:
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    return f"{request.method} {path}"


def audit_denial(
    state: ApiState, principal: Principal, action: str, operation: Operation | None, why: str, **fields: Any
) -> None:
    append_now(
        state.engine,
        AuditEvent(
            operation or Operation.consultation,
            action,
            principal,
            Outcome.denied,
            purpose=fields.get("purpose"),
            reason=fields.get("reason"),
            subjects=tuple(fields.get("subjects", ())),
            detail={"why": why},
        ),
    )


def unauthenticated(detail: str = "Sign in first (POST /auth/login).") -> Problem:
    return Problem(401, "unauthenticated", "Not signed in", detail, headers={"WWW-Authenticate": "Cookie"})


def signed_in(request: Request) -> Caller:
    """The caller of this request, from the session cookie; CSRF checked on unsafe methods."""
    state = state_of(request)
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise unauthenticated()
    with state.engine.begin() as connection:
        session = resolve_session(connection, token, now=state.clock.now())
    if session is None:
        raise unauthenticated("The session has expired or ended: sign in again.")
    if request.method not in SAFE_METHODS and not session.csrf_matches(request.headers.get(CSRF_HEADER)):
        raise Problem(403, "csrf", "Missing or wrong CSRF token", f"Send the {CSRF_HEADER} header given at sign-in.")
    return Caller(session.principal, session, state, action_of(request))


def access(permission: str, operation: Operation | None) -> dict[str, Any]:
    """Keyword arguments for a route decorator: its permission (or PUBLIC / SIGNED_IN) and the
    s.62 operation it performs (None: no personal data)."""
    extra = {"x-linewatch-permission": permission, "x-linewatch-operation": operation.value if operation else "none"}
    dependencies: list[Any] = []
    if permission != PUBLIC:
        dependencies.append(Depends(_permission_check(permission, operation)))
    return {"openapi_extra": extra, "dependencies": dependencies}


def _permission_check(permission: str, operation: Operation | None) -> Callable[[Caller], None]:
    def check(caller: Caller = Depends(signed_in)) -> None:
        if permission == SIGNED_IN or caller.state.policy.allows(caller.principal, permission):
            return
        caller.deny(f"the {caller.principal.role} role does not have the {permission!r} permission", operation)

    return check


def route_permission(route: Any) -> str | None:
    extra = getattr(route, "openapi_extra", None) or {}
    value = extra.get("x-linewatch-permission")
    return str(value) if value else None

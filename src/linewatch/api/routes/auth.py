"""Sign in and out, who am I, change my password, enrol a second factor."""

from __future__ import annotations

import logging
from datetime import datetime

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from linewatch.access import accounts, sessions
from linewatch.access.accounts import AccountError, LoginFailed
from linewatch.access.secret_key import SecretKeyError, ServerKey
from linewatch.access.totp import provisioning_uri
from linewatch.api.problems import Problem, bad_request, problem_responses
from linewatch.api.security import (
    CSRF_COOKIE,
    PUBLIC,
    SESSION_COOKIE,
    SIGNED_IN,
    Caller,
    access,
    action_of,
    signed_in,
)
from linewatch.api.state import ApiState, state_of
from linewatch.audit.chain import append, append_now
from linewatch.audit.events import AuditEvent, Operation, Outcome

router = APIRouter(prefix="/auth", tags=["sign-in"], responses=problem_responses(401, 403, 422))
log = logging.getLogger("linewatch.api")


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    password: str = Field(min_length=1, max_length=256)
    totp_code: str | None = Field(
        default=None, max_length=12, pattern=r"^[0-9 ]*$", description="Second factor, when enabled"
    )


class SignedIn(BaseModel):
    username: str
    display_name: str
    agency: str
    role: str
    csrf_token: str = Field(description=f"Send back in the X-CSRF-Token header with every POST (also in {CSRF_COOKIE})")
    expires_at: datetime


class Me(BaseModel):
    username: str
    agency: str
    role: str
    permissions: list[str]
    purposes: list[str]


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class TotpStart(BaseModel):
    secret: str
    uri: str


class TotpConfirm(BaseModel):
    code: str = Field(min_length=6, max_length=12)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _login_failed(state: ApiState, request: Request, username: str, reason: str) -> Problem:
    state.throttle.failed(_client(request))
    from linewatch.access.policy import Principal

    append_now(
        state.engine,
        AuditEvent(
            Operation.authentication,
            "POST /auth/login",
            Principal(username[:64], "-", "-"),
            Outcome.denied,
            detail={"why": reason, "client": _client(request)},
        ),
    )
    if reason == "second_factor_required":
        return Problem(
            401, "second-factor-required", "Second factor needed", "Send totp_code from the authenticator app."
        )
    return Problem(
        401, "login-failed", "Sign-in failed", "The username, password or code is wrong, or the account is locked."
    )


def _server_key(state: ApiState) -> ServerKey:
    return ServerKey(state.settings.data_dir)


def _second_factor_unavailable(request: Request, error: SecretKeyError) -> Problem:
    """The server key is missing, unsafe or not the one a secret was sealed with: the operator's
    problem, not the user's, so the log names the key and the answer says whom to ask."""
    log.error("second factor unavailable on %s %s: %s", request.method, request.url.path, error)
    return Problem(
        503,
        "second-factor-unavailable",
        "Second factor cannot be checked",
        "The server cannot open second-factor secrets with its secret key; an administrator must restore the key "
        "(the server log says which).",
    )


@router.post(
    "/login", response_model=SignedIn, responses=problem_responses(429, 503), **access(PUBLIC, Operation.authentication)
)
def login(body: LoginRequest, request: Request, response: Response) -> SignedIn:
    """Sign in; sets an HttpOnly, SameSite=Strict session cookie and returns the CSRF token."""
    state = state_of(request)
    wait = state.throttle.retry_after(_client(request))
    if wait:
        raise Problem(
            429,
            "too-many-requests",
            "Too many failed sign-ins",
            f"Try again in {wait} seconds.",
            headers={"Retry-After": str(wait)},
        )
    now = state.clock.now()
    failure: LoginFailed | None = None
    key_error: SecretKeyError | None = None
    with state.engine.begin() as connection:  # a failure is counted (lockout) and committed too
        try:
            account = accounts.authenticate(
                connection, body.username, body.password, body.totp_code, now=now, key=_server_key(state)
            )
        except LoginFailed as error:
            failure = error
        except SecretKeyError as error:
            key_error = error
        else:
            new = sessions.start_session(connection, account.id, now=now, client=_client(request))
            append(
                connection,
                AuditEvent(
                    Operation.authentication, "POST /auth/login", account.principal, detail={"client": _client(request)}
                ),
            )
    if key_error is not None:
        from linewatch.access.policy import Principal

        append_now(
            state.engine,
            AuditEvent(
                Operation.authentication,
                "POST /auth/login",
                Principal(body.username[:64], "-", "-"),
                Outcome.failed,
                detail={"why": "second_factor_unavailable", "client": _client(request)},
            ),
        )
        raise _second_factor_unavailable(request, key_error)
    if failure is not None:
        raise _login_failed(state, request, body.username, failure.reason)
    state.throttle.succeeded(_client(request))
    max_age = int((new.expires_at - now).total_seconds())
    secure = state.secure_cookies or request.url.scheme == "https"
    response.set_cookie(
        SESSION_COOKIE, new.token, max_age=max_age, httponly=True, samesite="strict", secure=secure, path="/"
    )
    response.set_cookie(
        CSRF_COOKIE, new.csrf_token, max_age=max_age, httponly=False, samesite="strict", secure=secure, path="/"
    )
    return SignedIn(
        username=account.username,
        display_name=account.display_name,
        agency=account.agency,
        role=account.role,
        csrf_token=new.csrf_token,
        expires_at=new.expires_at,
    )


@router.post("/logout", status_code=204, **access(SIGNED_IN, None))
def logout(response: Response, caller: Caller = Depends(signed_in)) -> Response:
    """End this session."""
    state = caller.state
    with state.engine.begin() as connection:
        sessions.end_session(connection, caller.session.id, now=state.clock.now())
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/me", response_model=Me, **access(SIGNED_IN, None))
def me(caller: Caller = Depends(signed_in)) -> Me:
    """Who is signed in, and what their role may do."""
    role = caller.state.policy.roles.roles.get(caller.principal.role)
    return Me(
        username=caller.principal.username,
        agency=caller.principal.agency,
        role=caller.principal.role,
        permissions=sorted(role.permissions) if role else [],
        purposes=list(role.purposes) if role else [],
    )


@router.post("/password", status_code=204, **access(SIGNED_IN, Operation.administration))
def change_password(body: PasswordChange, request: Request, caller: Caller = Depends(signed_in)) -> Response:
    """Change my password; every other session of mine ends."""
    state = caller.state
    now = state.clock.now()
    with state.engine.begin() as connection:  # a wrong current password counts towards lockout
        try:
            accounts.authenticate(
                connection, caller.principal.username, body.current_password, None, now=now, key=_server_key(state)
            )
            wrong = False
        except LoginFailed as failure:
            wrong = failure.reason != "second_factor_required"
    if wrong:
        raise Problem(403, "wrong-password", "The current password is wrong")
    with state.engine.begin() as connection:
        try:
            accounts.set_password(connection, caller.principal.username, body.new_password, now=now)
        except AccountError as error:
            raise bad_request(str(error)) from None
        assert caller.principal.account_id is not None
        sessions.end_all_sessions(connection, caller.principal.account_id, now=now)
        append(
            connection,
            AuditEvent(Operation.administration, action_of(request), caller.principal, detail={"change": "password"}),
        )
    return Response(status_code=204)


@router.post(
    "/totp/start",
    response_model=TotpStart,
    responses=problem_responses(503),
    **access(SIGNED_IN, Operation.administration),
)
def totp_start(request: Request, caller: Caller = Depends(signed_in)) -> TotpStart:
    """Begin second-factor enrolment: add the secret to an authenticator app, then confirm a code."""
    with caller.state.engine.begin() as connection:
        try:
            secret = accounts.start_totp(connection, caller.principal.username, key=_server_key(caller.state))
        except SecretKeyError as error:
            raise _second_factor_unavailable(request, error) from None
        append(
            connection,
            AuditEvent(
                Operation.administration,
                action_of(request),
                caller.principal,
                detail={"change": "second factor enrolment started"},
            ),
        )
    return TotpStart(secret=secret, uri=provisioning_uri(secret, caller.principal.username))


@router.post(
    "/totp/confirm",
    status_code=204,
    responses=problem_responses(503),
    **access(SIGNED_IN, Operation.administration),
)
def totp_confirm(body: TotpConfirm, request: Request, caller: Caller = Depends(signed_in)) -> Response:
    """Turn the second factor on with a code from the app."""
    with caller.state.engine.begin() as connection:
        try:
            accounts.confirm_totp(connection, caller.principal.username, body.code, key=_server_key(caller.state))
        except AccountError as error:
            raise bad_request(str(error)) from None
        except SecretKeyError as error:
            raise _second_factor_unavailable(request, error) from None
        append(
            connection,
            AuditEvent(
                Operation.administration, action_of(request), caller.principal, detail={"change": "second factor on"}
            ),
        )
    return Response(status_code=204)

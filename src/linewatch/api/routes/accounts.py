"""Account administration (the admin role): list, create, change role or agency, disable, reset a
password. A new or reset password is random and shown once."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from linewatch.access import accounts, sessions
from linewatch.access.accounts import Account, AccountError
from linewatch.access.passwords import generate_password
from linewatch.api.pagination import PageRequest, page_info, page_request
from linewatch.api.problems import bad_request, not_found, problem_responses
from linewatch.api.schemas import Page
from linewatch.api.security import Caller, access, signed_in
from linewatch.audit.chain import append
from linewatch.audit.events import AuditEvent, Operation

router = APIRouter(prefix="/accounts", tags=["accounts"], responses=problem_responses(401, 403, 404, 422))
USERNAME = Path(..., min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")


class AccountView(BaseModel):
    username: str
    display_name: str
    agency: str
    role: str
    totp_enabled: bool
    locked: bool
    disabled: bool


class NewAccount(BaseModel):
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    display_name: str = Field(min_length=1, max_length=200)
    agency: str = Field(max_length=64)
    role: str = Field(max_length=32)


class AccountChange(BaseModel):
    agency: str | None = Field(default=None, max_length=64)
    role: str | None = Field(default=None, max_length=32)
    disabled: bool | None = None


class OneTimePassword(BaseModel):
    account: AccountView
    password: str = Field(description="Shown once; the user changes it at first sign-in")


def _view(account: Account, caller: Caller) -> AccountView:
    now = caller.state.clock.now()
    return AccountView(
        username=account.username,
        display_name=account.display_name,
        agency=account.agency,
        role=account.role,
        totp_enabled=account.totp_enabled,
        locked=bool(account.locked_until and account.locked_until > now),
        disabled=account.disabled,
    )


def _audit(connection: Any, caller: Caller, request: Request, detail: dict[str, Any]) -> None:
    append(
        connection,
        AuditEvent(
            Operation.administration, f"{request.method} {request.scope['route'].path}", caller.principal, detail=detail
        ),
    )


@router.get("", response_model=Page, **access("account.manage", None))
def list_accounts(page: PageRequest = Depends(page_request), caller: Caller = Depends(signed_in)) -> Page:
    with caller.state.engine.connect() as connection:
        found, total = accounts.list_accounts(connection, limit=page.limit, offset=page.offset)
    items = [_view(a, caller).model_dump() for a in found]
    return Page(items=items, **page_info(page, total).model_dump())


@router.post(
    "",
    response_model=OneTimePassword,
    status_code=201,
    responses=problem_responses(409),
    **access("account.manage", Operation.administration),
)
def create_account(body: NewAccount, request: Request, caller: Caller = Depends(signed_in)) -> OneTimePassword:
    password = generate_password()
    with caller.state.engine.begin() as connection:
        try:
            account = accounts.create_account(
                connection,
                caller.state.policy,
                username=body.username,
                password=password,
                agency=body.agency,
                role=body.role,
                display_name=body.display_name,
                now=caller.state.clock.now(),
            )
        except AccountError as error:
            raise bad_request(str(error)) from None
        _audit(connection, caller, request, {"created": body.username, "role": body.role, "agency": body.agency})
    return OneTimePassword(account=_view(account, caller), password=password)


@router.patch("/{username}", response_model=AccountView, **access("account.manage", Operation.administration))
def change_account(
    body: AccountChange, request: Request, username: str = USERNAME, caller: Caller = Depends(signed_in)
) -> AccountView:
    """Change role or agency, or disable the account; its sessions end."""
    now = caller.state.clock.now()
    with caller.state.engine.begin() as connection:
        found = accounts.find_account(connection, username)
        if found is None:
            raise not_found(f"no account {username}")
        try:
            if body.role or body.agency:
                found = accounts.set_role(
                    connection,
                    caller.state.policy,
                    username,
                    role=body.role or found.role,
                    agency=body.agency or found.agency,
                )
            if body.disabled is not None:
                found = accounts.set_disabled(connection, username, disabled=body.disabled, now=now)
        except AccountError as error:
            raise bad_request(str(error)) from None
        sessions.end_all_sessions(connection, found.id, now=now)
        _audit(connection, caller, request, {"changed": username, **body.model_dump(exclude_none=True)})
    return _view(found, caller)


@router.post(
    "/{username}/password-reset", response_model=OneTimePassword, **access("account.manage", Operation.administration)
)
def reset_password(request: Request, username: str = USERNAME, caller: Caller = Depends(signed_in)) -> OneTimePassword:
    """A new random password (shown once); the account's sessions end and any lockout clears."""
    password = generate_password()
    now = caller.state.clock.now()
    with caller.state.engine.begin() as connection:
        try:
            found = accounts.set_password(connection, username, password, now=now)
        except AccountError as error:
            raise not_found(str(error)) from None
        sessions.end_all_sessions(connection, found.id, now=now)
        _audit(connection, caller, request, {"password_reset": username})
    return OneTimePassword(account=_view(found, caller), password=password)

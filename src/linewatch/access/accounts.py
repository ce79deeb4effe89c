"""Local accounts: create, change role or agency, reset a password, enrol a second factor, and
check a sign-in with lockout after repeated failures. Second-factor secrets are stored sealed
with the server key (``secret_key.py``), never in clear."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from linewatch.access import passwords, totp
from linewatch.access.policy import Policy, Principal
from linewatch.access.secret_key import SecretKeyError, ServerKey
from linewatch.agencies import load_agencies
from linewatch.store.tables_access import account

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)


class AccountError(ValueError):
    """A bad request about an account (unknown user, bad role, weak password); the message says why."""


class LoginFailed(Exception):
    """A sign-in was refused. ``reason`` is for the audit trail; users see one generic message."""

    def __init__(self, reason: str, account_id: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.account_id = account_id


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    username: str
    display_name: str
    agency: str
    role: str
    totp_enabled: bool
    locked_until: datetime | None
    disabled: bool

    @property
    def principal(self) -> Principal:
        return Principal(self.username, self.agency, self.role, self.id)


def _account(row: Any) -> Account:
    return Account(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        agency=row.agency,
        role=row.role,
        totp_enabled=bool(row.totp_enabled),
        locked_until=row.locked_until,
        disabled=row.disabled_at is not None,
    )


def _check_role_and_agency(policy: Policy, role: str, agency: str) -> None:
    if role not in policy.roles.roles:
        raise AccountError(f"unknown role {role!r} (known: {', '.join(policy.role_names)})")
    agencies = load_agencies()
    if agency not in agencies:
        raise AccountError(f"unknown agency {agency!r} (known: {', '.join(sorted(agencies))})")


def _check_username(username: str) -> None:
    if not (3 <= len(username) <= 64) or not all(c.isalnum() or c in "._-" for c in username):
        raise AccountError("a username has 3 to 64 letters, digits, dots, dashes or underscores")


def create_account(
    connection: Connection,
    policy: Policy,
    *,
    username: str,
    password: str,
    agency: str,
    role: str,
    display_name: str | None = None,
    now: datetime,
) -> Account:
    _check_username(username)
    _check_role_and_agency(policy, role, agency)
    if find_account(connection, username) is not None:
        raise AccountError(f"an account {username!r} already exists")
    try:
        passwords.check_new_password(password, username)
    except passwords.PasswordRejected as error:
        raise AccountError(str(error)) from None
    result = connection.execute(
        insert(account).values(
            username=username,
            display_name=display_name or username,
            agency=agency,
            role=role,
            password_hash=passwords.hash_password(password),
            password_changed_at=now,
            totp_enabled=False,
            failed_logins=0,
            created_at=now,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return get_account(connection, int(key[0]))


def find_account(connection: Connection, username: str) -> Account | None:
    row = connection.execute(select(account).where(account.c.username == username)).first()
    return _account(row) if row is not None else None


def get_account(connection: Connection, account_id: int) -> Account:
    row = connection.execute(select(account).where(account.c.id == account_id)).first()
    if row is None:
        raise AccountError(f"no account {account_id}")
    return _account(row)


def require_account(connection: Connection, username: str) -> Account:
    found = find_account(connection, username)
    if found is None:
        raise AccountError(f"no account {username!r}: see `linewatch users list`")
    return found


def list_accounts(connection: Connection, *, limit: int = 100, offset: int = 0) -> tuple[list[Account], int]:
    total = int(connection.execute(select(func.count()).select_from(account)).scalar_one())
    rows = connection.execute(select(account).order_by(account.c.username).limit(limit).offset(offset)).all()
    return [_account(row) for row in rows], total


def set_role(connection: Connection, policy: Policy, username: str, *, role: str, agency: str) -> Account:
    found = require_account(connection, username)
    _check_role_and_agency(policy, role, agency)
    connection.execute(update(account).where(account.c.id == found.id).values(role=role, agency=agency))
    return get_account(connection, found.id)


def set_password(connection: Connection, username: str, password: str, *, now: datetime) -> Account:
    """A new password (reset by an administrator, or changed by the user); clears any lockout."""
    found = require_account(connection, username)
    try:
        passwords.check_new_password(password, username)
    except passwords.PasswordRejected as error:
        raise AccountError(str(error)) from None
    connection.execute(
        update(account)
        .where(account.c.id == found.id)
        .values(
            password_hash=passwords.hash_password(password), password_changed_at=now, failed_logins=0, locked_until=None
        )
    )
    return get_account(connection, found.id)


def set_disabled(connection: Connection, username: str, *, disabled: bool, now: datetime) -> Account:
    found = require_account(connection, username)
    connection.execute(update(account).where(account.c.id == found.id).values(disabled_at=now if disabled else None))
    return get_account(connection, found.id)


def _totp_context(account_id: int) -> str:
    return f"account/{account_id}/totp"


def _sealed(key: ServerKey, account_id: int, secret: str) -> dict[str, Any]:
    return {"totp_secret_sealed": key.seal(secret, context=_totp_context(account_id)), "totp_secret": None}


def _totp_secret(connection: Connection, row: Any, key: ServerKey) -> str | None:
    """The account's second-factor secret in clear, or None. A secret still kept in clear (enrolled
    before migration 0007) is sealed now, in the caller's transaction."""
    if row.totp_secret_sealed:
        try:
            return key.unseal(row.totp_secret_sealed, context=_totp_context(row.id))
        except SecretKeyError as error:
            raise SecretKeyError(
                f"the second factor of {row.username!r} cannot be checked: {error}. Restore the key it was sealed "
                f"with, or turn the factor off (`linewatch users totp {row.username} --disable`) and enrol again"
            ) from None
    if row.totp_secret:
        connection.execute(
            update(account).where(account.c.id == row.id).values(**_sealed(key, row.id, row.totp_secret))
        )
        return str(row.totp_secret)
    return None


def seal_clear_totp_secrets(connection: Connection, key: ServerKey) -> int:
    """Seal every second-factor secret still kept in clear (enrolled before migration 0007); how many."""
    rows = connection.execute(select(account.c.id, account.c.totp_secret).where(account.c.totp_secret.is_not(None)))
    sealed = 0
    for row in rows.all():
        connection.execute(
            update(account).where(account.c.id == row.id).values(**_sealed(key, row.id, row.totp_secret))
        )
        sealed += 1
    return sealed


def start_totp(connection: Connection, username: str, *, key: ServerKey) -> str:
    """A new secret for the account, stored sealed; the second factor is on once a code from it is
    confirmed. The secret in clear is returned once, for the user's authenticator app."""
    found = require_account(connection, username)
    secret = totp.new_secret()
    connection.execute(
        update(account)
        .where(account.c.id == found.id)
        .values(**_sealed(key, found.id, secret), totp_enabled=False, totp_last_step=None)
    )
    return secret


def confirm_totp(connection: Connection, username: str, code: str, *, key: ServerKey) -> Account:
    found = require_account(connection, username)
    row = connection.execute(select(account).where(account.c.id == found.id)).one()
    secret = _totp_secret(connection, row, key)
    if not secret:
        raise AccountError("start enrolment first: no second-factor secret is set")
    step = totp.matching_step(secret, code)
    if step is None:
        raise AccountError("that code does not match: check the authenticator app's clock and try the next code")
    connection.execute(update(account).where(account.c.id == found.id).values(totp_enabled=True, totp_last_step=step))
    return get_account(connection, found.id)


def disable_totp(connection: Connection, username: str) -> Account:
    found = require_account(connection, username)
    connection.execute(
        update(account)
        .where(account.c.id == found.id)
        .values(totp_enabled=False, totp_secret=None, totp_secret_sealed=None, totp_last_step=None)
    )
    return get_account(connection, found.id)


def authenticate(
    connection: Connection, username: str, password: str, code: str | None, *, now: datetime, key: ServerKey
) -> Account:
    """The account, when the password (and the code, if the second factor is on) are right and the
    account is neither locked nor disabled; else LoginFailed. Failures count towards lockout.
    SecretKeyError when the second factor's secret does not open with the server key."""
    row = connection.execute(select(account).where(account.c.username == username)).first()
    if row is None:
        passwords.burn_verification_time(password)
        raise LoginFailed("unknown_user")
    if row.disabled_at is not None:
        passwords.burn_verification_time(password)
        raise LoginFailed("disabled", row.id)
    if row.locked_until is not None and row.locked_until > now:
        passwords.burn_verification_time(password)
        raise LoginFailed("locked", row.id)
    if not passwords.verify_password(row.password_hash, password):
        _count_failure(connection, row.id, row.failed_logins, now)
        raise LoginFailed("bad_password", row.id)
    if row.totp_enabled:
        if not code:
            raise LoginFailed("second_factor_required", row.id)
        secret = _totp_secret(connection, row, key)
        step = totp.matching_step(secret, code, after=row.totp_last_step) if secret else None
        if step is None:
            _count_failure(connection, row.id, row.failed_logins, now)
            raise LoginFailed("bad_second_factor", row.id)
        connection.execute(update(account).where(account.c.id == row.id).values(totp_last_step=step))
    values: dict[str, Any] = {"failed_logins": 0, "locked_until": None}
    if passwords.needs_rehash(row.password_hash):
        values["password_hash"] = passwords.hash_password(password)
    connection.execute(update(account).where(account.c.id == row.id).values(**values))
    return _account(row)


def _count_failure(connection: Connection, account_id: int, failures: int, now: datetime) -> None:
    failures += 1
    values: dict[str, Any] = {"failed_logins": failures}
    if failures >= MAX_FAILURES:
        values["locked_until"] = now + LOCKOUT
        values["failed_logins"] = 0
    connection.execute(update(account).where(account.c.id == account_id).values(**values))

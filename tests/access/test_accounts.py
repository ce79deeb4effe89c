"""Accounts: argon2 hashes, password rules, lockout after repeated failures, the second factor."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from linewatch.access import accounts, totp
from linewatch.access.accounts import AccountError, LoginFailed
from linewatch.access.policy import Policy
from linewatch.access.secret_key import ServerKey
from linewatch.store.tables_access import account
from tests.conftest import Store

NOW = datetime(2026, 6, 1, 9, 0)
PASSWORD = "a long enough passphrase"


def _create(store: Store, username: str = "kim") -> None:
    with store.engine.begin() as connection:
        accounts.create_account(
            connection,
            Policy.load(),
            username=username,
            password=PASSWORD,
            agency="police",
            role="practitioner",
            now=NOW,
        )


def _key(store: Store) -> ServerKey:
    return ServerKey(store.settings.data_dir)


def _login(store: Store, password: str, code: str | None = None, now: datetime = NOW) -> accounts.Account:
    with store.engine.begin() as connection:
        return accounts.authenticate(connection, "kim", password, code, now=now, key=_key(store))


def _attempt(store: Store, password: str, now: datetime = NOW) -> str | None:
    """Try to sign in, committing the failure count as the API does; the failure reason or None."""
    with store.engine.begin() as connection:
        try:
            accounts.authenticate(connection, "kim", password, None, now=now, key=_key(store))
        except LoginFailed as failure:
            return failure.reason
    return None


def test_passwords_are_stored_as_argon2id_hashes(store: Store) -> None:
    _create(store)
    with store.engine.connect() as connection:
        stored = connection.execute(account.select()).first()
    assert stored is not None and stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash
    assert _login(store, PASSWORD).username == "kim"


@pytest.mark.parametrize("weak", ["short", "password1234", "aaaaaaaaaaaaaaaa", "kim-is-my-name-here"])
def test_weak_passwords_are_refused(store: Store, weak: str) -> None:
    with store.engine.begin() as connection, pytest.raises(AccountError):
        accounts.create_account(
            connection, Policy.load(), username="kim", password=weak, agency="police", role="practitioner", now=NOW
        )


def test_unknown_role_or_agency_is_refused(store: Store) -> None:
    with store.engine.begin() as connection, pytest.raises(AccountError, match="unknown role"):
        accounts.create_account(
            connection, Policy.load(), username="kim", password=PASSWORD, agency="police", role="superuser", now=NOW
        )


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(store: Store) -> None:
    _create(store)
    reasons = [_attempt(store, "wrong password!") for _ in range(accounts.MAX_FAILURES)]
    assert reasons == ["bad_password"] * accounts.MAX_FAILURES
    assert _attempt(store, PASSWORD) == "locked"
    assert _attempt(store, PASSWORD, NOW + accounts.LOCKOUT - timedelta(seconds=1)) == "locked"
    assert _attempt(store, PASSWORD, NOW + accounts.LOCKOUT + timedelta(seconds=1)) is None


def test_a_success_resets_the_failure_count(store: Store) -> None:
    _create(store)
    for _ in range(accounts.MAX_FAILURES - 1):
        _attempt(store, "wrong password!")
    assert _attempt(store, PASSWORD) is None
    assert _attempt(store, "wrong password!") == "bad_password"
    assert _attempt(store, PASSWORD) is None


def test_unknown_users_and_disabled_accounts_fail(store: Store) -> None:
    _create(store)
    with store.engine.begin() as connection:
        with pytest.raises(LoginFailed, match="unknown_user"):
            accounts.authenticate(connection, "nobody", PASSWORD, None, now=NOW, key=_key(store))
        accounts.set_disabled(connection, "kim", disabled=True, now=NOW)
    assert _attempt(store, PASSWORD) == "disabled"


def test_rfc_6238_test_vector() -> None:
    # RFC 6238 appendix B, SHA-1 seed "12345678901234567890" at T=59 s: 94287082 (8 digits).
    import base64

    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp.code_at(secret, 59 // 30) == "287082"
    assert totp.code_at(secret, 1111111109 // 30) == "081804"


def test_second_factor_is_needed_once_enabled_and_a_code_works_only_once(store: Store) -> None:
    _create(store)
    with store.engine.begin() as connection:
        secret = accounts.start_totp(connection, "kim", key=_key(store))
        accounts.confirm_totp(connection, "kim", totp.code_at(secret, totp.current_step() - 1), key=_key(store))
    assert _attempt(store, PASSWORD) == "second_factor_required"
    code = totp.code_at(secret, totp.current_step())
    assert _login(store, PASSWORD, code).username == "kim"
    with pytest.raises(LoginFailed, match="bad_second_factor"):
        _login(store, PASSWORD, code)  # replayed
    with pytest.raises(LoginFailed, match="bad_second_factor"):
        _login(store, PASSWORD, "123456" if code != "123456" else "654321")


def test_a_wrong_enrolment_code_leaves_the_factor_off(store: Store) -> None:
    _create(store)
    with store.engine.begin() as connection:
        secret = accounts.start_totp(connection, "kim", key=_key(store))
        wrong = "000000" if totp.code_at(secret, totp.current_step()) != "000000" else "111111"
        with pytest.raises(AccountError, match="does not match"):
            accounts.confirm_totp(connection, "kim", wrong, key=_key(store))
    assert _attempt(store, PASSWORD) is None

"""Second-factor secrets at rest: sealed with the server key, never readable from the table;
secrets enrolled in clear before migration 0007 keep working and get sealed; a wrong, malformed or
exposed key is a clear error (503 from the API), never a 500 or a silent sign-in."""

from __future__ import annotations

import base64
import os
import stat
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from linewatch.access import accounts, totp
from linewatch.access.policy import Policy
from linewatch.access.secret_key import KEY_FILE, SecretKeyError, ServerKey
from linewatch.cli.common import console
from linewatch.cli.main import app
from linewatch.store.tables_access import account, audit_event
from tests.api.conftest import PASSWORD, Api
from tests.conftest import Store

NOW = datetime(2026, 6, 1, 9, 0)
OLD_SECRET = base64.b32encode(b"12345678901234567890").decode()  # RFC 6238's test seed, as enrolled in clear
OTHER_KEY = base64.urlsafe_b64encode(b"\x07" * 32).decode()


@pytest.fixture(autouse=True)
def key_from_the_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LINEWATCH_SECRET_KEY", raising=False)


def _create(store: Store, username: str = "kim") -> None:
    with store.engine.begin() as connection:
        accounts.create_account(
            connection, Policy.load(), username=username, password=PASSWORD, agency="police", role="analyst", now=NOW
        )


def _key(store: Store) -> ServerKey:
    return ServerKey(store.settings.data_dir)


def _enrol(store: Store, username: str = "kim") -> str:
    with store.engine.begin() as connection:
        secret = accounts.start_totp(connection, username, key=_key(store))
        accounts.confirm_totp(connection, username, totp.code_at(secret, totp.current_step() - 1), key=_key(store))
    return secret


def _stored(store: Store, username: str = "kim") -> tuple[str | None, str | None]:
    with store.engine.connect() as connection:
        row = connection.execute(
            select(account.c.totp_secret, account.c.totp_secret_sealed).where(account.c.username == username)
        ).one()
    return row.totp_secret, row.totp_secret_sealed


def _sign_in(store: Store, code: str | None, key: ServerKey | None = None) -> str:
    with store.engine.begin() as connection:
        return accounts.authenticate(connection, "kim", PASSWORD, code, now=NOW, key=key or _key(store)).username


def _enrol_in_clear(store: Store) -> None:
    """An account as a release before 0007 left it: the secret in clear in `totp_secret`."""
    with store.engine.begin() as connection:
        connection.execute(
            update(account).where(account.c.username == "kim").values(totp_secret=OLD_SECRET, totp_enabled=True)
        )


def test_the_secret_is_not_readable_from_the_table(store: Store) -> None:
    _create(store)
    secret = _enrol(store)
    clear, sealed = _stored(store)
    assert clear is None and sealed is not None and sealed.startswith("lw1:")
    assert secret not in sealed and secret.lower() not in sealed.lower()
    raw = base64.urlsafe_b64decode(sealed[4:])
    assert len(raw) == 12 + len(secret) + 16  # GCM nonce, ciphertext of the 32-character secret, tag
    assert base64.b32decode(secret) not in raw and secret.encode() not in raw
    key_file = store.settings.data_dir / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_sign_in_with_the_sealed_secret_works_and_a_code_is_used_once(store: Store) -> None:
    _create(store)
    secret = _enrol(store)
    code = totp.code_at(secret, totp.current_step())
    assert _sign_in(store, code) == "kim"
    with pytest.raises(accounts.LoginFailed, match="bad_second_factor"):
        _sign_in(store, code)


def test_a_secret_kept_in_clear_still_works_and_is_sealed_on_first_use(store: Store) -> None:
    _create(store)
    _enrol_in_clear(store)
    assert _sign_in(store, totp.code_at(OLD_SECRET, totp.current_step())) == "kim"
    clear, sealed = _stored(store)
    assert clear is None and sealed is not None and OLD_SECRET not in sealed
    assert _sign_in(store, totp.code_at(OLD_SECRET, totp.current_step() + 1)) == "kim"  # the sealed copy opens


def test_db_upgrade_seals_every_secret_kept_in_clear(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "width", 300)
    _create(store)
    _create(store, "lee")
    _enrol_in_clear(store)
    base = ["--data-dir", str(store.settings.data_dir), "--database-url", store.settings.database_url]
    result = CliRunner().invoke(app, [*base, "db", "upgrade"])
    assert result.exit_code == 0, result.output
    key_file = store.settings.data_dir / KEY_FILE
    assert f"Sealed 1 second-factor secret(s) kept in clear with the key from {key_file}." in result.output
    assert _stored(store)[0] is None and _stored(store, "lee") == (None, None)
    assert _sign_in(store, totp.code_at(OLD_SECRET, totp.current_step())) == "kim"
    again = CliRunner().invoke(app, [*base, "db", "upgrade"])
    assert again.exit_code == 0 and "Sealed" not in again.output


def test_a_wrong_key_is_a_clear_error_naming_the_account_and_the_key(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _create(store)
    secret = _enrol(store)
    monkeypatch.setenv("LINEWATCH_SECRET_KEY", OTHER_KEY)
    with pytest.raises(SecretKeyError) as raised:
        _sign_in(store, totp.code_at(secret, totp.current_step()), key=ServerKey(store.settings.data_dir))
    message = str(raised.value)
    assert message.startswith("the second factor of 'kim' cannot be checked: a sealed secret does not open")
    assert "LINEWATCH_SECRET_KEY" in message and "linewatch users totp kim --disable" in message


def test_a_sealed_secret_moved_to_another_account_does_not_open(store: Store) -> None:
    _create(store)
    _create(store, "lee")
    _enrol(store)
    with store.engine.begin() as connection:
        connection.execute(
            update(account)
            .where(account.c.username == "lee")
            .values(totp_secret_sealed=_stored(store)[1], totp_enabled=True)
        )
    with store.engine.begin() as connection, pytest.raises(SecretKeyError, match="'lee' cannot be checked"):
        accounts.authenticate(connection, "lee", PASSWORD, "123456", now=NOW, key=_key(store))


def test_a_changed_sealed_secret_does_not_open(tmp_path: Path) -> None:
    key = ServerKey(tmp_path)
    sealed = key.seal("JBSWY3DPEHPK3PXP", context="account/1/totp")
    assert key.unseal(sealed, context="account/1/totp") == "JBSWY3DPEHPK3PXP"
    raw = bytearray(base64.urlsafe_b64decode(sealed[4:]))
    raw[20] ^= 1  # one bit of the ciphertext
    with pytest.raises(SecretKeyError, match="does not open"):
        key.unseal("lw1:" + base64.urlsafe_b64encode(bytes(raw)).decode(), context="account/1/totp")
    with pytest.raises(SecretKeyError, match="damaged"):
        key.unseal("lw1:abc", context="account/1/totp")


def test_a_malformed_key_says_how_to_make_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINEWATCH_SECRET_KEY", "not-a-key")
    with pytest.raises(SecretKeyError, match="LINEWATCH_SECRET_KEY is not a key: it must be 32 random bytes"):
        ServerKey(tmp_path).seal("JBSWY3DPEHPK3PXP", context="account/1/totp")
    assert not (tmp_path / KEY_FILE).exists()  # a configured key never falls back to a file


def test_a_key_file_other_users_can_read_is_refused(tmp_path: Path) -> None:
    ServerKey(tmp_path).seal("JBSWY3DPEHPK3PXP", context="account/1/totp")  # makes the file, 0600
    os.chmod(tmp_path / KEY_FILE, 0o644)
    with pytest.raises(SecretKeyError, match=r"can be read by other users \(mode 0644\): run `chmod 600"):
        ServerKey(tmp_path).seal("JBSWY3DPEHPK3PXP", context="account/1/totp")


def test_the_key_file_is_made_once_and_reused(tmp_path: Path) -> None:
    sealed = ServerKey(tmp_path).seal("JBSWY3DPEHPK3PXP", context="account/1/totp")
    first = (tmp_path / KEY_FILE).read_text()
    assert ServerKey(tmp_path).unseal(sealed, context="account/1/totp") == "JBSWY3DPEHPK3PXP"
    assert (tmp_path / KEY_FILE).read_text() == first and len(base64.urlsafe_b64decode(first.strip())) == 32
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]  # no temporary file left behind


def test_through_the_api_a_wrong_key_answers_503_and_is_audited(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    username = api.account("panel_chair", "social_care")
    client = api.as_user("panel_chair", "social_care")
    secret = client.post("/auth/totp/start").json()["secret"]
    assert (
        client.post("/auth/totp/confirm", json={"code": totp.code_at(secret, totp.current_step() - 1)}).status_code
        == 204
    )
    login = {"username": username, "password": PASSWORD, "totp_code": totp.code_at(secret, totp.current_step())}
    monkeypatch.setenv("LINEWATCH_SECRET_KEY", OTHER_KEY)
    refused = api.client.post("/auth/login", json=login)
    assert refused.status_code == 503, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == "urn:linewatch:problem:second-factor-unavailable"
    assert "an administrator must restore the key" in refused.json()["detail"]
    with api.store.engine.connect() as connection:
        entry = connection.execute(
            select(audit_event.c.outcome, audit_event.c.detail).where(audit_event.c.action == "POST /auth/login")
        ).all()[-1]
    assert entry.outcome == "failed" and entry.detail["why"] == "second_factor_unavailable"
    monkeypatch.delenv("LINEWATCH_SECRET_KEY")  # the right key again (the data folder's file)
    assert api.client.post("/auth/login", json=login).status_code == 200

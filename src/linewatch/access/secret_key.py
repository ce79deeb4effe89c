"""The server's secret key, and secrets sealed with it for storage (second-factor secrets).

The key is 32 random bytes in URL-safe base64 (the format Fernet keys use), from
``LINEWATCH_SECRET_KEY``, else from ``<data dir>/secret.key``, which is made on first use with
mode 0600 and refused if other users can read it.

Sealing is AES-256-GCM (the ``cryptography`` package's AEAD): a fresh 12-byte nonce per seal,
and the context (which account the secret belongs to) as associated data, so a sealed value
cannot be moved to another row and any change to it fails authentication. A sealed value is
``lw1:`` + URL-safe base64(nonce || ciphertext and tag); the prefix names the scheme, so another
can be added beside it later.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ENV_VAR = "LINEWATCH_SECRET_KEY"
KEY_FILE = "secret.key"
KEY_BYTES = 32
PREFIX = "lw1:"
NONCE_BYTES = 12  # GCM's standard nonce
TAG_BYTES = 16  # GCM's tag, appended to the ciphertext
MAKE_A_KEY = 'python -c "import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())"'


class SecretKeyError(Exception):
    """The secret key is missing, malformed or unsafe, or a sealed secret does not open with it."""


def is_sealed(stored: str) -> bool:
    """Whether a stored value was sealed (else it is a secret kept in clear before sealing existed)."""
    return stored.startswith(PREFIX)


class ServerKey:
    """The server's secret key, found on first use, so that work needing no secret never needs it."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self._key: bytes | None = None

    def __repr__(self) -> str:
        return f"ServerKey({self.source})"

    @property
    def path(self) -> Path:
        return self.data_dir / KEY_FILE

    @property
    def source(self) -> str:
        """Where the key comes from, for messages (never the key itself)."""
        return ENV_VAR if os.environ.get(ENV_VAR) else str(self.path)

    def seal(self, plain: str, *, context: str) -> str:
        """The secret encrypted and authenticated, bound to the context (e.g. "account/7/totp")."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._cipher().encrypt(nonce, plain.encode("utf-8"), context.encode("utf-8"))
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def unseal(self, stored: str, *, context: str) -> str:
        """The secret in clear; SecretKeyError if it was sealed with another key, for another
        context, or changed since."""
        if not is_sealed(stored):
            raise SecretKeyError("the stored value is not sealed")
        try:
            raw = base64.urlsafe_b64decode(stored[len(PREFIX) :].encode("ascii"))
        except (binascii.Error, UnicodeEncodeError):
            raw = b""
        if len(raw) < NONCE_BYTES + TAG_BYTES:
            raise SecretKeyError("a sealed secret in the store is damaged (too short or not base64)")
        try:
            data = self._cipher().decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8"))
        except InvalidTag:
            raise SecretKeyError(
                f"a sealed secret does not open with the key from {self.source}: it was sealed with another "
                "key (or altered)"
            ) from None
        return data.decode("utf-8")

    def _cipher(self) -> AESGCM:
        if self._key is None:
            self._key = self._load()
        return AESGCM(self._key)

    def _load(self) -> bytes:
        configured = os.environ.get(ENV_VAR)
        if configured:
            return _decode_key(configured, ENV_VAR)
        if not self.path.exists():
            _create_key_file(self.path)
        mode = stat.S_IMODE(self.path.stat().st_mode)
        if os.name == "posix" and mode & 0o077:
            raise SecretKeyError(
                f"{self.path} can be read by other users (mode {mode:04o}): run `chmod 600 {self.path}`"
            )
        return _decode_key(self.path.read_text(encoding="ascii", errors="replace"), str(self.path))


def _decode_key(text: str, source: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, UnicodeEncodeError):
        key = b""
    if len(key) != KEY_BYTES:
        raise SecretKeyError(
            f"{source} is not a key: it must be {KEY_BYTES} random bytes in URL-safe base64 ({MAKE_A_KEY})"
        )
    return key


def _create_key_file(path: Path) -> None:
    """Write a new random key, readable by its owner only. Written beside the final name and then
    linked to it, so two processes starting at once agree on one key and none reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(descriptor, base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)) + b"\n")
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    try:
        os.link(temp, path)
    except FileExistsError:
        pass  # another process made the key first: use theirs
    finally:
        temp.unlink()
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the key must survive a crash that keeps secrets sealed with it
    finally:
        os.close(folder)

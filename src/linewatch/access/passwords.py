"""Passwords: argon2id hashes (argon2-cffi's RFC 9106 low-memory profile) and the rules a new
password must meet (OWASP ASVS 2.1: length over composition, no common passwords)."""

from __future__ import annotations

import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 128

# argon2id, t=3, m=64 MiB, p=4: about 0.1 s per hash on the 2-core development machine.
HASHER = PasswordHasher()

# The most common passwords of at least 12 characters in public breach lists; a deployment
# behind a breached-password service would check that instead.
COMMON = frozenset(
    {
        "123456789012",
        "1234567890123",
        "password1234",
        "password12345",
        "qwertyuiop12",
        "qwertyuiopas",
        "iloveyou1234",
        "passwordpassword",
        "111111111111",
        "000000000000",
        "abc123abc123",
        "letmein12345",
        "welcome12345",
        "administrator",
        "changeme1234",
        "linewatch123",
        "linewatch1234",
        "safeguarding",
    }
)


class PasswordRejected(ValueError):
    """A new password does not meet the rules; the message says which."""


def check_new_password(password: str, username: str) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordRejected(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise PasswordRejected(f"a password may have at most {MAX_LENGTH} characters")
    lowered = password.lower()
    if lowered in COMMON or len(set(password)) < 4:
        raise PasswordRejected("that password is too common or too repetitive")
    if username and username.lower() in lowered:
        raise PasswordRejected("a password must not contain the username")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)


_DUMMY_HASH: str | None = None


def burn_verification_time(password: str) -> None:
    """Verify against a throwaway hash, so an unknown username takes as long as a wrong password
    and the response time does not tell which usernames exist."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = HASHER.hash(secrets.token_hex(16))
    verify_password(_DUMMY_HASH, password)


def generate_password(length: int = 20) -> str:
    """A random password for a new or reset account (shown once, never stored in clear)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(c.isdigit() for c in candidate) and any(c.isupper() for c in candidate):
            return candidate

"""The content hash of a stored record: blake2b of the repr of its values in table order. It is
how a reload tells an unchanged record from a changed one, so however it is computed, it must
come out the same: stored hashes are compared with new ones."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

_EMPTY = hashlib.blake2b(digest_size=16)


def digest_of(values: tuple[object, ...]) -> str:
    """A stable digest of a record's values in table order (repr of dates etc. is stable)."""
    return digest_of_repr(repr(values))


def digest_of_repr(text: str) -> str:
    """digest_of(values), given repr(values)."""
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def digests_of_reprs(texts: Iterable[str]) -> list[str]:
    """[digest_of_repr(text) for text in texts], in less time: copying a prepared hasher spares
    parsing blake2b's keyword arguments for every row."""
    fresh = _EMPTY.copy
    digests = []
    for data in map(str.encode, texts):
        hasher = fresh()
        hasher.update(data)
        digests.append(hasher.hexdigest())
    return digests

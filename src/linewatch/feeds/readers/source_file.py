"""Opening a feed file safely: existence, type and size checks, hashing, bounded line reading and
noticing a file that changes while it is being read."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from .errors import FeedFileError

CHUNK_BYTES = 1024 * 1024

Fingerprint = tuple[int, int]


def describe_size(size: int) -> str:
    for unit, unit_bytes in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= unit_bytes:
            return f"{size / unit_bytes:.1f} {unit}"
    return f"{size} bytes"


def open_source(path: Path, max_bytes: int) -> BinaryIO:
    """Open `path` for binary reading, refusing missing, special, empty and oversized files."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise FeedFileError(path, "the file does not exist") from None
    except OSError as error:
        raise FeedFileError(path, f"the file cannot be examined ({error.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise FeedFileError(path, "it is a directory, not a file")
    # Opening a FIFO or device would block or read forever.
    if not stat.S_ISREG(info.st_mode):
        raise FeedFileError(path, "it is not a regular file")
    try:
        file = open(path, "rb")  # noqa: SIM115 - the caller owns and closes it
    except OSError as error:
        raise FeedFileError(path, f"the file cannot be opened ({error.strerror})") from None
    size = os.fstat(file.fileno()).st_size
    if size > max_bytes:
        file.close()
        raise FeedFileError(
            path,
            f"it is {describe_size(size)}, larger than the {describe_size(max_bytes)} limit for feed files",
        )
    if size == 0:
        file.close()
        raise FeedFileError(path, "the file is empty (0 bytes)")
    return file


def sha256_of(file: BinaryIO) -> str:
    """Hex sha256 of the whole file, read in chunks; leaves the file positioned at its end."""
    file.seek(0)
    hasher = hashlib.sha256()
    while chunk := file.read(CHUNK_BYTES):
        hasher.update(chunk)
    return hasher.hexdigest()


def fingerprint(file: BinaryIO) -> Fingerprint:
    info = os.fstat(file.fileno())
    return info.st_size, info.st_mtime_ns


def check_unchanged(path: Path, file: BinaryIO, before: Fingerprint) -> None:
    """Refuse a read whose rows may not match `content_sha256`: an upload still being written,
    or an export overwritten in place, between the hashing pass and the reading pass."""
    if fingerprint(file) != before:
        raise FeedFileError(
            path,
            "the file changed while it was being read; read it again once it is complete",
        )


def bounded_lines(text: TextIO, path: Path, max_chars: int) -> Iterator[str]:
    """The lines of `text`, refusing any longer than `max_chars` so that a file without line
    breaks cannot be pulled into memory whole."""
    readline = text.readline
    line_number = 0
    while line := readline(max_chars):
        line_number += 1
        if len(line) == max_chars and line[-1] not in "\r\n":
            raise FeedFileError(
                path,
                f"line {line_number} is longer than {max_chars:,} characters; no feed export "
                "has lines that long, so the file is probably not line-based text",
            )
        yield line

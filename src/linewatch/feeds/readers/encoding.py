"""Choosing and checking the text encoding of a CSV or JSON feed in one streaming pass over its
bytes, which also hashes the file and finds problems (binary data, NUL bytes, undecodable bytes,
nothing but whitespace) before any row is handed out."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import FeedFileError
from .source_file import CHUNK_BYTES
from .text_sniff import SNIFF_BYTES, binary_reason


@dataclass(frozen=True)
class TextScan:
    content_sha256: str
    encoding: str
    """A Python codec name to decode the text with ("utf-8", "utf-8-sig", "cp1252", ...)."""


def scan_text(file: BinaryIO, path: Path, declared: str | None) -> TextScan:
    """Hash `file` and settle its encoding: `declared` if given (and it must decode the whole
    file), else UTF-8 (BOM stripped), UTF-16 if it has a UTF-16 BOM, cp1252, or latin-1."""
    file.seek(0)
    first_chunk = file.read(CHUNK_BYTES)
    encoding = _starting_encoding(path, declared, first_chunk)
    reason = binary_reason(first_chunk[:SNIFF_BYTES], encoding if declared is not None else None)
    if reason is not None:
        raise FeedFileError(path, f"it does not look like a text file ({reason})")

    hasher = hashlib.sha256()
    facts = _TextFacts(path)
    decoder = codecs.getincrementaldecoder(encoding)()
    decodes = True
    chunk_end = 0
    chunk = first_chunk
    while True:
        hasher.update(chunk)
        chunk_end += len(chunk)
        final = not chunk
        if decodes:
            try:
                facts.feed(decoder.decode(chunk, final=final))
            except UnicodeDecodeError as error:
                if declared is not None:
                    raise _undecodable(path, encoding, error, chunk_end, facts.lines_seen) from None
                # Text that already held valid multi-byte UTF-8 is UTF-8 with damage (or two files
                # joined): reading it all as cp1252 would garble every accented name, silently.
                # A BOM says the same.
                if encoding != "utf-8" or facts.saw_non_ascii or not error.object[: error.start].isascii():
                    raise _mixed_encoding(path, encoding, error, chunk_end, facts.lines_seen) from None
                # Not UTF-8 after all. Keep hashing; a second pass picks cp1252 or latin-1.
                decodes = False
            except UnicodeError as error:  # e.g. the utf-16 codec's "does not start with BOM"
                raise FeedFileError(path, f"it cannot be decoded as {encoding}: {error}") from None
        if final:
            break
        chunk = file.read(CHUNK_BYTES)

    if not decodes:
        encoding, facts = _scan_single_byte(file, path)
    if not facts.has_content:
        raise FeedFileError(path, "the file is empty (it contains only whitespace)")
    return TextScan(hasher.hexdigest(), encoding)


class _TextFacts:
    """What the scan learns from the decoded text, chunk by chunk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.has_content = False
        self.saw_non_ascii = False
        self.lines_seen = 0

    def feed(self, text: str) -> None:
        if not self.has_content and text.strip():
            self.has_content = True
        if not self.saw_non_ascii and not text.isascii():
            self.saw_non_ascii = True
        nul_at = text.find("\0")
        if nul_at >= 0:
            line = self.lines_seen + text.count("\n", 0, nul_at) + 1
            raise FeedFileError(
                self.path,
                f"line {line} contains a NUL byte (\\0), which a text export never contains; "
                "the file is probably damaged or not text",
            )
        self.lines_seen += text.count("\n")


def _starting_encoding(path: Path, declared: str | None, first_chunk: bytes) -> str:
    if declared is None:
        if first_chunk.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        # Excel's "Unicode Text" export is UTF-16 with a BOM; without this it would look binary.
        if first_chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        return "utf-8"
    try:
        # Decoding nothing also refuses codecs that are not text encodings ("base64", "rot13").
        b"\n".decode(declared, errors="replace")
        name = codecs.lookup(declared).name
    except LookupError:
        raise FeedFileError(
            path, f"the mapping names the text encoding '{declared}', which is not a known text encoding"
        ) from None
    # A BOM is never data, so a file declared UTF-8 has it stripped all the same.
    if name == "utf-8" and first_chunk.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    return name


def _scan_single_byte(file: BinaryIO, path: Path) -> tuple[str, _TextFacts]:
    """Second pass for text that is not UTF-8: cp1252 (what Windows exports use) if every byte
    is defined in it, else latin-1, which decodes any byte."""
    file.seek(0)
    encoding = "cp1252"
    facts = _TextFacts(path)
    while chunk := file.read(CHUNK_BYTES):
        try:
            text = chunk.decode(encoding)
        except UnicodeDecodeError:
            # Single-byte codecs have no state, so switching part-way changes nothing already seen
            # except the characters 0x80-0x9F, which do not affect content, NUL or line checks.
            encoding = "latin-1"
            text = chunk.decode(encoding)
        facts.feed(text)
    return encoding, facts


def _undecodable(
    path: Path, encoding: str, error: UnicodeDecodeError, chunk_end: int, lines_before: int
) -> FeedFileError:
    return FeedFileError(
        path,
        f"it is not valid {encoding}, the encoding the mapping names: the bytes "
        f"{_where(encoding, error, chunk_end, lines_before)} cannot be decoded",
    )


def _mixed_encoding(
    path: Path, encoding: str, error: UnicodeDecodeError, chunk_end: int, lines_before: int
) -> FeedFileError:
    return FeedFileError(
        path,
        f"it is {_unicode_name(encoding)} text up to the bytes {_where(encoding, error, chunk_end, lines_before)}, "
        f"which are not {_unicode_name(encoding)}; the file is damaged or joins files in different encodings "
        "(if it is really in another encoding, name it in the mapping)",
    )


def _unicode_name(encoding: str) -> str:
    return "UTF-16" if encoding.startswith("utf-16") else "UTF-8"


def _where(encoding: str, error: UnicodeDecodeError, chunk_end: int, lines_before: int) -> str:
    """'e9 at line 3 (byte offset 11)': the undecodable bytes and where they are in the file."""
    # The decoder reports positions within the bytes it was holding (earlier leftovers plus this
    # chunk), which always end where this chunk ends in the file.
    offset = chunk_end - len(error.object) + error.start
    bad = error.object[error.start : error.end].hex(" ")
    if encoding.startswith(("utf-16", "utf-32")):
        return f"{bad} at byte offset {offset:,}"
    line = lines_before + error.object[: error.start].count(b"\n") + 1
    return f"{bad} at line {line} (byte offset {offset:,})"

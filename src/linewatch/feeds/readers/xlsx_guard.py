"""Refusing XLSX workbooks that are not workbooks, or that are built to exhaust memory or CPU:
zip bombs (judged from the sizes in the ZIP central directory, before anything is decompressed)
and XML entity bombs (by making sure openpyxl parses through defusedxml), and turning openpyxl's
many exception types into a FeedFileError a person can act on."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml.common import DefusedXmlException, EntitiesForbidden

from .errors import FeedFileError
from .source_file import describe_size
from .text_sniff import binary_reason

# Real sheets compress well (10-50:1); a member far beyond that is almost certainly a bomb.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_ABOVE = 1024 * 1024
# A large workbook has a few hundred members; millions of entries is an attack on the reader.
MAX_MEMBERS = 10_000

_SPECIFIC_ERRORS = (DefusedXmlException, zipfile.BadZipFile, ParseError)
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_zip_directory(path: Path, file: BinaryIO, max_uncompressed: int) -> None:
    """Refuse anything that is not a ZIP archive, or whose members would decompress to more than
    `max_uncompressed` bytes in total or at a suspicious ratio.

    Only the central directory is read. The sizes it declares are binding, because zipfile stops
    each member at its declared size (and then fails its CRC check if the data ran on).
    """
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except MemoryError:
        raise
    except Exception:  # zipfile meets a damaged directory with many exception types
        raise FeedFileError(path, _not_a_zip_reason(file)) from None
    if len(members) > MAX_MEMBERS:
        raise FeedFileError(
            path,
            f"refused: the workbook has {len(members):,} parts, more than the {MAX_MEMBERS:,} a real workbook has",
        )
    total = sum(member.file_size for member in members)
    if total > max_uncompressed:
        raise FeedFileError(
            path,
            f"refused: it would expand to {describe_size(total)} when unzipped, more than the "
            f"{describe_size(max_uncompressed)} limit (a guard against zip bombs)",
        )
    for member in members:
        if member.file_size <= RATIO_CHECKED_ABOVE:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > MAX_COMPRESSION_RATIO:
            raise FeedFileError(
                path,
                f"refused: its part '{member.filename}' is compressed {ratio:,.0f}:1, beyond the "
                f"{MAX_COMPRESSION_RATIO}:1 limit (a guard against zip bombs)",
            )


def require_xml_hardening(path: Path) -> None:
    """Fail closed if openpyxl would parse without defusedxml (e.g. OPENPYXL_DEFUSEDXML=False)."""
    if not openpyxl.DEFUSEDXML:
        raise FeedFileError(
            path,
            "refused: workbooks are only read with XML hardening (defusedxml), and openpyxl has "
            "it switched off (the OPENPYXL_DEFUSEDXML environment variable)",
        )


def workbook_error(path: Path, error: BaseException, doing: str) -> FeedFileError:
    """Describe an exception raised by openpyxl, zipfile or the XML parser while `doing`."""
    # openpyxl re-raises parser errors as a generic ValueError "from" the real one.
    cause: BaseException = error
    while cause.__cause__ is not None and not isinstance(cause, _SPECIFIC_ERRORS):
        cause = cause.__cause__
    if isinstance(cause, _SPECIFIC_ERRORS):
        error = cause
    if isinstance(error, EntitiesForbidden):
        return FeedFileError(
            path,
            f"refused: XML entity declarations are not allowed (found while {doing}); "
            "they are how 'billion laughs' XML bombs work",
        )
    if isinstance(error, DefusedXmlException):
        return FeedFileError(path, f"refused: the workbook contains forbidden XML ({error}) (found while {doing})")
    if isinstance(error, zipfile.BadZipFile):
        return FeedFileError(path, f"the workbook's ZIP archive is damaged ({error}) while {doing}")
    if isinstance(error, ParseError):
        return FeedFileError(path, f"the workbook contains malformed XML ({error}) while {doing}")
    # openpyxl signals a malformed workbook with whatever exception its code happens to hit
    # (KeyError for a missing part, TypeError/ValueError for bad values), so the type is kept.
    return FeedFileError(path, f"it is not a readable XLSX workbook ({type(error).__name__}: {error}) while {doing}")


def _not_a_zip_reason(file: BinaryIO) -> str:
    file.seek(0)
    start = file.read(8 * 1024)
    if start.startswith(_OLE2_SIGNATURE):
        return (
            "it is not an .xlsx workbook but an old-style .xls file or a password-protected "
            "workbook; save it from Excel as an unprotected 'Excel Workbook (.xlsx)'"
        )
    if binary_reason(start, None) is None:
        return "it is a text file, not an .xlsx workbook; is it a CSV export?"
    return "it is not a ZIP archive, so not an .xlsx workbook; it may be damaged or truncated"

"""Streams rows out of a delimited text export (comma, semicolon, tab or pipe separated).

Memory stays bounded: one pass over the bytes settles the encoding and hash (see encoding.py),
then the csv module parses the text line by line.

Row numbers are the line on which a record *starts*. A quoted field may contain line breaks, so
one record can span several lines; its first line is where a person finds it in a text editor,
and for files without embedded line breaks it is also the row number a spreadsheet shows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from .encoding import scan_text
from .errors import FeedFileError
from .options import ReadOptions
from .row_source import OpenedFeed, Row
from .source_file import Fingerprint, bounded_lines, check_unchanged, fingerprint, open_source
from .table_shape import check_column_names, fit_row_to_header

if TYPE_CHECKING:
    from _csv import Reader as CsvReader  # the reader type has no public name before 3.12

# Far beyond any real export row, yet small enough that a file with no line breaks cannot be
# pulled into memory whole.
MAX_LINE_CHARS = 4 * 1024 * 1024

# Delimiters people actually use; a header that holds one of these as a single "column" was
# almost certainly split with the wrong one.
_LIKELY_DELIMITERS = (",", ";", "\t", "|")


def open_csv(path: Path, options: ReadOptions) -> OpenedFeed:
    file = open_source(path, options.max_bytes)
    try:
        scan = scan_text(file, path, options.encoding)
        before = fingerprint(file)
        file.seek(0)
        text = io.TextIOWrapper(file, encoding=scan.encoding, newline="")
        reader = csv.reader(bounded_lines(text, path, MAX_LINE_CHARS), delimiter=options.delimiter, strict=True)
        columns, header_end_line = _read_header(path, reader, options)
    except BaseException:
        file.close()
        raise
    return CsvRows(path, columns, scan.encoding, scan.content_sha256, file, text, reader, header_end_line, before)


class CsvRows(OpenedFeed):
    def __init__(
        self,
        path: Path,
        columns: list[str],
        encoding: str,
        content_sha256: str,
        file: BinaryIO,
        text: io.TextIOWrapper,
        reader: CsvReader,
        header_end_line: int,
        before: Fingerprint,
    ) -> None:
        # The text wrapper is held (and closed) here: if only the line generator held it, the
        # wrapper would be collected when the lines run out, closing the file under us.
        super().__init__(path, columns, encoding, content_sha256, [file, text])
        self._file = file
        self._reader = reader
        self._header_end_line = header_end_line
        self._fingerprint = before

    def _rows(self) -> Iterator[Row]:
        # This loop is the ingest hot path: per row, one list comprehension and one dict.
        path = self.path
        columns = self.columns
        width = len(columns)
        reader = self._reader
        previous_end = self._header_end_line
        try:
            for cells in reader:
                row_number = previous_end + 1
                previous_end = reader.line_num
                values = [cell.strip() or None for cell in cells]
                if not any(values):
                    continue
                if len(values) != width:
                    values = fit_row_to_header(path, f"row {row_number}", values, width)
                yield row_number, dict(zip(columns, values, strict=True))
        except csv.Error as error:
            raise _malformed(path, error, previous_end + 1, reader.line_num) from None
        except UnicodeDecodeError:
            # scan_text decoded the whole file already, so only a change since then gets here.
            raise FeedFileError(
                path,
                f"the text after row {previous_end} no longer decodes as {self.encoding}; "
                "the file changed while it was being read",
            ) from None
        check_unchanged(path, self._file, self._fingerprint)


def _read_header(path: Path, reader: CsvReader, options: ReadOptions) -> tuple[list[str], int]:
    """Skip the records above `header_row` and return the column names and the header's last line."""
    header_row = options.header_row
    previous_end = 0
    while True:
        start = previous_end + 1
        try:
            cells = next(reader)
        except StopIteration:
            raise FeedFileError(
                path,
                f"there is no header: the mapping says the column names are on row {header_row}, "
                f"but the file has only {previous_end} rows",
            ) from None
        except csv.Error as error:
            raise _malformed(path, error, start, reader.line_num) from None
        previous_end = reader.line_num
        if start >= header_row:
            break
        if previous_end >= header_row:
            raise FeedFileError(
                path,
                f"row {header_row}, which the mapping says holds the column names, is inside a "
                f"quoted field that starts on row {start}",
            )
    names = [cell.strip() for cell in cells]
    if not any(names):
        raise FeedFileError(path, f"row {header_row}, which the mapping says holds the column names, is blank")
    _check_delimiter(path, cells, options.delimiter, header_row)
    check_column_names(path, names, f"the header (row {header_row})")
    return names, previous_end


def _check_delimiter(path: Path, cells: list[str], delimiter: str, header_row: int) -> None:
    if len(cells) != 1:
        return
    counts = {other: cells[0].count(other) for other in _LIKELY_DELIMITERS if other != delimiter}
    likely = max(counts, key=lambda other: counts[other])
    if counts[likely]:
        raise FeedFileError(
            path,
            f"the header (row {header_row}) looks {_describe(likely)}-delimited but the mapping "
            f"says {_describe(delimiter)}",
        )


def _describe(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else f"'{delimiter}'"


def _malformed(path: Path, error: csv.Error, start: int, line: int) -> FeedFileError:
    # csv.Error carries no code, only its message, so the known messages are matched as text.
    message = str(error)
    if "unexpected end of data" in message:
        problem = f"the file ends inside a quoted field that starts on row {start}; a closing '\"' is probably missing"
    elif "expected after" in message:
        problem = (
            f"row {start} has text straight after a closing quote (line {line}); "
            'a \'"\' inside a quoted field must be written twice ("")'
        )
    elif "field larger than field limit" in message:
        problem = (
            f"row {start} has a field longer than {csv.field_size_limit():,} characters, "
            "usually because a '\"' earlier in the row is never closed"
        )
    else:
        problem = f"row {start} is not valid CSV ({message})"
    return FeedFileError(path, problem)

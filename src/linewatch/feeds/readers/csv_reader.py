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
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from .encoding import scan_text
from .errors import FeedFileError
from .options import ReadOptions
from .row_source import Column, OpenedFeed, Row, RowChunk
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
        lines = bounded_lines(text, path, MAX_LINE_CHARS)
        reader = csv.reader(lines, delimiter=options.delimiter, strict=True)
        columns, header_end_line = _read_header(path, reader, options)
    except BaseException:
        file.close()
        raise
    return CsvRows(
        path, columns, scan.encoding, scan.content_sha256, file, text, reader, header_end_line, before,
        lines, options.delimiter,
    )  # fmt: skip


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
        lines: Iterator[str],
        delimiter: str,
    ) -> None:
        # The text wrapper is held (and closed) here: if only the line generator held it, the
        # wrapper would be collected when the lines run out, closing the file under us.
        super().__init__(path, columns, encoding, content_sha256, [file, text])
        self._file = file
        self._reader = reader
        self._header_end_line = header_end_line
        self._fingerprint = before
        # The reader above holds nothing but these lines, so readers made later over the same
        # lines carry on exactly where it stopped.
        self._lines = lines
        self._delimiter = delimiter

    def _rows(self) -> Iterator[Row]:
        # Row by row. A load reads chunks instead (_chunks, its hot path).
        path = self.path
        columns = self.columns
        reader = self._reader
        previous_end = self._header_end_line
        try:
            for cells in reader:
                row_number = previous_end + 1
                previous_end = reader.line_num
                values = self._fitted(row_number, cells)
                if values is not None:
                    yield row_number, dict(zip(columns, values, strict=True))
        except csv.Error as error:
            raise _malformed(path, error, previous_end + 1, reader.line_num) from None
        except UnicodeDecodeError:
            raise _no_longer_decodes(path, previous_end, self.encoding) from None
        check_unchanged(path, self._file, self._fingerprint)

    def _chunks(self, size: int) -> Iterator[RowChunk]:
        # The hot path of a load. A block of lines that parses into exactly one record per line
        # (no quoted line breaks, no malformed quoting) needs no per-record bookkeeping: row n is
        # line n. Any other block is parsed record by record exactly as _rows does.
        lines = self._lines
        end = self._header_end_line  # the last line consumed so far
        while True:
            block, decode_failed = _read_block(lines, size)
            if not block and not decode_failed:
                break
            records = None if decode_failed else _one_record_per_line(block, self._delimiter)
            if records is not None:
                chunk = self._chunk_of(list(range(end + 1, end + 1 + len(block))), records)
                end += len(block)
            else:
                tail: Iterable[str] = _decode_failure() if decode_failed else lines
                numbers, rows, end = self._rows_one_by_one(block, tail, end)
                chunk = self._transposed(numbers, rows)
            if chunk is not None:
                yield chunk
            if decode_failed:
                raise _no_longer_decodes(self.path, end, self.encoding)
        check_unchanged(self.path, self._file, self._fingerprint)

    def _rows_one_by_one(
        self, block: list[str], tail: Iterable[str], end: int
    ) -> tuple[list[int], list[list[str | None]], int]:
        """The rows that start in `block`, numbered, checked and in the order _rows gives them
        (so the first problem is the one reported); a record that runs past the block takes its
        remaining lines from `tail`. Returns the last line consumed."""
        reader = csv.reader(chain(block, tail), delimiter=self._delimiter, strict=True)
        numbers: list[int] = []
        rows: list[list[str | None]] = []
        consumed = 0  # lines of this reader, relative to `end`
        try:
            while consumed < len(block):
                cells = next(reader, None)
                if cells is None:
                    break
                number = end + consumed + 1
                consumed = reader.line_num
                values = self._fitted(number, cells)
                if values is not None:
                    numbers.append(number)
                    rows.append(values)
        except csv.Error as error:
            raise _malformed(self.path, error, end + consumed + 1, end + reader.line_num) from None
        except UnicodeDecodeError:
            raise _no_longer_decodes(self.path, end + consumed, self.encoding) from None
        return numbers, rows, end + consumed

    def _fitted(self, number: int, cells: list[str]) -> list[str | None] | None:
        """One record's stripped cells fitted to the header, or None for a blank record."""
        values = [cell.strip() or None for cell in cells]
        if not any(values):
            return None
        if len(values) != len(self.columns):
            values = fit_row_to_header(self.path, f"row {number}", values, len(self.columns))
        return values

    def _chunk_of(self, numbers: list[int], records: list[list[str]]) -> RowChunk | None:
        """Strip the cells, drop blank rows and fit short rows, as _rows does; None if nothing is left."""
        width = len(self.columns)
        if records and set(map(len, records)) == {width}:
            stripped = [_stripped(column) for column in zip(*records, strict=True)]
            blank = []
            if None in stripped[0]:
                blank = [i for i, cell in enumerate(stripped[0]) if cell is None and not any(c[i] for c in stripped)]
            if not blank:
                return RowChunk(numbers, dict(zip(self.columns, stripped, strict=True)))
            keep = sorted(set(range(len(numbers))).difference(blank))
            return self._transposed([numbers[i] for i in keep], [[column[i] for column in stripped] for i in keep])
        kept: list[int] = []
        rows: list[list[str | None]] = []
        for number, cells in zip(numbers, records, strict=True):
            values = self._fitted(number, cells)
            if values is not None:
                kept.append(number)
                rows.append(values)
        return self._transposed(kept, rows)

    def _transposed(self, numbers: list[int], rows: list[list[str | None]]) -> RowChunk | None:
        if not numbers:
            return None
        columns: list[Column] = [list(column) for column in zip(*rows, strict=True)]
        return RowChunk(numbers, dict(zip(self.columns, columns, strict=True)))


def _stripped(cells: Iterable[str]) -> Column:
    """[cell.strip() or None for cell in cells], without a Python step per cell when no cell
    is empty (the usual case)."""
    stripped: Column = list(map(str.strip, cells))
    if "" in stripped:
        return [cell or None for cell in stripped]
    return stripped


def _read_block(lines: Iterator[str], size: int) -> tuple[list[str], bool]:
    """Up to `size` lines, and whether the text stopped decoding after them."""
    block: list[str] = []
    try:
        block.extend(islice(lines, size))  # keeps the lines read before a failure
    except UnicodeDecodeError:
        return block, True
    return block, False


def _decode_failure() -> Iterator[str]:
    # Stands in for the rest of a file that stopped decoding, so that the record-by-record parse
    # reports it at the same row as _rows would.
    raise UnicodeDecodeError("unknown", b"", 0, 1, "the file changed while it was being read")
    yield ""  # pragma: no cover - makes this a generator


def _one_record_per_line(block: list[str], delimiter: str) -> list[list[str]] | None:
    """The block's records if every line is exactly one well-formed record, else None."""
    try:
        records = list(csv.reader(block, delimiter=delimiter, strict=True))
    except csv.Error:
        return None
    return records if len(records) == len(block) else None


def _no_longer_decodes(path: Path, previous_end: int, encoding: str) -> FeedFileError:
    # scan_text decoded the whole file already, so only a change since then gets here.
    return FeedFileError(
        path,
        f"the text after row {previous_end} no longer decodes as {encoding}; the file changed while it was being read",
    )


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

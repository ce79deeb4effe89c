"""Reads records from a JSON export: either one document holding a list of objects, or JSON Lines
(one object per line, recognised by a .jsonl/.ndjson name or by its content).

A JSON document is parsed whole, so it has its own, smaller size limit. JSON Lines are streamed
twice (once to check every line and gather the column names, once to hand out rows), so they
are the format to ask for when an agency's export is large.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .encoding import TextScan, scan_text
from .errors import FeedFileError
from .json_records import ColumnCollector, find_records, json_type_name, record_values
from .options import ReadOptions
from .row_source import OpenedFeed, Row
from .source_file import Fingerprint, bounded_lines, check_unchanged, fingerprint, open_source

# Parsed JSON takes several times its size in memory, so documents are capped well below the
# general file limit; JSON Lines have no such cap because they are never held whole.
JSON_DOCUMENT_MAX_BYTES = 256 * 1024**2
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
MAX_LINE_CHARS = 16 * 1024 * 1024


def open_json(path: Path, options: ReadOptions) -> OpenedFeed:
    file = open_source(path, options.max_bytes)
    try:
        scan = scan_text(file, path, options.encoding)
        before = fingerprint(file)
        if options.json_records_path is None and (
            path.suffix.lower() in JSON_LINES_SUFFIXES or _looks_like_json_lines(file, scan)
        ):
            return JsonLinesRows.open(path, file, scan, before)
        try:
            return _open_document(path, file, scan, before, options.json_records_path)
        finally:
            file.close()  # the document is in memory now
    except BaseException:
        file.close()
        raise


class JsonDocumentRows(OpenedFeed):
    def __init__(self, path: Path, columns: list[str], scan: TextScan, records: list[dict[str, object]]) -> None:
        super().__init__(path, columns, scan.encoding, scan.content_sha256, [])
        self._records = records

    def _rows(self) -> Iterator[Row]:
        columns = self.columns
        for index, record in enumerate(self._records, start=1):
            values = record_values(record, columns)
            if any(values.values()):
                yield index, values


class JsonLinesRows(OpenedFeed):
    @classmethod
    def open(cls, path: Path, file: BinaryIO, scan: TextScan, before: Fingerprint) -> JsonLinesRows:
        collector = ColumnCollector(path)
        for line_number, record in _parsed_lines(path, file, scan):
            collector.add(f"line {line_number}", record)
        return cls(path, collector.columns, scan, file, before)

    def __init__(self, path: Path, columns: list[str], scan: TextScan, file: BinaryIO, before: Fingerprint) -> None:
        super().__init__(path, columns, scan.encoding, scan.content_sha256, [file])
        self._scan = scan
        self._file = file
        self._fingerprint = before

    def _rows(self) -> Iterator[Row]:
        columns = self.columns
        for line_number, record in _parsed_lines(self.path, self._file, self._scan):
            if not isinstance(record, dict):
                # The first pass checked every line, so the file has changed since.
                raise FeedFileError(
                    self.path,
                    f"line {line_number} is now {json_type_name(record)}; the file changed while it was being read",
                )
            values = record_values(record, columns)
            if any(values.values()):
                yield line_number, values
        check_unchanged(self.path, self._file, self._fingerprint)


def _open_document(
    path: Path, file: BinaryIO, scan: TextScan, before: Fingerprint, records_path: str | None
) -> JsonDocumentRows:
    if before[0] > JSON_DOCUMENT_MAX_BYTES:
        raise FeedFileError(
            path,
            f"it is too large to read as a single JSON document (the limit is "
            f"{JSON_DOCUMENT_MAX_BYTES // 1024**2} MiB); export it as JSON Lines, one record "
            "per line, instead",
        )
    file.seek(0)
    stream = _text(file, scan)
    try:
        text = stream.read()
    finally:
        stream.detach()
    check_unchanged(path, file, before)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise FeedFileError(
            path, f"it is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    except (ValueError, RecursionError) as error:
        raise FeedFileError(path, f"it is not JSON that can be read: {_describe(error)}") from None
    records = find_records(path, document, records_path)
    collector = ColumnCollector(path)
    objects: list[dict[str, object]] = []
    for index, record in enumerate(records, start=1):
        collector.add(f"record {index}", record)
        assert isinstance(record, dict)  # ColumnCollector.add refuses anything else
        objects.append(record)
    return JsonDocumentRows(path, collector.columns, scan, objects)


def _parsed_lines(path: Path, file: BinaryIO, scan: TextScan) -> Iterator[tuple[int, object]]:
    """(line number, parsed value) for every non-blank line of a JSON Lines file."""
    file.seek(0)
    stream = _text(file, scan)
    try:
        for line_number, line in enumerate(bounded_lines(stream, path, MAX_LINE_CHARS), start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as error:
                raise FeedFileError(
                    path, f"line {line_number} is not valid JSON: {error.msg} at column {error.colno}"
                ) from None
            except (ValueError, RecursionError) as error:
                raise FeedFileError(
                    path, f"line {line_number} is not JSON that can be read: {_describe(error)}"
                ) from None
            yield line_number, value
    finally:
        # Hand the binary file back open: it is read again, and its owner closes it.
        stream.detach()


def _looks_like_json_lines(file: BinaryIO, scan: TextScan) -> bool:
    """True when the first non-blank line is a complete JSON object and more content follows.
    A pretty-printed document's first line ("[" or '{"data": [') never parses on its own, and a
    minified document is a single line."""
    file.seek(0)
    stream = _text(file, scan)
    try:
        first = _next_content_line(stream)
        if first is None:
            return False
        try:
            parsed = json.loads(first)
        except (ValueError, RecursionError):
            return False
        return isinstance(parsed, dict) and _next_content_line(stream) is not None
    finally:
        stream.detach()


def _next_content_line(stream: io.TextIOWrapper) -> str | None:
    """The next non-blank line, or None at the end or if the line is too long to be a record."""
    while line := stream.readline(MAX_LINE_CHARS):
        if len(line) == MAX_LINE_CHARS:
            return None
        if line.strip():
            return line
    return None


def _text(file: BinaryIO, scan: TextScan) -> io.TextIOWrapper:
    # newline="" keeps "\r\n" intact so that JSON error columns match what an editor shows.
    return io.TextIOWrapper(file, encoding=scan.encoding, newline="")


def _describe(error: Exception) -> str:
    if isinstance(error, RecursionError):
        return "it nests lists or objects too deeply"
    return str(error)

"""Streams rows out of one sheet of an XLSX workbook with openpyxl in read-only mode, reading
the cached results of formulas, after xlsx_guard has vetted the archive."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import openpyxl

from .errors import FeedFileError
from .options import ReadOptions
from .row_source import OpenedFeed, Row
from .source_file import Fingerprint, check_unchanged, fingerprint, open_source, sha256_of
from .table_shape import check_column_names, fit_row_to_header
from .xlsx_cells import cell_text
from .xlsx_guard import check_zip_directory, require_xml_hardening, workbook_error

EXCEL_MAX_ROWS = 1_048_576

RawRow = tuple[int, tuple[Any, ...]]


def open_xlsx(path: Path, options: ReadOptions) -> OpenedFeed:
    file = open_source(path, options.max_bytes)
    try:
        content_sha256 = sha256_of(file)
        before = fingerprint(file)
        check_zip_directory(path, file, options.max_xlsx_uncompressed)
        require_xml_hardening(path)
        workbook = _load_workbook(path, file)
        try:
            sheet = _choose_sheet(path, workbook, options.sheet)
            raw_rows = _numbered_rows(path, sheet)
            columns = _read_header(path, raw_rows, options.header_row, sheet.title)
        except BaseException:
            workbook.close()
            raise
    except BaseException:
        file.close()
        raise
    # The XML inside a workbook is Unicode and openpyxl decodes it; there is no choice to report.
    return XlsxRows(path, columns, "utf-8", content_sha256, file, workbook, sheet.title, raw_rows, before)


class XlsxRows(OpenedFeed):
    def __init__(
        self,
        path: Path,
        columns: list[str],
        encoding: str,
        content_sha256: str,
        file: BinaryIO,
        workbook: Any,
        sheet_title: str,
        raw_rows: Iterator[RawRow],
        before: Fingerprint,
    ) -> None:
        super().__init__(path, columns, encoding, content_sha256, [file, workbook])
        self._file = file
        self._sheet_title = sheet_title
        self._raw_rows = raw_rows
        self._fingerprint = before

    def _rows(self) -> Iterator[Row]:
        path = self.path
        columns = self.columns
        width = len(columns)
        for row_number, raw in self._raw_rows:
            values = [cell_text(value) for value in raw]
            if not any(values):
                continue
            if len(values) != width:
                label = f"row {row_number} of sheet '{self._sheet_title}'"
                values = fit_row_to_header(path, label, values, width)
            yield row_number, dict(zip(columns, values, strict=True))
        check_unchanged(path, self._file, self._fingerprint)


def _load_workbook(path: Path, file: BinaryIO) -> Any:
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it drops; they do not affect values.
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            # A file object, not the path: openpyxl refuses paths whose extension is not .xlsx.
            return openpyxl.load_workbook(file, read_only=True, data_only=True, keep_links=False)
    except MemoryError:
        raise
    except Exception as error:
        raise workbook_error(path, error, "opening the workbook") from None


def _choose_sheet(path: Path, workbook: Any, wanted: str | None) -> Any:
    names: list[str] = workbook.sheetnames
    worksheets = workbook.worksheets  # excludes chart sheets
    if wanted is None:
        if not worksheets:
            raise FeedFileError(path, "the workbook has no worksheets")
        return worksheets[0]
    if wanted not in names:
        listed = ", ".join(f"'{name}'" for name in names)
        raise FeedFileError(path, f"the workbook has no sheet named '{wanted}'; its sheets are {listed}")
    sheet = workbook[wanted]
    if sheet not in worksheets:
        raise FeedFileError(path, f"sheet '{wanted}' is a chart, not a table")
    return sheet


def _numbered_rows(path: Path, sheet: Any) -> Iterator[RawRow]:
    """Every row of `sheet` with its row number, blank rows included, cell values as openpyxl
    gives them."""
    # The dimension a workbook declares can be wrong; trusting it could silently cut rows off.
    sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True)
    row_number = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except MemoryError:
            raise
        except Exception as error:
            doing = f"reading row {row_number + 1} of sheet '{sheet.title}'"
            raise workbook_error(path, error, doing) from None
        row_number += 1
        # openpyxl fills gaps between row numbers with empty rows, so a forged row number like
        # r="999999999999" would otherwise mean iterating for hours.
        if row_number > EXCEL_MAX_ROWS:
            raise FeedFileError(path, f"sheet '{sheet.title}' has rows beyond Excel's limit of {EXCEL_MAX_ROWS:,}")
        yield row_number, values


def _read_header(path: Path, raw_rows: Iterator[RawRow], header_row: int, title: str) -> list[str]:
    rows_seen = 0
    for row_number, raw in raw_rows:
        if row_number == header_row:
            return _column_names(path, raw, header_row, title)
        rows_seen = row_number
    if rows_seen == 0:
        raise FeedFileError(path, f"sheet '{title}' is empty")
    raise FeedFileError(
        path,
        f"there is no header: the mapping says the column names are on row {header_row}, "
        f"but sheet '{title}' has only {rows_seen} rows",
    )


def _column_names(path: Path, raw: tuple[Any, ...], header_row: int, title: str) -> list[str]:
    names = [cell_text(value) or "" for value in raw]
    # Read-only mode pads rows to the widest formatted cell; blank names at the end are padding.
    while names and not names[-1]:
        names.pop()
    if not names:
        raise FeedFileError(
            path,
            f"row {header_row} of sheet '{title}', which the mapping says holds the column names, is blank",
        )
    check_column_names(path, names, f"the header (row {header_row} of sheet '{title}')")
    return names

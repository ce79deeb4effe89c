"""Low-level feed readers: turn an agency's export file (CSV, XLSX, JSON) into a stream of
numbered rows of stripped text, safely and with bounded memory, or raise a FeedFileError that
says what is wrong with the file. Mapping rows onto the domain model happens a layer above.

    with open_rows(path, ReadOptions(format="csv", delimiter=";")) as rows:
        for row_number, values in rows:
            ...
"""

from __future__ import annotations

from pathlib import Path

from .csv_reader import open_csv
from .errors import FeedFileError
from .json_reader import open_json
from .options import ReadOptions
from .row_source import Row, RowChunk, RowSource
from .xlsx_reader import open_xlsx

__all__ = ["FeedFileError", "ReadOptions", "Row", "RowChunk", "RowSource", "open_rows"]


def open_rows(path: Path, options: ReadOptions) -> RowSource:
    """Open `path` as `options` describe. The file's shape (encoding, header, sheet, records)
    is checked here; row-level problems are raised while iterating."""
    path = Path(path)
    if options.format == "csv":
        return open_csv(path, options)
    if options.format == "xlsx":
        return open_xlsx(path, options)
    return open_json(path, options)

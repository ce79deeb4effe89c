"""How a mapping says one agency export should be read: its format and the knobs for that format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FeedFormat = Literal["csv", "xlsx", "json"]
FEED_FORMATS: tuple[FeedFormat, ...] = ("csv", "xlsx", "json")


@dataclass
class ReadOptions:
    """Read settings for one feed file; the defaults suit a plain comma-separated export."""

    format: FeedFormat
    delimiter: str = ","
    """csv only: the single character between fields."""
    encoding: str | None = None
    """None = detect: strip a UTF-8 BOM; UTF-8 if the whole file decodes; else cp1252, else latin-1."""
    sheet: str | None = None
    """xlsx: the sheet to read; None = the first worksheet."""
    header_row: int = 1
    """csv/xlsx: 1-based row holding the column names; rows above it (titles) are skipped."""
    json_records_path: str | None = None
    """json: dotted path to the list of records ("data.attendances"); None = a top-level list,
    or JSON Lines (by extension .jsonl/.ndjson or by content)."""
    max_bytes: int = 2 * 1024**3
    """Files larger than this are refused without being read."""
    max_xlsx_uncompressed: int = 1 * 1024**3
    """Zip-bomb guard: the most the members of a workbook may add up to once decompressed."""

    def __post_init__(self) -> None:
        # These are mistakes in a mapping, not in a file, so they are plain ValueErrors that the
        # mapping loader reports against the mapping's own file and line.
        if self.format not in FEED_FORMATS:
            raise ValueError(f"format must be one of {', '.join(FEED_FORMATS)}, not {self.format!r}")
        if len(self.delimiter) != 1 or self.delimiter in '"\r\n':
            raise ValueError(f"delimiter must be one character other than a quote or newline, not {self.delimiter!r}")
        if self.header_row < 1:
            raise ValueError(f"header_row counts from 1, so {self.header_row} is not a row")
        if self.max_bytes < 1 or self.max_xlsx_uncompressed < 1:
            raise ValueError("max_bytes and max_xlsx_uncompressed must be positive")

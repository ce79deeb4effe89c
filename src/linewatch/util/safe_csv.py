"""CSV files for people to open in spreadsheets, with formula injection neutralised."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import IO

# A spreadsheet treats a cell starting with one of these as a formula (OWASP CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


class SafeCsvWriter:
    def __init__(self, handle: IO[str]):
        self._writer = csv.writer(handle)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([neutralise(value) for value in row])


def open_safe_csv(path: Path) -> tuple[IO[str], SafeCsvWriter]:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "w", newline="", encoding="utf-8")  # noqa: SIM115 - caller closes
    return handle, SafeCsvWriter(handle)

"""A problem found in one row of a feed, said with its file, row, column and value."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem with one cell (or row) of a feed."""

    row: int
    column: str | None
    value: str | None
    problem: str

    def describe(self, file_name: str) -> str:
        where = f"{file_name} row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        shown = f" {self.value!r}" if self.value is not None else ""
        return f"{where}:{shown} {self.problem}"


Cells = dict[str, str | None]

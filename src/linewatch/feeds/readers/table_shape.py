"""Checks that a table read from any format has a usable shape: every column named once, and no
row with more values than there are columns."""

from __future__ import annotations

from pathlib import Path

from .errors import FeedFileError


def column_letter(position: int) -> str:
    """Spreadsheet letters for a 1-based column position (1 -> A, 28 -> AB), as people see it."""
    letters = ""
    while position > 0:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def check_column_names(path: Path, names: list[str], where: str) -> None:
    """Refuse blank or repeated column names: either would make values land in the wrong field."""
    first_position: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if not name:
            raise FeedFileError(path, f"column {position} ({column_letter(position)}) of {where} has no name")
        if name in first_position:
            earlier = first_position[name]
            raise FeedFileError(
                path,
                f"{where} has two columns named '{name}': {earlier} ({column_letter(earlier)}) "
                f"and {position} ({column_letter(position)})",
            )
        first_position[name] = position


def fit_row_to_header(path: Path, row_label: str, values: list[str | None], width: int) -> list[str | None]:
    """Pad a short row with None; refuse a row with values beyond the last column.

    Empty cells past the last column are dropped: spreadsheet exports often pad rows with them,
    and they carry nothing that could be lost.
    """
    if len(values) < width:
        return values + [None] * (width - len(values))
    cells = len(values)
    while cells > width and values[cells - 1] is None:
        cells -= 1
    if cells > width:
        raise FeedFileError(path, f"{row_label} has {cells} cells but the header has {width}")
    return values[:width]

"""Turning the values openpyxl gives for spreadsheet cells into the text a feed row carries."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

MIDNIGHT = time(0, 0)


def cell_text(value: object) -> str | None:
    """Stripped text for a cell value; None for an empty cell.

    Numbers lose a spurious ".0" (Excel stores every number as a float, so a phone number or NHS
    number would otherwise read "9434765919.0"). Dates are ISO text; a date-time at exactly
    midnight is taken to be a date, because the file cannot say whether a time was meant.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == MIDNIGHT:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip() or None

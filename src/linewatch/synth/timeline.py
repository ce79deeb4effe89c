"""Dates for the synthetic county: the history window, school terms, times of day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

HISTORY_DAYS = 365  # feeds hold a year of records before the communications period starts


@dataclass(frozen=True, slots=True)
class Window:
    history_start: date
    start: date  # communications data starts here
    end: date  # the extract date: nothing is recorded after it

    @property
    def days(self) -> int:
        return (self.end - self.history_start).days


@dataclass(frozen=True, slots=True)
class Term:
    name: str  # "Autumn 2025"
    start: date
    end: date
    sessions_possible: int


def window(start: date, days: int) -> Window:
    return Window(start - timedelta(days=HISTORY_DAYS), start, start + timedelta(days=days))


def _weekdays(first: date, last: date) -> int:
    return int(np.busday_count(first, last + timedelta(days=1)))


def terms(span: Window) -> list[Term]:
    """English school terms overlapping the window (two sessions a school day, less a
    half-term week), counted up to the extract date."""
    found: list[Term] = []
    for year in range(span.history_start.year - 1, span.end.year + 1):
        for name, first, last in (
            (f"Autumn {year}", date(year, 9, 3), date(year, 12, 19)),
            (f"Spring {year + 1}", date(year + 1, 1, 5), date(year + 1, 3, 27)),
            (f"Summer {year + 1}", date(year + 1, 4, 13), date(year + 1, 7, 21)),
        ):
            if last < span.history_start or first > span.end:
                continue
            counted_to = min(last, span.end)
            days = _weekdays(first, counted_to) - (5 if (counted_to - first).days > 50 else 0)
            if days > 0:
                found.append(Term(name, first, last, 2 * days))
    return found


# Share of events by hour of day for everyday contacts (daytime-heavy) and for night-time ones.
_DAY_HOURS = np.array([1, 1, 1, 1, 1, 1, 2, 4, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6, 5, 4, 3, 2, 1], dtype=float)
_NIGHT_HOURS = np.array([5, 5, 4, 3, 2, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 7, 7, 7, 7, 6], dtype=float)


def random_days(rng: np.random.Generator, n: int, first: date, last: date) -> np.ndarray:
    """Uniform dates in [first, last] as datetime64[D]."""
    span = max(1, (last - first).days + 1)
    return np.datetime64(first, "D") + rng.integers(0, span, n).astype("timedelta64[D]")


def random_times(rng: np.random.Generator, n: int, first: date, last: date, night: bool = False) -> np.ndarray:
    """Datetimes (to the minute) in [first, last], with a day-time or night-time profile."""
    profile = _NIGHT_HOURS if night else _DAY_HOURS
    hours = rng.choice(24, size=n, p=profile / profile.sum())
    minutes = hours * 60 + rng.integers(0, 60, n)
    days = random_days(rng, n, first, last).astype("datetime64[m]")
    return days + minutes.astype("timedelta64[m]")


def at_minute(when: datetime) -> np.datetime64:
    return np.datetime64(when.replace(second=0, microsecond=0), "m")


def one_time(rng: np.random.Generator, day: date, night: bool = False) -> datetime:
    profile = _NIGHT_HOURS if night else _DAY_HOURS
    hour = int(rng.choice(24, p=profile / profile.sum()))
    return datetime(day.year, day.month, day.day, hour, int(rng.integers(0, 60)))

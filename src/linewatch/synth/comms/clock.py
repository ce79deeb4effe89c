"""Time of day: daily activity profiles and the conversion from UK local time to UTC.

People and businesses keep local (Europe/London) hours, so events are drawn in local time and
written in UTC; around the clock changes that shifts the UTC peak by an hour, as in real data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import IntEnum
from zoneinfo import ZoneInfo

import numpy as np

LONDON = ZoneInfo("Europe/London")
SECONDS_PER_DAY = 86_400


class Profile(IntEnum):
    """Who keeps which hours; the weights per local hour are in PROFILE_WEIGHTS."""

    early = 0  # up at six, quiet after ten
    standard = 1
    late = 2  # young people: quiet mornings, busy late evenings
    taxi = 3  # round the clock, commuting and late-night peaks
    takeaway = 4  # lunch and, mostly, evening
    office = 5  # bulk and reminder senders, working hours
    line_orders = 6  # customers ordering: afternoon and evening, into the small hours
    flare = 7  # when a line sends its marketing texts
    gang = 8  # controllers and runners: late starts, late nights


#                      0    1    2    3    4    5    6    7    8    9   10   11
#                     12   13   14   15   16   17   18   19   20   21   22   23
PROFILE_WEIGHTS: dict[Profile, tuple[float, ...]] = {
    Profile.early: (0.2, 0.1, 0.05, 0.05, 0.1, 0.4, 1.5, 3.5, 5.0, 5.5, 5.5, 5.5,
                    6.0, 5.5, 5.0, 5.0, 5.5, 6.5, 7.0, 6.5, 5.5, 4.0, 2.0, 0.8),
    Profile.standard: (0.6, 0.3, 0.15, 0.1, 0.1, 0.2, 0.6, 2.0, 3.5, 4.5, 5.0, 5.0,
                       5.5, 5.5, 5.0, 5.0, 5.5, 6.5, 7.5, 8.0, 7.5, 6.0, 3.5, 1.6),
    Profile.late: (2.0, 1.2, 0.6, 0.3, 0.15, 0.1, 0.2, 0.8, 1.8, 2.0, 2.2, 2.8,
                   3.8, 4.0, 4.0, 4.8, 6.0, 7.0, 7.5, 8.0, 8.5, 8.5, 7.0, 4.5),
    Profile.taxi: (4.0, 3.5, 2.5, 1.5, 1.0, 1.2, 2.5, 5.0, 6.0, 4.0, 3.0, 3.0,
                   3.5, 3.0, 3.0, 3.5, 4.5, 6.0, 6.0, 5.0, 4.5, 5.0, 5.5, 5.0),
    Profile.takeaway: (0.5, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.1, 0.8,
                       2.5, 2.0, 0.8, 0.5, 1.5, 5.0, 9.0, 9.5, 7.5, 5.0, 3.0, 1.5),
    Profile.office: (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.1, 1.0, 5.0, 6.0, 6.0,
                     5.0, 5.0, 5.5, 5.5, 5.0, 3.0, 1.0, 0.3, 0.0, 0.0, 0.0, 0.0),
    Profile.line_orders: (2.5, 1.8, 1.0, 0.5, 0.2, 0.1, 0.2, 0.5, 1.0, 1.8, 2.5, 3.5,
                          4.5, 5.5, 6.5, 7.0, 7.5, 8.0, 8.5, 8.5, 8.0, 7.0, 5.5, 4.0),
    Profile.flare: (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 2.0, 4.0, 4.0, 3.0,
                    3.0, 3.5, 4.0, 4.0, 4.0, 4.5, 5.0, 5.0, 4.0, 3.0, 1.5, 0.5),
    Profile.gang: (4.0, 3.0, 2.0, 1.0, 0.4, 0.2, 0.2, 0.3, 0.6, 1.2, 2.5, 4.0,
                   5.0, 5.5, 6.0, 6.5, 7.0, 7.0, 7.5, 7.5, 7.5, 7.0, 6.0, 5.0),
}  # fmt: skip

# Shifted one hour later at weekends: lie-ins and later nights.
PEOPLE_PROFILES = (Profile.early, Profile.standard, Profile.late, Profile.gang)


def _cumulative(weights: tuple[float, ...]) -> np.ndarray:
    array = np.asarray(weights, dtype=np.float64)
    cumulative = np.cumsum(array / array.sum())
    cumulative[-1] = 1.0
    return cumulative


def _profile_table(weekend: bool) -> np.ndarray:
    table = np.empty((len(Profile), 24), dtype=np.float64)
    for profile, weights in PROFILE_WEIGHTS.items():
        if weekend and profile in PEOPLE_PROFILES:
            weights = tuple(np.roll(np.asarray(weights), 1).tolist())
        table[profile] = _cumulative(weights)
    return table


WEEKDAY_TABLE = _profile_table(weekend=False)
WEEKEND_TABLE = _profile_table(weekend=True)


@dataclass(frozen=True, slots=True)
class DayClock:
    """One local calendar day of the period, with where it starts and ends in UTC."""

    index: int
    day: date
    midnight_utc: int  # epoch seconds of local 00:00
    next_midnight_utc: int

    @classmethod
    def for_day(cls, start: date, index: int) -> DayClock:
        day = start + timedelta(days=index)
        return cls(index, day, local_midnight_utc(day), local_midnight_utc(day + timedelta(1)))

    @property
    def is_weekend(self) -> bool:
        return self.day.weekday() >= 5

    @property
    def weekday(self) -> int:
        return self.day.weekday()

    def sample_local_seconds(
        self, rng: np.random.Generator, profiles: np.ndarray | Profile, count: int | None = None
    ) -> np.ndarray:
        """Local seconds after midnight, one per event, drawn from each event's profile."""
        table = WEEKEND_TABLE if self.is_weekend else WEEKDAY_TABLE
        if isinstance(profiles, Profile):
            size = 0 if count is None else count
            hours = np.searchsorted(table[profiles], rng.random(size), side="right")
        else:
            size = len(profiles)
            hours = np.empty(size, dtype=np.int64)
            draws = rng.random(size)
            for profile in np.unique(profiles).tolist():
                chosen = profiles == profile
                hours[chosen] = np.searchsorted(table[profile], draws[chosen], side="right")
        hours = np.minimum(hours, 23)
        return hours * 3600 + rng.integers(0, 3600, size=size)

    def to_utc(self, local_seconds: np.ndarray) -> np.ndarray:
        """Epoch seconds for local seconds after this day's midnight."""
        # Adding to local midnight is exact except for the hour after a clock change, where it
        # is an hour out; harmless for synthetic data and keeps this a single addition.
        return self.midnight_utc + local_seconds.astype(np.int64)

    def local_hour(self, utc_seconds: np.ndarray) -> np.ndarray:
        """Local hour (0-23, wrapping past midnight) of epoch seconds near this day."""
        return ((utc_seconds - self.midnight_utc) // 3600) % 24


def local_midnight_utc(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=LONDON).timestamp())

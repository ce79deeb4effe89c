"""The time as the access rules see it: naive UTC, as the store keeps it. Tests move it forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC).replace(tzinfo=None) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta

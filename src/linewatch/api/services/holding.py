"""Which agencies hold records of each type, kept per process and refreshed when a feed, linkage
run or erasure changes the store: a profile then queries only the tables that can hold records
about its subject's agencies."""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import Connection

from linewatch.api.services.search_index import SearchIndex
from linewatch.records.holdings import agencies_holding

# A new table-agency pair appears only with a feed; a profile may lag a just-loaded feed by this much.
RECHECK_SECONDS = 2.0


class HoldingMap:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: tuple[Any, ...] | None = None
        self.holding: dict[str, set[str]] = {}
        self._checked = -RECHECK_SECONDS

    def current(self, connection: Connection) -> dict[str, set[str]]:
        now = time.monotonic()
        if now - self._checked < RECHECK_SECONDS:
            return self.holding
        version = SearchIndex.store_version(connection)
        self._checked = now
        if version != self._version:
            with self._lock:
                if version != self._version:
                    self.holding = agencies_holding(connection)
                    self._version = version
        return self.holding

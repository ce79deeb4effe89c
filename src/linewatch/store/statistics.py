"""Planner statistics after bulk writes.

A database plans each query from statistics about its tables. Right after a bulk load those are
missing or stale: PostgreSQL's autovacuum refreshes them only some time later (and not at all when
it is switched off, as on some managed or test servers), and SQLite never does by itself. With no
statistics PostgreSQL guesses that ``agency = 'education'`` matches a handful of rows and picks
plans that read the whole agency's index for one child's profile (measured: 9 ms instead of 0.1 ms
per query on the default county). So every stage that writes many rows refreshes the statistics
of the tables it wrote, after its commit: ANALYZE samples a fixed number of rows (30,000 by
default), so it costs well under a second even on a table of millions.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

log = logging.getLogger("linewatch.store")
LOCK_WAIT = "5s"


def refresh_statistics(engine: Engine, tables: Iterable[str]) -> bool:
    """ANALYZE the given tables, after the writes to them have committed. True when done; a
    failure (a lock held elsewhere for longer than LOCK_WAIT, say) is logged and skipped, never
    raised: the data is already committed, and a load must not be reported as failed for it."""
    names = sorted(set(tables))
    if not names:
        return True
    try:
        # A transaction of its own, after the load's: the load never waits for it, and ANALYZE's
        # lock (PostgreSQL: SHARE UPDATE EXCLUSIVE) does not block readers or writers.
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Another ANALYZE, VACUUM or index build on the table holds the same lock: wait a
                # little, not for as long as it runs.
                connection.execute(text(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'"))
            elif connection.dialect.name == "sqlite":
                # SQLite reads every row of every index unless told to sample; 1,000 rows per index
                # is what its documentation suggests for a planner that only needs the rough shape.
                connection.execute(text("PRAGMA analysis_limit = 1000"))
            for name in names:
                connection.execute(text(f'ANALYZE "{name}"'))
    except DBAPIError as error:
        log.warning("planner statistics not refreshed for %s (the data is stored): %s", ", ".join(names), error.orig)
        return False
    return True

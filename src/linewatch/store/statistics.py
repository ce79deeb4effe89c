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

from collections.abc import Iterable

from sqlalchemy import Engine, text


def refresh_statistics(engine: Engine, tables: Iterable[str]) -> None:
    """ANALYZE the given tables, after the writes to them have committed."""
    names = sorted(set(tables))
    if not names:
        return
    # A transaction of its own, after the load's: the load never waits for it, and ANALYZE's
    # lock (PostgreSQL: SHARE UPDATE EXCLUSIVE) does not block readers or writers.
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            # SQLite reads every row of every index unless told to sample; 1,000 rows per index is
            # what its documentation suggests for a planner that only needs the rough shape.
            connection.execute(text("PRAGMA analysis_limit = 1000"))
        for name in names:
            connection.execute(text(f'ANALYZE "{name}"'))

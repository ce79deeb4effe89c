"""Open the store's database and refuse to run where a crash could lose committed data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine.url import make_url

from linewatch.settings import Settings


class StoreError(Exception):
    """The store cannot be used as configured; the message says what to do."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Python's sqlite3 would otherwise open transactions implicitly and defeat BEGIN handling.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for a SQLite file or a PostgreSQL URL, configured for durability."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    elif parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed, pool_pre_ping=True)
    else:
        raise StoreError(
            f"unsupported database {parsed.get_backend_name()!r}: use a sqlite:/// path or a postgresql:// URL"
        )
    check_durability(engine)
    return engine


def check_durability(engine: Engine) -> None:
    """Refuse to run with settings under which a committed feed could vanish after a crash."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
            foreign_keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
            database = engine.url.database
            in_memory = not database or database == ":memory:"
            if (journal != "wal" and not in_memory) or synchronous != 2 or foreign_keys != 1:
                raise StoreError(
                    "SQLite must run with journal_mode=WAL, synchronous=FULL and foreign_keys=ON; "
                    f"found journal_mode={journal}, synchronous={synchronous}, foreign_keys={foreign_keys}"
                )
        else:
            fsync = connection.execute(text("SHOW fsync")).scalar()
            synchronous_commit = connection.execute(text("SHOW synchronous_commit")).scalar()
            if fsync != "on" or synchronous_commit == "off":
                raise StoreError(
                    "PostgreSQL must run with fsync=on and synchronous_commit not off; "
                    f"found fsync={fsync}, synchronous_commit={synchronous_commit}"
                )


def engine_for(settings: Settings) -> Engine:
    return make_engine(settings.database_url)

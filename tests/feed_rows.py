"""A `feed` row for tests that write records straight into the store (every record names the
feed it came from)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert

from linewatch.store.tables import metadata


def insert_feed(connection: Connection, agency: str, *, loaded_at: datetime, digest: str) -> int:
    """A loaded feed of `agency` (file `<agency>.csv`, mapping "test"); its id."""
    key = connection.execute(
        insert(metadata.tables["feed"]).values(
            agency=agency, mapping="test", file_name=f"{agency}.csv",
            content_sha256=digest, encoding="utf-8", status="loaded", rows_read=1, rows_loaded=1,
            rows_rejected=0, records={}, loaded_at=loaded_at, loaded_by="test", seconds=0.0,
        )
    ).inserted_primary_key  # fmt: skip
    assert key is not None
    return int(key[0])

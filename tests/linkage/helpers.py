"""Small person tables for linkage tests: written into a store as agencies' feeds would be, or
kept as the standard linkage table."""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime

import pyarrow as pa
from sqlalchemy import Engine, insert, inspect, select, update

from linewatch.linkage.columns import IDENTIFIER_COLUMNS, conform
from linewatch.model import default_model
from linewatch.store.tables import metadata, stored_names
from linewatch.store.tables_linkage import LINKAGE_TABLES

STANDARD_TO_STORE = {"dob": "date_of_birth"}


def ensure_linkage_tables(engine: Engine) -> None:
    """Create the linkage tables where the migration that adds them is not there yet."""
    if not inspect(engine).has_table("subject"):
        metadata.create_all(engine, tables=list(LINKAGE_TABLES))


def person(source_id: str, agency: str, **fields: object) -> dict[str, object]:
    """A person row in standard names; identifiers given are valid unless <name>_valid says not."""
    row: dict[str, object] = {"agency": agency, "source_id": source_id, **fields}
    for name in IDENTIFIER_COLUMNS:
        if row.get(name) is not None:
            row.setdefault(f"{name}_valid", True)
    return row


def standard_table(rows: Iterable[Mapping[str, object]]) -> pa.Table:
    copies = [dict(row) for row in rows]
    for row in copies:
        row.setdefault("record_id", f"{row['agency']}:{row['source_id']}")
    names = sorted({name for row in copies for name in row})
    return conform(pa.table({name: [row.get(name) for row in copies] for name in names}), origin="test rows")


def load_people(engine: Engine, rows: Iterable[Mapping[str, object]]) -> None:
    """Write person rows into the store, one feed per agency; a row for a record already held
    becomes its next version (as the feeds do), so earlier postcodes become address history."""
    person_table = metadata.tables["person"]
    names = stored_names(default_model()["Person"])
    by_agency: dict[str, list[Mapping[str, object]]] = defaultdict(list)
    for row in rows:
        by_agency[str(row["agency"])].append(row)
    now = datetime(2026, 1, 1, 12, 0)
    feed = metadata.tables["feed"]
    with engine.begin() as connection:
        for agency, agency_rows in by_agency.items():
            feed_id = connection.execute(
                insert(feed).values(
                    agency=agency, mapping="test", file_name="test.csv", content_sha256=uuid.uuid4().hex * 2,
                    encoding="utf-8", status="loaded", rows_read=len(agency_rows), rows_loaded=len(agency_rows),
                    rows_rejected=0, records={}, loaded_at=now, loaded_by="test", seconds=0.0,
                )
            ).inserted_primary_key[0]  # type: ignore[index]  # fmt: skip
            for number, row in enumerate(agency_rows):
                values = {
                    STANDARD_TO_STORE.get(k, k): v for k, v in row.items() if STANDARD_TO_STORE.get(k, k) in names
                }
                if isinstance(values.get("date_of_birth"), str):
                    values["date_of_birth"] = date.fromisoformat(str(values["date_of_birth"]))
                current = connection.execute(
                    select(person_table.c.id, person_table.c.version).where(
                        person_table.c.agency == agency, person_table.c.source_id == row["source_id"],
                        person_table.c.is_current.is_(True),
                    )
                ).first()  # fmt: skip
                if current is not None:
                    connection.execute(
                        update(person_table).where(person_table.c.id == current.id).values(is_current=False)
                    )
                connection.execute(
                    insert(person_table).values(
                        agency=agency, source_id=str(row["source_id"]), version=(current.version + 1) if current else 1,
                        is_current=True, feed_id=feed_id, source_row=number + 1, ingested_at=now,
                        content_hash=hashlib.md5(repr(sorted(values.items())).encode()).hexdigest(), **values,
                    )
                )  # fmt: skip


def practice_rows(table: pa.Table) -> list[dict[str, object]]:
    """Rows of a practice-data table as load_people takes them."""
    rows = []
    for row in table.to_pylist():
        kept = {k: v for k, v in row.items() if v is not None and k not in {"record_id", "postcode_history", "address"}}
        rows.append(kept)
    return rows

"""Everything screening reads, put into one in-memory DuckDB database: the store's current records
and subjects, bulk sightings from the analytics workspace, the lines capability's outputs and
the places capability's flagged places when they are there, and the reference geography.

This is the only module that touches the store or files on the way in; the rest of screening is
SQL over the tables made here, the same whichever store (SQLite or PostgreSQL) holds the records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine, inspect, select

from linewatch.model import Schema, default_model
from linewatch.settings import Settings
from linewatch.store.analytics import arrow_type
from linewatch.store.engine import StoreError
from linewatch.store.tables import metadata
from linewatch.store.tables_linkage import subject, subject_member

REFERENCE_DIR = Path(__file__).parent / "data"
PLACES_FILE = Path("places") / "flagged_places.parquet"
PLACES_COLUMNS = {
    "place_id": pa.string(),
    "kind": pa.string(),
    "uprn": pa.string(),
    "postcode": pa.string(),
    "latitude": pa.float64(),
    "longitude": pa.float64(),
    "radius_m": pa.float64(),
    "level": pa.string(),
    "score": pa.float64(),
    "label": pa.string(),
}
# Large free text is never needed to screen and may be sensitive: leave it in the store.
SKIPPED_PROPERTIES = {"narrative", "clinical_detail", "disclosures", "text", "description"}


class ScreeningInputError(Exception):
    """An input screening needs is missing or malformed; the message says which and what to do."""


@dataclass
class Inputs:
    """What was read, for the run's record: rows per table and which optional inputs were there."""

    tables: dict[str, int] = field(default_factory=dict)
    lines: bool = False
    places: bool = False
    newest_record: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "tables": self.tables,
            "lines": self.lines,
            "places": self.places,
            "newest_record": self.newest_record.isoformat() if self.newest_record else None,
        }


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """The single value a query returns (the whole result is read, as DuckDB asks before the
    connection's next statement)."""
    rows = con.execute(sql).fetchall()
    return rows[0][0] if rows else None


def sql_text(value: object) -> str:
    """A SQL string literal (quotes doubled), for names and paths put into DuckDB statements."""
    return "'" + str(value).replace("'", "''") + "'"


def _arrow(rows: list[Any], names: list[str], types: list[pa.DataType]) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    return pa.table(
        {name: pa.array(list(values), type=kind) for name, values, kind in zip(names, columns, types, strict=True)}
    )


def load_record_table(store: Engine, con: duckdb.DuckDBPyConnection, schema: Schema) -> int:
    """Copy a record or entity table's current rows into DuckDB as `t_<table>`."""
    table = metadata.tables[schema.table_name]
    props = [p for p in schema.properties.values() if p.name not in SKIPPED_PROPERTIES]
    names = ["agency", "source_id", *(p.name for p in props)]
    types = [pa.string(), pa.string(), *(pa.string() if p.type.value == "ref" else arrow_type(p) for p in props)]
    with store.connect() as connection:
        rows = connection.execute(select(*(table.c[name] for name in names)).where(table.c.is_current.is_(True))).all()
    arrow = _arrow([tuple(row) for row in rows], names, types)
    con.register("_incoming", arrow)
    con.execute(f'CREATE OR REPLACE TABLE "t_{schema.table_name}" AS SELECT * FROM _incoming')
    con.unregister("_incoming")
    return len(rows)


def load_subjects(store: Engine, con: duckdb.DuckDBPyConnection) -> int:
    """Which subject each source person record belongs to (live subjects only)."""
    if not inspect(store).has_table("subject_member"):
        raise StoreError("the store has no linkage tables: run `linewatch db upgrade` and `linewatch link`")
    with store.connect() as connection:
        rows = connection.execute(
            select(subject_member.c.subject_id, subject_member.c.agency, subject_member.c.source_id)
            .join(subject, subject.c.id == subject_member.c.subject_id)
            .where(subject.c.retired_run.is_(None))
        ).all()
    if not rows:
        raise ScreeningInputError("there are no subjects to screen: link person records first (`linewatch link`)")
    arrow = _arrow([tuple(row) for row in rows], ["subject_id", "agency", "source_id"], [pa.string()] * 3)
    con.register("_incoming", arrow)
    con.execute("CREATE OR REPLACE TABLE t_subject_member AS SELECT * FROM _incoming")
    con.unregister("_incoming")
    return len(rows)


def load_sightings(store: Engine, settings: Settings, con: duckdb.DuckDBPyConnection) -> int:
    """Bulk sightings (rail journeys, transport police) from Parquet files of committed feeds."""
    schema = default_model()["Sighting"]
    folder = settings.analytics_dir / schema.table_name
    feed = metadata.tables["feed"]
    with store.connect() as connection:
        committed = {int(row[0]) for row in connection.execute(select(feed.c.id))}
    files = sorted(
        str(path)
        for path in folder.glob("feed-*.parquet")
        if path.stem.removeprefix("feed-").isdigit() and int(path.stem.removeprefix("feed-")) in committed
    )
    columns = ", ".join(["agency", "source_id", *(f'"{p}"' for p in schema.properties)])
    if files:
        listing = ", ".join(sql_text(name) for name in files)
        con.execute(
            f"CREATE OR REPLACE TABLE t_sighting AS SELECT {columns} FROM read_parquet([{listing}], union_by_name=true)"
        )
    else:
        empty = pa.schema(
            [pa.field("agency", pa.string()), pa.field("source_id", pa.string())]
            + [
                pa.field(p.name, pa.string() if p.type.value == "ref" else arrow_type(p))
                for p in schema.properties.values()
            ]
        )
        con.register("_incoming", empty.empty_table())
        con.execute("CREATE OR REPLACE TABLE t_sighting AS SELECT * FROM _incoming")
        con.unregister("_incoming")
    return int(scalar(con, "SELECT count(*) FROM t_sighting"))


def load_lines(settings: Settings, con: duckdb.DuckDBPyConnection) -> bool:
    """The lines capability's outputs: numbers linked to person records, line numbers with their
    first use, members (runners, controllers) and each line's market towns. Empty when absent."""
    folder = settings.analytics_dir / "lines"
    people, numbers, members = (
        folder / "line_people.parquet",
        folder / "line_numbers.parquet",
        folder / "line_members.parquet",
    )
    profiles = folder / "line_profiles.json"
    present = people.exists() and numbers.exists() and members.exists()
    if present:
        for name, path in (("line_people", people), ("line_numbers", numbers), ("line_members", members)):
            con.execute(f"CREATE OR REPLACE TABLE t_{name} AS SELECT * FROM read_parquet({sql_text(path)})")
    else:
        con.execute(
            "CREATE OR REPLACE TABLE t_line_people (line_id VARCHAR, number VARCHAR, role VARCHAR, agency VARCHAR, "
            "source_id VARCHAR, via VARCHAR)"
        )
        con.execute(
            "CREATE OR REPLACE TABLE t_line_numbers (line_id VARCHAR, position BIGINT, number VARCHAR, score DOUBLE, "
            "first_seen VARCHAR, last_seen VARCHAR, customers BIGINT)"
        )
        con.execute(
            "CREATE OR REPLACE TABLE t_line_members (line_id VARCHAR, number VARCHAR, role VARCHAR, town VARCHAR, "
            "events BIGINT, reason VARCHAR)"
        )
    markets: list[tuple[str, str, str]] = []
    if present and profiles.exists():
        try:
            for profile in json.loads(profiles.read_text(encoding="utf-8")):
                for town in profile.get("market_towns", []):
                    markets.append((str(profile["line_id"]), str(town), str(profile.get("summary", ""))))
        except (ValueError, KeyError, TypeError) as error:
            raise ScreeningInputError(f"{profiles} cannot be read as line profiles: {error}") from None
    arrow = _arrow(markets, ["line_id", "town", "summary"], [pa.string()] * 3)
    con.register("_incoming", arrow)
    con.execute("CREATE OR REPLACE TABLE t_line_market AS SELECT * FROM _incoming")
    con.unregister("_incoming")
    return present


def load_places(settings: Settings, con: duckdb.DuckDBPyConnection) -> bool:
    """Flagged places (cuckooed addresses, hotspots) from the places capability, when present."""
    path = settings.analytics_dir / PLACES_FILE
    empty = pa.schema([pa.field(name, kind) for name, kind in PLACES_COLUMNS.items()]).empty_table()
    table = empty
    if path.exists():
        try:
            found = pq.read_table(path)
        except (OSError, pa.ArrowInvalid) as error:
            raise ScreeningInputError(f"{path} is not a readable Parquet file: {error}") from None
        missing = [name for name in PLACES_COLUMNS if name not in found.column_names]
        if missing:
            raise ScreeningInputError(f"{path} lacks the column(s) {', '.join(missing)} screening needs")
        try:
            table = pa.table({name: found.column(name).cast(kind) for name, kind in PLACES_COLUMNS.items()})
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
            raise ScreeningInputError(f"{path} has a column of the wrong type: {error}") from None
    con.register("_incoming", table)
    con.execute("CREATE OR REPLACE TABLE t_places AS SELECT * FROM _incoming")
    con.unregister("_incoming")
    return path.exists()


def load_reference(settings: Settings, con: duckdb.DuckDBPyConnection) -> None:
    """Postcode districts and local-authority numbers (the workspace's own files win)."""
    for name, table in (("postcode_districts.csv", "ref_district"), ("local_authorities.csv", "ref_la")):
        local = settings.data_dir / "screening" / name
        path = local if local.exists() else REFERENCE_DIR / name
        try:
            con.execute(
                f"CREATE OR REPLACE TABLE {table} AS "
                f"SELECT * FROM read_csv({sql_text(path)}, header=true, all_varchar=true)"
            )
        except duckdb.Error as error:
            raise ScreeningInputError(f"{path} cannot be read: {error}") from None
    try:
        con.execute(
            "CREATE OR REPLACE TABLE ref_district AS SELECT upper(trim(district)) AS district, area, local_authority, "
            "CAST(latitude AS DOUBLE) AS latitude, CAST(longitude AS DOUBLE) AS longitude FROM ref_district"
        )
        con.execute(
            "CREATE OR REPLACE TABLE ref_la AS SELECT trim(la_number) AS la_number, local_authority FROM ref_la"
        )
    except duckdb.Error as error:
        raise ScreeningInputError(
            "reference geography needs columns district, area, local_authority, latitude, longitude "
            f"and la_number, local_authority: {error}"
        ) from None


def newest_record(con: duckdb.DuckDBPyConnection, dated: dict[str, str]) -> date | None:
    """The newest record date held, over the given tables and their date columns."""
    parts = [f'SELECT max(CAST("{column}" AS DATE)) AS d FROM "{table}"' for table, column in dated.items()]
    if not parts:
        return None
    found = scalar(con, f"SELECT max(d) FROM ({' UNION ALL '.join(parts)})")
    if isinstance(found, datetime):
        return found.date()
    return found if isinstance(found, date) else None

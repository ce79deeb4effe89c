"""Where deal-line and runner phones are, from the call records: the cells they use at night
(near which addresses) and their moves from one town to another (the routes runners travel).

Both are one DuckDB pass over the communications Parquet, restricted to the line and runner
numbers `linewatch comms lines` found; only the small results come back to Python.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from linewatch.lines.features import uk_offset_sql
from linewatch.places.records import CellSite, LineMember, NightPresence, PhoneMove, RegisteredPhone

NIGHT_FROM_HOUR = 22  # UK local time; a night runs 22:00 to 05:59 and is dated by its evening
NIGHT_TO_HOUR = 6
MOVE_WITHIN_HOURS = 6  # a number seen in town A then in town B within this long has travelled
PHONE_ROLES = ("line", "runner")


def _listed(paths: list[Path]) -> str:
    return ", ".join("'" + str(path).replace("'", "''") + "'" for path in paths)


def _digits(number: str) -> int | None:
    text = number.removeprefix("+")
    return int(text) if text.isdigit() else None


def phone_places(
    calls: list[Path], cells: list[CellSite], members: list[LineMember]
) -> tuple[list[NightPresence], list[PhoneMove]]:
    """Night-time cells and town-to-town moves of the line and runner numbers in `members`."""
    wanted = [(m.line_id, m.number, m.role, _digits(m.number)) for m in members if m.role in PHONE_ROLES]
    wanted = [w for w in wanted if w[3] is not None]
    if not calls or not wanted or not cells:
        return [], []
    numbers = pa.table(
        {
            "line_id": [w[0] for w in wanted],
            "number": [w[1] for w in wanted],
            "role": [w[2] for w in wanted],
            "n": pa.array([w[3] for w in wanted], pa.int64()),
        }
    )
    cell_table = pa.table({"cell_id": [c.cell_id for c in cells], "town": [c.town for c in cells]})
    with duckdb.connect() as connection:
        connection.execute("SET TimeZone = 'UTC'")
        connection.register("wanted_arrow", numbers)
        connection.register("cells_arrow", cell_table)
        span = connection.execute(
            f"SELECT min(started_at), max(started_at) FROM read_parquet([{_listed(calls)}])"
        ).fetchone()
        if span is None or span[0] is None:
            return [], []
        offset = uk_offset_sql("t", span[0].year, span[1].year)
        # Each line or runner number's own records (as caller or called), in UK local time.
        connection.execute(
            f"""
            CREATE TEMP TABLE own AS
            SELECT w.line_id, w.number, w.role, c.cell_id, t, t + {offset} AS lt
            FROM (
                SELECT a_number AS n, cell_id, CAST(epoch(started_at) AS BIGINT) AS t
                FROM read_parquet([{_listed(calls)}]) WHERE cell_id IS NOT NULL
            ) c
            JOIN wanted_arrow w USING (n)
            """
        )
        night = connection.execute(
            f"""
            SELECT line_id, number, role, cell_id, count(DISTINCT night) AS nights, count(*) AS events,
                   min(night) AS first_night, max(night) AS last_night
            FROM (
                SELECT line_id, number, role, cell_id,
                       CAST(floor((lt - 43200) / 86400.0) AS BIGINT) AS night,
                       CAST(floor((lt % 86400) / 3600.0) AS INT) AS hour
                FROM own
            ) WHERE hour >= {NIGHT_FROM_HOUR} OR hour < {NIGHT_TO_HOUR}
            GROUP BY ALL ORDER BY line_id, number, cell_id
            """
        ).fetchall()
        moves = connection.execute(
            f"""
            SELECT line_id, number, role, previous_town, town, previous_t, t
            FROM (
                SELECT o.line_id, o.number, o.role, k.town, o.t,
                       lag(k.town) OVER (PARTITION BY o.line_id, o.number ORDER BY o.t) AS previous_town,
                       lag(o.t) OVER (PARTITION BY o.line_id, o.number ORDER BY o.t) AS previous_t
                FROM own o JOIN cells_arrow k USING (cell_id)
                WHERE k.town IS NOT NULL
            )
            WHERE previous_town IS NOT NULL AND previous_town <> town
              AND t - previous_t <= {MOVE_WITHIN_HOURS * 3600}
            ORDER BY line_id, number, t
            """
        ).fetchall()
    epoch = date(1970, 1, 1)
    presence = [
        NightPresence(
            number=row[1],
            line_id=row[0],
            role=row[2],
            cell_id=row[3],
            nights=int(row[4]),
            events=int(row[5]),
            first_night=epoch + timedelta(days=int(row[6])),
            last_night=epoch + timedelta(days=int(row[7])),
        )
        for row in night
    ]
    moved = [
        PhoneMove(
            number=row[1],
            line_id=row[0],
            role=row[2],
            from_town=row[3],
            to_town=row[4],
            left_at=_utc(int(row[5])),
            arrived_at=_utc(int(row[6])),
        )
        for row in moves
    ]
    return presence, moved


def registered_phones(subscribers: list[Path], members: list[LineMember]) -> list[RegisteredPhone]:
    """Line and runner numbers whose subscriber records give an address."""
    wanted = {digits: m for m in members if m.role in PHONE_ROLES and (digits := _digits(m.number)) is not None}
    if not subscribers or not wanted:
        return []
    with duckdb.connect() as connection:
        connection.register("wanted_arrow", pa.table({"n": pa.array(sorted(wanted), pa.int64())}))
        rows = connection.execute(
            f"""
            SELECT DISTINCT s.number, s.address
            FROM read_parquet([{_listed(subscribers)}], union_by_name = true) s JOIN wanted_arrow w ON s.number = w.n
            WHERE s.address IS NOT NULL AND trim(s.address) <> ''
            ORDER BY ALL
            """
        ).fetchall()
    return [
        RegisteredPhone(wanted[int(n)].number, wanted[int(n)].line_id, wanted[int(n)].role, str(address))
        for n, address in rows
    ]


def _utc(seconds: int) -> datetime:
    """A naive datetime in UTC (as the comms Parquet holds times)."""
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)

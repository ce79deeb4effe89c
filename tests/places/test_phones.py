"""Line and runner phones in the call records: nights on a cell (UK time) and moves between towns."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from linewatch.places.phones import phone_places, registered_phones
from linewatch.places.records import CellSite, LineMember

RUNNER = "+447700900001"
CUSTOMER = "+447700900002"
CELLS = [CellSite("COV001", "Coventry", 52.40, -1.51), CellSite("WRW001", "Warwick", 52.28, -1.58)]
MEMBERS = [LineMember("line-1", RUNNER, "runner", "Warwick"), LineMember("line-1", CUSTOMER, "customer", "Warwick")]


def write_calls(path: Path, records: list[tuple[str, datetime, str]]) -> Path:
    """(caller, UTC time, cell) records, as `comms ingest` stores them."""
    pq.write_table(
        pa.table({
            "a_number": pa.array([int(a[1:]) for a, _, _ in records], pa.int64()),
            "b_number": pa.array([447700900999] * len(records), pa.int64()),
            "imei": pa.array([None] * len(records), pa.string()),
            "started_at": pa.array([t for _, t, _ in records], pa.timestamp("us")),
            "duration_seconds": pa.array([30] * len(records), pa.int32()),
            "event_type": pa.array(["voice"] * len(records), pa.string()),
            "cell_id": pa.array([c for _, _, c in records], pa.string()),
        }),
        path,
    )  # fmt: skip
    return path


def test_nights_are_counted_in_uk_time_and_a_night_past_midnight_counts_once(tmp_path: Path) -> None:
    calls = write_calls(tmp_path / "calls.parquet", [
        (RUNNER, datetime(2026, 6, 1, 21, 30), "WRW001"),  # 22:30 BST: night of 1 June
        (RUNNER, datetime(2026, 6, 2, 1, 0), "WRW001"),  # 02:00 BST: still the night of 1 June
        (RUNNER, datetime(2026, 6, 2, 20, 30), "WRW001"),  # 21:30 BST: not night
        (RUNNER, datetime(2026, 6, 3, 22, 0), "WRW001"),  # 23:00 BST: night of 3 June
        (CUSTOMER, datetime(2026, 6, 3, 22, 0), "WRW001"),  # customers are not counted
    ])  # fmt: skip
    presence, _ = phone_places([calls], CELLS, MEMBERS)
    assert [(p.number, p.cell_id, p.nights, p.events, p.first_night, p.last_night) for p in presence] == [
        (RUNNER, "WRW001", 2, 3, date(2026, 6, 1), date(2026, 6, 3))
    ]


def test_a_move_between_towns_within_six_hours_is_a_trip_and_a_longer_gap_is_not(tmp_path: Path) -> None:
    calls = write_calls(tmp_path / "calls.parquet", [
        (RUNNER, datetime(2026, 6, 1, 8, 0), "WRW001"),
        (RUNNER, datetime(2026, 6, 1, 9, 30), "COV001"),  # 1.5 h later in Coventry: a move
        (RUNNER, datetime(2026, 6, 2, 9, 0), "WRW001"),  # a day later back in Warwick: no move seen
    ])  # fmt: skip
    _, moves = phone_places([calls], CELLS, MEMBERS)
    assert [(m.from_town, m.to_town, m.line_id) for m in moves] == [("Warwick", "Coventry", "line-1")]


def test_no_call_records_means_no_phone_places() -> None:
    assert phone_places([], CELLS, MEMBERS) == ([], [])


def test_subscriber_addresses_of_runner_phones_are_read(tmp_path: Path) -> None:
    path = tmp_path / "subscribers.parquet"
    pq.write_table(
        pa.table({"number": pa.array([447700900001, 447700900002], pa.int64()),
                  "address": ["14 Grove Drive, Warwick", "3 Elm Road, Warwick"]}),
        path,
    )  # fmt: skip
    (phone,) = registered_phones([path], MEMBERS)
    assert (phone.number, phone.line_id, phone.address) == (RUNNER, "line-1", "14 Grove Drive, Warwick")

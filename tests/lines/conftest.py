"""Fixtures for the lines tests: a workspace, hand-built call records written as operator
files, and the small generated county (tests/lines/county.py), loaded once per session."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from linewatch.lines.ingest import ingest_comms_file
from linewatch.settings import Settings, load_settings
from tests.lines import county

HEADER = ["a_number", "b_number", "start_time", "duration_s", "event_type", "cell_id", "imei"]
MONDAY = datetime(2025, 1, 6, 9, 0, 0)

Record = tuple[str, str, datetime, int, str]  # a, b, time, seconds, VOICE/SMS


def digits(number: str) -> str:
    return number.removeprefix("+")


def write_calls(path: Path, records: list[Record], cell: str = "COV-000") -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for a, b, when, seconds, kind in records:
            writer.writerow([digits(a), digits(b), when.strftime("%Y-%m-%d %H:%M:%S"), seconds, kind, cell, ""])
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(tmp_path / "workspace", f"sqlite:///{tmp_path / 'workspace' / 'none.db'}")


@pytest.fixture
def load_records(tmp_path: Path, settings: Settings) -> Callable[[list[Record]], Settings]:
    """Write records as an operator CSV and ingest them into the test workspace."""

    def load(records: list[Record]) -> Settings:
        path = write_calls(tmp_path / f"calls-{len(list(tmp_path.glob('calls-*.csv')))}.csv", records)
        ingest_comms_file(path, "operator_default", settings)
        return settings

    return load


def flare_week(line: str, customers: list[str], start: datetime = MONDAY, days: int = 7) -> list[Record]:
    """A deal line's week: three flare bursts a day to the whole list, and most customers
    ringing in briefly to order the same day."""
    records: list[Record] = []
    for day in range(days):
        for burst, hour in enumerate((11, 15, 19)):
            at = start + timedelta(days=day, hours=hour - 9)
            records.extend((line, c, at + timedelta(seconds=5 * i), 0, "SMS") for i, c in enumerate(customers))
            for i, customer in enumerate(customers):
                if (i + day + burst) % 3 == 0:
                    records.append((customer, line, at + timedelta(minutes=30 + i), 25, "VOICE"))
    return records


@pytest.fixture(scope="session")
def small_county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return county.generate(tmp_path_factory.mktemp("county"))


@pytest.fixture(scope="session")
def county_workspace(small_county: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The small county's comms files ingested into one workspace, shared by read-only tests."""
    settings = load_settings(tmp_path_factory.mktemp("county-workspace"))
    comms = small_county / "comms"
    for path in [*sorted((comms / "calls").glob("part-*")), comms / "subscribers.csv", comms / "cell_sites.csv"]:
        ingest_comms_file(path, "operator_default", settings)
    return settings

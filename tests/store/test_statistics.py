"""Loads refresh the planner's statistics of the tables they wrote (store/statistics.py): without
them PostgreSQL plans a child's profile as if each agency held a handful of rows."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from linewatch.feeds.ingest import ingest_file
from linewatch.store import statistics
from tests.conftest import Store
from tests.feeds.helpers import write_csv
from tests.feeds.test_integer_range import ATTENDANCE_MAPPING, HEADER


def _has_statistics(engine: Engine, table: str) -> bool:
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            query = "SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() AND tablename = :t"
        else:
            exists = connection.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"))
            if not exists.scalar():
                return False
            query = "SELECT count(*) FROM sqlite_stat1 WHERE tbl = :t"
        return bool(connection.execute(text(query), {"t": table}).scalar())


def _rows(count: int) -> list[dict[str, str]]:
    rows = []
    for pupil in range(count):
        cells = [f"PUPIL{pupil:05d}", "Smith", "Amy", "01/01/2010", "F", "CV1 1AA"]
        cells += ["2025-AUT", "01/09/2025", "120", "3", "1"]
        rows.append(dict(zip(HEADER, cells, strict=True)))
    return rows


def test_a_load_leaves_statistics_for_the_tables_it_wrote_and_not_for_others(store: Store, tmp_path: Path) -> None:
    assert not _has_statistics(store.engine, "attendance") and not _has_statistics(store.engine, "person")
    path = write_csv(tmp_path / "attendance.csv", _rows(50), HEADER)
    result = ingest_file(
        path, agency="education", mapping=str(ATTENDANCE_MAPPING), settings=store.settings, engine=store.engine
    )
    assert result.rows_loaded == 50
    assert _has_statistics(store.engine, "attendance") and _has_statistics(store.engine, "person")
    assert not _has_statistics(store.engine, "exclusion")  # not written by this feed


def test_a_table_locked_elsewhere_is_skipped_with_a_warning_not_an_error(
    store: Store, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a load has committed, failing to refresh statistics must not fail the load."""
    if store.backend != "postgresql":
        pytest.skip("SQLite has one writer at a time and waits for it (busy_timeout), as it should")
    engine = store.engine
    monkeypatch.setattr(statistics, "LOCK_WAIT", "200ms")
    with engine.connect() as holder, holder.begin():
        holder.execute(text('LOCK TABLE "attendance" IN SHARE UPDATE EXCLUSIVE MODE'))  # as a VACUUM would
        with caplog.at_level(logging.WARNING, logger="linewatch.store"):
            assert statistics.refresh_statistics(engine, ["attendance"]) is False
        assert "planner statistics not refreshed for attendance (the data is stored)" in caplog.text
    assert statistics.refresh_statistics(engine, ["attendance"]) is True

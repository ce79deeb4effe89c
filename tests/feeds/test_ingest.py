"""Loading an agency file: all or nothing, idempotent, versioned, with clear errors."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from sqlalchemy import func, select

from linewatch.feeds.errors import FeedRejected, IngestError, UnknownAgency
from linewatch.feeds.ingest import ingest_file
from linewatch.feeds.readers import FeedFileError
from linewatch.store.tables import metadata
from tests.conftest import Store
from tests.feeds.helpers import (
    MISSING_HEADER,
    MISSING_MAPPING,
    SIGHTINGS_MAPPING,
    missing_row,
    write_csv,
)

person = metadata.tables["person"]
episode = metadata.tables["missing_episode"]
feed = metadata.tables["feed"]


def load(
    store: Store,
    path: Path,
    mapping: Path = MISSING_MAPPING,
    agency: str = "police",
    **options: object,
):  # type: ignore[no-untyped-def]
    return ingest_file(
        path,
        agency=agency,
        mapping=str(mapping),
        settings=store.settings,
        engine=store.engine,
        **options,
    )  # type: ignore[arg-type]


def count(store: Store, table, current_only: bool = False) -> int:  # type: ignore[no-untyped-def]
    query = select(func.count()).select_from(table)
    if current_only:
        query = query.where(table.c.is_current.is_(True))
    with store.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def test_feed_loads_people_and_episodes_with_provenance(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "missing.csv", [missing_row(n) for n in range(120)])
    result = load(store, path)
    assert (result.status, result.rows_read, result.rows_loaded) == ("loaded", 120, 120)
    assert count(store, episode) == 120
    assert count(store, person) == 50  # 50 distinct nominals, each stored once
    with store.engine.connect() as connection:
        row = connection.execute(select(episode).where(episode.c.source_id == "MIS/00007")).mappings().one()
        child = connection.execute(select(person).where(person.c.source_id == "N0007")).mappings().one()
    assert (row["agency"], row["feed_id"], row["source_row"], row["version"]) == (
        "police",
        result.feed_id,
        9,
        1,
    )
    assert row["person"] == "N0007" and row["police_risk_grade"] == "medium" and row["episode_type"] == "missing"
    assert row["found_postcode"] == "CV32 4AA" and row["found_postcode_valid"] is True
    assert (child["surname"], child["given_name"], child["middle_names"]) == (
        "O'CONNOR",
        "Liam",
        "James",
    )
    assert child["nhs_number"] == "9434765919" and child["phone"] == "+447400123456"


def test_invalid_identifier_is_kept_as_given_and_flagged(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "missing.csv", [missing_row(1, **{"NHS No": "943 476 5918"})])
    load(store, path)
    with store.engine.connect() as connection:
        child = connection.execute(select(person)).mappings().one()
    assert (child["nhs_number"], child["nhs_number_valid"]) == ("943 476 5918", False)


def test_feed_with_bad_row_mid_file_writes_nothing(store: Store, tmp_path: Path) -> None:
    rows = [missing_row(n) for n in range(300)]
    rows[211]["Reported"] = "31/02/2026 10:00"
    rows[250]["Risk"] = "EXTREME"
    path = write_csv(tmp_path / "police_missing.csv", rows)
    with pytest.raises(FeedRejected) as caught:
        load(store, path, chunk_rows=50)
    message = str(caught.value)
    assert "police_missing.csv row 213, column 'Reported': '31/02/2026 10:00' is not a date and time" in message
    assert "row 252, column 'Risk': 'EXTREME' is not a known code" in message
    assert caught.value.error_count == 2
    assert count(store, person) == count(store, episode) == count(store, feed) == 0
    report = caught.value.report.read_text()
    assert "213,Reported,31/02/2026 10:00" in report


def test_accept_valid_loads_the_good_rows_and_writes_the_rest_to_a_rejects_file(store: Store, tmp_path: Path) -> None:
    rows = [missing_row(n) for n in range(20)]
    rows[3]["DOB"] = "not a date"
    rows[4]["Nominal ID"] = ""
    path = write_csv(tmp_path / "missing.csv", rows)
    result = load(store, path, accept_valid=True)
    assert (result.status, result.rows_loaded, result.rows_rejected) == ("partial", 18, 2)
    assert count(store, episode) == 18
    assert result.rejects_path is not None
    rejects = result.rejects_path.read_text().splitlines()
    assert rejects[0].startswith("source_row,Occurrence")
    assert rejects[1].startswith("5,MIS/00003") and "DOB: is not a date" in rejects[1]
    assert "Nominal ID: is empty" in rejects[2]


def test_loading_the_same_file_again_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "missing.csv", [missing_row(n) for n in range(30)])
    first = load(store, path)
    again = load(store, path)
    assert again.status == "already_loaded" and again.feed_id == first.feed_id
    assert count(store, feed) == 1 and count(store, episode) == 30


def test_changed_record_becomes_a_new_version_and_history_is_kept(store: Store, tmp_path: Path) -> None:
    load(store, write_csv(tmp_path / "week1.csv", [missing_row(n) for n in range(10)]))
    rows = [missing_row(n) for n in range(10)]
    rows[2]["Found"] = "03/06/2026 11:00"
    second = load(store, write_csv(tmp_path / "week2.csv", rows))
    assert second.records["MissingEpisode"] == {"new": 0, "changed": 1, "unchanged": 9}
    with store.engine.connect() as connection:
        versions = connection.execute(
            select(episode.c.version, episode.c.is_current, episode.c.returned_at, episode.c.feed_id)
            .where(episode.c.source_id == "MIS/00002").order_by(episode.c.version)
        ).all()  # fmt: skip
    assert [(v, c) for v, c, _, _ in versions] == [(1, False), (2, True)]
    assert versions[0][2].day == 2 and versions[1][2].day == 3
    assert versions[1][3] == second.feed_id
    assert count(store, episode, current_only=True) == 10


def test_a_feed_that_does_not_map_a_property_leaves_it_alone(store: Store, tmp_path: Path) -> None:
    load(store, write_csv(tmp_path / "with_nhs.csv", [missing_row(1)]))
    header = [c for c in MISSING_HEADER if c != "NHS No"]
    row = {k: v for k, v in missing_row(1, Occurrence="MIS/99999").items() if k != "NHS No"}
    result = load(store, write_csv(tmp_path / "without_nhs.csv", [row], header))
    assert result.records["Person"] == {"new": 0, "changed": 0, "unchanged": 1}
    with store.engine.connect() as connection:
        child = connection.execute(select(person)).mappings().one()
    assert child["nhs_number"] == "9434765919"


def test_same_key_twice_in_one_file_keeps_both_versions(store: Store, tmp_path: Path) -> None:
    first = missing_row(1)
    later = missing_row(1, Risk="H")
    load(store, write_csv(tmp_path / "missing.csv", [first, later]))
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(episode.c.version, episode.c.is_current, episode.c.police_risk_grade).order_by(episode.c.version)
        ).all()
    assert [tuple(r) for r in rows] == [(1, False, "medium"), (2, True, "high")]


def test_unknown_agency_is_refused(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "missing.csv", [missing_row(1)])
    with pytest.raises(UnknownAgency, match="unknown agency 'polise'"):
        load(store, path, agency="polise")


def test_mapping_of_another_agency_is_refused(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "missing.csv", [missing_row(1)])
    with pytest.raises(IngestError, match="is for agency 'police', not 'health'"):
        load(store, path, agency="health")


def test_missing_required_column_is_named_and_nothing_written(store: Store, tmp_path: Path) -> None:
    header = [c for c in MISSING_HEADER if c != "Risk"]
    path = write_csv(tmp_path / "missing.csv", [{k: v for k, v in missing_row(1).items() if k != "Risk"}], header)
    with pytest.raises(FeedFileError, match="missing required column\\(s\\) 'Risk'"):
        load(store, path)
    assert count(store, feed) == 0


def test_empty_file_is_refused_with_a_clear_message(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "missing.csv"
    path.write_bytes(b"")
    with pytest.raises(FeedFileError, match="empty"):
        load(store, path)
    assert count(store, feed) == 0


def test_bulk_records_go_to_parquet_in_the_analytics_workspace(store: Store, tmp_path: Path) -> None:
    rows = [{"Ref": f"R{n}", "Time": "2026-06-01T07:45:00", "From": "COV", "To": "LMS"} for n in range(500)]
    path = write_csv(tmp_path / "rail.csv", rows)
    result = load(store, path, mapping=SIGHTINGS_MAPPING, agency="transport_police")
    files = list((store.settings.analytics_dir / "sighting").glob("*.parquet"))
    assert [f.name for f in files] == [f"feed-{result.feed_id:08d}.parquet"]
    counts = duckdb.sql(
        f"select count(*), count(distinct source_id), min(destination_station) from '{files[0]}'"
    ).fetchall()
    assert counts == [(500, 500, "LMS")]


def test_rejected_bulk_feed_leaves_no_parquet(store: Store, tmp_path: Path) -> None:
    rows = [{"Ref": f"R{n}", "Time": "2026-06-01T07:45:00", "From": "COV", "To": "LMS"} for n in range(100)]
    rows[90]["Time"] = "yesterday"
    path = write_csv(tmp_path / "rail.csv", rows)
    with pytest.raises(FeedRejected):
        load(store, path, mapping=SIGHTINGS_MAPPING, agency="transport_police", chunk_rows=10)
    assert list(store.settings.analytics_dir.glob("**/*.parquet*")) == []


def test_value_too_long_for_its_column_is_a_row_error_not_a_database_failure(store: Store, tmp_path: Path) -> None:
    rows = [missing_row(n) for n in range(5)]
    rows[3]["NHS No"] = "9" * 80
    path = write_csv(tmp_path / "missing.csv", rows)
    with pytest.raises(FeedRejected) as caught:
        load(store, path)
    assert "row 5, column 'NHS No'" in str(caught.value)
    assert "longer than the 64 characters this field holds" in str(caught.value)
    assert count(store, person) == count(store, episode) == count(store, feed) == 0

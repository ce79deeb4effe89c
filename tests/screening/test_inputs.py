"""Optional inputs: the lines and places outputs are used when present and skipped cleanly when
absent; a malformed one, or a store with nothing to screen, is a clear error."""

from __future__ import annotations

from datetime import date, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from linewatch.screening.compute import compute
from linewatch.screening.definitions import load_indicators
from linewatch.screening.inputs import ScreeningInputError
from tests.conftest import Store
from tests.screening.builders import County, write_places

AS_AT = date(2026, 9, 1)


def test_without_lines_or_places_their_indicators_are_listed_as_not_used(sqlite_store: Store) -> None:
    county = County()
    county.child("S1")
    county.record("MissingEpisode", "S1", "police", reported_at=datetime(2026, 8, 20), episode_type="missing")
    county.write(sqlite_store.engine, sqlite_store.settings)
    computation = compute(sqlite_store.settings, sqlite_store.engine, load_indicators(), AS_AT)
    unavailable = {item.indicator: item.reason for item in computation.unavailable}
    assert unavailable["deal_line_phone"] == "needs the lines output(s)"
    assert unavailable["missing_found_at_flagged_place"] == "needs the places output(s)"
    assert "missing_episode" not in unavailable
    assert [r.indicator for r in computation.by_subject()["S1"].reasons] == ["missing_episode"]
    assert (computation.inputs.lines, computation.inputs.places) == (False, False)


def test_a_flagged_place_matches_by_postcode_when_the_record_has_no_uprn(sqlite_store: Store) -> None:
    county = County()
    county.child("S1")
    county.record(
        "MissingEpisode",
        "S1",
        "police",
        reported_at=datetime(2026, 8, 20),
        returned_at=datetime(2026, 8, 21),
        episode_type="missing",
        found_postcode="CV2 9ZZ",
    )
    county.write(sqlite_store.engine, sqlite_store.settings)
    write_places(
        sqlite_store.settings,
        [
            {
                "place_id": "p1",
                "kind": "cuckooing",
                "uprn": "100000001",
                "postcode": "CV2 9ZZ",
                "level": "high",
                "score": 0.9,
                "label": "Flat 1",
            }
        ],
    )
    computation = compute(sqlite_store.settings, sqlite_store.engine, load_indicators(), AS_AT)
    reasons = {r.indicator: r for r in computation.by_subject()["S1"].reasons}
    assert "missing_found_at_flagged_place" in reasons
    assert "a flagged place: Flat 1" in reasons["missing_found_at_flagged_place"].evidence[0].description


def test_a_places_file_without_a_needed_column_is_a_clear_error(sqlite_store: Store) -> None:
    county = County()
    county.child("S1")
    county.write(sqlite_store.engine, sqlite_store.settings)
    path = sqlite_store.settings.analytics_dir / "places" / "flagged_places.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(pa.table({"place_id": ["p1"], "kind": ["hotspot"]}), path)
    with pytest.raises(ScreeningInputError, match="lacks the column"):
        compute(sqlite_store.settings, sqlite_store.engine, load_indicators(), AS_AT)


def test_a_store_with_no_subjects_says_to_link_first(sqlite_store: Store) -> None:
    with pytest.raises(ScreeningInputError, match="linewatch link"):
        compute(sqlite_store.settings, sqlite_store.engine, load_indicators(), AS_AT)


def test_the_default_date_is_the_newest_record_when_that_is_before_today(sqlite_store: Store) -> None:
    county = County()
    county.child("S1")
    county.record("MissingEpisode", "S1", "police", reported_at=datetime(2026, 8, 20, 22, 0), episode_type="missing")
    county.record(
        "Concern", "S1", "education", concern_reference="C1", recorded_at=datetime(2026, 8, 25, 9, 0), signs="secretive"
    )
    county.write(sqlite_store.engine, sqlite_store.settings)
    computation = compute(sqlite_store.settings, sqlite_store.engine, load_indicators())
    assert computation.as_at == min(date(2026, 8, 25), date.today())

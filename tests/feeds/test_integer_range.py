"""A whole number too large for its column is a row error naming file, row and column, not a
database failure part-way through the load."""

from __future__ import annotations

from pathlib import Path

import pytest

from linewatch.feeds.errors import FeedRejected
from linewatch.feeds.ingest import ingest_file
from tests.conftest import Store
from tests.feeds.helpers import write_csv

ATTENDANCE_MAPPING = Path(__file__).parents[2] / "bench" / "attendance_bench.yaml"
HEADER = [
    "UPN", "Surname", "Forename", "DOB", "Gender", "Postcode", "Term", "Term Start",
    "Possible", "Missed", "Unauthorised",
]  # fmt: skip


def attendance_row(possible: str) -> dict[str, str]:
    cells = [
        "B801200005001",
        "Smith",
        "Amy",
        "01/01/2010",
        "F",
        "CV1 1AA",
        "2025-AUT",
        "01/09/2025",
        possible,
        "1",
        "0",
    ]
    return dict(zip(HEADER, cells, strict=True))


@pytest.mark.parametrize("possible", ["99999999999", "2147483648"])
def test_whole_number_too_large_for_its_column_is_a_row_error(store: Store, tmp_path: Path, possible: str) -> None:
    path = write_csv(tmp_path / "attendance.csv", [attendance_row("120"), attendance_row(possible)], HEADER)
    with pytest.raises(FeedRejected) as caught:
        ingest_file(
            path, agency="education", mapping=str(ATTENDANCE_MAPPING), settings=store.settings, engine=store.engine
        )
    assert f"attendance.csv row 3, column 'Possible': '{possible}' is outside the range this field holds" in str(
        caught.value
    )


def test_largest_whole_number_the_column_holds_loads(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "attendance.csv", [attendance_row("2147483647")], HEADER)
    result = ingest_file(
        path, agency="education", mapping=str(ATTENDANCE_MAPPING), settings=store.settings, engine=store.engine
    )
    assert result.rows_loaded == 1

"""The places metrics of `linewatch evaluate`, on a hand-made truth and hand-made outputs."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from linewatch.evaluate.places import average_precision, cuckooing, route_recovery
from linewatch.evaluate.registry import MetricUnavailable


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def county(tmp_path: Path) -> Path:
    truth = tmp_path / "county" / "truth"
    write_csv(truth / "cuckooed_addresses.csv", [{"uprn": "1"}, {"uprn": "2"}])
    write_csv(truth / "lookalike_addresses.csv", [{"uprn": "3"}, {"uprn": "4"}])
    write_csv(truth / "signals.csv", [
        {"agency": "housing", "record_id": "ASB1", "signal": "cuckooing"},
        {"agency": "police", "record_id": "INC1|N1", "signal": "cuckooing"},
        {"agency": "police", "record_id": "MIS1", "signal": "exploitation"},
    ])  # fmt: skip
    write_csv(truth / "routes.csv", [
        {"line_id": "L01", "origin_town": "Coventry", "destination_town": "Warwick", "origin_station": "COV",
         "destination_station": "WRW"},
        {"line_id": "L02", "origin_town": "Coventry", "destination_town": "Rugby", "origin_station": "COV",
         "destination_station": "RUG"},
    ])  # fmt: skip
    write_csv(truth / "line_numbers.csv", [{"line_id": "L01", "number": "+447700900001"}])
    places = tmp_path / "county" / "workspace" / "analytics" / "places"
    places.mkdir(parents=True)
    # Ranked: 1 (true), 3 (look-alike), 2 (true), 5; flagged down to rank 3.
    pq.write_table(pa.Table.from_pylist([
        {"place_id": f"uprn-{u}", "uprn": u, "rank": r, "score": s, "flagged": f}
        for u, r, s, f in (("1", 1, 0.9, True), ("3", 2, 0.5, True), ("2", 3, 0.4, True), ("5", 4, 0.1, False))
    ]), places / "cuckooing.parquet")  # fmt: skip
    pq.write_table(pa.Table.from_pylist([
        {"finding_id": "uprn-1", "agency": "housing", "source_id": "ASB1"},
        {"finding_id": "uprn-5", "agency": "police", "source_id": "INC1|N1"},  # evidence of an unflagged address
    ]), places / "cuckooing_evidence.parquet")  # fmt: skip
    pq.write_table(pa.Table.from_pylist([
        {"rank": 1, "origin_town": "Coventry", "destination_town": "Warwick", "origin_station": "COV",
         "destination_station": "WRW", "lines": ["line-a"]},
        {"rank": 2, "origin_town": "Rugby", "destination_town": "Coventry", "origin_station": "RUG",
         "destination_station": "COV", "lines": []},
    ]), places / "corridors.parquet")  # fmt: skip
    lines = tmp_path / "county" / "workspace" / "analytics" / "lines"
    lines.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist([{"line_id": "line-a", "number": "+447700900001"}]),
                   lines / "line_numbers.parquet")  # fmt: skip
    return tmp_path / "county"


def test_average_precision_counts_unranked_positives_as_zero() -> None:
    assert average_precision(["a", "x", "b"], {"a", "b"}) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision(["a"], {"a", "b"}) == pytest.approx(0.5)


def test_cuckooing_figures(county: Path) -> None:
    figures = {f.name: f for f in cuckooing(county, county / "workspace")}
    assert figures["cuckooing average precision"].value == pytest.approx((1 + 2 / 3) / 2)
    assert figures["cuckooing precision at the flag level"].value == pytest.approx(2 / 3)
    assert figures["cuckooing recall at the flag level"].value == 1.0
    assert figures["cuckooing precision at recall 0.8"].value == pytest.approx(2 / 3)
    assert figures["look-alike homes flagged"].value == pytest.approx(1 / 2)
    assert figures["cuckooing signal records shown as evidence"].value == pytest.approx(1 / 2)


def test_route_recovery_needs_the_direction_the_stations_and_the_line(county: Path) -> None:
    figures = {f.name: f.value for f in route_recovery(county, county / "workspace")}
    assert figures["routes recovered (towns)"] == 0.5  # Rugby -> Coventry is the wrong way round
    assert figures["routes recovered (stations)"] == 0.5
    assert figures["routes recovered (line on the corridor)"] == 0.5
    assert figures["top corridors that are true routes"] == 0.5


def test_metrics_are_unavailable_before_places_run(county: Path) -> None:
    (county / "workspace" / "analytics" / "places" / "cuckooing.parquet").unlink()
    with pytest.raises(MetricUnavailable, match="linewatch places run"):
        cuckooing(county, county / "workspace")

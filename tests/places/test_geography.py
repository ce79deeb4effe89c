"""Coordinates, distances, the gazetteer learnt from records, and matching records to addresses."""

from __future__ import annotations

import pytest

from linewatch.places.addresses import build_address_book
from linewatch.places.gazetteer import build_gazetteer, postcode_district
from linewatch.places.geo import GridIndex, Point, distance_m, point_or_none
from linewatch.places.records import AddressRecord, CellSite, Incident, PlaceInputs, Sighting
from tests.places.builders import HISTORY_START, WARWICK, world


def test_distance_between_coventry_and_warwick_stations_is_about_13_5_km() -> None:
    coventry, warwick = Point(52.4008, -1.5136), Point(52.2867, -1.5820)
    assert distance_m(coventry, warwick) == pytest.approx(13_540, rel=0.01)
    assert distance_m(coventry, coventry) == 0


@pytest.mark.parametrize("lat, lon", [(None, 1.0), (91.0, 0.0), (0.0, 0.0), (float("nan"), 1.0)])
def test_missing_or_impossible_coordinates_are_no_point(lat: float | None, lon: float | None) -> None:
    assert point_or_none(lat, lon) is None


def test_grid_index_finds_what_is_near_and_not_what_is_far() -> None:
    index: GridIndex[str] = GridIndex(cell_m=250)
    base = Point(*WARWICK)
    index.add("next door", Point(base.latitude + 0.0005, base.longitude))  # ~56 m
    index.add("down the road", Point(base.latitude, base.longitude + 0.003))  # ~205 m
    index.add("across town", Point(base.latitude + 0.02, base.longitude))  # ~2.2 km
    assert [item for item, _ in index.within(base, 250)] == ["next door", "down the road"]


def test_gazetteer_learns_towns_districts_and_stations_from_records() -> None:
    inputs = world()
    inputs.sightings.append(
        Sighting("transport", "R1", "rail_journey", HISTORY_START, "RC1", None, "Lincoln Central", "LCN", "LCN",
                 "COV", 53.2262, -0.54)
    )  # fmt: skip
    inputs.cells.append(CellSite("LIN001", "Lincoln", 53.23, -0.54))
    gazetteer = build_gazetteer(inputs)
    assert gazetteer.districts["CV1"] == "Coventry"
    assert gazetteer.town_of("CV1 9ZZ") == "Coventry"
    assert gazetteer.town_of(None, "Flat 1, 2 Any Road, Warwick") == "Warwick"
    assert gazetteer.town_of(None, None, Point(WARWICK[0] + 0.01, WARWICK[1])) == "Warwick"
    assert gazetteer.stations["LCN"].town == "Lincoln"
    assert gazetteer.town_named_in("ANPR091 Lincoln northern approach") == "Lincoln"
    assert postcode_district("LN5 2XD") == "LN5"


def test_police_location_text_matches_the_housing_address_despite_abbreviations() -> None:
    inputs = PlaceInputs(
        addresses=[AddressRecord("housing", "1", "10000000001", "Flat 4, 11 Cross Crescent", "Rugby", "CV21 6QH")],
        incidents=[
            Incident("police", "I|1", "I", "N1", "present", "incident", HISTORY_START, "Flat 4, 11 Cross Cres., Rugby",
                     "CV21 6QH", 52.37, -1.26)
        ],
    )  # fmt: skip
    book = build_address_book(inputs)
    assert book.match(text="Flat 4, 11 Cross Cres., Rugby", postcode="CV21 6QH") == "uprn-10000000001"
    assert book.match(text="Flat 4, 11 Cross Crescent, Rugby", postcode="CV21 6QX") is None  # other postcode
    dwelling = book.dwellings["uprn-10000000001"]
    assert dwelling.point == Point(52.37, -1.26) and dwelling.point_source == "records at the address"


def test_an_address_with_no_records_of_its_own_is_placed_at_its_postcode_centre() -> None:
    inputs = PlaceInputs(
        addresses=[AddressRecord("housing", "2", "10000000002", "5 Mill Lane", "Rugby", "CV21 6QH")],
        incidents=[
            Incident("police", "I|1", "I", "N1", "present", "incident", HISTORY_START, "9 Mill Lane, Rugby",
                     "CV21 6QH", 52.37, -1.26)
        ],
    )  # fmt: skip
    dwelling = build_address_book(inputs).dwellings["uprn-10000000002"]
    assert dwelling.point_source == "postcode centre"

"""Corridors on hand-built journeys: the line's route ranks first, with its stations, line and
children; an innocent commuter's many journeys do not outrank it."""

from __future__ import annotations

from datetime import date, timedelta

from linewatch.places.definition import RouteSource, load_places_definition
from linewatch.places.records import (
    IntelligenceLog,
    LineMember,
    LineProfile,
    PersonRecord,
    PhoneMove,
    PlaceInputs,
    Sighting,
)
from linewatch.places.routes import find_corridors
from linewatch.places.trips import find_trips
from tests.places.builders import WARWICK, add_child, context, days_ago, found, rail, world


def line_route(inputs: PlaceInputs) -> None:
    """Three Coventry children found in Warwick when missing; one travels by train with a railcard;
    a runner phone of line-1 (run from Coventry) moves between the towns."""
    for n in range(3):
        add_child(inputs, f"NOM{n}", "Coventry")
        found(inputs, f"MIS-{n}", f"NOM{n}", days_ago(10 + n), "Warwick station, Warwick", WARWICK)
    inputs.persons.append(PersonRecord("transport", "RC0", date(2010, 5, 1)))
    inputs.subjects = {("police", "NOM0"): "S0", ("transport", "RC0"): "S0"}
    rail(inputs, "J-1", "RC0", days_ago(11, hour=9), "COV", "WRW")
    rail(inputs, "J-2", "RC0", days_ago(11, hour=20), "WRW", "COV")
    inputs.line_members = [LineMember("line-1", "+447700900001", "runner", "Warwick")]
    inputs.line_profiles = [LineProfile("line-1", "Coventry", ("Warwick",))]
    for k in range(4):
        leave = days_ago(20 - k, hour=7)
        # Runners sleep in the market town and go back to the hub for the day: the moves start in
        # Warwick as often as in Coventry, so the line's origin, not the trips, orients the route.
        inputs.phone_moves += [
            PhoneMove("+447700900001", "line-1", "runner", "Warwick", "Coventry", leave, leave + timedelta(hours=1)),
            PhoneMove("+447700900001", "line-1", "runner", "Coventry", "Warwick", leave + timedelta(hours=9),
                      leave + timedelta(hours=10)),
        ]  # fmt: skip


def commuter(inputs: PlaceInputs, trips: int) -> None:
    """A student with no police or missing record who takes the train to Kenilworth every day."""
    inputs.persons.append(PersonRecord("transport", "RC-STUDENT", date(2006, 1, 1)))
    inputs.sightings.append(
        Sighting("transport", "K-0", "rail_journey", days_ago(1), "RC-STUDENT", None, "Kenilworth", "KNW", "KNW",
                 "COV", 52.3431, -1.5729)
    )  # fmt: skip
    for n in range(trips):
        rail(inputs, f"C-{n}", "RC-STUDENT", days_ago(2 + n, hour=8), "COV", "KNW")


def test_the_line_route_ranks_first_with_its_stations_line_and_children() -> None:
    inputs = world()
    line_route(inputs)
    commuter(inputs, 40)
    corridors = find_corridors(context(inputs), load_places_definition().routes)
    top = corridors[0]
    assert (top.origin_town, top.destination_town) == ("Coventry", "Warwick")
    assert top.main_stations() == ("COV", "WRW")
    assert top.lines == {"line-1": 8}
    assert top.children == ["S0", "police:NOM1", "police:NOM2"]
    assert top.travellers_by_source == {"missing_found": 3, "rail_of_concern": 1, "runner_phones": 1}
    kenilworth = next(c for c in corridors if "Kenilworth" in (c.origin_town, c.destination_town))
    assert kenilworth.trips > top.trips and kenilworth.score < top.score


def test_without_a_line_the_corridor_runs_the_way_most_trips_go() -> None:
    inputs = world()
    commuter(inputs, 3)
    (corridor,) = find_corridors(context(inputs), load_places_definition().routes)
    assert (corridor.origin_town, corridor.destination_town) == ("Coventry", "Kenilworth")
    assert corridor.outward == 3 and corridor.inward == 1


def test_a_child_found_in_their_own_town_makes_no_trip() -> None:
    inputs = world()
    add_child(inputs, "LOCAL", "Warwick")
    found(inputs, "MIS-L", "LOCAL", days_ago(3), "Riverside Park, Warwick", WARWICK)
    assert find_trips(context(inputs), load_places_definition().routes) == []


def test_a_line_vehicle_read_in_two_towns_within_hours_is_a_trip_on_the_line() -> None:
    inputs = world()
    inputs.line_members = [LineMember("line-1", "+447700900001", "line", "Coventry")]
    inputs.intelligence.append(
        IntelligenceLog("police", "INT-V", days_ago(30), None, "County lines", "line car", "+447700900001", None,
                        "AB12 CDE")
    )  # fmt: skip
    for ref, hours, place, point in (("R1", 8, "ANPR011 Coventry northern approach", (52.428, -1.51)),
                                     ("R2", 9, "ANPR031 Warwick northern approach", (52.302, -1.584))):  # fmt: skip
        inputs.sightings.append(
            Sighting("police", ref, "anpr", days_ago(5, hour=hours), None, "AB12CDE", place, None, None, None, *point)
        )
    trips = find_trips(context(inputs), load_places_definition().routes)
    assert [(t.source, t.origin_town, t.destination_town, t.lines) for t in trips] == [
        (RouteSource.line_vehicles, "Coventry", "Warwick", ("line-1",))
    ]

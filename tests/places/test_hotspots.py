"""Hotspots on hand-built sightings: repeated presence makes a place, records naming it in
different ways are one place, counts over time, and who is counted."""

from __future__ import annotations

from datetime import date

import pytest

from linewatch.places.definition import HotspotDefinition, Level, load_places_definition
from linewatch.places.hotspots import find_hotspots
from linewatch.places.records import LinePerson, PersonRecord, PlaceInputs
from tests.places.builders import WARWICK, WARWICK_STATION, add_child, context, days_ago, found, incident, rail, world

PARK = (WARWICK[0] - 0.01, WARWICK[1] - 0.01)  # about 1.3 km from the station


@pytest.fixture
def definition() -> HotspotDefinition:
    return load_places_definition().hotspots


def station_scene(inputs: PlaceInputs, children: int = 4) -> None:
    """Coventry children found at Warwick station when missing, stopped there by transport police
    (recorded as station WRW at the platform's coordinates), and stopped by police outside."""
    for n in range(children):
        child = f"NOM{n}"
        add_child(inputs, child, "Coventry")
        found(inputs, f"MIS-{n}", child, days_ago(10 + n), "Warwick station, Warwick", WARWICK_STATION)
        inputs.persons.append(PersonRecord("transport", f"RC{n}", date(2010, 5, 1)))
        inputs.subjects[("police", child)] = f"S{n}"
        inputs.subjects[("transport", f"RC{n}")] = f"S{n}"
        rail(inputs, f"BTP-{n}", f"RC{n}", days_ago(20 + n, hour=14), "COV", "WRW", kind="transport_police")
    # Police record the forecourt, by another name, about 60 m from the platform coordinates.
    forecourt = (WARWICK_STATION[0] + 0.0005, WARWICK_STATION[1])
    incident(inputs, "INC-S", "NOM0", days_ago(100), "Station Approach, Warwick", "CV34 6ZZ", forecourt,
             "stop_and_search", "subject", "Misuse of Drugs Act s.23 search")  # fmt: skip


def test_a_station_where_children_are_found_and_stopped_again_and_again_is_a_hotspot(
    definition: HotspotDefinition,
) -> None:
    inputs = world()
    station_scene(inputs)
    hotspots = find_hotspots(context(inputs), definition)
    assert len(hotspots) == 1
    station = hotspots[0]
    assert station.label.casefold().startswith("warwick station")
    assert station.young_people == 4 and station.children == 4 and station.out_of_area == 4
    assert station.by_source == {"missing_found": 4, "police_incident": 1, "transport_police": 4}
    assert station.level in (Level.high, Level.medium) and station.flagged


def test_records_naming_the_place_differently_are_merged_but_a_park_across_town_is_not(
    definition: HotspotDefinition,
) -> None:
    inputs = world()
    station_scene(inputs)
    for n in range(3):
        found(inputs, f"MIS-P{n}", f"NOM{n}", days_ago(5 + n), "Riverside Park, Warwick", PARK)
    hotspots = sorted(find_hotspots(context(inputs), definition), key=lambda h: h.label)
    assert len(hotspots) == 2
    assert hotspots[0].label == "Riverside Park, Warwick"
    assert hotspots[1].label.startswith("Warwick station")
    assert hotspots[1].by_source["police_incident"] == 1  # the forecourt stop joined the station


def test_two_young_people_do_not_make_a_hotspot(definition: HotspotDefinition) -> None:
    inputs = world()
    for n in range(2):
        add_child(inputs, f"NOM{n}", "Coventry")
        for k in range(5):
            found(inputs, f"MIS-{n}-{k}", f"NOM{n}", days_ago(10 + k), "Riverside Park, Warwick", PARK)
    assert find_hotspots(context(inputs), definition) == []


def test_adults_over_25_are_not_counted(definition: HotspotDefinition) -> None:
    inputs = world()
    for n in range(3):
        add_child(inputs, f"ADULT{n}", "Coventry", born=date(1970, 1, 1))
        found(inputs, f"MIS-{n}", f"ADULT{n}", days_ago(10), "Riverside Park, Warwick", PARK)
    assert find_hotspots(context(inputs), definition) == []


def test_counts_over_time_show_the_last_90_days_against_the_90_before(definition: HotspotDefinition) -> None:
    inputs = world()
    for n in range(3):
        add_child(inputs, f"NOM{n}", "Warwick")
        found(inputs, f"MIS-A{n}", f"NOM{n}", days_ago(120), "Riverside Park, Warwick", PARK)
        found(inputs, f"MIS-B{n}", f"NOM{n}", days_ago(30), "Riverside Park, Warwick", PARK)
        found(inputs, f"MIS-C{n}", f"NOM{n}", days_ago(20), "Riverside Park, Warwick", PARK)
    (park,) = find_hotspots(context(inputs), definition)
    assert (park.recent, park.previous, park.trend()) == (6, 3, "rising")
    assert sum(park.months.values()) == 9
    assert park.out_of_area == 0  # Warwick children in a Warwick park


def test_young_people_linked_to_a_line_and_from_other_towns_weigh_more(definition: HotspotDefinition) -> None:
    local = world()
    hub = world()
    for inputs, home in ((local, "Warwick"), (hub, "Coventry")):
        for n in range(3):
            add_child(inputs, f"NOM{n}", home)
            found(inputs, f"MIS-{n}", f"NOM{n}", days_ago(10), "Riverside Park, Warwick", PARK)
    hub.line_people = [LinePerson("line-1", "+447700900001", "runner", "police", "NOM0")]
    (quiet,) = find_hotspots(context(local), definition)
    (linked,) = find_hotspots(context(hub), definition)
    assert linked.score > quiet.score
    assert linked.lines == ["line-1"] and linked.line_linked == 1

"""End to end on a real store (SQLite, and PostgreSQL when configured): read, analyse, write the
outputs, the flagged places screening reads, the map layers, and the service the API calls."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from linewatch.places.context import PlacesError
from linewatch.places.pipeline import run_places
from linewatch.places.service import (
    PlacesNotRun,
    corridor_list,
    cuckooing_item,
    cuckooing_list,
    flagged_places,
    geojson_layer,
    hotspot_item,
    peer_group_list,
    places_matching,
)
from tests.conftest import Store
from tests.places.store_scene import FLAT, POSTCODE, STATION, UPRN, write_scene

CONTRACT = [
    ("place_id", "string"), ("kind", "string"), ("uprn", "string"), ("postcode", "string"),
    ("latitude", "double"), ("longitude", "double"), ("radius_m", "double"), ("level", "string"),
    ("score", "double"), ("label", "string"), ("reasons", "string"),
]  # fmt: skip


def test_places_run_on_the_store_flags_the_cuckooed_flat_and_the_station(store: Store) -> None:
    write_scene(store)
    outcome = run_places(store.settings, store.engine)
    assert outcome.cuckooing and outcome.cuckooing[0].uprn == UPRN and outcome.cuckooing[0].flagged
    path = store.settings.analytics_dir / "places" / "flagged_places.parquet"
    table = pq.read_table(path)
    assert [(f.name, str(f.type)) for f in table.schema] == CONTRACT
    rows = {(r["kind"], r["uprn"] or r["label"]): r for r in table.to_pylist()}
    flat = rows[("cuckooing", UPRN)]
    assert flat["place_id"] == f"uprn-{UPRN}" and flat["postcode"] == POSTCODE and flat["radius_m"] == 30
    assert flat["reasons"].startswith("cuckooing risk: ")
    assert "learning" not in flat["reasons"]  # the tenant's vulnerability stays out of the shared file
    assert ("hotspot", "Warwick station, Warwick") in rows
    assert all(r["level"] in ("high", "medium") for r in rows.values())


def test_sightings_of_a_feed_that_never_committed_are_not_read(store: Store) -> None:
    write_scene(store)
    outcome = run_places(store.settings, store.engine)
    assert outcome.corridors is not None
    assert [(c.origin_town, c.destination_town) for c in outcome.corridors] == [("Coventry", "Warwick")]


def test_the_service_lists_reasons_and_evidence_records(store: Store) -> None:
    write_scene(store)
    run_places(store.settings, store.engine)
    (flat,) = cuckooing_list(store.settings)
    assert flat.action.startswith("Safeguard the tenant")
    assert all(r.schemas for r in flat.reasons if r.points > 0 and r.signal != "change_in_pattern")
    detail = cuckooing_item(store.settings, flat.place_id)
    assert detail is not None
    records = {(e.schema, e.agency, e.source_id) for e in detail.evidence}
    assert ("intelligence_log", "police", "INT1") in records
    assert ("asb_report", "housing", "ASB0") in records
    assert ("police_incident", "police", "INC1|NOM1") in records
    station = next(p for p in flagged_places(store.settings) if p.kind == "hotspot")
    hotspot = hotspot_item(store.settings, station.place_id)
    assert hotspot is not None and len(hotspot.evidence) == hotspot.events
    (route,) = corridor_list(store.settings)
    assert (route.origin_station, route.destination_station, route.stations[0]) == ("COV", "WRW", ("COV", "WRW", 4))
    assert peer_group_list(store.settings) == []  # two children at one incident are a pair, not a group
    assert cuckooing_item(store.settings, "uprn-none") is None


def test_a_sighting_at_the_flat_or_near_the_station_matches_a_flagged_place(store: Store) -> None:
    write_scene(store)
    run_places(store.settings, store.engine)
    flagged = flagged_places(store.settings)
    assert [p.kind for p in places_matching(flagged, uprn=UPRN)] == ["cuckooing"]
    assert [p.kind for p in places_matching(flagged, latitude=FLAT[0], longitude=FLAT[1])] == ["cuckooing"]
    near_station = places_matching(flagged, latitude=STATION[0] + 0.0002, longitude=STATION[1])
    assert [p.kind for p in near_station] == ["hotspot"]
    assert places_matching(flagged, latitude=STATION[0] + 0.01, longitude=STATION[1]) == []


def test_map_layers_are_geojson_with_longitude_first(store: Store) -> None:
    write_scene(store)
    outcome = run_places(store.settings, store.engine)
    assert set(outcome.layers) == {"cuckooing", "hotspots", "routes", "stations", "peer_groups"}
    cuckooing = json.loads(outcome.layers["cuckooing"].read_text(encoding="utf-8"))
    assert cuckooing["type"] == "FeatureCollection"
    feature = next(f for f in cuckooing["features"] if f["id"] == f"uprn-{UPRN}")
    assert feature["geometry"] == {"type": "Point", "coordinates": [FLAT[1], FLAT[0]]}
    assert all(not isinstance(v, list | dict) for v in feature["properties"].values())
    routes = geojson_layer(store.settings, "routes")
    assert routes["features"][0]["geometry"]["type"] == "LineString"
    assert routes["features"][0]["properties"]["origin_station"] == "COV"


def test_the_service_says_when_places_have_not_run(store: Store) -> None:
    with pytest.raises(PlacesNotRun, match="linewatch places run"):
        cuckooing_list(store.settings)


def test_an_empty_store_is_a_clear_error(store: Store) -> None:
    with pytest.raises(PlacesError, match="load agency feeds first"):
        run_places(store.settings, store.engine)

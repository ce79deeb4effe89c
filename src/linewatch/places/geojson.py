"""Map layers as GeoJSON (RFC 7946: WGS84, longitude first), one file per layer, built from the
places outputs so `linewatch places export` needs no recomputation. Properties are plain
strings and numbers (lists joined with "; ") so QGIS, ArcGIS and Leaflet read every column.

Layers: cuckooing (points), hotspots (points with a radius), routes (lines from origin to
destination, through their main stations), stations (points), peer_groups (the hotspots where a
group's members are seen, as multipoints).
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

LAYERS = ("cuckooing", "hotspots", "routes", "stations", "peer_groups")


class ExportError(Exception):
    """The outputs a layer is made from are missing; the message says which command makes them."""


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float):
        return round(value, 6)
    return value


def _properties(row: dict[str, Any], names: list[str]) -> dict[str, Any]:
    return {name: _value(row.get(name)) for name in names}


def _point(latitude: float | None, longitude: float | None) -> dict[str, Any] | None:
    if latitude is None or longitude is None:
        return None
    return {"type": "Point", "coordinates": [round(longitude, 6), round(latitude, 6)]}


def _rows(directory: Path, name: str) -> list[dict[str, Any]]:
    path = directory / f"{name}.parquet"
    if not path.exists():
        raise ExportError(f"{path} is missing: run `linewatch places run` first")
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    return rows


def cuckooing_layer(directory: Path) -> dict[str, Any]:
    names = ["place_id", "rank", "address", "town", "postcode", "uprn", "score", "level", "flagged", "status",
             "action", "reasons", "lines", "point_source", "first_signal", "last_signal"]  # fmt: skip
    features = [
        {"type": "Feature", "id": r["place_id"], "geometry": geometry, "properties": _properties(r, names)}
        for r in _rows(directory, "cuckooing")
        if r["level"] != "none" and (geometry := _point(r["latitude"], r["longitude"])) is not None
    ]
    return _collection("cuckooing", features)


def hotspots_layer(directory: Path) -> dict[str, Any]:
    names = ["hotspot_id", "rank", "label", "town", "uprn", "postcode", "radius_m", "score", "level", "flagged",
             "events", "young_people", "children", "out_of_area", "line_linked", "recent", "previous", "trend",
             "first_seen", "last_seen", "lines", "reasons"]  # fmt: skip
    features = [
        {"type": "Feature", "id": r["hotspot_id"], "geometry": geometry, "properties": _properties(r, names)}
        for r in _rows(directory, "hotspots")
        if (geometry := _point(r["latitude"], r["longitude"])) is not None
    ]
    return _collection("hotspots", features)


def routes_layer(directory: Path) -> dict[str, Any]:
    names = ["corridor_id", "rank", "origin_town", "destination_town", "origin_station", "destination_station",
             "distance_km", "score", "trips", "travellers", "outward", "inward", "lines", "children", "first_seen",
             "last_seen", "description", "reasons"]  # fmt: skip
    features = []
    for r in _rows(directory, "corridors"):
        ends = [(r["origin_longitude"], r["origin_latitude"]), (r["destination_longitude"], r["destination_latitude"])]
        if any(lon is None or lat is None for lon, lat in ends):
            continue
        geometry = {"type": "LineString", "coordinates": [[round(lon, 6), round(lat, 6)] for lon, lat in ends]}
        features.append(
            {"type": "Feature", "id": r["corridor_id"], "geometry": geometry, "properties": _properties(r, names)}
        )
    return _collection("routes", features)


def stations_layer(directory: Path) -> dict[str, Any]:
    features = [
        {
            "type": "Feature",
            "id": r["code"],
            "geometry": geometry,
            "properties": _properties(r, ["code", "name", "town"]),
        }
        for r in _rows(directory, "stations")
        if (geometry := _point(r["latitude"], r["longitude"])) is not None
    ]
    return _collection("stations", features)


def peer_groups_layer(directory: Path) -> dict[str, Any]:
    hotspots = {r["hotspot_id"]: r for r in _rows(directory, "hotspots")}
    names = ["group_id", "rank", "members", "children", "adults", "ties", "shared_incidents", "towns", "lines",
             "first_seen", "last_seen", "summary"]  # fmt: skip
    features = []
    for r in _rows(directory, "peer_groups"):
        points = [
            [round(h["longitude"], 6), round(h["latitude"], 6)]
            for place in r["places"] or []
            if (h := hotspots.get(place)) is not None and h["latitude"] is not None and h["longitude"] is not None
        ]
        if not points:
            continue
        features.append(
            {"type": "Feature", "id": r["group_id"], "geometry": {"type": "MultiPoint", "coordinates": points},
             "properties": _properties(r, names)}
        )  # fmt: skip
    return _collection("peer_groups", features)


BUILDERS = {
    "cuckooing": cuckooing_layer,
    "hotspots": hotspots_layer,
    "routes": routes_layer,
    "stations": stations_layer,
    "peer_groups": peer_groups_layer,
}


def layer(directory: Path, name: str) -> dict[str, Any]:
    if name not in BUILDERS:
        raise ExportError(f"no layer {name!r}: choose from {', '.join(LAYERS)}")
    return BUILDERS[name](directory)


def _collection(name: str, features: list[dict[str, Any]]) -> dict[str, Any]:
    # "name" is a foreign member (RFC 7946 s.6.1) that QGIS shows as the layer name.
    return {"type": "FeatureCollection", "name": name, "features": features}


def export_layers(directory: Path, out_dir: Path, names: tuple[str, ...] = LAYERS) -> dict[str, Path]:
    """Write each layer to `out_dir/<name>.geojson`; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name in names:
        data = layer(directory, name)
        path = out_dir / f"{name}.geojson"
        temp = path.with_suffix(".geojson.partial")
        temp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(temp, path)
        written[name] = path
    return written

"""Points on the map and the distances between them (WGS84 latitude and longitude, metres).

Distances are great-circle (haversine) on a sphere of the mean Earth radius: within a county the
error against the ellipsoid is well under 0.5%, far below the spread of recorded coordinates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        if not (-90.0 <= self.latitude <= 90.0 and -180.0 <= self.longitude <= 180.0):
            raise ValueError(f"({self.latitude}, {self.longitude}) is not a latitude and longitude")

    def as_geojson(self) -> list[float]:
        """GeoJSON order (RFC 7946): longitude first, six decimals (about 10 cm)."""
        return [round(self.longitude, 6), round(self.latitude, 6)]


def point_or_none(latitude: float | None, longitude: float | None) -> Point | None:
    """A point from two nullable coordinates; None when either is missing or out of range."""
    if latitude is None or longitude is None:
        return None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        return None
    if latitude == 0.0 and longitude == 0.0:  # "null island": an unset coordinate, not a place
        return None
    return Point(float(latitude), float(longitude))


def distance_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def centre(points: Iterable[Point]) -> Point | None:
    """The median latitude and longitude: one mistyped coordinate does not drag the place away."""
    listed = list(points)
    if not listed:
        return None
    return Point(_median([p.latitude for p in listed]), _median([p.longitude for p in listed]))


def spread_m(points: Iterable[Point], middle: Point) -> float:
    """The largest distance of any point from `middle` (the radius a place covers)."""
    return max((distance_m(p, middle) for p in points), default=0.0)


def nearest(point: Point, candidates: Iterable[tuple[T, Point]], within_m: float | None = None) -> T | None:
    """The candidate closest to `point` (ties: the first given), or None beyond `within_m`."""
    best: T | None = None
    best_distance = math.inf
    for item, where in candidates:
        d = distance_m(point, where)
        if d < best_distance:
            best, best_distance = item, d
    if within_m is not None and best_distance > within_m:
        return None
    return best


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


class GridIndex(Generic[T]):
    """Items on a grid of cells about `cell_m` metres across, to find those near a point without
    measuring the distance to every one."""

    def __init__(self, cell_m: float = 500.0):
        self.step = cell_m / 111_320.0  # degrees of latitude per cell
        self.cells: dict[tuple[int, int], list[tuple[T, Point]]] = {}

    def _key(self, point: Point) -> tuple[int, int]:
        # Longitude cells are widened by 1/cos(latitude) so cells stay about square.
        lon_step = self.step / max(math.cos(math.radians(point.latitude)), 0.1)
        return (math.floor(point.latitude / self.step), math.floor(point.longitude / lon_step))

    def add(self, item: T, point: Point) -> None:
        self.cells.setdefault(self._key(point), []).append((item, point))

    def within(self, point: Point, radius_m: float) -> list[tuple[T, float]]:
        """Items within `radius_m` of `point`, with their distances, nearest first."""
        reach = math.ceil(radius_m / (self.step * 111_320.0)) + 1
        row, column = self._key(point)
        found: list[tuple[T, float]] = []
        for dr in range(-reach, reach + 1):
            for dc in range(-reach, reach + 1):
                for item, where in self.cells.get((row + dr, column + dc), ()):
                    d = distance_m(point, where)
                    if d <= radius_m:
                        found.append((item, d))
        found.sort(key=lambda pair: pair[1])
        return found

"""The small reference tables shipped with the generator (towns, names, nicknames, streets).

Sources are cited in docs/synthetic.md. Tables are read once and cached.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("linewatch.synth").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@dataclass(frozen=True, slots=True)
class TownRow:
    town: str
    is_hub: bool
    latitude: float
    longitude: float
    population: int
    postcode_districts: tuple[str, ...]
    station: str
    station_crs: str
    station_latitude: float
    station_longitude: float
    local_authority: str
    la_number: int
    hospital: str
    spread_km: float


@cache
def towns() -> tuple[TownRow, ...]:
    """Hub first, then the market towns in file order."""
    rows = [
        TownRow(
            town=r["town"],
            is_hub=r["role"] == "hub",
            latitude=float(r["latitude"]),
            longitude=float(r["longitude"]),
            population=int(r["population"]),
            postcode_districts=tuple(r["postcode_districts"].split()),
            station=r["station"],
            station_crs=r["station_crs"],
            station_latitude=float(r["station_latitude"]),
            station_longitude=float(r["station_longitude"]),
            local_authority=r["local_authority"],
            la_number=int(r["la_number"]),
            hospital=r["hospital"],
            spread_km=float(r["spread_km"]),
        )
        for r in _rows("towns.csv")
    ]
    rows.sort(key=lambda t: not t.is_hub)
    return tuple(rows)


@cache
def forenames() -> dict[tuple[str, str, str], tuple[str, ...]]:
    """(name group, sex, era) -> names, most common first."""
    table: dict[tuple[str, str, str], list[str]] = {}
    for r in _rows("forenames.csv"):
        table.setdefault((r["group"], r["sex"], r["era"]), []).append(r["name"])
    return {key: tuple(names) for key, names in table.items()}


@cache
def surnames() -> dict[str, tuple[str, ...]]:
    """name group -> surnames, most common first."""
    table: dict[str, list[str]] = {}
    for r in _rows("surnames.csv"):
        table.setdefault(r["group"], []).append(r["name"])
    return {key: tuple(names) for key, names in table.items()}


@cache
def nicknames() -> dict[str, tuple[str, ...]]:
    """name -> the variants another agency may record instead (William -> Liam, Will, Billy)."""
    table: dict[str, list[str]] = {}
    for r in _rows("nicknames.csv"):
        table.setdefault(r["name"], []).append(r["variant"])
    return {key: tuple(names) for key, names in table.items()}


@cache
def street_stems() -> tuple[str, ...]:
    return tuple(r["stem"] for r in _rows("streets.csv"))

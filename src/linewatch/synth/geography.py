"""The county's geography: real towns (hub and market towns) with synthetic postcodes,
addresses with UPRNs, places that matter for contextual safeguarding, and mobile cell sites.

Towns, their coordinates, postcode districts and stations come from the shipped table
`data/towns.csv` (sources in docs/synthetic.md). Everything below the district is synthetic:
postcode inward parts, streets, house numbers, UPRNs, school and park names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from linewatch.synth import reference
from linewatch.synth.comms_spec import CellSite, Town
from linewatch.synth.reference import TownRow

# Letters allowed in the inward part of a postcode (Royal Mail never uses C, I, K, M, O, V there).
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
STREET_SUFFIXES = ("Road", "Street", "Avenue", "Close", "Lane", "Drive", "Way", "Crescent", "Grove")
ADDRESSES_PER_POSTCODE = 14
UPRN_BASE = 10_090_000_000
KM_PER_DEGREE_LATITUDE = 111.2


@dataclass(slots=True)
class Geography:
    towns: tuple[TownRow, ...]
    addresses: pd.DataFrame  # uprn, line1, town (index), postcode, latitude, longitude, property_type
    places: pd.DataFrame  # name, place_type, town, postcode, uprn, latitude, longitude, urn, estab
    cell_sites: tuple[CellSite, ...]

    @property
    def hub(self) -> int:
        return 0

    @property
    def market_towns(self) -> list[int]:
        return [i for i, town in enumerate(self.towns) if not town.is_hub]

    def comms_towns(self) -> tuple[Town, ...]:
        return tuple(Town(t.town, t.latitude, t.longitude, t.is_hub) for t in self.towns)

    def addresses_in(self, town: int) -> np.ndarray:
        return np.flatnonzero(self.addresses["town"].to_numpy() == town)

    def places_of(self, town: int, *place_types: str) -> np.ndarray:
        frame = self.places
        mask = (frame["town"].to_numpy() == town) & frame["place_type"].isin(place_types).to_numpy()
        return np.flatnonzero(mask)


def scatter(
    rng: np.random.Generator, latitude: float, longitude: float, spread_km: float, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Points around a centre, normally distributed with `spread_km` standard deviation."""
    north = rng.normal(0.0, spread_km, n)
    east = rng.normal(0.0, spread_km, n)
    lat = latitude + north / KM_PER_DEGREE_LATITUDE
    lon = longitude + east / (KM_PER_DEGREE_LATITUDE * math.cos(math.radians(latitude)))
    return np.round(lat, 6), np.round(lon, 6)


def _postcode_units(rng: np.random.Generator, town: TownRow, n_units: int) -> list[str]:
    """Distinct synthetic postcodes in the town's real districts (e.g. "CV31 2QD")."""
    units: list[str] = []
    districts = town.postcode_districts
    per_district = math.ceil(n_units / len(districts))
    for district in districts:
        combos = 9 * len(INWARD_LETTERS) ** 2
        chosen = rng.choice(combos, size=min(per_district, combos), replace=False)
        for code in chosen:
            sector, rest = divmod(int(code), len(INWARD_LETTERS) ** 2)
            first, second = divmod(rest, len(INWARD_LETTERS))
            units.append(f"{district} {sector + 1}{INWARD_LETTERS[first]}{INWARD_LETTERS[second]}")
    order = rng.permutation(len(units))[:n_units]
    return [units[i] for i in sorted(order)]


def _addresses(rng: np.random.Generator, towns: tuple[TownRow, ...], per_town: list[int]) -> pd.DataFrame:
    stems = reference.street_stems()
    frames = []
    for index, (town, wanted) in enumerate(zip(towns, per_town, strict=True)):
        n_units = max(3, math.ceil(wanted / ADDRESSES_PER_POSTCODE))
        postcodes = _postcode_units(rng, town, n_units)
        unit_lat, unit_lon = scatter(rng, town.latitude, town.longitude, town.spread_km, n_units)
        streets = [
            f"{stems[rng.integers(len(stems))]} {STREET_SUFFIXES[rng.integers(len(STREET_SUFFIXES))]}"
            for _ in range(n_units)
        ]
        unit = np.repeat(np.arange(n_units), ADDRESSES_PER_POSTCODE)
        number = np.tile(np.arange(1, ADDRESSES_PER_POSTCODE + 1), n_units) * 2 - (unit % 2)
        is_flat = rng.random(unit.size) < 0.22
        flat_number = rng.integers(1, 9, unit.size)
        line1 = [
            f"Flat {f}, {n} {streets[u]}" if flat else f"{n} {streets[u]}"
            for u, n, flat, f in zip(unit, number, is_flat, flat_number, strict=True)
        ]
        jitter_lat, jitter_lon = scatter(rng, 0.0, 0.0, 0.05, unit.size)
        frames.append(
            pd.DataFrame(
                {
                    "line1": line1,
                    "town": index,
                    "postcode": [postcodes[u] for u in unit],
                    "latitude": np.round(unit_lat[unit] + jitter_lat, 6),
                    "longitude": np.round(unit_lon[unit] + jitter_lon, 6),
                    "property_type": np.where(is_flat, "flat", "house"),
                }
            )
        )
    addresses = pd.concat(frames, ignore_index=True)
    addresses.insert(0, "uprn", UPRN_BASE + np.arange(len(addresses), dtype=np.int64) * 7)
    return addresses


_SCHOOL_KINDS = {
    "primary": ("Primary School", "Primary Academy", "C of E Primary School", "Junior School"),
    "secondary": ("Academy", "High School", "School", "Community College"),
}


def _places(rng: np.random.Generator, towns: tuple[TownRow, ...], addresses: pd.DataFrame) -> pd.DataFrame:
    stems = reference.street_stems()
    rows: list[dict[str, object]] = []
    used_names: set[str] = set()

    def add(
        town_index: int, name: str, place_type: str, phase: str = "", lat: float | None = None, lon: float | None = None
    ) -> None:
        town = towns[town_index]
        if lat is None or lon is None:
            lats, lons = scatter(rng, town.latitude, town.longitude, town.spread_km * 0.7, 1)
            lat, lon = float(lats[0]), float(lons[0])
        in_town = np.flatnonzero(addresses["town"].to_numpy() == town_index)
        near = in_town[rng.integers(in_town.size)]
        rows.append(
            {
                "name": name,
                "place_type": place_type,
                "phase": phase,
                "town": town_index,
                "postcode": addresses.at[near, "postcode"],
                "latitude": round(lat, 6),
                "longitude": round(lon, 6),
            }
        )

    def school_name(town: TownRow, kind: str) -> str:
        for _ in range(50):
            name = f"{stems[rng.integers(len(stems))]} {kind}"
            full = name if name not in used_names else f"{town.town} {name}"
            if full not in used_names:
                used_names.add(full)
                return full
        raise RuntimeError("ran out of school names")

    for index, town in enumerate(towns):
        n_primary = max(2, round(town.population / 4500))
        n_secondary = max(1, round(town.population / 16000))
        for _ in range(n_primary):
            add(index, school_name(town, _SCHOOL_KINDS["primary"][rng.integers(4)]), "school", "primary")
        for _ in range(n_secondary):
            add(index, school_name(town, _SCHOOL_KINDS["secondary"][rng.integers(4)]), "school", "secondary")
        if town.population >= 40_000:
            add(index, f"{town.town} College", "college", "post16")
        add(index, f"{town.station} station", "station", lat=town.station_latitude, lon=town.station_longitude)
        if town.is_hub or town.population >= 70_000:
            add(index, f"{town.town} Bus Station", "bus_station")
        for park in ("Memorial Park", "Recreation Ground", "War Memorial Park", "Riverside Park")[: 2 + index % 3]:
            add(index, f"{park}, {town.town}", "park")
        for hotel in ("Station Hotel", "Premier Lodge", "Travel Inn")[: 1 + (town.population >= 50_000) * 2]:
            add(index, f"{town.town} {hotel}", "hotel")
        for takeaway in ("Chicken Palace", "Kebab House", "Pizza Express Takeaway", "Fish Bar", "Golden Dragon")[
            : max(2, min(5, town.population // 20_000))
        ]:
            add(index, f"{takeaway}, {town.town}", "takeaway")
        add(index, f"{town.town} Shopping Centre", "shopping_centre")
        add(index, f"{town.town} Youth Centre", "youth_club")
        if town.is_hub or town.population >= 75_000:
            add(index, f"{town.town} Night Shelter", "hostel")
    # Settings for pupils out of mainstream school: the hub hosts a PRU, an alternative provision
    # and a special school; the second-largest town has its own PRU and special school.
    largest_market = max(range(1, len(towns)), key=lambda i: towns[i].population)
    add(0, f"{towns[0].town} Pupil Referral Unit", "pru", "secondary")
    add(0, f"{towns[0].town} Alternative Provision Academy", "alternative_provision", "secondary")
    add(0, f"{towns[0].town} Special School", "school", "special")
    add(largest_market, f"{towns[largest_market].town} Pupil Referral Unit", "pru", "secondary")
    add(largest_market, f"{towns[largest_market].town} Special School", "school", "special")

    places = pd.DataFrame(rows)
    places["urn"] = [str(140000 + 37 * i) for i in range(len(places))]
    places.loc[~places["place_type"].isin(["school", "pru", "alternative_provision", "college"]), "urn"] = ""
    # DfE establishment number (4 digits) used inside UPNs: 2xxx primary, 4xxx secondary, 7xxx special/PRU.
    base = {"primary": 2000, "secondary": 4000, "special": 7000, "post16": 8000}
    places["estab"] = [base.get(phase, 0) + i for i, phase in enumerate(places["phase"])]
    places["uprn"] = UPRN_BASE + 9_000_000_000 + np.arange(len(places), dtype=np.int64) * 11
    return places


def _cell_sites(rng: np.random.Generator, towns: tuple[TownRow, ...]) -> tuple[CellSite, ...]:
    sites: list[CellSite] = []
    for town in towns:
        count = int(np.clip(round(town.population / 12_000), 4, 28))
        lats, lons = scatter(rng, town.latitude, town.longitude, town.spread_km * 0.9, count)
        for k in range(count):
            sites.append(CellSite(f"{town.station_crs}{k + 1:03d}", town.town, float(lats[k]), float(lons[k])))
    return tuple(sites)


def build_geography(rng: np.random.Generator, addresses_per_town: list[int]) -> Geography:
    towns = reference.towns()
    addresses = _addresses(rng, towns, addresses_per_town)
    places = _places(rng, towns, addresses)
    return Geography(towns, addresses, places, _cell_sites(rng, towns))


def town_weights() -> np.ndarray:
    """Share of the county's households living in each town (by 2021 population)."""
    population = np.array([t.population for t in reference.towns()], dtype=float)
    return population / population.sum()

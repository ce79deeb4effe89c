"""Towns, postcode districts and stations, learnt from the records themselves.

No outside gazetteer is needed: housing's property list pairs postcodes with towns, operators'
cell-site lists and police records pair towns with coordinates, rail records pair station codes
with coordinates. From those the gazetteer answers "which town is this postcode, this location
text, this point, this station in?" and "where is the centre of this town?".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from linewatch.places.geo import Point, centre, distance_m, nearest, point_or_none
from linewatch.places.records import PlaceInputs

TOWN_RADIUS_M = 20_000.0  # a point further than this from every town centre is in no known town
STATION_TOWN_WITHIN_M = 3_000.0  # a station this close to a town's centre is that town's station


def postcode_district(postcode: str | None) -> str | None:
    """The outward code of a normalised postcode ("CV34 7PW" -> "CV34")."""
    if not postcode:
        return None
    outward = postcode.strip().upper().split(" ")[0]
    return outward or None


def trailing_town(text: str | None, towns: set[str]) -> str | None:
    """The known town a location text ends with ("Flat 2, 3 High St, Warwick" -> "Warwick")."""
    if not text:
        return None
    parts = [part.strip() for part in text.split(",") if part.strip()]
    for part in reversed(parts):
        if part in towns:
            return part
    return None


@dataclass(frozen=True, slots=True)
class Station:
    code: str  # CRS, e.g. "WRW"
    name: str
    point: Point | None
    town: str | None


@dataclass
class Gazetteer:
    towns: dict[str, Point] = field(default_factory=dict)  # town -> centre
    districts: dict[str, str] = field(default_factory=dict)  # postcode district -> town
    stations: dict[str, Station] = field(default_factory=dict)

    def town_names(self) -> set[str]:
        return set(self.towns) | set(self.districts.values())

    def town_of_point(self, point: Point | None) -> str | None:
        if point is None:
            return None
        return nearest(point, self.towns.items(), within_m=TOWN_RADIUS_M)

    def town_of(self, postcode: str | None = None, text: str | None = None, point: Point | None = None) -> str | None:
        """The town of a record: by its postcode district, else the town its location text ends
        with, else the town whose centre is nearest its coordinates."""
        district = postcode_district(postcode)
        if district and district in self.districts:
            return self.districts[district]
        named = trailing_town(text, self.town_names())
        if named:
            return named
        return self.town_of_point(point)

    def town_named_in(self, text: str | None) -> str | None:
        """A known town named anywhere in a text ("ANPR031 Warwick northern approach")."""
        if not text:
            return None
        padded = f" {text.casefold()} "
        for town in sorted(self.town_names(), key=lambda t: (-len(t), t)):
            if f" {town.casefold()} " in padded:
                return town
        return None

    def station_town(self, code: str | None) -> str | None:
        station = self.stations.get(code or "")
        return station.town if station else None


def build_gazetteer(inputs: PlaceInputs) -> Gazetteer:
    """Learn towns, districts and stations from every record that pairs them."""
    district_votes: dict[str, Counter[str]] = defaultdict(Counter)
    for address in inputs.addresses:
        district = postcode_district(address.postcode)
        if district and address.town:
            district_votes[district][address.town] += 1
    districts = {d: min(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0] for d, votes in district_votes.items()}
    known = set(districts.values()) | {cell.town for cell in inputs.cells if cell.town}
    for person in inputs.persons:  # people's addresses add districts housing does not hold
        district = postcode_district(person.postcode)
        town = trailing_town(person.address, known)
        if district and town and district not in districts:
            district_votes[district][town] += 1
    districts = {d: min(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0] for d, votes in district_votes.items()}
    known |= set(districts.values())

    located: dict[str, list[Point]] = defaultdict(list)
    for cell in inputs.cells:
        if cell.town:
            located[cell.town].append(Point(cell.latitude, cell.longitude))
    for incident in inputs.incidents:
        point = point_or_none(incident.latitude, incident.longitude)
        town = districts.get(postcode_district(incident.postcode) or "") or trailing_town(incident.location, known)
        if point and town:
            located[town].append(point)
    for episode in inputs.missing:
        point = point_or_none(episode.found_latitude, episode.found_longitude)
        town = districts.get(postcode_district(episode.found_postcode) or "") or trailing_town(
            episode.found_location, known
        )
        if point and town:
            located[town].append(point)
    towns = {town: point for town, points in sorted(located.items()) if (point := centre(points)) is not None}

    gazetteer = Gazetteer(towns=towns, districts=districts)
    gazetteer.stations = _stations(inputs, gazetteer)
    return gazetteer


def _stations(inputs: PlaceInputs, gazetteer: Gazetteer) -> dict[str, Station]:
    names: dict[str, Counter[str]] = defaultdict(Counter)
    points: dict[str, list[Point]] = defaultdict(list)
    codes: set[str] = set()
    for sighting in inputs.sightings:
        for code in (sighting.origin_station, sighting.destination_station):
            if code:
                codes.add(code)
        if not sighting.station_code:
            continue
        codes.add(sighting.station_code)
        if sighting.location:
            names[sighting.station_code][sighting.location] += 1
        point = point_or_none(sighting.latitude, sighting.longitude)
        if point:
            points[sighting.station_code].append(point)
    stations: dict[str, Station] = {}
    towns = gazetteer.town_names()
    for code in sorted(codes):
        name = min(names[code].items(), key=lambda kv: (-kv[1], kv[0]))[0] if names[code] else code
        point = centre(points[code])
        # A station's town: the known town its name starts with ("Lincoln Central"), else a known
        # town whose centre is close, else the station's own name (a town the records know only
        # by its station, as "Kenilworth" may be).
        town = next((t for t in sorted(towns, key=len, reverse=True) if name.startswith(t)), None)
        if town is None and point is not None:
            town = nearest(point, gazetteer.towns.items(), within_m=STATION_TOWN_WITHIN_M)
        if town is None and name != code:
            town = name
        stations[code] = Station(code, name, point, town)
    return stations


def town_distance_m(gazetteer: Gazetteer, a: str, b: str) -> float | None:
    """Distance between two town centres, when both are known."""
    if a in gazetteer.towns and b in gazetteer.towns:
        return distance_m(gazetteer.towns[a], gazetteer.towns[b])
    return None

"""The address book: every dwelling the records know (by UPRN where an agency has one), where it
is on the map, and which records happened there.

Agencies name an address in different ways: housing by UPRN, police by location text ("Flat 4,
11 Cross Crescent, Rugby") and postcode, a missing-person report by the UPRN where the child was
found. `AddressBook.match` turns any of these into one dwelling; texts are compared after the
same normalisation linkage uses for addresses ("St" = "Street", punctuation ignored).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from linewatch.linkage.entities import address_line_key
from linewatch.places.geo import Point, centre, point_or_none
from linewatch.places.records import PlaceInputs


@dataclass(frozen=True, slots=True)
class Dwelling:
    place_id: str  # "uprn-10090064771", or "addr-<hash>" for an address known only by its text
    uprn: str | None
    line1: str | None
    town: str | None
    postcode: str | None
    point: Point | None
    point_source: str  # recorded | records at the address | postcode centre | none

    def label(self) -> str:
        parts = [p for p in (self.line1, self.town, self.postcode) if p]
        return ", ".join(parts) if parts else (f"UPRN {self.uprn}" if self.uprn else self.place_id)


def text_key(line: str | None, postcode: str | None) -> str | None:
    if not line or not postcode:
        return None
    key = address_line_key(line)
    return f"{key}|{postcode.upper()}" if key else None


def _place_id(uprn: str | None, key: str) -> str:
    if uprn:
        return f"uprn-{uprn}"
    return "addr-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


@dataclass
class AddressBook:
    dwellings: dict[str, Dwelling] = field(default_factory=dict)
    by_uprn: dict[str, str] = field(default_factory=dict)
    by_text: dict[str, str] = field(default_factory=dict)
    by_postcode: dict[str, list[str]] = field(default_factory=dict)
    by_line_town: dict[tuple[str, str], str | None] = field(default_factory=dict)  # None: ambiguous

    def match(self, uprn: str | None = None, text: str | None = None, postcode: str | None = None) -> str | None:
        """The dwelling a record names: by UPRN, else by its location text and postcode (the text
        may carry the town and more after the first line: "Flat 4, 11 Cross Crescent, Rugby")."""
        if uprn and uprn in self.by_uprn:
            return self.by_uprn[uprn]
        if not text or not postcode:
            return None
        parts = [p.strip() for p in text.split(",") if p.strip()]
        for end in range(len(parts), 0, -1):
            key = text_key(", ".join(parts[:end]), postcode)
            if key and key in self.by_text:
                return self.by_text[key]
        return None

    def match_line_and_town(self, text: str | None) -> str | None:
        """The dwelling an address without a postcode names ("12 Castle St, Warwick"), when only
        one dwelling in that town has that first line."""
        parts = [p.strip() for p in (text or "").split(",") if p.strip()]
        if len(parts) < 2:
            return None
        return self.by_line_town.get((address_line_key(", ".join(parts[:-1])), parts[-1].casefold()))

    def at_postcode(self, postcode: str | None) -> list[str]:
        return self.by_postcode.get((postcode or "").upper(), [])


@dataclass
class _Draft:
    uprn: str | None
    line1: str | None = None
    town: str | None = None
    postcode: str | None = None
    recorded: list[Point] = field(default_factory=list)


def build_address_book(inputs: PlaceInputs) -> AddressBook:
    """Dwellings from housing's property list, tenancies and people's recorded UPRNs, placed by
    their own coordinates, else those of records at the address, else their postcode's centre."""
    drafts: dict[str, _Draft] = {}

    def draft_for(uprn: str) -> _Draft:
        return drafts.setdefault(uprn, _Draft(uprn))

    for address in inputs.addresses:
        if not address.uprn:
            continue
        draft = draft_for(address.uprn)
        draft.line1 = draft.line1 or address.line1
        draft.town = draft.town or address.town
        draft.postcode = draft.postcode or address.postcode
        point = point_or_none(address.latitude, address.longitude)
        if point:
            draft.recorded.append(point)
    for tenancy in inputs.tenancies:
        if tenancy.uprn:
            draft_for(tenancy.uprn)
    for person in inputs.persons:
        if person.uprn and person.uprn in drafts:
            draft = drafts[person.uprn]
            if not draft.line1 and person.address:
                draft.line1 = person.address.split(",")[0].strip()
            draft.postcode = draft.postcode or person.postcode

    book = AddressBook()
    for uprn, draft in sorted(drafts.items()):
        key = text_key(draft.line1, draft.postcode) or f"UPRN:{uprn}"
        place_id = _place_id(uprn, key)
        book.by_uprn[uprn] = place_id
        if text_key(draft.line1, draft.postcode):
            book.by_text.setdefault(key, place_id)
        if draft.postcode:
            book.by_postcode.setdefault(draft.postcode.upper(), []).append(place_id)
        if draft.line1 and draft.town:
            line_town = (address_line_key(draft.line1), draft.town.casefold())
            book.by_line_town[line_town] = None if line_town in book.by_line_town else place_id
        book.dwellings[place_id] = Dwelling(
            place_id, uprn, draft.line1, draft.town, draft.postcode, centre(draft.recorded), "recorded"
        )
    _place_on_map(book, inputs)
    return book


def _place_on_map(book: AddressBook, inputs: PlaceInputs) -> None:
    """Coordinates for dwellings that have none of their own."""
    at_dwelling: dict[str, list[Point]] = defaultdict(list)
    at_postcode: dict[str, list[Point]] = defaultdict(list)
    for incident in inputs.incidents:
        point = point_or_none(incident.latitude, incident.longitude)
        if point is None:
            continue
        if incident.postcode:
            at_postcode[incident.postcode.upper()].append(point)
        place = book.match(text=incident.location, postcode=incident.postcode)
        if place:
            at_dwelling[place].append(point)
    for episode in inputs.missing:
        point = point_or_none(episode.found_latitude, episode.found_longitude)
        if point is None:
            continue
        if episode.found_postcode:
            at_postcode[episode.found_postcode.upper()].append(point)
        place = book.match(episode.found_uprn, episode.found_location, episode.found_postcode)
        if place:
            at_dwelling[place].append(point)
    for place_id, dwelling in list(book.dwellings.items()):
        if dwelling.point is not None:
            continue
        point, source = centre(at_dwelling.get(place_id, [])), "records at the address"
        if point is None and dwelling.postcode:
            point, source = centre(at_postcode.get(dwelling.postcode.upper(), [])), "postcode centre"
        if point is None:
            source = "none"
        book.dwellings[place_id] = Dwelling(
            dwelling.place_id, dwelling.uprn, dwelling.line1, dwelling.town, dwelling.postcode, point, source
        )

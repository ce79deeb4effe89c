"""What every places analysis shares: the inputs, the gazetteer, the address book, the people,
and the moment the analysis is 'as of' (the newest record, unless given)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from linewatch.places.addresses import AddressBook, Dwelling, build_address_book
from linewatch.places.gazetteer import Gazetteer, build_gazetteer
from linewatch.places.people import People, build_people
from linewatch.places.records import PlaceInputs


class PlacesError(Exception):
    """The places analyses cannot run as asked; the message says what to do."""


@dataclass
class PlaceContext:
    inputs: PlaceInputs
    gazetteer: Gazetteer
    book: AddressBook
    people: People
    as_of: datetime
    history_start: datetime

    def town_of_dwelling(self, dwelling: Dwelling) -> str | None:
        return dwelling.town or self.gazetteer.town_of(dwelling.postcode, dwelling.line1, dwelling.point)

    def recent(self, when: datetime | None, days: int) -> bool:
        return when is not None and self.as_of - timedelta(days=days) < when <= self.as_of


def build_context(inputs: PlaceInputs, as_of: datetime | None = None) -> PlaceContext:
    latest = inputs.latest()
    if as_of is None and latest is None:
        raise PlacesError(
            "no dated records to analyse: load agency feeds first (`linewatch ingest` or `linewatch demo`)"
        )
    moment = as_of or latest
    assert moment is not None
    if as_of is not None:
        inputs = inputs.up_to(as_of)
    gazetteer = build_gazetteer(inputs)
    book = build_address_book(inputs)
    town_of_uprn = {
        dwelling.uprn: town
        for dwelling in book.dwellings.values()
        if dwelling.uprn and (town := dwelling.town or gazetteer.town_of(dwelling.postcode, None, dwelling.point))
    }
    people = build_people(inputs, gazetteer, town_of_uprn)
    starts: list[datetime] = []
    starts += [r.reported_at for r in inputs.asb_reports]
    starts += [r.occurred_at for r in inputs.incidents]
    starts += [r.reported_at for r in inputs.missing]
    starts += [r.recorded_at for r in inputs.intelligence]
    history_start = min(starts, default=moment)
    return PlaceContext(inputs, gazetteer, book, people, moment, min(history_start, moment))
